/**
 * A student's SSH key pair, made by berth when the roster gives none (berth:LabKey). create makes
 * an ed25519 pair with ssh2; the private half is a secret output (encrypted in the state) that
 * `berth lab handout` writes into the student's handout. The pair never changes once made: a
 * later `pulumi up` keeps it, and only removing the student deletes it. The key reaches the host
 * through its user-data (cloud-config ssh_authorized_keys), never through a provider's key pairs,
 * so any OpenSSH type works on every provider (Tencent Cloud's ImportKeyPair, RSA only, holds just
 * the lab's own admin key).
 */
import * as pulumi from "@pulumi/pulumi";
import { berthRequire } from "./runtime-require.js";

export interface LabKeyInputs {
  /** The key's comment: `berth-<host name>`. */
  comment: string;
}

export interface LabKeyOutputs extends LabKeyInputs {
  publicKey: string;
  privateKey: string;
}

/**
 * Serialized into each key's state (twice), so a table of one-line methods; delete is left out
 * (nothing outside the state holds the key, and Pulumi skips a provider without one).
 */
export const labKeyProvider = {
  create: async (inputs: LabKeyInputs): Promise<pulumi.dynamic.CreateResult<LabKeyOutputs>> => {
    const pair = (berthRequire("deploy/keypair.ts") as typeof import("../deploy/keypair.js")).ed25519KeyPair(inputs.comment);
    return { id: inputs.comment, outs: { comment: inputs.comment, publicKey: pair.public.trim(), privateKey: pair.private } };
  },
  /** A made key is kept: nothing about a student changes it. */
  diff: async (): Promise<pulumi.dynamic.DiffResult> => ({ changes: false }),
} satisfies pulumi.dynamic.ResourceProvider;

export class LabKey extends pulumi.dynamic.Resource {
  declare readonly publicKey: pulumi.Output<string>;
  declare readonly privateKey: pulumi.Output<string>;

  constructor(name: string, args: { comment: pulumi.Input<string> }, opts: pulumi.CustomResourceOptions = {}) {
    super(labKeyProvider, name, { comment: args.comment, publicKey: undefined, privateKey: undefined }, { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "privateKey"] }, "berth", "LabKey");
  }
}
