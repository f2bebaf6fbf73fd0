// host-ops.ts — what the TencentInstance provider's methods do, loaded when they run (provider.ts
// requires this module by name, see runtime-require.ts). Everything here runs in the one provider
// process of a `pulumi up`, so the rate limits and batches of client.ts are shared by every host.
import { userDataSha1 } from "../lab-bootstrap.js";
import { encodeUserData, fromParts, type UserDataParts } from "../lab-user-data.js";
import { resolveCredentials, tencentApi, type TencentApi } from "./client.js";
import { rescheduleExpiry } from "./expiry.js";
import { createInstance, readInstance } from "./instance.js";
import { NETWORK_KEYS, UPDATE_KEYS } from "./instance-diff.js";
import type { TencentInstanceInputs, TencentInstanceOutputs } from "./provider.js";
import { deleteInstance } from "./teardown.js";

export function apiFor(props: { region: string; secretId?: string; secretKey?: string; endpoint?: string }): TencentApi {
  const credentials = resolveCredentials({ secretId: props.secretId, secretKey: props.secretKey });
  return tencentApi({ ...credentials, region: props.region, ...(props.endpoint ? { endpoint: props.endpoint } : {}) });
}

/** A lab host: the lab network's security group and key pair are given. */
export function isLabHost(p: Pick<TencentInstanceInputs, "securityGroupId" | "keyId">): boolean {
  return typeof p.securityGroupId === "string" && p.securityGroupId !== "" && typeof p.keyId === "string" && p.keyId !== "";
}

/**
 * The bytes RunInstances gets for a host given its user-data as parts: the text rebuilt with this
 * checkout's bootstrap script, checked against the SHA-1 the program recorded in `userData`.
 */
export function partsBase64(inputs: TencentInstanceInputs & { userDataParts: UserDataParts }): string {
  const text = fromParts(inputs.userDataParts);
  const sha1 = userDataSha1(text);
  if (sha1 !== inputs.userData)
    throw new Error(
      `TencentInstance ${inputs.instanceName}: the user-data rebuilt from its inputs and this checkout's bootstrap script (SHA-1 ${sha1}) is not the one the program rendered (SHA-1 ${inputs.userData}) — run pulumi from one berth checkout, after npm ci`,
    );
  return encodeUserData(text, "tencentcloud").userDataBase64;
}

export async function create(inputs: TencentInstanceInputs): Promise<{ id: string; outs: TencentInstanceOutputs }> {
  const lab = isLabHost(inputs);
  const { userDataBase64: _sent, userDataParts, ...kept } = inputs;
  const bytes = userDataParts ? partsBase64({ ...inputs, userDataParts }) : inputs.userDataBase64;
  const host = await createInstance(apiFor(inputs), {
    name: inputs.instanceName, zone: inputs.zone, imageId: inputs.imageId, instanceType: inputs.instanceType,
    userData: inputs.userData, ...(bytes ? { userDataBase64: bytes } : {}),
    publicKey: inputs.publicKey, sshCidrs: inputs.sshCidrs, appPorts: inputs.appPorts,
    appUdpPorts: inputs.appUdpPorts ?? [], appCidrs: inputs.appCidrs, bandwidthOut: inputs.bandwidthOut, systemDiskGb: inputs.systemDiskGb,
    privatePorts: inputs.privatePorts ?? [], privateCidrs: inputs.privateCidrs ?? [],
    ...(lab ? { shared: { securityGroupId: inputs.securityGroupId!, keyId: inputs.keyId! } } : {}),
    ...(inputs.expiresAt !== undefined ? { expiresAt: inputs.expiresAt } : {}),
  });
  // A lab host's outputs keep its userData (the lab gives a digest there), not what it was sent: nothing after create needs that.
  return {
    id: host.instanceId,
    outs: {
      ...(lab ? kept : inputs), instanceId: host.instanceId, publicIp: host.publicIp ?? "", privateIp: host.privateIp ?? "",
      securityGroupId: host.securityGroupId, keyId: host.keyId, keyOwned: host.keyOwned, state: host.state,
      ...(lab ? { sharedNetwork: true } : {}),
    },
  };
}

export async function read(id: string, props: TencentInstanceOutputs): Promise<{ id: string; props: TencentInstanceOutputs }> {
  const info = await readInstance(apiFor(props), id);
  if (!info) return { id: "", props: {} as TencentInstanceOutputs }; // gone: Pulumi drops it from the state
  return {
    id,
    props: {
      ...props, instanceId: id, publicIp: info.publicIp ?? "", privateIp: info.privateIp ?? "", state: info.state,
      zone: info.zone, imageId: info.imageId, instanceType: info.instanceType,
    },
  };
}

/** Credentials, endpoint and expiry change in place; in a lab, so do the network inputs (the lab network applies them). */
export async function update(id: string, olds: TencentInstanceOutputs, news: TencentInstanceInputs): Promise<{ outs: TencentInstanceOutputs }> {
  const outs: TencentInstanceOutputs = { ...olds };
  const keys: readonly (keyof TencentInstanceInputs)[] = olds.sharedNetwork ? [...UPDATE_KEYS, ...NETWORK_KEYS] : UPDATE_KEYS;
  if ((olds.expiresAt ?? null) !== (news.expiresAt ?? null)) await rescheduleExpiry(apiFor(news), id, news.expiresAt);
  for (const k of keys) {
    if (news[k] === undefined) delete outs[k];
    else (outs as unknown as Record<string, unknown>)[k] = news[k];
  }
  return { outs };
}

export async function remove(id: string, props: TencentInstanceOutputs): Promise<void> {
  // A lab host leaves the lab's security group and key pair to the lab network.
  if (props.sharedNetwork) return deleteInstance(apiFor(props), { instanceId: id });
  await deleteInstance(apiFor(props), { instanceId: id, securityGroupId: props.securityGroupId, keyId: props.keyId, keyOwned: props.keyOwned });
}
