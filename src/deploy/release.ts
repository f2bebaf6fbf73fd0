/** The steps around one release on a host: set the running one aside, start and check the new one, finish or roll back. */
import { LABEL, docker, lock as lockCmd, type Command, type FinishArgs } from "./commands.js";
import { LockError, type DeployError } from "./errors.js";
import { checkHealth, checkUrl, httpOutcome } from "./health.js";
import type { DeployLock } from "./lock.js";
import type { AppPlan } from "./plan.js";
import { Sensitive } from "./sensitive.js";
import { CONNECTION_LOST, type Session } from "./session.js";

export interface Current {
  readonly state: string;
  readonly image: string;
  readonly spec: string;
  readonly release: string;
}

/** The running release and whether a set-aside one (NAME-prev) is left over, in one docker call. */
export async function inspectApp(s: Session, name: string): Promise<{ current?: Current; prevExists: boolean }> {
  const r = await s.try(docker.inspect(name, `${name}-prev`));
  const found = new Map<string, Current>();
  for (const line of r.stdout.split("\n").filter(Boolean)) {
    const [n = "", state = "", image = "", spec = "", release = ""] = line.split(" ");
    found.set(n.replace(/^\//, ""), { state, image, spec, release });
  }
  const current = found.get(name);
  return { ...(current ? { current } : {}), prevExists: found.has(`${name}-prev`) };
}

/** Rename the running release out of the way and stop it, keeping it for a rollback. */
export async function setAside(s: Session, lock: DeployLock, name: string, exists: boolean, staleExists: boolean): Promise<string | undefined> {
  const prev = `${name}-prev`;
  if (!exists) return staleExists ? prev : undefined;
  if (staleExists) await s.run(lock.guard(docker.remove(prev)));
  await s.run(lock.guard(docker.rename(name, prev)));
  await s.run(lock.guard(docker.stop(prev)));
  return prev;
}

/** Secret env as an env-file body, for docker to read from stdin: it is never written to the host's disk. */
export function envFileBody(plan: AppPlan): Sensitive | undefined {
  const keys = Object.keys(plan.secretEnv).sort();
  if (keys.length === 0) return undefined;
  return new Sensitive(keys.map((k) => `${k}=${plan.secretEnv[k]?.reveal() ?? ""}\n`).join(""));
}

function runCommand(plan: AppPlan, imageId: string, release: string): Command {
  const envFile = envFileBody(plan);
  return docker.run({
    name: plan.name, image: imageId, ports: plan.ports, env: plan.env, volumes: plan.volumes, restart: plan.restart, args: plan.args,
    ...(envFile ? { envFile } : {}),
    labels: { [LABEL.app]: plan.name, [LABEL.release]: release, [LABEL.spec]: plan.specHash, "berth.image": plan.image },
  });
}

/** Why the new release failed (it is to be rolled back), or undefined when it passed and is finished. */
export type Launched = { readonly failed: string } | { readonly failed?: undefined };

/**
 * Start the new release, check its health, and finish (old container, image history, login,
 * lock). An HTTP check does all three in one exec on the host; the others take three steps.
 * Failures of the release come back as `failed` (roll it back); a failure after it passed, or a
 * lost lock, is thrown (nothing to roll back, or nothing this deploy may touch).
 */
export async function launch(s: Session, lock: DeployLock, plan: AppPlan, imageId: string, release: string, finish: FinishArgs): Promise<Launched> {
  const run = runCommand(plan, imageId, release);
  const check = plan.healthcheck;
  if (check.type === "http") {
    const cmd = lockCmd.launch(lock.dir, lock.token, finish, { url: checkUrl(check), status: check.status, timeoutSeconds: check.timeoutSeconds }, plan.name, run);
    const began = Date.now();
    let r;
    try {
      r = await s.step("start+health+cleanup", () => s.try(cmd));
    } catch (e) {
      if (!CONNECTION_LOST.test((e as Error).message)) throw e;
      return afterDrop(s, lock, began + (check.timeoutSeconds + 15) * 1000);
    }
    if (r.code === 5) return { failed: s.failure(run, { ...r, code: Number(/^run=(\d+)$/m.exec(r.stdout)?.[1] ?? 5) }).detail };
    const health = httpOutcome(check, plan.name, r);
    if (health && !health.ok) return { failed: `health check failed: ${health.detail}` };
    if (r.code !== 0) throw s.failure(cmd, r);
    return {};
  }
  try {
    await s.step("start", () => s.run(lock.guard(run)));
  } catch (e) {
    if (e instanceof LockError) throw e;
    return { failed: (e as DeployError).detail ?? (e as Error).message };
  }
  const health = await s.step("health", () => checkHealth(s, plan.name, check));
  if (!health.ok) return { failed: `health check failed: ${health.detail}` };
  await s.step("cleanup", () => s.run(lockCmd.finish(lock.dir, lock.token, finish)));
  return {};
}

/**
 * The connection dropped while the host ran launch, which goes on without it: ask the host (on a
 * new connection) until launch has released the lock (it passed) or ended without (it failed).
 */
async function afterDrop(s: Session, lock: DeployLock, deadline: number): Promise<Launched> {
  s.log(`${s.ex.target} connection lost during the health check; asking the host how it ended`);
  for (;;) {
    const said = (await s.retrying(() => s.run(lockCmd.verdict(lock.dir, lock.token)))).stdout.trim();
    if (said === "released") return {};
    if (said === "stopped" || Date.now() > deadline) return { failed: "the connection dropped during the health check, and the release did not pass it" };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function rollback(s: Session, lock: DeployLock, name: string, prev: string | undefined): Promise<void> {
  await s.try(lock.guard(docker.remove(name)));
  if (!prev) return;
  await s.run(lock.guard(docker.rename(prev, name)));
  await s.run(lock.guard(docker.start(name)));
}
