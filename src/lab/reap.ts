/**
 * Whether a stack's lab has expired, from its outputs (`lab.expiresAt`): `berth lab reap` and
 * `berth ci reap` destroy a stack only when this says so. A stack without outputs holds nothing
 * (never up, or destroyed already); one without a `lab` output is not a lab.
 */
/**
 * The stack tag a reap leaves (the lab's expiry as its value). A destroyed stack has no outputs,
 * so a lab whose expiry is a duration would start anew on the next `up` (berth-up.yml runs one on
 * every push); `berth ci up` and `preview` skip a stack with this tag instead. Tags live in the
 * backend and survive destroy.
 */
export const REAPED_TAG = "berth:lab-reaped";

export function reapedMessage(stack: string, expiresAt: string): string {
  return `the lab of stack ${stack} ended at ${expiresAt} and was reaped, so it is not created again — now the course is over, delete stacks/Pulumi.${stack}.yaml; to run the lab once more, set a later berth:lab.expires and remove the tag: pulumi stack tag rm ${REAPED_TAG} --stack ${stack}`;
}

export type ReapDecision =
  | { readonly action: "destroy"; readonly lab: string; readonly expiresAt: string; readonly message: string }
  | { readonly action: "none"; readonly why: "not-expired" | "empty" | "not-a-lab"; readonly message: string };

export function reapDecision(stack: string, outputs: Record<string, unknown>, now: Date): ReapDecision {
  if (Object.keys(outputs).length === 0) return { action: "none", why: "empty", message: `stack ${stack} has no outputs: nothing of it is up (never created, or destroyed already) — nothing to reap` };
  const lab = outputs.lab as { name?: unknown; expiresAt?: unknown } | undefined;
  if (!lab || typeof lab.expiresAt !== "string" || Number.isNaN(Date.parse(lab.expiresAt)))
    return { action: "none", why: "not-a-lab", message: `stack ${stack} is not a lab (no lab.expiresAt output) — berth lab reap destroys only labs` };
  const name = typeof lab.name === "string" ? lab.name : stack;
  const at = new Date(lab.expiresAt);
  const utc = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (at.getTime() > now.getTime()) {
    const hours = Math.ceil((at.getTime() - now.getTime()) / 3600_000);
    return { action: "none", why: "not-expired", message: `lab ${name} (stack ${stack}) expires at ${utc}, in ${hours} h — nothing to reap yet` };
  }
  return { action: "destroy", lab: name, expiresAt: lab.expiresAt, message: `lab ${name} (stack ${stack}) expired at ${utc} — destroying it` };
}
