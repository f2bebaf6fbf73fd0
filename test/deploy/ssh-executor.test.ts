import { existsSync, mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectError, SshAuthError } from "../../src/deploy/errors.js";
import { KnownHosts, defaultKnownHostsPath } from "../../src/deploy/known-hosts.js";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { HostKeyError, SshExecutor } from "../../src/deploy/ssh.js";
import { readKnownHosts, sshKeyPair, startSshd, type Sshd } from "../helpers/sshd.js";

describe("SshExecutor against a real sshd", () => {
  let sshd: Sshd;
  let ex: SshExecutor;
  const known = () => new KnownHosts(join(mkdtempSync(join(tmpdir(), "berth-kh-")), "known_hosts"));
  const executor = (extra: Partial<ConstructorParameters<typeof SshExecutor>[0]> = {}) =>
    new SshExecutor({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: sshd.privateKey, knownHosts: known(), ...extra });

  beforeAll(async () => {
    sshd = await startSshd();
    ex = executor();
  });
  afterAll(async () => {
    await ex.close();
    await sshd.stop();
  });

  it("runs argv and returns exit code, stdout and stderr", async () => {
    const r = await ex.exec(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r).toEqual({ code: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("delivers any argv byte-exact (property, 150 cases)", async () => {
    const word = fc.string({ unit: "binary", maxLength: 30 }).filter((s) => !s.includes("\0"));
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 5 }), async (args) => {
        const r = await ex.exec(["printf", "%s\\0", "start", ...args]);
        expect(r.stdout.split("\0").slice(1, -1)).toEqual(args);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it("feeds a Sensitive value through stdin only", async () => {
    const secret = new Sensitive("pa$$ 'word'\n");
    const r = await ex.exec(["cat"], { stdin: secret });
    expect(r.stdout).toBe("pa$$ 'word'\n");
    expect(String(secret)).toBe("[REDACTED]");
    expect(JSON.stringify({ secret })).toBe('{"secret":"[REDACTED]"}');
  });

  it("uploads a file with the given mode", async () => {
    const path = join(sshd.dir, "env-file");
    await ex.upload(path, new Sensitive("TOKEN=abc\n"), 0o600);
    const r = await ex.exec(["stat", "-c", "%a %s", path]);
    expect(r.stdout).toBe("600 10\n");
    expect((await ex.exec(["cat", path])).stdout).toBe("TOKEN=abc\n");
  });

  it("reconnects after the connection is cut", async () => {
    const running = ex.exec(["sleep", "5"]);
    setTimeout(() => ex.destroy(), 300);
    await expect(running).rejects.toThrow(/connection lost while running `sleep 5`/);
    expect((await ex.exec(["echo", "again"])).stdout).toBe("again\n");
  });

  it("retries the connection until the server comes up", async () => {
    const late = await startSshd({ delayMs: 1500 });
    const e = new SshExecutor({ host: "127.0.0.1", port: late.port, username: late.user, privateKey: late.privateKey, knownHosts: known(), retries: 6 });
    expect((await e.exec(["echo", "up"])).stdout).toBe("up\n");
    await e.close();
    await late.stop();
  });

  it("trusts a host key on first use, remembers it, and refuses it once it changes", async () => {
    const other = await startSshd();
    const kh = known();
    const first = new SshExecutor({ host: "127.0.0.1", port: other.port, username: other.user, privateKey: other.privateKey, knownHosts: kh });
    await first.exec(["true"]);
    await first.close();
    const fp = other.hostFingerprint();
    expect(first.hostKey).toBe(fp);
    expect(readKnownHosts(kh.path)).toBe(`127.0.0.1:${other.port} ${fp}\n`);
    await other.rekey();
    const second = new SshExecutor({ host: "127.0.0.1", port: other.port, username: other.user, privateKey: other.privateKey, knownHosts: new KnownHosts(kh.path) });
    const err = await second.exec(["true"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as Error).message).toBe(`127.0.0.1:${other.port}: host key changed from ${fp} to ${other.hostFingerprint()} — refusing to connect; if the server was rebuilt, remove its line from ${kh.path}`);
    await other.stop();
  });

  it("never exists without a pin or a store to check the host key against", () => {
    expect(() => new SshExecutor({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: sshd.privateKey })).toThrow(
      new HostKeyError(`127.0.0.1:${sshd.port}`, "no host key fingerprint to pin and no known_hosts file to check it against — berth never accepts an unchecked host key"),
    );
  });

  it("records a first-seen host key only once the connection is ready: a refused login leaves the store empty", async () => {
    const kh = known();
    const stranger = sshKeyPair().private;
    const e = new SshExecutor({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: new Sensitive(stranger), privateKeySource: "the key /tmp/stranger", knownHosts: kh });
    const err = await e.exec(["true"]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(SshAuthError);
    expect((err as Error).message).toBe(`${sshd.user}@127.0.0.1:${sshd.port}: the server refused the key /tmp/stranger for user ${sshd.user} — check the user (user@address) and that the matching public key is in ~${sshd.user}/.ssh/authorized_keys there`);
    expect(e.hostKey).toBe(sshd.hostFingerprint());
    expect(existsSync(kh.path)).toBe(false);
    expect(new KnownHosts(kh.path).get(`127.0.0.1:${sshd.port}`)).toBeUndefined();
    const ok = new SshExecutor({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: sshd.privateKey, knownHosts: kh });
    await ok.exec(["true"]);
    await ok.close();
    expect(readKnownHosts(kh.path)).toBe(`127.0.0.1:${sshd.port} ${sshd.hostFingerprint()}\n`);
  });

  it("names where a refused pin was written", async () => {
    const e = executor({ hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", hostKeyFingerprintSource: "berth:host.hostKeyFingerprint in stacks/Pulumi.prod.yaml" });
    await expect(e.exec(["true"])).rejects.toThrow(`127.0.0.1:${sshd.port}: host key is ${sshd.hostFingerprint()}, but berth:host.hostKeyFingerprint in stacks/Pulumi.prod.yaml is SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA — refusing to connect (if the server was rebuilt, update the fingerprint)`);
  });

  it("says what to check when nothing listens, and what to do with a key it cannot use", async () => {
    // Port 1 (tcpmux): nothing listens there, and no other test can start a server on it.
    const e = new SshExecutor({ host: "127.0.0.1", port: 1, username: "root", privateKey: sshd.privateKey, knownHosts: known(), retries: 0 });
    const err = await e.exec(["true"]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toBe("root@127.0.0.1:1: cannot connect over SSH after 1 attempts: connect ECONNREFUSED 127.0.0.1:1 — nothing accepts connections on port 1 of 127.0.0.1: is the server up, and is 1 its SSH port?");
    const garbled = new SshExecutor({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: new Sensitive("not a key"), privateKeySource: "berth:sshPrivateKey", knownHosts: known() });
    const bad = await garbled.exec(["true"]).catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(SshAuthError);
    expect((bad as Error).message).toBe(`${sshd.user}@127.0.0.1:${sshd.port}: berth:sshPrivateKey is not an SSH private key ssh2 can read (Cannot parse privateKey: Unsupported key format) — give an OpenSSH or PEM private key`);
  });

  it("keeps berth's known_hosts where BERTH_KNOWN_HOSTS says, unless told a file", () => {
    expect(defaultKnownHostsPath({ BERTH_KNOWN_HOSTS: "/srv/ci/known_hosts" })).toBe("/srv/ci/known_hosts");
    expect(defaultKnownHostsPath({})).toBe(join(homedir(), ".config/berth/known_hosts"));
    expect(new KnownHosts("/x/known_hosts").path).toBe("/x/known_hosts");
  });

  it("refuses a host whose key does not match the pinned fingerprint", async () => {
    const e = executor({ hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    await expect(e.exec(["true"])).rejects.toThrow(`127.0.0.1:${sshd.port}: host key is ${sshd.hostFingerprint()}, but the configured fingerprint is SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA — refusing to connect (if the server was rebuilt, update the fingerprint)`);
    const pinned = executor({ hostKeyFingerprint: sshd.hostFingerprint() });
    expect((await pinned.exec(["echo", "ok"])).stdout).toBe("ok\n");
    await pinned.close();
  });
});
