/**
 * `berth doctor`: this machine's checks, or each host's over SSH (a bounded number at once),
 * into one DoctorResult that report.ts prints as text or JSON.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import pLimit from "p-limit";
import type { StackConfig } from "../config/load.js";
import { KnownHosts } from "../deploy/known-hosts.js";
import { planApp } from "../deploy/plan.js";
import { Sensitive } from "../deploy/sensitive.js";
import { SshExecutor } from "../deploy/ssh.js";
import type { AppFacts } from "./host-facts.js";
import { doctorHost, type HostTarget } from "./host.js";
import { engineChecks } from "./machine-engine.js";
import { backendCheck, nodeCheck, passphraseCheck, pulumiCheck, secretsCheck, sshKeyCheck, stackCheck } from "./machine.js";
import type { MachineContext } from "./machine-pulumi.js";
import type { Check, DoctorResult } from "./report.js";

export interface DoctorOptions {
  readonly stack?: string;
  readonly hosts: readonly HostTarget[];
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly fingerprint?: string;
  readonly concurrency?: number;
  /** Also check this machine when hosts are given. */
  readonly machine?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly projectDir: string;
  readonly home?: string;
}

/** What doctor needs of berth:app: names, the health check deploy uses, published TCP ports. */
export function appFacts(cfg: StackConfig | undefined): AppFacts | undefined {
  const app = cfg?.app;
  if (!app) return undefined;
  // Secrets are not needed for these facts: planApp gets placeholders so it never asks for them.
  const placeholders = Object.fromEntries(["registry.password", ...Object.keys(app.secretEnv).map((k) => `secretEnv.${k}`)].map((k) => [k, ""]));
  const plan = planApp(app, placeholders);
  const hc = plan.healthcheck;
  const ports = app.ports
    .filter((p) => !p.endsWith("/udp") && !/^127\./.test(p))
    .map((p) => Number(p.replace(/\/tcp$/, "").split(":").at(-2)));
  return {
    name: plan.name,
    healthUrl: hc.type === "http" ? `http://127.0.0.1:${hc.port}${hc.path}` : "",
    want: hc.type === "http" ? String(hc.status) : "",
    ports,
    ...(app.registry ? { registry: { server: app.registry.server, username: app.registry.username } } : {}),
  };
}

/** The registry password doctor may use for the login check: the environment's, else a plain one in the stack. */
function registryPassword(cfg: StackConfig | undefined, env: Readonly<Record<string, string | undefined>>): Sensitive | undefined {
  const fromEnv = env.BERTH_REGISTRY_PASSWORD;
  if (fromEnv) return new Sensitive(fromEnv);
  const p = cfg?.app?.registry?.password;
  return typeof p === "string" ? new Sensitive(p) : undefined;
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorResult> {
  const ctx: MachineContext = { env: o.env ?? process.env, projectDir: o.projectDir, home: o.home ?? homedir() };
  const stack = stackCheck(o.stack);
  const cfg = stack.config;
  const key = sshKeyCheck(ctx, o.identity, cfg, o.hosts.length > 0 || (cfg !== undefined && cfg.host.provider !== "local"));
  let machine: Check[] | undefined;
  if (o.hosts.length === 0 || o.machine) {
    const [node, pulumi, backend, passphrase, engine] = await Promise.all([
      nodeCheck(ctx),
      pulumiCheck(ctx),
      backendCheck(ctx),
      passphraseCheck(ctx, o.stack),
      engineChecks(cfg?.host.provider),
    ]);
    const secrets = cfg && o.stack ? [secretsCheck(ctx, o.stack, cfg)] : [];
    machine = [node, pulumi, backend, passphrase, stack.check, ...secrets, ...engine, key];
  }
  if (o.hosts.length === 0) return { machine, hosts: [] };
  if (key.status === "fail") return { machine: machine ?? [stack.check, key], hosts: [] };
  const privateKey = new Sensitive(readFileSync(key.params.path ?? "", "utf8"));
  const app = appFacts(cfg);
  const password = registryPassword(cfg, ctx.env);
  const known = new KnownHosts(o.knownHosts);
  const limit = pLimit(o.concurrency ?? 8);
  const hosts = await Promise.all(o.hosts.map((t) => limit(async () => {
    const ex = new SshExecutor({
      host: t.host, port: t.port, username: t.user, privateKey, retries: 1, connectTimeoutMs: 10_000,
      ...(o.fingerprint ? { hostKeyFingerprint: o.fingerprint } : { knownHosts: known }),
    });
    try {
      return await doctorHost(ex, t, { ...(app ? { app } : {}), ...(password ? { registryPassword: password } : {}), condaPrefix: cfg?.bootstrap.conda.prefix ?? "/opt/conda" });
    } finally {
      await ex.close();
    }
  })));
  return { ...(machine ? { machine } : {}), hosts };
}
