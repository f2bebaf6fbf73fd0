/**
 * A server you already have, as a Pulumi dynamic resource: create and update upload the same
 * bootstrap.sh and inputs that cloud-init would get and run it over SSH (with sudo when the
 * login user is not root), then record the status file. Delete leaves the server as it is.
 * The host key seen on the first connection is kept (`seenHostKey`) and pinned by later updates
 * when the stack gives no fingerprint (see host-pin.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { hostPin, pinRefusal, type HostPin } from "./host-pin.js";
import { berthRequire, PROVIDER_FORMAT, staleProvider } from "./runtime-require.js";
import type { HostFile } from "../bootstrap/render.js";

export interface ExistingHostInputs {
  address: string;
  port: number;
  user: string;
  hostKeyFingerprint: string;
  files: HostFile[];
  privateKey: string;
}

export interface ExistingHostOutputs extends ExistingHostInputs {
  phase: string;
  mirrors: Record<string, string>;
  seenHostKey: string;
  providerFormat?: number;
}

/** The argv that puts each staged file in place and runs the script, as root. */
export function bootstrapCommands(user: string, stage: string, files: readonly HostFile[]): string[][] {
  const root = (argv: string[]) => (user === "root" ? argv : ["sudo", "-n", ...argv]);
  return [
    ...files.map((f, i) => root(["install", "-D", "-m", f.permissions, `${stage}/${i}`, f.path])),
    root(["bash", files.at(-1)?.path ?? "/usr/local/lib/berth/bootstrap.sh"]),
    ["rm", "-rf", stage],
  ];
}

async function bootstrap(inputs: ExistingHostInputs, pin: HostPin): Promise<ExistingHostOutputs> {
  const { SshExecutor } = berthRequire("deploy/ssh.ts") as typeof import("../deploy/ssh.js");
  const { KnownHosts } = berthRequire("deploy/known-hosts.ts") as typeof import("../deploy/known-hosts.js");
  const { Sensitive } = berthRequire("deploy/sensitive.ts") as typeof import("../deploy/sensitive.js");
  const ex = new SshExecutor({
    host: inputs.address, port: inputs.port, username: inputs.user, privateKey: new Sensitive(inputs.privateKey),
    ...(pin.fingerprint ? { hostKeyFingerprint: pin.fingerprint } : { knownHosts: new KnownHosts() }),
  });
  const where = `${inputs.user}@${inputs.address}:${inputs.port}`;
  try {
    try {
      await ex.connect();
    } catch (e) {
      throw pinRefusal(e, where, pin, ex.hostKey) ?? e;
    }
    const stage = ".berth/bootstrap";
    await ex.exec(["mkdir", "-p", "-m", "0700", stage]);
    for (const [i, f] of inputs.files.entries()) await ex.upload(`${stage}/${i}`, f.content, 0o600);
    for (const argv of bootstrapCommands(inputs.user, stage, inputs.files)) {
      const r = await ex.exec(argv);
      if (r.code !== 0) {
        const tail = (await ex.exec(["tail", "-n", "30", "/var/log/berth/bootstrap.log"])).stdout.trim();
        const { explainBootstrap } = berthRequire("diagnose/explain.ts") as typeof import("../diagnose/explain.js");
        throw new Error(`${where}: \`${argv.join(" ")}\` exited ${r.code}\n${(r.stderr || r.stdout).trim().split("\n").slice(-5).join("\n")}${tail ? `\n/var/log/berth/bootstrap.log ends:\n${tail}` : ""}${explainBootstrap([], tail)}`);
      }
    }
    const status = JSON.parse((await ex.exec(["cat", "/var/lib/berth/status.json"])).stdout) as { phase: string; mirrors: Record<string, string> };
    return { ...inputs, phase: status.phase, mirrors: status.mirrors, seenHostKey: ex.hostKey ?? pin.fingerprint, providerFormat: PROVIDER_FORMAT };
  } finally {
    await ex.close();
  }
}

/** What changed between the recorded inputs and the new ones: replaced on a new address or port. */
function changesOf(olds: ExistingHostInputs, news: ExistingHostInputs): { changes: boolean; replaces: string[] } {
  const same = (k: keyof ExistingHostInputs) => JSON.stringify(olds[k]) === JSON.stringify(news[k]);
  const replaces = (["address", "port"] as const).filter((k) => !same(k));
  return { changes: replaces.length > 0 || !same("files") || !same("user") || !same("hostKeyFingerprint") || !same("privateKey"), replaces };
}

export class ExistingHostProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: ExistingHostInputs): Promise<pulumi.dynamic.CreateResult<ExistingHostOutputs>> {
    return { id: `${inputs.address}:${inputs.port}`, outs: await bootstrap(inputs, hostPin(inputs.hostKeyFingerprint, undefined)) };
  }

  async diff(_id: string, olds: ExistingHostOutputs, news: ExistingHostInputs): Promise<pulumi.dynamic.DiffResult> {
    const { changes, replaces } = changesOf(olds, news);
    // An older berth's state: update first (the stored provider), replace on the next run.
    if (staleProvider(olds)) return { changes: true, replaces: [], deleteBeforeReplace: true };
    return { changes, replaces, deleteBeforeReplace: true };
  }

  async update(_id: string, olds: ExistingHostOutputs, news: ExistingHostInputs): Promise<pulumi.dynamic.UpdateResult<ExistingHostOutputs>> {
    // Only the stored provider is out of date (written by an older berth): nothing to run on the server.
    // (or the server moved, which the next run replaces with the current provider).
    const { changes, replaces } = changesOf(olds, news);
    if (staleProvider(olds) && (!changes || replaces.length > 0)) return { outs: { ...olds, providerFormat: PROVIDER_FORMAT } };
    return { outs: await bootstrap(news, hostPin(news.hostKeyFingerprint, olds.seenHostKey)) };
  }

  async delete(): Promise<void> {
    // Not berth's server: nothing is removed from it.
  }
}

export const existingHostProvider = new ExistingHostProvider();

export interface ExistingHostArgs {
  address: pulumi.Input<string>;
  port: pulumi.Input<number>;
  user: pulumi.Input<string>;
  hostKeyFingerprint?: pulumi.Input<string>;
  files: HostFile[];
  privateKey: pulumi.Input<string>;
}

export class ExistingHost extends pulumi.dynamic.Resource {
  declare readonly phase: pulumi.Output<string>;
  declare readonly mirrors: pulumi.Output<Record<string, string>>;
  declare readonly seenHostKey: pulumi.Output<string>;

  constructor(name: string, args: ExistingHostArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props = { ...args, hostKeyFingerprint: args.hostKeyFingerprint ?? "", privateKey: pulumi.secret(args.privateKey), phase: undefined, mirrors: undefined, seenHostKey: undefined };
    super(existingHostProvider, name, props, opts, "berth", "ExistingHost");
  }
}
