// provider.ts — Tencent Cloud CVM host as a Pulumi dynamic resource (no Pulumi package for
// Tencent Cloud is installable here; see FIELD-NOTES).
//
//   const host = new TencentInstance("lab-07", { region: "ap-guangzhou", zone: "ap-guangzhou-3",
//     imageId, instanceType: "S5.MEDIUM4", userData, publicKey, appPorts: [8080],
//     secretId: cfg.get("secretId"), secretKey: cfg.getSecret("secretKey") });
//   export const ip = host.publicIp;
//
// The provider object is serialized into the state by Pulumi (closure serialization), so its
// methods capture only plain functions: each loads host-ops.ts by name when it runs (see
// runtime-require.ts), and with it the SDK, the per-account rate limits and the batches that every
// host of one `pulumi up` shares. Credentials are resolved inside each method: from inputs (stored
// as secrets) or, when absent, from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY in the
// provider's environment.
//
// A lab host (securityGroupId and keyId given, from TencentLabNetwork) uses the lab's security
// group and key pair and never creates or deletes them; expiresAt schedules Tencent's own
// termination (RunInstances' ActionTimer, expiry.ts). Every student's host holds a share of the
// Pulumi state, which its file or S3 backend rewrites after each step, so a lab host keeps that
// share small: its inputs carry its user-data as parts (userDataParts: the lab's files without
// berth's bootstrap script, and the student's key; create rebuilds the text with this checkout's
// script, lab-user-data.ts) or, where it cannot be rebuilt, as the bytes (userDataBase64); and
// as `userData` the SHA-1 hex of the text, which create checks and the outputs keep (like
// DigitalOcean's user_data): enough to tell whether it was made with today's bootstrap.
//
// diff (instance-diff.ts): credential, endpoint and expiry changes update in place; any other
// input change REPLACES the host (image, instance type, zone, user-data, key, ports, …). In a lab
// the key and rules belong to the lab network, which updates them in place.
import * as pulumi from "@pulumi/pulumi";
import type { UserDataParts } from "../lab-user-data.js";
import { berthRequire } from "../runtime-require.js";

export interface TencentInstanceInputs {
  region: string;
  zone: string;
  imageId: string;
  instanceType: string;
  /** The user-data text; a lab host's is the SHA-1 hex of the text (rebuilt from userDataParts, or sent as userDataBase64). */
  userData: string;
  /** The base64 of gzip-compressed userData, when render compressed it to fit 16 KB (a lab host keeps it in its inputs only). */
  userDataBase64?: string;
  /** A lab host's user-data as parts (lab-user-data.ts): what create rebuilds the text from (inputs only). */
  userDataParts?: UserDataParts;
  publicKey: string;
  instanceName: string;
  sshCidrs: string[];
  /** App ports opened for TCP. */
  appPorts: number[];
  /** App ports opened for UDP (absent in states written before berth opened UDP ports as UDP). */
  appUdpPorts?: number[];
  appCidrs: string[];
  /** TCP ports open only to privateCidrs (absent in states written before berth had caches). */
  privatePorts?: number[];
  privateCidrs?: string[];
  bandwidthOut: number;
  systemDiskGb: number;
  secretId?: string;
  secretKey?: string;
  /** Local API stand-in only: http://127.0.0.1:PORT (see client.ts). */
  endpoint?: string;
  /** A lab's shared security group and key pair (TencentLabNetwork): both or neither. */
  securityGroupId?: string;
  keyId?: string;
  /** ISO-8601 UTC: Tencent terminates the host then (ActionTimer). */
  expiresAt?: string;
}

export interface TencentInstanceOutputs extends TencentInstanceInputs {
  instanceId: string;
  publicIp: string;
  privateIp: string;
  securityGroupId: string;
  keyId: string;
  keyOwned: boolean;
  state: string;
  /** The group and key pair are the lab's: never deleted with the host. Absent: the host's own. */
  sharedNetwork?: boolean;
}

type HostOps = typeof import("./host-ops.js");
type Diff = typeof import("./instance-diff.js");
const ops = () => berthRequire("components/tencent/host-ops.ts") as HostOps;

/**
 * The provider Pulumi serializes into every host's state (twice: with its inputs and its outputs),
 * so it is only a table of one-line methods that load the code when they run: diff from
 * instance-diff.ts (no SDK), the rest from host-ops.ts. Older states' providers call host-ops.ts'
 * create, read, update and remove too: keep those names.
 */
export const tencentInstanceProvider = {
  diff: async (_id: pulumi.ID, olds: TencentInstanceOutputs, news: TencentInstanceInputs): Promise<pulumi.dynamic.DiffResult> =>
    (berthRequire("components/tencent/instance-diff.ts") as Diff).diff(olds, news),
  create: async (inputs: TencentInstanceInputs): Promise<pulumi.dynamic.CreateResult<TencentInstanceOutputs>> => ops().create(inputs),
  read: async (id: pulumi.ID, props: TencentInstanceOutputs): Promise<pulumi.dynamic.ReadResult<TencentInstanceOutputs>> => ops().read(id, props),
  /** Credentials, endpoint and expiry (and a lab host's network inputs) change in place; diff replaces on everything else. */
  update: async (id: pulumi.ID, olds: TencentInstanceOutputs, news: TencentInstanceInputs): Promise<pulumi.dynamic.UpdateResult<TencentInstanceOutputs>> => ops().update(id, olds, news),
  delete: async (id: pulumi.ID, props: TencentInstanceOutputs): Promise<void> => ops().remove(id, props),
} satisfies pulumi.dynamic.ResourceProvider;

export interface TencentInstanceArgs {
  region: pulumi.Input<string>;
  zone: pulumi.Input<string>;
  imageId: pulumi.Input<string>;
  instanceType: pulumi.Input<string>;
  userData: pulumi.Input<string>;
  userDataBase64?: pulumi.Input<string | undefined>;
  userDataParts?: pulumi.Input<UserDataParts | undefined>;
  publicKey: pulumi.Input<string>;
  instanceName?: pulumi.Input<string>;
  sshCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  appPorts?: pulumi.Input<pulumi.Input<number>[]>;
  appUdpPorts?: pulumi.Input<pulumi.Input<number>[]>;
  appCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /** TCP ports open only to privateCidrs (a cache host's port 80 to the VPC). */
  privatePorts?: pulumi.Input<pulumi.Input<number>[]>;
  privateCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  bandwidthOut?: pulumi.Input<number>;
  systemDiskGb?: pulumi.Input<number>;
  /** From `tencentcloud:secretId` / `tencentcloud:secretKey` config; omitted → provider env. Stored as secrets. */
  secretId?: pulumi.Input<string>;
  secretKey?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
  /** Lab mode: the lab network's security group and key pair (TencentLabNetwork outputs); both or neither. */
  securityGroupId?: pulumi.Input<string>;
  keyId?: pulumi.Input<string>;
  /** ISO-8601 UTC; Tencent terminates the host then (at least 5 minutes ahead). */
  expiresAt?: pulumi.Input<string>;
}

export class TencentInstance extends pulumi.dynamic.Resource {
  declare readonly instanceId: pulumi.Output<string>;
  declare readonly publicIp: pulumi.Output<string>;
  declare readonly privateIp: pulumi.Output<string>;
  declare readonly securityGroupId: pulumi.Output<string>;
  declare readonly keyId: pulumi.Output<string>;
  declare readonly state: pulumi.Output<string>;
  /** The user-data the host was made with, a lab host's as SHA-1 hex (a lab host ignores later changes to it). */
  declare readonly userData: pulumi.Output<string>;

  constructor(name: string, args: TencentInstanceArgs, opts: pulumi.CustomResourceOptions = {}) {
    const secret = (v: pulumi.Input<string> | undefined) => (v === undefined ? undefined : pulumi.secret(v));
    const props = {
      region: args.region, zone: args.zone, imageId: args.imageId, instanceType: args.instanceType,
      userData: args.userData, userDataBase64: args.userDataBase64, userDataParts: args.userDataParts, publicKey: args.publicKey, instanceName: args.instanceName ?? name,
      sshCidrs: args.sshCidrs ?? ["0.0.0.0/0"], appPorts: args.appPorts ?? [], appUdpPorts: args.appUdpPorts ?? [], appCidrs: args.appCidrs ?? ["0.0.0.0/0"],
      privatePorts: args.privatePorts ?? [], privateCidrs: args.privateCidrs ?? [],
      bandwidthOut: args.bandwidthOut ?? 10, systemDiskGb: args.systemDiskGb ?? 50,
      secretId: secret(args.secretId), secretKey: secret(args.secretKey), endpoint: args.endpoint,
      securityGroupId: args.securityGroupId, keyId: args.keyId, expiresAt: args.expiresAt,
      instanceId: undefined, publicIp: undefined, privateIp: undefined, state: undefined,
    };
    if ((args.securityGroupId === undefined) !== (args.keyId === undefined))
      throw new Error(`TencentInstance ${name}: a lab host needs both securityGroupId and keyId (the lab network's outputs), or neither.`);
    const additionalSecretOutputs = [...(opts.additionalSecretOutputs ?? []), "secretId", "secretKey"];
    super(tencentInstanceProvider, name, props, { ...opts, additionalSecretOutputs }, "berth", "TencentInstance");
  }
}
