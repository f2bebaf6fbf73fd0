/**
 * The catalogue of known failures, in one list: the bootstrap's status and log, deploy's and
 * `pulumi up`'s errors and `berth doctor` all read it. Pure data (see ./types.ts).
 */
import { DAEMON_ENTRIES } from "./catalog/daemon.js";
import { DOCKER_ENTRIES } from "./catalog/docker.js";
import { HOST_ENTRIES } from "./catalog/host.js";
import { MACHINE_ENTRIES } from "./catalog/machine.js";
import { MIRROR_ENTRIES } from "./catalog/mirrors.js";
import { SYSTEM_ENTRIES } from "./catalog/system.js";
import { TRUST_ENTRIES } from "./catalog/trust.js";
import type { Entry } from "./types.js";

export const CATALOG: readonly Entry[] = [...MIRROR_ENTRIES, ...TRUST_ENTRIES, ...SYSTEM_ENTRIES, ...DAEMON_ENTRIES, ...DOCKER_ENTRIES, ...HOST_ENTRIES, ...MACHINE_ENTRIES];

const BY_ID = new Map(CATALOG.map((e) => [e.id, e]));

export function catalogEntry(id: string): Entry {
  const e = BY_ID.get(id);
  if (!e) throw new Error(`no catalogue entry "${id}"`);
  return e;
}
