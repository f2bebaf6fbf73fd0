// describe.ts — what berth reads back about a CVM host, and the small helpers its create and
// teardown share.
import type { Instance } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
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

/** DescribeInstances' Instance → what berth keeps of it. */
export function toInfo(instanceId: string, i: Instance): InstanceInfo {
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

/** The instance as listed now (batched with other hosts' reads); undefined when it is not listed. */
export function readInstance(api: TencentApi, instanceId: string): Promise<InstanceInfo | undefined> {
  return api.instances.read(instanceId);
}

/** The instance one poll interval from now, read on the poller shared by every host of the run. */
export function pollInstance(api: TencentApi, instanceId: string): Promise<InstanceInfo | undefined> {
  return api.instances.poll(instanceId, api.poll.intervalMs);
}
