import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KnownHosts } from "../../src/deploy/known-hosts.js";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { HostKeyError, SshExecutor } from "../../src/deploy/ssh.js";
import { readKnownHosts, startSshd, type Sshd } from "../helpers/sshd.js";

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

  it("refuses a host whose key does not match the pinned fingerprint", async () => {
    const e = executor({ hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    await expect(e.exec(["true"])).rejects.toThrow(`127.0.0.1:${sshd.port}: host key is ${sshd.hostFingerprint()}, but the configured fingerprint is SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA — refusing to connect (if the server was rebuilt, update the fingerprint)`);
    const pinned = executor({ hostKeyFingerprint: sshd.hostFingerprint() });
    expect((await pinned.exec(["echo", "ok"])).stdout).toBe("ok\n");
    await pinned.close();
  });
});
