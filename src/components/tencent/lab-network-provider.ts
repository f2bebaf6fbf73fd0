// lab-network-provider.ts — a lab's shared security group and key pair on Tencent Cloud as a Pulumi
// dynamic resource (berth:TencentLabNetwork). Every TencentInstance of the lab takes its
// `securityGroupId` and `keyId` outputs, so Pulumi deletes this resource after the last of them.
//
//   const net = new TencentLabNetwork("ml-2026-net", { region, name: "ml-2026", publicKey, sshCidrs, appPorts });
//   new TencentInstance(`ml-2026-${id}`, { …, securityGroupId: net.securityGroupId, keyId: net.keyId, expiresAt });
//
// Methods load lab-network.ts when they run (runtime-require.ts), like TencentInstance's.
// diff: region or public key → replace (a new group and key pair, then every host); rules
// (allowSsh, ports, CIDRs) → in place, one ModifySecurityGroupPolicies; credentials, endpoint and
// the name (the group keeps the name it was made with) → in place.
import * as pulumi from "@pulumi/pulumi";
import { berthRequire } from "../runtime-require.js";
import type { LabNetworkSpec } from "./lab-network.js";

export interface TencentLabNetworkInputs extends LabNetworkSpec {
  region: string;
  secretId?: string;
  secretKey?: string;
  endpoint?: string;
}

export interface TencentLabNetworkOutputs extends TencentLabNetworkInputs {
  securityGroupId: string;
  keyId: string;
  keyOwned: boolean;
}

const REPLACE_KEYS = ["region", "publicKey"] as const;
const RULE_KEYS = ["sshCidrs", "appPorts", "appUdpPorts", "appCidrs"] as const;
const UPDATE_KEYS = [...RULE_KEYS, "name", "secretId", "secretKey", "endpoint"] as const;

type Ops = typeof import("./lab-network.js");
type HostOps = typeof import("./host-ops.js");
const load = () => ({
  net: berthRequire("components/tencent/lab-network.ts") as Ops,
  host: berthRequire("components/tencent/host-ops.ts") as HostOps,
});

export class TencentLabNetworkProvider implements pulumi.dynamic.ResourceProvider {
  async diff(_id: pulumi.ID, olds: TencentLabNetworkOutputs, news: TencentLabNetworkInputs): Promise<pulumi.dynamic.DiffResult> {
    const same = (k: keyof TencentLabNetworkInputs) => JSON.stringify(olds[k] ?? null) === JSON.stringify(news[k] ?? null);
    const replaces = REPLACE_KEYS.filter((k) => !same(k));
    return { changes: replaces.length > 0 || UPDATE_KEYS.some((k) => !same(k)), replaces, deleteBeforeReplace: false };
  }

  async create(inputs: TencentLabNetworkInputs): Promise<pulumi.dynamic.CreateResult<TencentLabNetworkOutputs>> {
    const { net, host } = load();
    const made = await net.createLabNetwork(host.apiFor(inputs), inputs);
    return { id: made.securityGroupId, outs: { ...inputs, ...made } };
  }

  async read(id: pulumi.ID, props: TencentLabNetworkOutputs): Promise<pulumi.dynamic.ReadResult<TencentLabNetworkOutputs>> {
    const { net, host } = load();
    return (await net.labNetworkListed(host.apiFor(props), id)) ? { id, props } : { id: "", props };
  }

  async update(id: pulumi.ID, olds: TencentLabNetworkOutputs, news: TencentLabNetworkInputs): Promise<pulumi.dynamic.UpdateResult<TencentLabNetworkOutputs>> {
    const { net, host } = load();
    if (RULE_KEYS.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]))) {
      const problem = net.labNetworkProblem(news);
      if (problem) throw new Error(problem);
      await net.updateLabRules(host.apiFor(news), id, news);
    }
    return { outs: { ...news, securityGroupId: olds.securityGroupId, keyId: olds.keyId, keyOwned: olds.keyOwned } };
  }

  async delete(_id: pulumi.ID, props: TencentLabNetworkOutputs): Promise<void> {
    const { net, host } = load();
    await net.deleteLabNetwork(host.apiFor(props), { securityGroupId: props.securityGroupId, keyId: props.keyId, keyOwned: props.keyOwned });
  }
}

export const tencentLabNetworkProvider = new TencentLabNetworkProvider();

export interface TencentLabNetworkArgs {
  region: pulumi.Input<string>;
  /** The lab's name (the group's and key pair's names derive from it). */
  name: pulumi.Input<string>;
  /** The instructor's OpenSSH RSA public key: the key pair every host of the lab logs in with. */
  publicKey: pulumi.Input<string>;
  sshCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  appPorts?: pulumi.Input<pulumi.Input<number>[]>;
  appUdpPorts?: pulumi.Input<pulumi.Input<number>[]>;
  appCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  secretId?: pulumi.Input<string>;
  secretKey?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
}

export class TencentLabNetwork extends pulumi.dynamic.Resource {
  declare readonly securityGroupId: pulumi.Output<string>;
  declare readonly keyId: pulumi.Output<string>;

  constructor(name: string, args: TencentLabNetworkArgs, opts: pulumi.CustomResourceOptions = {}) {
    const secret = (v: pulumi.Input<string> | undefined) => (v === undefined ? undefined : pulumi.secret(v));
    const props = {
      region: args.region, name: args.name, publicKey: args.publicKey,
      sshCidrs: args.sshCidrs ?? ["0.0.0.0/0"], appPorts: args.appPorts ?? [], appUdpPorts: args.appUdpPorts ?? [], appCidrs: args.appCidrs ?? ["0.0.0.0/0"],
      secretId: secret(args.secretId), secretKey: secret(args.secretKey), endpoint: args.endpoint,
      securityGroupId: undefined, keyId: undefined, keyOwned: undefined,
    };
    const additionalSecretOutputs = [...(opts.additionalSecretOutputs ?? []), "secretId", "secretKey"];
    super(tencentLabNetworkProvider, name, props, { ...opts, additionalSecretOutputs }, "berth", "TencentLabNetwork");
  }
}
