/**
 * The app on a host as a Pulumi dynamic resource over berth's deploy code: create and update
 * deploy (with rollback), delete stops and removes the app's containers. Registry password
 * and secret env travel in a separate secret input, so the state keeps them encrypted.
 */
import * as pulumi from "@pulumi/pulumi";
import { modulePath, runtimeRequire } from "./runtime-require.js";
import type { AppInput } from "../config/sections/app.js";

const MODULES = {
  deploy: modulePath("../deploy/deploy.ts", import.meta.url),
  plan: modulePath("../deploy/plan.ts", import.meta.url),
  ssh: modulePath("../deploy/ssh.ts", import.meta.url),
  knownHosts: modulePath("../deploy/known-hosts.ts", import.meta.url),
  sensitive: modulePath("../deploy/sensitive.ts", import.meta.url),
  teardown: modulePath("../deploy/teardown.ts", import.meta.url),
};

export interface SshTargetInput {
  host: string;
  port: number;
  user: string;
  /** Pin; empty means trust on first use (~/.config/berth/known_hosts). */
  hostKeyFingerprint: string;
}

export interface AppSecrets {
  privateKey: string;
  registryPassword?: string;
  secretEnv: Record<string, string>;
}

export interface AppDeploymentInputs {
  target: SshTargetInput;
  /** berth:app without its secret values. */
  app: AppInput;
  secrets: AppSecrets;
}

export interface AppDeploymentOutputs extends AppDeploymentInputs {
  release: string;
  imageId: string;
}

async function run(inputs: AppDeploymentInputs): Promise<{ release: string; imageId: string }> {
  const { deploy } = runtimeRequire(MODULES.deploy) as typeof import("../deploy/deploy.js");
  const { planApp } = runtimeRequire(MODULES.plan) as typeof import("../deploy/plan.js");
  const { SshExecutor } = runtimeRequire(MODULES.ssh) as typeof import("../deploy/ssh.js");
  const { KnownHosts } = runtimeRequire(MODULES.knownHosts) as typeof import("../deploy/known-hosts.js");
  const { Sensitive } = runtimeRequire(MODULES.sensitive) as typeof import("../deploy/sensitive.js");
  const t = inputs.target;
  const secrets: Record<string, string | undefined> = { "registry.password": inputs.secrets.registryPassword ?? process.env.BERTH_REGISTRY_PASSWORD };
  for (const [k, v] of Object.entries(inputs.secrets.secretEnv)) secrets[`secretEnv.${k}`] = v;
  const plan = planApp(inputs.app, secrets);
  const ex = new SshExecutor({
    host: t.host, port: t.port, username: t.user, privateKey: new Sensitive(inputs.secrets.privateKey),
    ...(t.hostKeyFingerprint ? { hostKeyFingerprint: t.hostKeyFingerprint } : { knownHosts: new KnownHosts() }),
  });
  try {
    const log = (runtimeRequire("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).log;
    const r = await deploy(ex, plan, { log: (l) => log.info(l) });
    return { release: r.release, imageId: r.imageId };
  } finally {
    await ex.close();
  }
}

export class AppDeploymentProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: AppDeploymentInputs): Promise<pulumi.dynamic.CreateResult<AppDeploymentOutputs>> {
    const r = await run(inputs);
    return { id: `${inputs.target.host}:${inputs.target.port}/${inputs.app.name}`, outs: { ...inputs, ...r } };
  }

  async diff(_id: string, olds: AppDeploymentOutputs, news: AppDeploymentInputs): Promise<pulumi.dynamic.DiffResult> {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const replaces = same(olds.target, news.target) && olds.app.name === news.app.name ? [] : ["target"];
    return { changes: !same(olds.app, news.app) || !same(olds.secrets, news.secrets) || replaces.length > 0, replaces, deleteBeforeReplace: true };
  }

  async update(_id: string, _olds: AppDeploymentOutputs, news: AppDeploymentInputs): Promise<pulumi.dynamic.UpdateResult<AppDeploymentOutputs>> {
    return { outs: { ...news, ...(await run(news)) } };
  }

  async delete(_id: string, props: AppDeploymentOutputs): Promise<void> {
    const { SshExecutor } = runtimeRequire(MODULES.ssh) as typeof import("../deploy/ssh.js");
    const { KnownHosts } = runtimeRequire(MODULES.knownHosts) as typeof import("../deploy/known-hosts.js");
    const { Sensitive } = runtimeRequire(MODULES.sensitive) as typeof import("../deploy/sensitive.js");
    const { teardown } = runtimeRequire(MODULES.teardown) as typeof import("../deploy/teardown.js");
    const t = props.target;
    const ex = new SshExecutor({
      host: t.host, port: t.port, username: t.user, privateKey: new Sensitive(props.secrets.privateKey), retries: 2,
      ...(t.hostKeyFingerprint ? { hostKeyFingerprint: t.hostKeyFingerprint } : { knownHosts: new KnownHosts() }),
    });
    try {
      const log = (runtimeRequire("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).log;
      await teardown(ex, props.app.name, { log: (l) => log.info(l), ...(props.app.registry ? { registryServer: props.app.registry.server } : {}), ...(props.app.lockTimeoutSeconds !== undefined ? { lockTimeoutSeconds: props.app.lockTimeoutSeconds } : {}) });
    } catch (e) {
      // A host that is already gone has no containers left to remove.
      if ((e as Error).name !== "ConnectError") throw e;
    } finally {
      await ex.close();
    }
  }
}

export const appDeploymentProvider = new AppDeploymentProvider();

export interface AppDeploymentArgs {
  target: pulumi.Input<SshTargetInput>;
  app: AppInput;
  secrets: pulumi.Input<AppSecrets>;
}

export class AppDeployment extends pulumi.dynamic.Resource {
  declare readonly release: pulumi.Output<string>;
  declare readonly imageId: pulumi.Output<string>;

  constructor(name: string, args: AppDeploymentArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(appDeploymentProvider, name, { target: args.target, app: args.app, secrets: pulumi.secret(args.secrets), release: undefined, imageId: undefined }, opts, "berth", "AppDeployment");
  }
}

/** berth:app split into its plain spec and its secret values. */
export function splitAppSecrets(app: AppInput): { app: AppInput; registryPassword?: string; secretEnv: Record<string, string> } {
  const secretEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(app.secretEnv)) if (typeof v === "string") secretEnv[k] = v;
  const password = app.registry?.password;
  const plain: AppInput = {
    ...app,
    secretEnv: Object.fromEntries(Object.keys(app.secretEnv).map((k) => [k, { secure: "berth:secret" }])),
    ...(app.registry ? { registry: { server: app.registry.server, username: app.registry.username, password: { secure: "berth:secret" } } } : {}),
  };
  return { app: plain, ...(typeof password === "string" ? { registryPassword: password } : {}), secretEnv };
}
