/**
 * Where a lab meets berth's Tencent lab layer: one shared security group and key pair per lab
 * (TencentLabNetwork: outputs securityGroupId, keyId), hosts in lab mode (TencentInstance with
 * securityGroupId, keyId and expiresAt, which never delete the shared parts; expiresAt becomes
 * RunInstances' ActionTimer), and a preflight at preview that reports the zone's instance quota,
 * the security-group and key-pair limits and Tencent's price per host-hour.
 *
 * The shapes below are that layer's, exactly; the Lab component reaches it only through
 * `tencentLabParts`. This build does not include that layer, so `tencentLabParts` is undefined and
 * config/lab.ts refuses Tencent labs at load (LAB_PROVIDERS). Connecting it is three lines:
 *
 *   import { TencentInstance, TencentLabNetwork, tencentLabPreflight } from "./tencent/index.js";
 *   export const tencentLabParts: TencentLabParts | undefined = {
 *     network: (n, a, o) => new TencentLabNetwork(n, a, o), instance: (n, a, o) => new TencentInstance(n, a, o), preflight: tencentLabPreflight };
 *
 * and "tencentcloud" in LAB_PROVIDERS. Tests give the Lab component their own parts (under mocks).
 */
import type * as pulumi from "@pulumi/pulumi";

export interface TencentLabNetworkArgs {
  region: pulumi.Input<string>;
  /** The lab's name: the group and key pair names derive from it. */
  name: pulumi.Input<string>;
  /** The lab's admin (instructor's) OpenSSH RSA key, the one berth deploys with. */
  publicKey: pulumi.Input<string>;
  sshCidrs: pulumi.Input<pulumi.Input<string>[]>;
  appPorts: pulumi.Input<pulumi.Input<number>[]>;
  appUdpPorts: pulumi.Input<pulumi.Input<number>[]>;
  appCidrs: pulumi.Input<pulumi.Input<string>[]>;
  secretId?: pulumi.Input<string>;
  secretKey?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
}

export interface TencentLabInstanceArgs {
  region: pulumi.Input<string>;
  zone: pulumi.Input<string>;
  imageId: pulumi.Input<string>;
  instanceType: pulumi.Input<string>;
  userData: pulumi.Input<string>;
  /** The base64 of gzip-compressed userData when it is over Tencent's 16 KB. */
  userDataBase64?: pulumi.Input<string>;
  publicKey: pulumi.Input<string>;
  instanceName?: pulumi.Input<string>;
  sshCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  appPorts?: pulumi.Input<pulumi.Input<number>[]>;
  appUdpPorts?: pulumi.Input<pulumi.Input<number>[]>;
  bandwidthOut?: pulumi.Input<number>;
  secretId?: pulumi.Input<string>;
  secretKey?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  keyId: pulumi.Input<string>;
  /** ISO-8601 UTC: Tencent terminates the host then (ActionTimer, at least 5 minutes ahead). */
  expiresAt: pulumi.Input<string>;
}

export interface LabPreflightInput {
  region: string;
  zone: string;
  instanceType: string;
  imageId: string;
  count: number;
  existing?: number;
  hours: number;
  credentials?: { secretId?: string; secretKey?: string };
  endpoint?: string;
  bandwidthOut?: number;
  rules?: number;
  publicKey?: string;
}

export interface LabPreflight {
  quota: { total: number; used: number; remaining: number } | undefined;
  price: { currency: "CNY"; hourly: number; perHost: number; total: number } | undefined;
  /** Config errors to show before anything is created. */
  problems: string[];
}

export interface TencentLabParts {
  network(name: string, args: TencentLabNetworkArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource & { securityGroupId: pulumi.Output<string>; keyId: pulumi.Output<string> };
  instance(name: string, args: TencentLabInstanceArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource & { publicIp: pulumi.Output<string>; privateIp?: pulumi.Output<string> };
  preflight(input: LabPreflightInput): Promise<LabPreflight>;
}

/** The Tencent lab layer, once connected (see above); undefined in this build. */
export const tencentLabParts: TencentLabParts | undefined = undefined;
