/**
 * One host's deploy: wait for the bootstrap, log in, pull or stream the image, start the new
 * release beside the old one, health-check, then keep it or roll back.
 */
import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { LABEL, docker, host } from "./commands.js";
import { DeployError } from "./errors.js";
import { checkHealth } from "./health.js";
import type { Executor } from "./executor.js";
import type { AppPlan } from "./plan.js";
import { Sensitive } from "./sensitive.js";
import { Session, type Log } from "./session.js";
import { readStatus, waitForBootstrap } from "./wait.js";

/** Where the machine running berth gets an image for `transfer: stream`. */
export interface ImageSource {
  id(image: string): Promise<string>;
  save(image: string): Promise<Readable>;
}

export interface DeployOptions {
  readonly log: Log;
  readonly waitForBootstrap?: boolean;
  readonly bootstrapTimeoutSeconds?: number;
  readonly imageSource?: ImageSource;
}

export interface DeployResult {
  readonly target: string;
  readonly changed: boolean;
  readonly release: string;
  readonly imageId: string;
}

export { DeployError };

interface Current { state: string; image: string; spec: string; release: string }

async function inspect(s: Session, name: string): Promise<Current | undefined> {
  const r = await s.try(docker.inspect(name));
  if (r.code !== 0) return undefined;
  const [, state = "", image = "", spec = "", release = ""] = r.stdout.trim().split(" ");
  return { state, image, spec, release };
}

async function fetchImage(s: Session, plan: AppPlan, opts: DeployOptions): Promise<string> {
  if (plan.transfer === "registry") {
    await s.run(docker.pull(plan.image));
    return "";
  }
  const src = opts.imageSource;
  if (!src) throw new DeployError(s.ex.target, "transfer: stream needs a local Docker engine with the image");
  const id = await src.id(plan.image);
  const present = await s.try(docker.imageId(id));
  if (present.code !== 0) {
    let bytes = 0;
    let next = 0;
    const progress = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes >= next) (opts.log(`${s.ex.target} stream ${plan.image}: ${(bytes / 2 ** 20).toFixed(1)} MiB sent`), (next += 16 * 2 ** 20));
        done(null, chunk);
      },
    });
    await s.run(docker.load(), { stdin: (await src.save(plan.image)).pipe(progress) });
  }
  return id;
}

export async function deploy(ex: Executor, plan: AppPlan, opts: DeployOptions): Promise<DeployResult> {
  const s = new Session(ex, opts.log);
  const reg = plan.registry;
  // docker writes ~/.docker/config.json with mode 0600 itself.
  const login = reg && plan.transfer === "registry" ? () => s.run(docker.login(reg.server, reg.username, reg.password)) : undefined;
  if (opts.waitForBootstrap === false) {
    if (login) await s.step("login", login);
  } else {
    // On a ready host (every redeploy) the status read and the login share one round trip;
    // otherwise wait for the bootstrap and log in after it.
    const [status, early] = await s.step("status+login", () => Promise.all([readStatus(s), login?.().then(() => true, () => false)]));
    if (status?.phase !== "ready") await s.step("wait-bootstrap", () => waitForBootstrap(s, opts.bootstrapTimeoutSeconds ?? 900));
    if (login && (status?.phase !== "ready" || early !== true)) await s.step("login", login);
  }
  const fetched = await s.step(plan.transfer === "stream" ? "stream" : "pull", () => s.retrying(() => fetchImage(s, plan, opts)));
  // Independent look-ups share one round trip: the image id, the running release, a set-aside one.
  const [idOut, current, stale] = await Promise.all([
    fetched ? undefined : s.run(docker.imageId(plan.image)),
    inspect(s, plan.name),
    s.try(docker.inspect(`${plan.name}-prev`)),
  ]);
  const imageId = fetched || (idOut?.stdout.trim() ?? "");
  const release = `r${createHash("sha256").update(imageId + plan.specHash).digest("hex").slice(0, 12)}`;
  if (current?.state === "running" && current.spec === plan.specHash && current.image === imageId) {
    opts.log(`${ex.target} ${plan.name} already runs ${release}: nothing to do`);
    return { target: ex.target, changed: false, release, imageId };
  }
  const prev = await s.step("set-aside", () => setAside(s, plan.name, current !== undefined, stale.code === 0));
  try {
    const envFile = await writeEnvFile(s, plan, release);
    await s.step("start", () => s.run(docker.run({
      name: plan.name, image: imageId, ports: plan.ports, env: plan.env, volumes: plan.volumes, restart: plan.restart, args: plan.args,
      ...(envFile ? { envFile } : {}),
      labels: { [LABEL.app]: plan.name, [LABEL.release]: release, [LABEL.spec]: plan.specHash, "berth.image": plan.image },
    })));
    const health = await s.step("health", () => checkHealth(s, plan.name, plan.healthcheck));
    if (!health.ok) throw new DeployError(ex.target, `health check failed: ${health.detail}`);
  } catch (e) {
    const logs = await s.try(docker.logs(plan.name, false, 20));
    await s.step("rollback", () => rollback(s, plan.name, prev));
    const why = e instanceof DeployError ? e.message.slice(ex.target.length + 2) : (e as Error).message;
    const tail = (logs.stdout + logs.stderr).trim();
    throw new DeployError(ex.target, `${why}; rolled back to ${prev ? "the previous release" : "no container (first deploy)"}${tail ? `\nlast log lines of the failed release:\n${tail}` : ""}`);
  }
  await s.step("cleanup", () => cleanup(s, plan, prev, imageId, release));
  return { target: ex.target, changed: true, release, imageId };
}

/** Rename the running release out of the way and stop it, keeping it for a rollback. */
async function setAside(s: Session, name: string, exists: boolean, staleExists: boolean): Promise<string | undefined> {
  const prev = `${name}-prev`;
  if (!exists) return staleExists ? prev : undefined;
  if (staleExists) await s.run(docker.remove(prev));
  await s.run(docker.rename(name, prev));
  await s.run(docker.stop(prev));
  return prev;
}

async function rollback(s: Session, name: string, prev: string | undefined): Promise<void> {
  await s.try(docker.remove(name));
  if (!prev) return;
  await s.run(docker.rename(prev, name));
  await s.run(docker.start(name));
}

async function writeEnvFile(s: Session, plan: AppPlan, release: string): Promise<string | undefined> {
  const keys = Object.keys(plan.secretEnv).sort();
  if (keys.length === 0) return undefined;
  const dir = `.berth/${plan.name}`;
  await s.run(host.mkdir(dir));
  const body = new Sensitive(keys.map((k) => `${k}=${plan.secretEnv[k]?.reveal() ?? ""}\n`).join(""));
  const path = `${dir}/${release}.env`;
  await s.ex.upload(path, body, 0o600);
  return path;
}

/** Drop the old container, old env-files, and images beyond the releases to keep. */
async function cleanup(s: Session, plan: AppPlan, prev: string | undefined, imageId: string, release: string): Promise<void> {
  const dir = `.berth/${plan.name}`;
  const [, listed] = await Promise.all([prev ? s.run(docker.remove(prev)) : undefined, s.try(host.cat(`${dir}/images`))]);
  const history = listed.stdout.split("\n").filter((l) => l.startsWith("sha256:"));
  const kept = [imageId, ...history.filter((h) => h !== imageId)];
  await s.run(host.recordRelease(dir, `${release}.env`), { stdin: kept.slice(0, plan.keepReleases).join("\n") + "\n" });
  for (const old of kept.slice(plan.keepReleases)) await s.try(docker.removeImage(old));
}
