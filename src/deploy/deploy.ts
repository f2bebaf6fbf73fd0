/**
 * One host's deploy: take the app's lock on the host, wait for the bootstrap, log in, pull or
 * stream the image, start the new release beside the old one, health-check, then keep it or
 * roll back, and release the lock. The lock, the bootstrap status and the login share the first
 * round trip, and the bookkeeping after a release (old container and images, the login's
 * throwaway config, the lock) is one command, so the lock costs no extra round trip.
 */
import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { docker, lock as lockCmd } from "./commands.js";
import { ConnectError, DeployError, HostKeyError, asDeployError } from "./errors.js";
import type { Executor } from "./executor.js";
import { DeployLock, type Holder } from "./lock.js";
import type { AppPlan } from "./plan.js";
import { inspectApp, launch, rollback, setAside } from "./release.js";
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
  /** How long to wait for another deploy's lock; overrides berth:app.lockTimeoutSeconds. */
  readonly lockTimeoutSeconds?: number;
  /** Who the lock names as its holder (default: this process). */
  readonly holder?: Holder;
}

export interface DeployResult {
  readonly target: string;
  readonly changed: boolean;
  readonly release: string;
  readonly imageId: string;
}

export { DeployError };

async function fetchImage(s: Session, plan: AppPlan, opts: DeployOptions, loginDir: string | undefined): Promise<string> {
  if (plan.transfer === "registry") {
    const id = (await s.run(docker.pull(plan.image, loginDir))).stdout.trim().split("\n").pop() ?? "";
    if (!/^sha256:[0-9a-f]{64}$/.test(id)) throw new DeployError(s.ex.target, `docker pull -- ${plan.image} gave no image id (got "${id.slice(0, 80)}")`);
    return id;
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
        if (bytes >= next) (s.log(`${s.ex.target} stream ${plan.image}: ${(bytes / 2 ** 20).toFixed(1)} MiB sent`), (next += 16 * 2 ** 20));
        done(null, chunk);
      },
    });
    await s.run(docker.load(), { stdin: (await src.save(plan.image)).pipe(progress) });
  }
  return id;
}

export async function deploy(ex: Executor, plan: AppPlan, opts: DeployOptions): Promise<DeployResult> {
  const s = new Session(ex, opts.log);
  const lock = new DeployLock(s, plan.name, opts.holder);
  const reg = plan.transfer === "registry" ? plan.registry : undefined;
  const loginDir = reg ? `${lock.dir}/login-${lock.token}` : undefined;
  const state = { released: false };
  try {
    return await deployLocked(s, lock, plan, opts, loginDir, state);
  } catch (e) {
    // Leave nothing behind that this deploy made (its login, its lock) unless the host is unreachable.
    if (!state.released && !(e instanceof ConnectError || e instanceof HostKeyError)) await s.try(lockCmd.release(lock.dir, lock.token, loginDir)).catch(() => undefined);
    throw asDeployError(ex.target, e);
  } finally {
    await lock.stopHeartbeat();
  }
}

async function deployLocked(s: Session, lock: DeployLock, plan: AppPlan, opts: DeployOptions, loginDir: string | undefined, state: { released: boolean }): Promise<DeployResult> {
  const target = s.ex.target;
  const reg = plan.registry;
  const login = reg && loginDir ? docker.login(loginDir, reg.server, reg.username, reg.password) : undefined;
  const waitBoot = opts.waitForBootstrap !== false;
  // One round trip: take the lock, read the bootstrap status, log in (into this deploy's own
  // throwaway config, so logging in while another deploy holds the lock is harmless).
  const [held, status, early] = await s.step(waitBoot ? "lock+status+login" : "lock+login", () => s.retrying(() => Promise.all([
    lock.tryAcquire(),
    waitBoot ? readStatus(s) : undefined,
    login ? s.try(login) : undefined,
  ])));
  if (held) await s.step("wait-lock", () => lock.wait(held, opts.lockTimeoutSeconds ?? plan.lockTimeoutSeconds));
  lock.startHeartbeat();
  if (waitBoot && status?.phase !== "ready") await s.step("wait-bootstrap", () => waitForBootstrap(s, opts.bootstrapTimeoutSeconds ?? 900));
  // Log in (again) when the early login failed (no docker yet) or a long wait may have outlived it.
  if (login && (early?.code !== 0 || held)) await s.step("login", () => s.retrying(() => s.run(login)));

  // The pull and the look-ups for a rollback share a round trip.
  const [imageId, { current, prevExists }] = await s.step(plan.transfer === "stream" ? "stream" : "pull", () => Promise.all([
    s.retrying(() => fetchImage(s, plan, opts, loginDir)),
    s.retrying(() => inspectApp(s, plan.name)),
  ]));
  const release = `r${createHash("sha256").update(imageId + plan.specHash).digest("hex").slice(0, 12)}`;
  if (current?.state === "running" && current.spec === plan.specHash && current.image === imageId) {
    await s.run(lockCmd.release(lock.dir, lock.token, loginDir));
    state.released = true;
    s.log(`${target} ${plan.name} already runs ${release}: nothing to do`);
    return { target, changed: false, release, imageId };
  }
  const prev = await s.step("set-aside", () => setAside(s, lock, plan.name, current !== undefined, prevExists));
  // After the check: the old container, the image history beyond keepReleases, the login's config and the lock.
  const finish = { ...(loginDir ? { loginDir } : {}), keep: plan.keepReleases, imageId, ...(prev ? { prev } : {}) };
  const { failed } = await launch(s, lock, plan, imageId, release, finish);
  if (failed !== undefined) {
    const logs = await s.try(docker.logs(plan.name, false, 20));
    await s.step("rollback", () => rollback(s, lock, plan.name, prev));
    const tail = (logs.stdout + logs.stderr).trim();
    throw new DeployError(target, `${failed}; rolled back to ${prev ? "the previous release" : "no container (first deploy)"}${tail ? `\nlast log lines of the failed release:\n${tail}` : ""}`);
  }
  state.released = true;
  return { target, changed: true, release, imageId };
}
