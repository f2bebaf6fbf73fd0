// provider.ts — Tencent Cloud CVM host as a Pulumi dynamic resource (no Pulumi package for
// Tencent Cloud is installable here; see FIELD-NOTES).
//
//   const host = new TencentInstance("lab-07", { region: "ap-guangzhou", zone: "ap-guangzhou-3",
//     imageId, instanceType: "S5.MEDIUM4", userData, publicKey, appPorts: [8080],
//     secretId: cfg.get("secretId"), secretKey: cfg.getSecret("secretKey") });
//   export const ip = host.publicIp;
//
// The provider object is serialized into the state by Pulumi (closure serialization), so its
// methods capture only plain functions; the SDK is require()d when a method runs (client.ts), and
// credentials are resolved inside each method: from inputs (stored as secrets) or, when absent,
// from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY in the provider's environment.
//
// diff: credential or endpoint changes update in place; any other input change REPLACES the
// host (image, instance type, zone, user-data — like DigitalOcean droplets — and also key,
// ports, CIDRs, bandwidth, disk, name, region; there is no in-place update of those). An input
// added by a later berth (appUdpPorts) compares as its default when the state predates it.
import * as pulumi from "@pulumi/pulumi";
import { resolveCredentials, tencentApi, type TencentApi } from "./client.js";
import { createInstance, readInstance } from "./instance.js";
import { deleteInstance } from "./teardown.js";

export interface TencentInstanceInputs {
  region: string;
  zone: string;
  imageId: string;
  instanceType: string;
  userData: string;
  /** The base64 of gzip-compressed userData, when render compressed it to fit 16 KB. */
  userDataBase64?: string;
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
}

export interface TencentInstanceOutputs extends TencentInstanceInputs {
  instanceId: string;
  publicIp: string;
  privateIp: string;
  securityGroupId: string;
  keyId: string;
  keyOwned: boolean;
  state: string;
}

const REPLACE_KEYS = [
  "region", "zone", "imageId", "instanceType", "userData", "publicKey", "instanceName",
  "sshCidrs", "appPorts", "appUdpPorts", "appCidrs", "bandwidthOut", "systemDiskGb", "privatePorts", "privateCidrs",
] as const;
/** What an input absent from an older state stands for. */
const DEFAULTS: Partial<Record<keyof TencentInstanceInputs, unknown>> = { appUdpPorts: [], privatePorts: [], privateCidrs: [] };
const UPDATE_KEYS = ["secretId", "secretKey", "endpoint"] as const;

function apiFor(props: TencentInstanceInputs): TencentApi {
  const credentials = resolveCredentials({ secretId: props.secretId, secretKey: props.secretKey });
  return tencentApi({ ...credentials, region: props.region, ...(props.endpoint ? { endpoint: props.endpoint } : {}) });
}

export class TencentInstanceProvider implements pulumi.dynamic.ResourceProvider {
  async diff(_id: pulumi.ID, olds: TencentInstanceOutputs, news: TencentInstanceInputs): Promise<pulumi.dynamic.DiffResult> {
    const same = (k: keyof TencentInstanceInputs) => JSON.stringify(olds[k] ?? DEFAULTS[k] ?? null) === JSON.stringify(news[k] ?? DEFAULTS[k] ?? null);
    const replaces = REPLACE_KEYS.filter((k) => !same(k));
    const updates = UPDATE_KEYS.filter((k) => !same(k));
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: TencentInstanceInputs): Promise<pulumi.dynamic.CreateResult<TencentInstanceOutputs>> {
    const host = await createInstance(apiFor(inputs), {
      name: inputs.instanceName, zone: inputs.zone, imageId: inputs.imageId, instanceType: inputs.instanceType,
      userData: inputs.userData, ...(inputs.userDataBase64 ? { userDataBase64: inputs.userDataBase64 } : {}),
      publicKey: inputs.publicKey, sshCidrs: inputs.sshCidrs, appPorts: inputs.appPorts,
      appUdpPorts: inputs.appUdpPorts ?? [], appCidrs: inputs.appCidrs, bandwidthOut: inputs.bandwidthOut, systemDiskGb: inputs.systemDiskGb,
      privatePorts: inputs.privatePorts ?? [], privateCidrs: inputs.privateCidrs ?? [],
    });
    return {
      id: host.instanceId,
      outs: {
        ...inputs, instanceId: host.instanceId, publicIp: host.publicIp ?? "", privateIp: host.privateIp ?? "",
        securityGroupId: host.securityGroupId, keyId: host.keyId, keyOwned: host.keyOwned, state: host.state,
      },
    };
  }

  async read(id: pulumi.ID, props: TencentInstanceOutputs): Promise<pulumi.dynamic.ReadResult<TencentInstanceOutputs>> {
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

  /** Only credentials / endpoint change in place (diff replaces on everything else). */
  async update(_id: pulumi.ID, olds: TencentInstanceOutputs, news: TencentInstanceInputs): Promise<pulumi.dynamic.UpdateResult<TencentInstanceOutputs>> {
    const outs: TencentInstanceOutputs = { ...olds };
    for (const k of UPDATE_KEYS) {
      if (news[k] === undefined) delete outs[k];
      else outs[k] = news[k];
    }
    return { outs };
  }

  async delete(id: pulumi.ID, props: TencentInstanceOutputs): Promise<void> {
    await deleteInstance(apiFor(props), { instanceId: id, securityGroupId: props.securityGroupId, keyId: props.keyId, keyOwned: props.keyOwned });
  }
}

/** One instance for all resources: Pulumi caches the serialized provider per object. */
export const tencentInstanceProvider = new TencentInstanceProvider();

export interface TencentInstanceArgs {
  region: pulumi.Input<string>;
  zone: pulumi.Input<string>;
  imageId: pulumi.Input<string>;
  instanceType: pulumi.Input<string>;
  userData: pulumi.Input<string>;
  userDataBase64?: pulumi.Input<string>;
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
}

export class TencentInstance extends pulumi.dynamic.Resource {
  declare readonly instanceId: pulumi.Output<string>;
  declare readonly publicIp: pulumi.Output<string>;
  declare readonly privateIp: pulumi.Output<string>;
  declare readonly securityGroupId: pulumi.Output<string>;
  declare readonly keyId: pulumi.Output<string>;
  declare readonly state: pulumi.Output<string>;

  constructor(name: string, args: TencentInstanceArgs, opts: pulumi.CustomResourceOptions = {}) {
    const secret = (v: pulumi.Input<string> | undefined) => (v === undefined ? undefined : pulumi.secret(v));
    const props = {
      region: args.region, zone: args.zone, imageId: args.imageId, instanceType: args.instanceType,
      userData: args.userData, userDataBase64: args.userDataBase64, publicKey: args.publicKey, instanceName: args.instanceName ?? name,
      sshCidrs: args.sshCidrs ?? ["0.0.0.0/0"], appPorts: args.appPorts ?? [], appUdpPorts: args.appUdpPorts ?? [], appCidrs: args.appCidrs ?? ["0.0.0.0/0"],
      privatePorts: args.privatePorts ?? [], privateCidrs: args.privateCidrs ?? [],
      bandwidthOut: args.bandwidthOut ?? 10, systemDiskGb: args.systemDiskGb ?? 50,
      secretId: secret(args.secretId), secretKey: secret(args.secretKey), endpoint: args.endpoint,
      instanceId: undefined, publicIp: undefined, privateIp: undefined, securityGroupId: undefined, keyId: undefined, state: undefined,
    };
    const additionalSecretOutputs = [...(opts.additionalSecretOutputs ?? []), "secretId", "secretKey"];
    super(tencentInstanceProvider, name, props, { ...opts, additionalSecretOutputs }, "berth", "TencentInstance");
  }
}
