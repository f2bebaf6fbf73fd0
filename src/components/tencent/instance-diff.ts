// instance-diff.ts — what a change to a TencentInstance's inputs does (the provider's diff, loaded
// by name when it runs, like host-ops.ts; this module loads no SDK, so a preview stays light).
//
// Credential, endpoint and expiry changes update in place; any other input change REPLACES the
// host (image, instance type, zone, user-data — like DigitalOcean droplets — and also key, ports,
// CIDRs, bandwidth, disk, name, region, the lab's group or key pair; there is no in-place update
// of those). In a lab the key and rules belong to the lab network, which updates them in place,
// so they do not replace the host. An input added by a later berth compares as its default when
// the state predates it (appUdpPorts: none; securityGroupId, keyId, expiresAt: absent).
// `userDataBase64` is not compared: it is `userData`'s bytes (a lab host's outputs do not keep it).
import type { TencentInstanceInputs, TencentInstanceOutputs } from "./provider.js";

/** Inputs that shape the security group and key pair: in a lab, the lab network's business. */
export const NETWORK_KEYS = ["publicKey", "sshCidrs", "appPorts", "appUdpPorts", "appCidrs"] as const;
/** Inputs that change in place. */
export const UPDATE_KEYS = ["secretId", "secretKey", "endpoint", "expiresAt"] as const;

const REPLACE_KEYS = [
  "region", "zone", "imageId", "instanceType", "userData", "publicKey", "instanceName",
  "sshCidrs", "appPorts", "appUdpPorts", "appCidrs", "bandwidthOut", "systemDiskGb", "privatePorts", "privateCidrs",
] as const;
/** What an input absent from an older state stands for. */
const DEFAULTS: Partial<Record<keyof TencentInstanceInputs, unknown>> = { appUdpPorts: [], privatePorts: [], privateCidrs: [] };

export function diff(olds: TencentInstanceOutputs, news: TencentInstanceInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const value = (o: Partial<TencentInstanceInputs>, k: keyof TencentInstanceInputs) => JSON.stringify(o[k] ?? DEFAULTS[k] ?? null);
  const same = (k: keyof TencentInstanceInputs) => value(olds, k) === value(news, k);
  // The lab's group and key pair as the old state has them (outputs of a single host hold its own).
  const oldShared = olds.sharedNetwork ? { securityGroupId: olds.securityGroupId, keyId: olds.keyId } : {};
  const lab = olds.sharedNetwork === true && typeof news.securityGroupId === "string" && news.securityGroupId !== "";
  const network: readonly string[] = NETWORK_KEYS;
  const replaces: string[] = REPLACE_KEYS.filter((k) => !same(k) && !(lab && network.includes(k)));
  for (const k of ["securityGroupId", "keyId"] as const) if (value(oldShared, k) !== value(news, k)) replaces.push(k);
  const updates = [...UPDATE_KEYS, ...(lab ? NETWORK_KEYS : [])].filter((k) => !same(k));
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}
