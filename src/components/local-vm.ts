/**
 * The local provider's VM as a Pulumi dynamic resource. Methods load berth's modules when they
 * run, by their name under src/ (the provider is serialized into the state; see runtime-require).
 * Without a configured key, create makes an ed25519 key pair for the VM; the private half is
 * a secret output that AppDeployment uses.
 */
import * as pulumi from "@pulumi/pulumi";
import { berthRequire, PROVIDER_FORMAT, runtimeRequire, staleProvider } from "./runtime-require.js";

export interface LocalVmInputs {
  vmName: string;
  userData: string;
  sshPublicKey?: string;
  /**
   * Container labels (a lab host's `berth.lab` and `berth.expires`). Docker cannot relabel a
   * running container, so a change is recorded in the state without touching the VM.
   */
  labels?: Record<string, string>;
  timeoutSeconds: number;
}

export interface LocalVmOutputs extends LocalVmInputs {
  ip: string;
  sshPort: number;
  hostKeyFingerprint: string;
  containerId: string;
  /** The generated private key when no public key was given (secret). */
  privateKey: string;
  providerFormat: number;
}

export class LocalVmProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: LocalVmInputs): Promise<pulumi.dynamic.CreateResult<LocalVmOutputs>> {
    const { createVm } = berthRequire("local/vm.ts") as typeof import("../local/vm.js");
    const { kitUp } = berthRequire("local/kit.ts") as typeof import("../local/kit.js");
    await kitUp();
    let publicKey = inputs.sshPublicKey;
    let privateKey = "";
    if (!publicKey) {
      const { ed25519KeyPair } = berthRequire("deploy/keypair.ts") as typeof import("../deploy/keypair.js");
      const pair = ed25519KeyPair(`berth-${inputs.vmName}`);
      publicKey = pair.public;
      privateKey = pair.private;
    }
    const vm = await createVm({ name: inputs.vmName, userData: inputs.userData, sshPublicKey: publicKey, ...(inputs.labels ? { labels: inputs.labels } : {}), waitForStatusFile: true, keepOnFailure: true, timeoutMs: inputs.timeoutSeconds * 1000 });
    return {
      id: inputs.vmName,
      outs: { ...inputs, ip: vm.ip, sshPort: vm.sshPort, hostKeyFingerprint: vm.hostKeyFingerprint ?? "", containerId: vm.containerId, privateKey, providerFormat: PROVIDER_FORMAT },
    };
  }

  async read(id: string, props: LocalVmOutputs): Promise<pulumi.dynamic.ReadResult<LocalVmOutputs>> {
    const { listVms } = berthRequire("local/vm.ts") as typeof import("../local/vm.js");
    return (await listVms()).includes(id) ? { id, props } : { id: "", props };
  }

  async diff(_id: string, olds: LocalVmOutputs, news: LocalVmInputs): Promise<pulumi.dynamic.DiffResult> {
    // A state from an older berth first gets an update that stores the current provider: a
    // replacement now would run the old provider's delete, which may name a checkout that is gone.
    if (staleProvider(olds)) return { changes: true, replaces: [], deleteBeforeReplace: true };
    const replaces = (["vmName", "userData", "sshPublicKey"] as const).filter((k) => (olds[k] ?? "") !== (news[k] ?? ""));
    const relabel = JSON.stringify(olds.labels ?? {}) !== JSON.stringify(news.labels ?? {});
    return { changes: replaces.length > 0 || relabel || olds.timeoutSeconds !== news.timeoutSeconds, replaces, deleteBeforeReplace: true };
  }

  async update(_id: string, olds: LocalVmOutputs, news: LocalVmInputs): Promise<pulumi.dynamic.UpdateResult<LocalVmOutputs>> {
    const { labels: _old, ...rest } = olds;
    return { outs: { ...rest, ...(news.labels ? { labels: news.labels } : {}), timeoutSeconds: news.timeoutSeconds, providerFormat: PROVIDER_FORMAT } };
  }

  async delete(id: string): Promise<void> {
    const { destroyVm } = berthRequire("local/vm.ts") as typeof import("../local/vm.js");
    await destroyVm(id);
  }
}

export const localVmProvider = new LocalVmProvider();

export interface LocalVmArgs {
  vmName: pulumi.Input<string>;
  userData: pulumi.Input<string>;
  sshPublicKey?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  timeoutSeconds?: pulumi.Input<number>;
}

export class LocalVm extends pulumi.dynamic.Resource {
  declare readonly ip: pulumi.Output<string>;
  declare readonly sshPort: pulumi.Output<number>;
  declare readonly hostKeyFingerprint: pulumi.Output<string>;
  declare readonly containerId: pulumi.Output<string>;
  declare readonly privateKey: pulumi.Output<string>;
  /** The user-data the VM was made with (a lab VM ignores later changes to it). */
  declare readonly userData: pulumi.Output<string>;

  constructor(name: string, args: LocalVmArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props = { ...args, timeoutSeconds: args.timeoutSeconds ?? 900, ip: undefined, sshPort: undefined, hostKeyFingerprint: undefined, containerId: undefined, privateKey: undefined };
    super(localVmProvider, name, props, { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "privateKey"] }, "berth", "LocalVm");
  }
}
