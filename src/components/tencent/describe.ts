// describe.ts — what berth reads back about a CVM host, and the small helpers its create and
// teardown share.
import type { TencentApi } from "./client.js";
import { TencentApiError } from "./errors.js";

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

export const codeOf = (e: unknown) => (e instanceof TencentApiError ? e.code : "");
export const wait = (api: TencentApi) => new Promise((resolve) => setTimeout(resolve, api.poll.intervalMs));

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
