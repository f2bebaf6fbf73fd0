// instance.ts — create / read one Tencent Cloud CVM host, through the clients of client.ts
// (deleteInstance is in teardown.ts). A single host gets its own key pair and security group; a
// lab host is given the lab's shared ones (lab-network.ts) and never creates or deletes them.
//
//   const host = await createInstance(api, { name: "lab-07", zone: "ap-guangzhou-3", … });
//   await deleteInstance(api, host);   // terminate, then (single host) security group and key pair
//
// createInstance first checks what Tencent documents and would refuse (an OpenSSH RSA key, a name
// of at most 60 bytes, an expiry at least 5 minutes ahead) before any call; it leaves nothing
// half-made: if any step fails it terminates what it started and deletes what it created, then
// rethrows the first error. Waits are bounded by api.poll and read on the shared poller (batch.ts).
import type { TencentApi } from "./client.js";
import { type InstanceIds, type InstanceInfo, pollInstance, readInstance } from "./describe.js";
import { actionTimer, expiryProblem } from "./expiry.js";
import { importKey, rsaKeyProblem } from "./keys.js";
import { addPolicies, createSecurityGroup } from "./network.js";
import { deleteInstance } from "./teardown.js";

export { codeOf, pollInstance, readInstance, wait, type InstanceIds, type InstanceInfo } from "./describe.js";

/** InvalidInstanceName.TooLong: at most 60 bytes (UTF-8), per Tencent's CVM error codes. */
export const INSTANCE_NAME_BYTES = 60;

export interface InstanceSpec {
  /** Instance name (≤ 60 bytes); key pair and security group names derive from it. */
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
  /** App ports opened for TCP and for UDP. */
  appPorts: number[];
  appUdpPorts: number[];
  appCidrs: string[];
  /** TCP ports open only to privateCidrs (a cache host's port 80 to the VPC). */
  privatePorts?: number[];
  privateCidrs?: string[];
  /** Outbound bandwidth cap in Mbps; a public IP is assigned when > 0. */
  bandwidthOut: number;
  systemDiskGb: number;
  /** A lab's shared security group and key pair: used as they are, never created or deleted here. */
  shared?: { securityGroupId: string; keyId: string };
  /** ISO-8601 UTC: Tencent terminates the instance then (RunInstances' ActionTimer). */
  expiresAt?: string;
}

/** What RunInstances and InquiryPriceRunInstances share: the instance as Tencent prices and makes it. */
export function instanceRequest(spec: Pick<InstanceSpec, "zone" | "imageId" | "instanceType" | "systemDiskGb" | "bandwidthOut">) {
  return {
    InstanceChargeType: "POSTPAID_BY_HOUR",
    Placement: { Zone: spec.zone, ProjectId: 0 },
    ImageId: spec.imageId,
    InstanceType: spec.instanceType,
    SystemDisk: { DiskType: "CLOUD_PREMIUM", DiskSize: spec.systemDiskGb },
    InternetAccessible: { InternetChargeType: "TRAFFIC_POSTPAID_BY_HOUR", InternetMaxBandwidthOut: spec.bandwidthOut, PublicIpAssigned: spec.bandwidthOut > 0 },
    InstanceCount: 1,
  };
}

export interface CreatedInstance extends InstanceInfo {
  securityGroupId: string;
  keyId: string;
  keyOwned: boolean;
}

function suffix(): string {
  return Math.random().toString(16).slice(2, 8).padEnd(6, "0");
}

async function waitRunning(api: TencentApi, instanceId: string, name: string, wantIp: boolean): Promise<InstanceInfo> {
  let last: InstanceInfo | undefined;
  for (let n = 0; n < api.poll.maxPolls; n++) {
    last = n === 0 ? await readInstance(api, instanceId) : await pollInstance(api, instanceId);
    if (last?.state === "LAUNCH_FAILED") throw new Error(`Tencent Cloud instance ${instanceId} (${name}) failed to launch (LAUNCH_FAILED).`);
    if (last?.state === "RUNNING" && (!wantIp || last.publicIp)) return last;
  }
  throw new Error(
    `Tencent Cloud instance ${instanceId} (${name}) was not RUNNING${wantIp ? " with a public IP" : ""} after ${api.poll.maxPolls} polls ` +
      `(last state ${last?.state ?? "not listed"}).`,
  );
}

/** What Tencent Cloud would refuse in this spec, said before any call; undefined when none. */
export function specProblem(spec: Pick<InstanceSpec, "name" | "publicKey" | "shared" | "expiresAt">, now = new Date()): string | undefined {
  const bytes = Buffer.byteLength(spec.name, "utf8");
  if (bytes > INSTANCE_NAME_BYTES)
    return `berth:host.name: Tencent Cloud instance names are at most ${INSTANCE_NAME_BYTES} bytes, and "${spec.name}" is ${bytes} — choose a shorter name (without host.name, the stack name is used).`;
  if (spec.expiresAt !== undefined) {
    const problem = expiryProblem(spec.expiresAt, now);
    if (problem) return `${spec.name}: ${problem}`;
  }
  // A lab host logs in with the lab's key pair, imported (and checked) once by the lab network.
  return spec.shared ? undefined : rsaKeyProblem(spec.publicKey);
}

export async function createInstance(api: TencentApi, spec: InstanceSpec): Promise<CreatedInstance> {
  const problem = specProblem(spec);
  if (problem) throw new Error(problem);
  const tag = suffix();
  const made: InstanceIds = {};
  try {
    let keyId: string, keyOwned: boolean, securityGroupId: string;
    if (spec.shared) {
      ({ keyId, securityGroupId } = spec.shared);
      keyOwned = false;
    } else {
      ({ keyId, keyOwned } = await importKey(api, spec.name, spec.publicKey, tag));
      Object.assign(made, { keyId, keyOwned });
      securityGroupId = await createSecurityGroup(api, spec, tag);
      made.securityGroupId = securityGroupId;
      await addPolicies(api, spec, securityGroupId);
    }
    const clientToken = `berth-${tag}-${Date.now()}`; // ASCII, ≤ 64; the same token on every retry keeps RunInstances idempotent
    const run = await api.call("RunInstances", () =>
      api.cvm.RunInstances({
        ...instanceRequest(spec),
        ClientToken: clientToken,
        InstanceName: spec.name,
        LoginSettings: { KeyIds: [keyId] },
        SecurityGroupIds: [securityGroupId],
        UserData: spec.userDataBase64 ?? Buffer.from(spec.userData, "utf8").toString("base64"),
        ...(spec.expiresAt !== undefined ? { ActionTimer: actionTimer(spec.expiresAt) } : {}),
      }),
    );
    made.instanceId = run.InstanceIdSet?.[0];
    if (!made.instanceId) throw new Error(`Tencent Cloud RunInstances returned no instance ID for ${spec.name}.`);
    const info = await waitRunning(api, made.instanceId, spec.name, spec.bandwidthOut > 0);
    return { ...info, securityGroupId, keyId, keyOwned };
  } catch (e) {
    try {
      await deleteInstance(api, made);
    } catch (cleanup) {
      if (e instanceof Error) e.message += ` Cleanup of ${JSON.stringify(made)} also failed: ${(cleanup as Error).message}`;
    }
    throw e;
  }
}
