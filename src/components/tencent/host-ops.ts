// host-ops.ts — what the TencentInstance provider's methods do, loaded when they run (provider.ts
// requires this module by name, see runtime-require.ts). Everything here runs in the one provider
// process of a `pulumi up`, so the rate limits and batches of client.ts are shared by every host.
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

export async function create(inputs: TencentInstanceInputs): Promise<{ id: string; outs: TencentInstanceOutputs }> {
  const lab = isLabHost(inputs);
  const host = await createInstance(apiFor(inputs), {
    name: inputs.instanceName, zone: inputs.zone, imageId: inputs.imageId, instanceType: inputs.instanceType,
    userData: inputs.userData, ...(inputs.userDataBase64 ? { userDataBase64: inputs.userDataBase64 } : {}),
    publicKey: inputs.publicKey, sshCidrs: inputs.sshCidrs, appPorts: inputs.appPorts,
    appUdpPorts: inputs.appUdpPorts ?? [], appCidrs: inputs.appCidrs, bandwidthOut: inputs.bandwidthOut, systemDiskGb: inputs.systemDiskGb,
    privatePorts: inputs.privatePorts ?? [], privateCidrs: inputs.privateCidrs ?? [],
    ...(lab ? { shared: { securityGroupId: inputs.securityGroupId!, keyId: inputs.keyId! } } : {}),
    ...(inputs.expiresAt !== undefined ? { expiresAt: inputs.expiresAt } : {}),
  });
  // A lab host's outputs keep its userData (the lab gives a digest there), not the bytes sent: nothing after create needs them.
  const { userDataBase64: _sent, ...kept } = inputs;
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
