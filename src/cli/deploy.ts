/** `berth deploy`, `berth status`, `berth logs`: the app on hosts you name, over SSH. */
import { InvalidArgumentError } from "commander";
import { loadStackFile } from "../config/stackfile.js";
import { explain } from "../diagnose/explain.js";
import { docker } from "../deploy/commands.js";
import { deployAll, resultTable } from "../deploy/hosts.js";
import { localImageSource } from "../deploy/image-source.js";
import { AppConfigError, envNameFor, planApp, type AppPlan } from "../deploy/plan.js";
import { redact } from "../deploy/sensitive.js";
import { Session } from "../deploy/session.js";
import { readStatus } from "../deploy/wait.js";
import type { CommandIo } from "./render.js";
import { executorFor, hostKeyPin, parseTarget, readIdentity, type Pin } from "./targets.js";

export interface HostOptions {
  readonly stack: string;
  readonly host: string[];
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly fingerprint?: string;
}

/** What the commands need from the stack file: the app's plan and the host key pin. */
export interface Stack {
  readonly plan: AppPlan;
  readonly pin?: Pin;
}

/** `--lock-timeout 30`: a whole number of seconds. */
export function seconds(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("give a whole number of seconds (0 to fail at once when the lock is held)");
  return n;
}

/** Everything printed goes through redact(): remote output may carry a secret. */
export function redacting(io: CommandIo): CommandIo {
  return { stdout: (s) => io.stdout(redact(s)), stderr: (s) => io.stderr(redact(s)) };
}

function readStack(stack: string, io: CommandIo): Stack | undefined {
  const loaded = loadStackFile(stack);
  if (!loaded.ok) return void io.stderr(`${stack}: ${loaded.errors.length} problem(s):\n${loaded.errors.map((e) => `  ${e}\n`).join("")}`);
  const app = loaded.config.app;
  if (!app) return void io.stderr(`${stack}: berth:app is not set — nothing to deploy\n`);
  const secrets: Record<string, string | undefined> = { "registry.password": process.env[envNameFor("registry.password")] };
  for (const k of Object.keys(app.secretEnv)) secrets[`secretEnv.${k}`] = process.env[envNameFor(`secretEnv.${k}`)];
  try {
    const fp = loaded.config.host.hostKeyFingerprint;
    return { plan: planApp(app, secrets, "env"), ...(fp ? { pin: { fingerprint: fp, source: `berth:host.hostKeyFingerprint in ${stack}` } } : {}) };
  } catch (e) {
    if (!(e instanceof AppConfigError)) throw e;
    return void io.stderr(e.problems.length === 1 ? `${stack}: ${e.message}\n` : `${stack}: ${e.problems.length} problems:\n${e.problems.map((p) => `  ${p}\n`).join("")}`);
  }
}

/**
 * Read the stack and run `body` with its plan and host-key pin. A deploy-layer error (a bad
 * --host or --identity, an unreachable host, a refused key) is thrown on to the command's one
 * handler (failure.ts): `berth: <message>`, exit 1, the stack trace only with BERTH_DEBUG=1.
 */
export async function withStack(opts: HostOptions, rawIo: CommandIo, body: (stack: Stack, io: CommandIo) => Promise<number>): Promise<number> {
  const io = redacting(rawIo);
  const stack = readStack(opts.stack, io);
  if (!stack) return 1;
  const pin = hostKeyPin(opts.fingerprint, stack.pin, (l) => io.stderr(`${l}\n`));
  return body({ plan: stack.plan, ...(pin ? { pin } : {}) }, io);
}

export async function deployCommand(opts: HostOptions & { concurrency: number; wait: boolean; lockTimeout?: number }, io: CommandIo): Promise<number> {
  return withStack(opts, io, async ({ plan, pin }, out) => {
    const identity = readIdentity(opts.identity);
    const executors = opts.host.map((h) => executorFor(parseTarget(h), identity, { ...opts, ...(pin ? { pin } : {}) }));
    const outcomes = await deployAll(executors, plan, {
      concurrency: opts.concurrency,
      waitForBootstrap: opts.wait,
      log: (l) => out.stderr(`${l}\n`),
      ...(opts.lockTimeout !== undefined ? { lockTimeoutSeconds: opts.lockTimeout } : {}),
      ...(plan.transfer === "stream" ? { imageSource: localImageSource() } : {}),
    });
    for (const o of outcomes.filter((x) => !x.ok)) out.stderr(`\n${o.error}${explain(o.error ?? "")}\n`);
    out.stdout(resultTable(outcomes));
    return outcomes.every((o) => o.ok) ? 0 : 1;
  });
}

/** Runs VERB with a session on each --host in turn; the exit code is the worst, a host that fails is 1. */
export type HostVerb = (s: Session, app: string, out: CommandIo) => Promise<number>;

export async function eachHost(opts: HostOptions, io: CommandIo, verb: HostVerb): Promise<number> {
  return withStack(opts, io, async ({ plan, pin }, out) => {
    const identity = readIdentity(opts.identity);
    let code = 0;
    for (const h of opts.host) {
      const ex = executorFor(parseTarget(h), identity, { ...opts, ...(pin ? { pin } : {}) });
      try {
        code = Math.max(code, await verb(new Session(ex, () => undefined), plan.name, out));
      } catch (e) {
        out.stderr(`${(e as Error).message}\n`);
        code = 1;
      } finally {
        await ex.close();
      }
    }
    return code;
  });
}

export async function statusCommand(opts: HostOptions, io: CommandIo): Promise<number> {
  return eachHost(opts, io, async (s, app, out) => {
    const status = await readStatus(s);
    const c = await s.try(docker.inspect(app));
    const [, state = "absent", , , release = "-"] = c.code === 0 ? c.stdout.trim().split(" ") : [];
    out.stdout(`${s.ex.target}  bootstrap: ${status?.phase ?? "no status file"}  mirrors: ${Object.entries(status?.mirrors ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "-"}  ${app}: ${state} ${release}\n`);
    return status?.phase !== "ready" || state !== "running" ? 1 : 0;
  });
}

export async function logsCommand(opts: HostOptions & { follow: boolean; lines: number }, io: CommandIo): Promise<number> {
  return withStack(opts, io, async ({ plan, pin }, out) => {
    const [first] = opts.host;
    if (!first || opts.host.length > 1) return void out.stderr("berth logs takes one --host\n"), 1;
    const ex = executorFor(parseTarget(first), readIdentity(opts.identity), { ...opts, ...(pin ? { pin } : {}) });
    try {
      const r = await ex.exec(docker.logs(plan.name, opts.follow, opts.lines).argv, { onStdout: (c) => out.stdout(c.toString("utf8")) });
      out.stderr(r.stderr);
      return r.code;
    } finally {
      await ex.close();
    }
  });
}
