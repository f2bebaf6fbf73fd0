/**
 * Health checks run from the host itself, so a firewall in front of it does not matter. The
 * HTTP check is a loop on the host (scripts.ts, http_check) that ends the release's bookkeeping
 * in the same exec when it passes; the others are polled from here.
 */
import type { ExecResult } from "./executor.js";
import { docker } from "./commands.js";
import type { HealthCheck } from "./plan.js";
import type { Session } from "./session.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HealthResult {
  readonly ok: boolean;
  /** What was checked and what came back, for the error message. */
  readonly detail: string;
}

export type HttpCheck = Extract<HealthCheck, { type: "http" }>;

export const checkUrl = (check: HttpCheck) => `http://127.0.0.1:${check.port}${check.path}`;

/**
 * The verdict of the host-side HTTP check from its exit: 0 passed, 3 the container stopped
 * (`state=…`), 4 it never answered as wanted (`code=…`); undefined for any other exit, which is
 * not the check's.
 */
export function httpOutcome(check: HttpCheck, container: string, r: ExecResult): HealthResult | undefined {
  const url = checkUrl(check);
  const said = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(r.stdout)?.[1] ?? "?";
  if (r.code === 0) return { ok: true, detail: `GET ${url} answered ${check.status}` };
  if (r.code === 3) return { ok: false, detail: `GET ${url} (want ${check.status}): container ${container} is ${said("state")}` };
  if (r.code === 4) return { ok: false, detail: `GET ${url} answered ${said("code")}, want ${check.status} (gave up after ${check.timeoutSeconds} s)` };
  return undefined;
}

export async function checkHealth(s: Session, container: string, check: Exclude<HealthCheck, HttpCheck>): Promise<HealthResult> {
  switch (check.type) {
    case "none":
      return { ok: true, detail: "no health check" };
    case "running": {
      await sleep(check.seconds * 1000);
      const r = await s.try(docker.health(container));
      const state = r.stdout.trim().split(" ")[1] ?? "missing";
      return { ok: state === "running", detail: `container ${container} is ${state} after ${check.seconds} s` };
    }
    case "image":
      return poll(check.timeoutSeconds, async () => {
        const [health = "missing", state = "missing"] = (await s.try(docker.health(container))).stdout.trim().split(" ");
        if (health === "none") return { done: true, ok: false, detail: `image of ${container} has no HEALTHCHECK` };
        if (state !== "running") return { done: true, ok: false, detail: `container ${container} is ${state}` };
        return { done: health !== "starting", ok: health === "healthy", detail: `HEALTHCHECK of ${container} is ${health}` };
      });
  }
}

/** Probe until done: every 50 ms at first (most apps answer within a second), then every 500 ms. */
async function poll(timeoutSeconds: number, probe: () => Promise<{ done: boolean; ok: boolean; detail: string }>): Promise<HealthResult> {
  const start = Date.now();
  const deadline = start + timeoutSeconds * 1000;
  let last = { done: false, ok: false, detail: "not checked" };
  while (Date.now() < deadline) {
    last = await probe();
    if (last.done) return { ok: last.ok, detail: last.detail };
    await sleep(Date.now() - start < 3000 ? 50 : 500);
  }
  return { ok: false, detail: `${last.detail} (gave up after ${timeoutSeconds} s)` };
}
