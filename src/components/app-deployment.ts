/**
 * The app on a host as a Pulumi dynamic resource over berth's deploy code: create and update
 * deploy (with rollback), delete stops and removes the app's containers. Registry password
 * and secret env travel in a separate secret input, so the state keeps them encrypted.
 *
 * The host key berth sees on its first connection is kept in the outputs (`seenHostKey`); later
 * updates and the delete pin it when the stack gives no fingerprint (see host-pin.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { hostPin, pinRefusal, type HostPin } from "./host-pin.js";
import { berthRequire, PROVIDER_FORMAT, runtimeRequire, staleProvider } from "./runtime-require.js";
import type { AppInput } from "../config/sections/app.js";

export interface SshTargetInput {
  host: string;
  port: number;
  user: string;
  /** The stack's pin; empty means the key recorded in the state, or trust on first use. */
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
  /** The host key berth saw when it last deployed (`SHA256:…`). */
  seenHostKey?: string;
  providerFormat?: number;
}

async function run(inputs: AppDeploymentInputs, pin: HostPin): Promise<{ release: string; imageId: string; seenHostKey: string }> {
  const { deploy } = berthRequire("deploy/deploy.ts") as typeof import("../deploy/deploy.js");
  const { planApp } = berthRequire("deploy/plan.ts") as typeof import("../deploy/plan.js");
  const { SshExecutor } = berthRequire("deploy/ssh.ts") as typeof import("../deploy/ssh.js");
  const { KnownHosts } = berthRequire("deploy/known-hosts.ts") as typeof import("../deploy/known-hosts.js");
  const { Sensitive } = berthRequire("deploy/sensitive.ts") as typeof import("../deploy/sensitive.js");
  const t = inputs.target;
  const secrets: Record<string, string | undefined> = { "registry.password": inputs.secrets.registryPassword ?? process.env.BERTH_REGISTRY_PASSWORD };
  for (const [k, v] of Object.entries(inputs.secrets.secretEnv)) secrets[`secretEnv.${k}`] = v;
  const plan = planApp(inputs.app, secrets);
  const ex = new SshExecutor({
    host: t.host, port: t.port, username: t.user, privateKey: new Sensitive(inputs.secrets.privateKey),
    ...(pin.fingerprint ? { hostKeyFingerprint: pin.fingerprint } : { knownHosts: new KnownHosts() }),
  });
  try {
    try {
      await ex.connect();
    } catch (e) {
      throw pinRefusal(e, `${t.user}@${t.host}:${t.port}`, pin, ex.hostKey) ?? e;
    }
    const log = (runtimeRequire("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).log;
    const r = await deploy(ex, plan, { log: (l) => log.info(l) });
    return { release: r.release, imageId: r.imageId, seenHostKey: ex.hostKey ?? pin.fingerprint };
  } finally {
    await ex.close();
  }
}

/**
 * A failed deploy as `pulumi up` shows it: the error with berth's diagnosis from the catalogue
 * appended (Docker Hub's pull limit, a refused registry login, …), as `berth deploy` prints it.
 * Every secret berth holds is redacted, also from an error that did not come from deploy/.
 */
export function explainedDeployError(e: unknown): Error {
  const { explain } = berthRequire("diagnose/explain.ts") as typeof import("../diagnose/explain.js");
  const { redact } = berthRequire("deploy/sensitive.ts") as typeof import("../deploy/sensitive.js");
  const message = redact(e instanceof Error ? e.message : String(e));
  return new Error(message + explain(message));
}

/** The parts of a target that name the host; a changed pin alone is an update, not a new host. */
const hostOf = (t: SshTargetInput) => JSON.stringify([t.host, t.port, t.user]);

export class AppDeploymentProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: AppDeploymentInputs): Promise<pulumi.dynamic.CreateResult<AppDeploymentOutputs>> {
    const r = await run(inputs, hostPin(inputs.target.hostKeyFingerprint, undefined)).catch((e: unknown) => {
      throw explainedDeployError(e);
    });
    return { id: `${inputs.target.host}:${inputs.target.port}/${inputs.app.name}`, outs: { ...inputs, ...r, providerFormat: PROVIDER_FORMAT } };
  }

  async diff(_id: string, olds: AppDeploymentOutputs, news: AppDeploymentInputs): Promise<pulumi.dynamic.DiffResult> {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const replaces = hostOf(olds.target) === hostOf(news.target) && olds.app.name === news.app.name ? [] : ["target"];
    const changes = !same(olds.app, news.app) || !same(olds.secrets, news.secrets) || !same(olds.target, news.target) || staleProvider(olds);
    // An older berth's state is updated first (storing the current provider); a replacement now
    // would run the old provider's delete, which may name a checkout that is gone.
    if (staleProvider(olds) && replaces.length > 0) return { changes: true, replaces: [], deleteBeforeReplace: true };
    return { changes, replaces, deleteBeforeReplace: true };
  }

  async update(_id: string, olds: AppDeploymentOutputs, news: AppDeploymentInputs): Promise<pulumi.dynamic.UpdateResult<AppDeploymentOutputs>> {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    // Only the stored provider is out of date (written by an older berth): nothing to do on the host.
    if (staleProvider(olds) && (hostOf(olds.target) !== hostOf(news.target) || olds.app.name !== news.app.name || (same(olds.app, news.app) && same(olds.secrets, news.secrets) && same(olds.target, news.target))))
      return { outs: { ...olds, providerFormat: PROVIDER_FORMAT } };
    // The key of the last deploy: recorded, or (in a state from before seenHostKey) the pin it used.
    const r = await run(news, hostPin(news.target.hostKeyFingerprint, olds.seenHostKey || olds.target.hostKeyFingerprint || undefined)).catch((e: unknown) => {
      throw explainedDeployError(e);
    });
    return { outs: { ...news, ...r, providerFormat: PROVIDER_FORMAT } };
  }

  async delete(_id: string, props: AppDeploymentOutputs): Promise<void> {
    const { SshExecutor } = berthRequire("deploy/ssh.ts") as typeof import("../deploy/ssh.js");
    const { KnownHosts } = berthRequire("deploy/known-hosts.ts") as typeof import("../deploy/known-hosts.js");
    const { Sensitive } = berthRequire("deploy/sensitive.ts") as typeof import("../deploy/sensitive.js");
    const { teardown } = berthRequire("deploy/teardown.ts") as typeof import("../deploy/teardown.js");
    const t = props.target;
    const pin = hostPin(t.hostKeyFingerprint, props.seenHostKey);
    const ex = new SshExecutor({
      host: t.host, port: t.port, username: t.user, privateKey: new Sensitive(props.secrets.privateKey), retries: 2,
      ...(pin.fingerprint ? { hostKeyFingerprint: pin.fingerprint } : { knownHosts: new KnownHosts() }),
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
  declare readonly seenHostKey: pulumi.Output<string>;

  constructor(name: string, args: AppDeploymentArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(appDeploymentProvider, name, { target: args.target, app: args.app, secrets: pulumi.secret(args.secrets), release: undefined, imageId: undefined, seenHostKey: undefined }, opts, "berth", "AppDeployment");
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
