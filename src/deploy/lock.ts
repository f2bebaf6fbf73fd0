/**
 * The deploy lock: one deploy of an app on a host at a time. A file on the host (see
 * scripts.ts), so it outlives a dropped SSH connection and the deploy that reconnects still
 * holds it (its random token); it names its holder and since when, and the holder refreshes its
 * mtime every HEARTBEAT_SECONDS. A lock is never broken automatically: one without a heartbeat
 * for STALE_SECONDS, or whose holder process on this machine is gone, is reported as stale, and
 * `berth lock break` removes it.
 */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { appDir, lock as cmd, type Command } from "./commands.js";
import { LockError } from "./errors.js";
import type { Session } from "./session.js";

export const HEARTBEAT_SECONDS = 10;
export const STALE_SECONDS = 60;
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 600;
const POLL_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Holder {
  readonly user: string;
  readonly machine: string;
  readonly pid: number;
  /** A CI run (GitHub Actions: the run's URL), when there is one. */
  readonly run?: string;
}

export interface LockInfo extends Holder {
  readonly token: string;
  /** Host clock, seconds since the epoch. */
  readonly since: number;
  /** Seconds since it was taken, and since its last heartbeat (host clock). */
  readonly age: number;
  readonly beatAge: number;
}

const clean = (v: string) => v.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);

/** Who is deploying from this process. */
export function currentHolder(env: NodeJS.ProcessEnv = process.env): Holder {
  let user = env.USER ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep $USER
  }
  const run = env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY ?? "?"}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  return { user: clean(user), machine: clean(hostname()), pid: process.pid, ...(run ? { run: clean(run) } : {}) };
}

function holderLines(h: Holder): string {
  return [`user=${h.user}`, `machine=${h.machine}`, `pid=${h.pid}`, `run=${h.run ?? ""}`].join("\n");
}

/** The output of the status (or a refused acquire) script; undefined when it names no holder. */
export function parseLock(text: string): LockInfo | undefined {
  const kv = new Map(text.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const).filter(([k]) => k.length > 0));
  const token = kv.get("token");
  if (!token) return undefined;
  const num = (k: string) => Number(kv.get(k) ?? NaN);
  const now = num("now");
  const since = num("since");
  const beat = Number.isFinite(num("beat")) ? num("beat") : since;
  const run = kv.get("run");
  return {
    token, since, user: kv.get("user") ?? "?", machine: kv.get("machine") ?? "?", pid: num("pid"),
    ...(run ? { run } : {}), age: Math.max(0, now - since), beatAge: Math.max(0, now - beat),
  };
}

/** `alice on laptop (pid 4242) since 2026-11-27T10:00:00Z (95 s ago), last heartbeat 3 s ago` */
export function describeLock(l: LockInfo): string {
  const since = Number.isFinite(l.since) ? new Date(l.since * 1000).toISOString().replace(/\.000Z$/, "Z") : "?";
  return `${l.user} on ${l.machine} (pid ${l.pid}${l.run ? `, ${l.run}` : ""}) since ${since} (${l.age} s ago), last heartbeat ${l.beatAge} s ago`;
}

/** Why a lock's holder looks gone, or undefined while it looks alive. */
export function staleReason(l: LockInfo, machine = hostname(), alive = pidAlive): string | undefined {
  if (l.machine === machine && Number.isInteger(l.pid) && !alive(l.pid)) return `process ${l.pid} is not running on this machine`;
  if (l.beatAge > STALE_SECONDS) return `no heartbeat for ${l.beatAge} s (a running deploy beats every ${HEARTBEAT_SECONDS} s)`;
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The lock of one app on the host, as held by this deploy. */
export class DeployLock {
  readonly dir: string;
  readonly token = randomBytes(8).toString("hex");
  #timer: NodeJS.Timeout | undefined;
  #beat: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly s: Session,
    readonly app: string,
    private readonly holder: Holder = currentHolder(),
    private readonly heartbeatMs = HEARTBEAT_SECONDS * 1000,
  ) {
    this.dir = appDir(app);
  }

  /** Take the lock if it is free: undefined when taken, else who holds it. */
  async tryAcquire(): Promise<LockInfo | undefined> {
    const c = cmd.acquire(this.dir, this.token, holderLines(this.holder));
    for (let attempt = 1; ; attempt++) {
      const r = await this.s.retrying(() => this.s.try(c));
      if (r.code === 0) return undefined;
      if (r.code !== 75) throw this.s.failure(c, r);
      // Held, but released before it could be read: try again at once.
      const held = parseLock(r.stdout);
      if (held || attempt >= 3) return held ?? { token: "?", since: NaN, user: "?", machine: "?", pid: NaN, age: 0, beatAge: 0 };
    }
  }

  /** Wait for the holder to release it, up to `timeoutSeconds`, polling every 2 s. */
  async wait(held: LockInfo, timeoutSeconds: number): Promise<void> {
    const target = this.s.ex.target;
    const deadline = Date.now() + timeoutSeconds * 1000;
    let shown = "";
    let current: LockInfo | undefined = held;
    while (current) {
      if (current.token !== shown) {
        const stale = staleReason(current);
        this.s.log(`${target} waiting for the deploy lock of ${this.app}: held by ${describeLock(current)}${stale ? ` — it looks stale (${stale}); berth lock break removes it` : ""}`);
        shown = current.token;
      }
      if (Date.now() + POLL_MS > deadline) throw this.#gaveUp(current, timeoutSeconds);
      await sleep(POLL_MS);
      current = await this.tryAcquire();
    }
  }

  #gaveUp(l: LockInfo, timeoutSeconds: number): LockError {
    const stale = staleReason(l);
    const what = `the deploy lock of ${this.app} (~/${this.dir}/lock) is held by ${describeLock(l)}`;
    const fix = stale
      ? `it looks stale (${stale}): if that deploy is gone, remove the lock with \`berth lock break\` for this host`
      : "let that deploy finish and run again, or wait longer (--lock-timeout, berth:app.lockTimeoutSeconds)";
    return new LockError(this.s.ex.target, `${what}; gave up waiting after ${timeoutSeconds} s — ${fix}`);
  }

  /** Take the lock, waiting for it when it is held. */
  async acquire(timeoutSeconds: number): Promise<void> {
    const held = await this.tryAcquire();
    if (held) await this.wait(held, timeoutSeconds);
  }

  /** `c`, run on the host only while this deploy still holds the lock. */
  guard(c: Command): Command {
    return cmd.guard(this.dir, this.token, c);
  }

  /** Refresh the lock's heartbeat every HEARTBEAT_SECONDS until stopped. */
  startHeartbeat(): void {
    this.#timer ??= setInterval(() => {
      this.#beat = this.s.try(cmd.heartbeat(this.dir, this.token)).catch(() => undefined);
    }, this.heartbeatMs);
    this.#timer.unref();
  }

  /** Stop beating, and let a beat in flight finish (so nothing runs on a closed executor). */
  async stopHeartbeat(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beat;
  }
}

/** The lock of `app` on the session's host, if any. */
export async function readLock(s: Session, app: string): Promise<LockInfo | undefined> {
  const c = cmd.status(appDir(app));
  const r = await s.try(c);
  if (r.code === 3) return undefined;
  if (r.code !== 0) throw s.failure(c, r);
  return parseLock(r.stdout);
}

/** Remove the lock of `app` if it is still the one with `token`; false when it changed meanwhile. */
export async function breakLock(s: Session, app: string, token: string): Promise<boolean> {
  return (await s.try(cmd.break(appDir(app), token))).code === 0;
}
