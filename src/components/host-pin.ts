/**
 * Which SSH host key berth's dynamic providers trust when they connect: the stack's pin
 * (`berth:host.hostKeyFingerprint`, or the local VM's own key), else the key berth saw when it
 * first connected and recorded in the Pulumi state, else trust on first use (known_hosts).
 *
 * The state travels with the stack (file backend, S3, Pulumi Cloud), so a new CI runner, whose
 * known_hosts is empty, still refuses a host whose key changed since berth first reached it.
 * These functions are pure: the serialized providers carry them.
 */

export interface HostPin {
  fingerprint: string;
  /** Where the fingerprint comes from: the stack's inputs, the state, or nowhere (first use). */
  source: "stack" | "state" | "first-use";
}

export function hostPin(fromStack: string, recorded: string | undefined): HostPin {
  if (fromStack) return { fingerprint: fromStack, source: "stack" };
  if (recorded) return { fingerprint: recorded, source: "state" };
  return { fingerprint: "", source: "first-use" };
}

/**
 * A refused connection to a host whose key no longer matches the one recorded in the state, as
 * the user should read it; undefined for any other error (left as it is).
 */
export function pinRefusal(e: unknown, where: string, pin: HostPin, seen: string | undefined): Error | undefined {
  if (pin.source !== "state" || (e as { name?: unknown })?.name !== "HostKeyError" || !seen) return undefined;
  return new Error(
    `${where}: the SSH host key is now ${seen}, but berth recorded ${pin.fingerprint} in the Pulumi state when it first connected — ` +
      `refusing to connect (something may be intercepting the connection). If you rebuilt this server yourself, pin its new key: ` +
      `pulumi config set --path berth:host.hostKeyFingerprint ${seen}`,
  );
}
