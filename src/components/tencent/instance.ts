// instance.ts — create / read / delete one Tencent Cloud CVM host with its own key pair and
// security group, through the clients of client.ts.
//
//   const host = await createInstance(api, { name: "lab-07", zone: "ap-guangzhou-3", … });
//   await deleteInstance(api, host);   // terminate, then security group and key pair
//
// createInstance leaves nothing half-made: if any step fails it terminates what it started and
// deletes what it created, then rethrows the first error. Waits are bounded by api.poll.
import type { TencentApi } from "./client.js";
import { TencentApiError } from "./errors.js";
import { addPolicies, createSecurityGroup, importKey, releaseKey } from "./network.js";

export interface InstanceSpec {
  /** Instance name (≤ 60 chars); key pair and security group names derive from it. */
  name: string;
  zone: string;
  imageId: string;
  instanceType: string;
  /** Plain user-data text (cloud-config); sent base64-encoded. */
  userData: string;
  /** When set, what RunInstances gets instead: the base64 of gzip-compressed userData (cloud-init unpacks it). */
  userDataBase64?: string;
  /** OpenSSH public key line, imported as a key pair. */
  publicKey: string;
  sshCidrs: string[];
  appPorts: number[];
  appCidrs: string[];
  /** Outbound bandwidth cap in Mbps; a public IP is assigned when > 0. */
  bandwidthOut: number;
  systemDiskGb: number;
}

export interface InstanceIds {
  instanceId?: string;
  securityGroupId?: string;
  keyId?: string;
  /** false when the key pair was already in the account (same public key) and is only reused. */
  keyOwned?: boolean;
}

export interface InstanceInfo {
  instanceId: string;
  state: string;
  publicIp: string | undefined;
  privateIp: string | undefined;
  zone: string;
  imageId: string;
  instanceType: string;
  securityGroupIds: string[];
  keyIds: string[];
}

export interface CreatedInstance extends InstanceInfo {
  securityGroupId: string;
  keyId: string;
  keyOwned: boolean;
}

export const codeOf = (e: unknown) => (e instanceof TencentApiError ? e.code : "");
export const wait = (api: TencentApi) => new Promise((resolve) => setTimeout(resolve, api.poll.intervalMs));

function suffix(): string {
  return Math.random().toString(16).slice(2, 8).padEnd(6, "0");
}

export async function readInstance(api: TencentApi, instanceId: string): Promise<InstanceInfo | undefined> {
  const out = await api.call("DescribeInstances", () => api.cvm.DescribeInstances({ InstanceIds: [instanceId] }));
  const i = out.InstanceSet?.find((x) => x.InstanceId === instanceId);
  if (!i) return undefined;
  return {
    instanceId,
    state: i.InstanceState ?? "UNKNOWN",
    publicIp: i.PublicIpAddresses?.[0],
    privateIp: i.PrivateIpAddresses?.[0],
    zone: i.Placement?.Zone ?? "",
    imageId: i.ImageId ?? "",
    instanceType: i.InstanceType ?? "",
    securityGroupIds: i.SecurityGroupIds ?? [],
    keyIds: i.LoginSettings?.KeyIds ?? [],
  };
}

async function waitRunning(api: TencentApi, instanceId: string, wantIp: boolean): Promise<InstanceInfo> {
  let last: InstanceInfo | undefined;
  for (let n = 0; n < api.poll.maxPolls; n++) {
    last = await readInstance(api, instanceId);
    if (last?.state === "LAUNCH_FAILED") throw new Error(`Tencent Cloud instance ${instanceId} failed to launch (LAUNCH_FAILED).`);
    if (last?.state === "RUNNING" && (!wantIp || last.publicIp)) return last;
    await wait(api);
  }
  throw new Error(
    `Tencent Cloud instance ${instanceId} was not RUNNING${wantIp ? " with a public IP" : ""} after ${api.poll.maxPolls} polls ` +
      `(last state ${last?.state ?? "not listed"}).`,
  );
}

export async function createInstance(api: TencentApi, spec: InstanceSpec): Promise<CreatedInstance> {
  const tag = suffix();
  const made: InstanceIds = {};
  try {
    const key = await importKey(api, spec, tag);
    Object.assign(made, key);
    const securityGroupId = await createSecurityGroup(api, spec, tag);
    made.securityGroupId = securityGroupId;
    await addPolicies(api, spec, securityGroupId);
    const clientToken = `berth-${tag}-${Date.now()}`; // ASCII, ≤ 64; the same token on every retry keeps RunInstances idempotent
    const run = await api.call("RunInstances", () =>
      api.cvm.RunInstances({
        ClientToken: clientToken,
        InstanceChargeType: "POSTPAID_BY_HOUR",
        Placement: { Zone: spec.zone, ProjectId: 0 },
        ImageId: spec.imageId,
        InstanceType: spec.instanceType,
        InstanceName: spec.name,
        SystemDisk: { DiskType: "CLOUD_PREMIUM", DiskSize: spec.systemDiskGb },
        InternetAccessible: { InternetChargeType: "TRAFFIC_POSTPAID_BY_HOUR", InternetMaxBandwidthOut: spec.bandwidthOut, PublicIpAssigned: spec.bandwidthOut > 0 },
        LoginSettings: { KeyIds: [key.keyId] },
        SecurityGroupIds: [securityGroupId],
        UserData: spec.userDataBase64 ?? Buffer.from(spec.userData, "utf8").toString("base64"),
        InstanceCount: 1,
      }),
    );
    made.instanceId = run.InstanceIdSet?.[0];
    if (!made.instanceId) throw new Error("Tencent Cloud RunInstances returned no instance ID.");
    const info = await waitRunning(api, made.instanceId, spec.bandwidthOut > 0);
    return { ...info, securityGroupId, ...key };
  } catch (e) {
    try {
      await deleteInstance(api, made);
    } catch (cleanup) {
      if (e instanceof Error) e.message += ` Cleanup of ${JSON.stringify(made)} also failed: ${(cleanup as Error).message}`;
    }
    throw e;
  }
}

/** Retries `step` while it fails with one of `busy` (bounded by api.poll); `gone` codes count as done. */
export async function settle(api: TencentApi, step: () => Promise<unknown>, busy: string[], gone: string[]): Promise<void> {
  for (let n = 1; ; n++) {
    try {
      await step();
      return;
    } catch (e) {
      if (gone.includes(codeOf(e))) return;
      if (!busy.includes(codeOf(e)) || n >= api.poll.maxPolls) throw e;
      await wait(api);
    }
  }
}

/** Terminates the instance and waits until it is gone, then deletes security group and owned key pair. */
export async function deleteInstance(api: TencentApi, ids: InstanceIds): Promise<void> {
  const { instanceId, securityGroupId, keyId } = ids;
  if (instanceId) {
    await settle(
      api,
      () => api.call("TerminateInstances", () => api.cvm.TerminateInstances({ InstanceIds: [instanceId] })),
      ["UnsupportedOperation.InstanceStatePending", "OperationDenied.InstanceOperationInProgress"],
      ["InvalidInstanceId.NotFound", "UnsupportedOperation.InstanceStateTerminating", "UnsupportedOperation.InstanceStateTerminated"],
    );
    let n = 0;
    while (await readInstance(api, instanceId)) {
      if (++n >= api.poll.maxPolls) throw new Error(`Tencent Cloud instance ${instanceId} was still listed after ${n} polls following TerminateInstances.`);
      await wait(api);
    }
  }
  if (securityGroupId)
    await settle(api, () => api.call("DeleteSecurityGroup", () => api.vpc.request("DeleteSecurityGroup", { SecurityGroupId: securityGroupId })),
      ["ResourceInUse"], ["ResourceNotFound", "InvalidSecurityGroupID.NotFound"]);
  if (keyId) await releaseKey(api, keyId, ids.keyOwned !== false);
}
