/** `berth deploy`, `berth status`, `berth logs`: the app on hosts you name, over SSH. */
import { loadStackFile } from "../config/stackfile.js";
import { explain } from "../diagnose/explain.js";
import { docker } from "../deploy/commands.js";
import { deployAll, resultTable } from "../deploy/hosts.js";
import { localImageSource } from "../deploy/image-source.js";
import { AppConfigError, envNameFor, planApp, type AppPlan } from "../deploy/plan.js";
import { Session } from "../deploy/session.js";
import { readStatus } from "../deploy/wait.js";
import type { CommandIo } from "./render.js";
import { executorFor, parseTarget, readIdentity } from "./targets.js";

export interface HostOptions {
  readonly stack: string;
  readonly host: string[];
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly fingerprint?: string;
}

function appPlan(stack: string, io: CommandIo): AppPlan | undefined {
  const loaded = loadStackFile(stack);
  if (!loaded.ok) return void io.stderr(`${stack}: ${loaded.errors.length} problem(s):\n${loaded.errors.map((e) => `  ${e}\n`).join("")}`);
  const app = loaded.config.app;
  if (!app) return void io.stderr(`${stack}: berth:app is not set — nothing to deploy\n`);
  const secrets: Record<string, string | undefined> = { "registry.password": process.env[envNameFor("registry.password")] };
  for (const k of Object.keys(app.secretEnv)) secrets[`secretEnv.${k}`] = process.env[envNameFor(`secretEnv.${k}`)];
  try {
    return planApp(app, secrets);
  } catch (e) {
    if (e instanceof AppConfigError) return void io.stderr(`${stack}: ${e.message}\n`);
    throw e;
  }
}

export async function deployCommand(opts: HostOptions & { concurrency: number; wait: boolean }, io: CommandIo): Promise<number> {
  const plan = appPlan(opts.stack, io);
  if (!plan) return 1;
  const key = readIdentity(opts.identity);
  const executors = opts.host.map((h) => executorFor(parseTarget(h), key, opts));
  const outcomes = await deployAll(executors, plan, {
    concurrency: opts.concurrency,
    waitForBootstrap: opts.wait,
    log: (l) => io.stderr(`${l}\n`),
    ...(plan.transfer === "stream" ? { imageSource: localImageSource() } : {}),
  });
  for (const o of outcomes.filter((x) => !x.ok)) io.stderr(`\n${o.error}${explain(o.error ?? "")}\n`);
  io.stdout(resultTable(outcomes));
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

export async function statusCommand(opts: HostOptions, io: CommandIo): Promise<number> {
  const plan = appPlan(opts.stack, io);
  if (!plan) return 1;
  const key = readIdentity(opts.identity);
  let code = 0;
  for (const h of opts.host) {
    const ex = executorFor(parseTarget(h), key, opts);
    try {
      const s = new Session(ex, () => undefined);
      const status = await readStatus(s);
      const c = await s.try(docker.inspect(plan.name));
      const [, state = "absent", , , release = "-"] = c.code === 0 ? c.stdout.trim().split(" ") : [];
      io.stdout(`${ex.target}  bootstrap: ${status?.phase ?? "no status file"}  mirrors: ${Object.entries(status?.mirrors ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "-"}  ${plan.name}: ${state} ${release}\n`);
      if (status?.phase !== "ready" || state !== "running") code = 1;
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      code = 1;
    } finally {
      await ex.close();
    }
  }
  return code;
}

export async function logsCommand(opts: HostOptions & { follow: boolean; lines: number }, io: CommandIo): Promise<number> {
  const plan = appPlan(opts.stack, io);
  if (!plan) return 1;
  const [first] = opts.host;
  if (!first || opts.host.length > 1) return void io.stderr("berth logs takes one --host\n"), 1;
  const ex = executorFor(parseTarget(first), readIdentity(opts.identity), opts);
  try {
    const r = await ex.exec(docker.logs(plan.name, opts.follow, opts.lines).argv, { onStdout: (c) => io.stdout(c.toString("utf8")) });
    io.stderr(r.stderr);
    return r.code;
  } finally {
    await ex.close();
  }
}
