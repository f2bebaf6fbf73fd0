/**
 * Where a lab meets berth's Tencent lab layer (components/tencent/): one shared security group and
 * key pair per lab (TencentLabNetwork: outputs securityGroupId, keyId), hosts in lab mode
 * (TencentInstance with securityGroupId, keyId and expiresAt, which never delete the shared parts;
 * expiresAt becomes RunInstances' ActionTimer), and a preflight at preview that reports the zone's
 * instance quota, the security-group and key-pair limits and Tencent's price per host-hour
 * (tencentLabPreflight). The Lab component reaches the layer only through `tencentLabParts` (tests
 * under mocks give it their own parts), and the program asks the preflight with the lab's own
 * rule count (labRuleCount) and host names (the hosts a lab holds already keep their quota).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/load.js";
import { publishedPorts } from "./ports.js";
import type { UserDataParts } from "./lab-user-data.js";
import type { LabPreflightInput } from "./tencent/preflight.js";
import { TencentInstance, TencentLabNetwork, tencentLabPreflight } from "./tencent/index.js";
import { egressRules, ingressRules } from "./tencent/network.js";

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
  /** The SHA-1 hex of the host's user-data text (lab-bootstrap.ts `userDataSha1`): what the host records. */
  userData: pulumi.Input<string>;
  /** The user-data as the provider rebuilds it (lab-user-data.ts); or, when it cannot, userDataBase64. */
  userDataParts?: pulumi.Input<UserDataParts | undefined>;
  /** The user-data RunInstances gets, base64 (of its gzip when over Tencent's 16 KB), where there are no parts. */
  userDataBase64?: pulumi.Input<string | undefined>;
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

/** What the lab asks the preflight: the Tencent layer's own input. */
export type { LabPreflightInput } from "./tencent/preflight.js";

export interface LabPreflight {
  quota: { total: number; used: number; remaining: number } | undefined;
  /** Of the lab's hosts, those the zone holds already. */
  existing?: number;
  price: { currency: "CNY"; hourly: number; perHost: number; total: number } | undefined;
  /** Config errors to show before anything is created. */
  problems: string[];
}

export interface TencentLabParts {
  network(name: string, args: TencentLabNetworkArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource & { securityGroupId: pulumi.Output<string>; keyId: pulumi.Output<string> };
  /** `userData`: the user-data the host was made with (what its resource recorded: its SHA-1 hex). */
  instance(name: string, args: TencentLabInstanceArgs, opts: pulumi.CustomResourceOptions): pulumi.CustomResource & { publicIp: pulumi.Output<string>; privateIp?: pulumi.Output<string>; userData: pulumi.Output<string> };
  preflight(input: LabPreflightInput): Promise<LabPreflight>;
}

/** What the lab's security group lets in: SSH from allowSsh, the app's published ports from anywhere. */
export function labNetworkRules(cfg: StackConfig): { sshCidrs: string[]; appPorts: number[]; appUdpPorts: number[]; appCidrs: string[] } {
  const ports = publishedPorts(cfg.app?.ports ?? []);
  return {
    sshCidrs: [...cfg.host.allowSsh],
    appPorts: ports.filter((p) => p.protocol === "tcp").map((p) => p.port),
    appUdpPorts: ports.filter((p) => p.protocol === "udp").map((p) => p.port),
    appCidrs: ["0.0.0.0/0"],
  };
}

/** The rules (ingress and egress) the lab's security group needs, as the lab network makes them. */
export function labRuleCount(cfg: StackConfig): number {
  return ingressRules(labNetworkRules(cfg)).length + egressRules().length;
}

/** The Tencent lab layer. */
export const tencentLabParts: TencentLabParts = {
  network: (name, args, opts) => new TencentLabNetwork(name, args, opts),
  instance: (name, args, opts) => new TencentInstance(name, args, opts),
  preflight: tencentLabPreflight,
};
