/** The steps around one release on a host: set the running one aside, start the new one, roll back. */
import { LABEL, docker } from "./commands.js";
import type { DeployLock } from "./lock.js";
import type { AppPlan } from "./plan.js";
import { Sensitive } from "./sensitive.js";
import type { Session } from "./session.js";

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

export async function start(s: Session, lock: DeployLock, plan: AppPlan, imageId: string, release: string): Promise<void> {
  const envFile = envFileBody(plan);
  await s.run(lock.guard(docker.run({
    name: plan.name, image: imageId, ports: plan.ports, env: plan.env, volumes: plan.volumes, restart: plan.restart, args: plan.args,
    ...(envFile ? { envFile } : {}),
    labels: { [LABEL.app]: plan.name, [LABEL.release]: release, [LABEL.spec]: plan.specHash, "berth.image": plan.image },
  })));
}

export async function rollback(s: Session, lock: DeployLock, name: string, prev: string | undefined): Promise<void> {
  await s.try(lock.guard(docker.remove(name)));
  if (!prev) return;
  await s.run(lock.guard(docker.rename(prev, name)));
  await s.run(lock.guard(docker.start(name)));
}
