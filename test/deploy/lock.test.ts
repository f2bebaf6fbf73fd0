// The deploy lock's scripts in a real shell, reached through a real sshd on loopback: atomic
// take, holder and age, re-take after a dropped connection, heartbeat, guard, release, break.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lock as lockCmd } from "../../src/deploy/commands.js";
import { LockError } from "../../src/deploy/errors.js";
import { KnownHosts } from "../../src/deploy/known-hosts.js";
import { DeployLock, breakLock, describeLock, parseLock, readLock, staleReason, type Holder } from "../../src/deploy/lock.js";
import { SCRIPTS } from "../../src/deploy/scripts.js";
import { Session } from "../../src/deploy/session.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";

// The sshd logs in as the user running the tests: the lock lives in ~/.berth/APP of that user,
// under an app name no real deploy uses, removed afterwards.
const APP = `berth-lock-test-${process.pid}`;
const ALICE: Holder = { user: "alice", machine: "laptop", pid: 4242 };
const CI: Holder = { user: "runner", machine: "fv-az1", pid: 1800, run: "https://github.com/o/r/actions/runs/77" };

describe("the deploy lock on a real shell over SSH", () => {
  let sshd: Sshd;
  let ex: SshExecutor;
  let s: Session;
  const logs: string[] = [];
  const sh = async (script: string) => (await ex.exec(["sh", "-c", script])).stdout;

  beforeAll(async () => {
    sshd = await startSshd();
    ex = new SshExecutor({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: sshd.privateKey, knownHosts: new KnownHosts(join(mkdtempSync(join(tmpdir(), "berth-kh-")), "known_hosts")) });
    s = new Session(ex, (l) => logs.push(l));
  });
  afterAll(async () => {
    await sh(`rm -rf ~/.berth/${APP}; rmdir ~/.berth 2>/dev/null; true`);
    await ex.close();
    await sshd.stop();
  });

  it("is taken atomically, names its holder, and refuses a second deploy with who and since when", async () => {
    const first = new DeployLock(s, APP, CI);
    expect(await first.tryAcquire()).toBeUndefined();
    expect(await sh(`stat -c '%a' ~/.berth/${APP} ~/.berth/${APP}/lock; ls ~/.berth/${APP}`)).toBe("700\n600\nlock\n");
    expect((await sh(`cat ~/.berth/${APP}/lock`)).replace(/since=\d+/, "since=N")).toBe(`token=${first.token}\nsince=N\nuser=runner\nmachine=fv-az1\npid=1800\nrun=https://github.com/o/r/actions/runs/77\n`);
    const second = new DeployLock(s, APP, ALICE);
    const held = await second.tryAcquire();
    expect(held).toMatchObject({ token: first.token, user: "runner", machine: "fv-az1", pid: 1800, run: "https://github.com/o/r/actions/runs/77" });
    expect(held?.age).toBeGreaterThanOrEqual(0);
    expect(describeLock({ ...(held as NonNullable<typeof held>), since: 1_795_000_000, age: 95, beatAge: 3 })).toBe("runner on fv-az1 (pid 1800, https://github.com/o/r/actions/runs/77) since 2026-11-18T11:06:40Z (95 s ago), last heartbeat 3 s ago");
    // Waiting 0 s fails at once, naming the holder and what to do.
    const err = await second.wait(held as NonNullable<typeof held>, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toMatch(new RegExp(`^${sshd.user}@127\\.0\\.0\\.1:${sshd.port}: the deploy lock of ${APP} \\(~/\\.berth/${APP}/lock\\) is held by runner on fv-az1 \\(pid 1800, https://github\\.com/o/r/actions/runs/77\\) since \\S+Z \\(\\d+ s ago\\), last heartbeat \\d+ s ago; gave up waiting after 0 s — let that deploy finish and run again, or wait longer \\(--lock-timeout, berth:app\\.lockTimeoutSeconds\\)$`));
    expect(logs.at(-1)).toMatch(new RegExp(`waiting for the deploy lock of ${APP}: held by runner on fv-az1 \\(pid 1800`));
    await s.run(lockCmd.release(first.dir, first.token));
    expect(await readLock(s, APP)).toBeUndefined();
  });

  it("stays this deploy's across a dropped connection: taken again with its token, and its guarded commands still run", async () => {
    const mine = new DeployLock(s, APP, ALICE);
    expect(await mine.tryAcquire()).toBeUndefined();
    ex.destroy();
    expect(await mine.tryAcquire()).toBeUndefined();
    expect((await s.run(mine.guard({ argv: ["echo", "still mine"] }))).stdout).toBe("still mine\n");
    expect(await new DeployLock(s, APP, CI).tryAcquire()).toMatchObject({ token: mine.token, user: "alice" });
    await s.run(lockCmd.release(mine.dir, mine.token));
  });

  it("a guarded command refuses to run once the lock is no longer this deploy's", async () => {
    const mine = new DeployLock(s, APP, ALICE);
    expect(await mine.tryAcquire()).toBeUndefined();
    expect(await breakLock(s, APP, mine.token)).toBe(true);
    const other = new DeployLock(s, APP, CI);
    expect(await other.tryAcquire()).toBeUndefined();
    const err = await s.run(mine.guard({ argv: ["touch", "ran"] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toBe(`${ex.target}: this deploy lost its lock ~/.berth/${APP}/lock before \`'touch' 'ran'\` — someone removed it (berth lock break) while the deploy ran; check the host with berth status and deploy again`);
    expect(await sh("test -e ran; echo $?")).toBe("1\n");
    // Releasing with the old token leaves the new holder's lock alone.
    await s.run(lockCmd.release(mine.dir, mine.token));
    expect((await readLock(s, APP))?.token).toBe(other.token);
    await s.run(lockCmd.release(other.dir, other.token));
  });

  it("a lock without a heartbeat for a minute is reported stale; a heartbeat makes it fresh; break removes only the lock it saw", async () => {
    const gone = new DeployLock(s, APP, CI);
    expect(await gone.tryAcquire()).toBeUndefined();
    await sh(`touch -d @$(( $(date +%s) - 300 )) ~/.berth/${APP}/lock`);
    const old = await readLock(s, APP);
    expect(old?.beatAge).toBeGreaterThanOrEqual(300);
    expect(staleReason(old as NonNullable<typeof old>, "elsewhere")).toBe(`no heartbeat for ${old?.beatAge} s (a running deploy beats every 10 s)`);
    await s.run(lockCmd.heartbeat(gone.dir, gone.token));
    const fresh = await readLock(s, APP);
    expect(fresh?.beatAge).toBeLessThan(60);
    expect(staleReason(fresh as NonNullable<typeof fresh>, "elsewhere")).toBeUndefined();
    expect(await breakLock(s, APP, "not-its-token")).toBe(false);
    expect(await breakLock(s, APP, gone.token)).toBe(true);
    expect(await readLock(s, APP)).toBeUndefined();
  });

  it("a held lock's heartbeat keeps it fresh until stopped", async () => {
    const mine = new DeployLock(s, APP, ALICE, 200);
    expect(await mine.tryAcquire()).toBeUndefined();
    await sh(`touch -d @$(( $(date +%s) - 300 )) ~/.berth/${APP}/lock`);
    mine.startHeartbeat();
    let beatAge = Infinity;
    for (let i = 0; i < 50 && beatAge >= 60; i++) beatAge = (await readLock(s, APP))?.beatAge ?? Infinity;
    await mine.stopHeartbeat();
    expect(beatAge).toBeLessThan(60);
    await sh(`touch -d @$(( $(date +%s) - 300 )) ~/.berth/${APP}/lock`);
    await new Promise((r) => setTimeout(r, 600));
    expect((await readLock(s, APP))?.beatAge).toBeGreaterThanOrEqual(300);
    await s.run(lockCmd.release(mine.dir, mine.token));
  });

  it("a holder on this machine whose process is gone is stale at once", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid ?? 0;
    const l = parseLock(`now=100\nbeat=99\ntoken=t\nsince=90\nuser=u\nmachine=${hostname()}\npid=${dead}\nrun=\n`);
    expect(l).toEqual({ token: "t", since: 90, user: "u", machine: hostname(), pid: dead, age: 10, beatAge: 1 });
    expect(staleReason(l as NonNullable<typeof l>)).toBe(`process ${dead} is not running on this machine`);
    expect(staleReason({ ...(l as NonNullable<typeof l>), pid: process.pid })).toBeUndefined();
  });

  it("a waiting deploy takes the lock as soon as the holder releases it", async () => {
    const holder = new DeployLock(s, APP, CI);
    expect(await holder.tryAcquire()).toBeUndefined();
    const waiter = new DeployLock(s, APP, ALICE);
    const held = await waiter.tryAcquire();
    expect(held?.token).toBe(holder.token);
    setTimeout(() => void s.run(lockCmd.release(holder.dir, holder.token)), 1000);
    await waiter.wait(held as NonNullable<typeof held>, 60);
    expect((await readLock(s, APP))?.token).toBe(waiter.token);
    await s.run(lockCmd.release(waiter.dir, waiter.token, `${waiter.dir}/login-${waiter.token}`));
  });

  it("release removes this deploy's login directory whether or not it holds the lock", async () => {
    const login = `.berth/${APP}/login-abc`;
    await sh(`mkdir -p ~/${login} && echo '{"auths":{}}' > ~/${login}/config.json`);
    await s.run(lockCmd.release(`.berth/${APP}`, "no-such-token", login));
    expect(await sh(`ls -A ~/.berth/${APP}`)).toBe("");
  });
});

describe("the remote scripts", () => {
  it("pass shellcheck as POSIX sh", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-scripts-"));
    const files = Object.entries(SCRIPTS).map(([name, text]) => {
      const f = join(dir, `${name}.sh`);
      writeFileSync(f, `#!/bin/sh\n${text}\n`);
      return f;
    });
    const r = spawnSync("shellcheck", ["--shell=sh", "--format=gcc", ...files], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
