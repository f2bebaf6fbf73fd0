// Doctor over real SSH (an OpenSSH server on loopback): it runs its read-only evidence script
// on the host, and explains the three ways of not getting in, in English and Chinese.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describe as describeFinding } from "../../src/diagnose/explain.js";
import { exitCode } from "../../src/doctor/report.js";
import { runDoctor } from "../../src/doctor/run.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

describe("berth doctor --host over real SSH", () => {
  let sshd: Sshd;
  const dir = mkdtempSync(join(tmpdir(), "berth-doctor-ssh-"));
  const identity = join(dir, "id");
  const knownHosts = join(dir, "known_hosts");
  beforeAll(async () => {
    sshd = await startSshd();
    writeFileSync(identity, sshd.privateKey, { mode: 0o600 });
  });
  afterAll(async () => {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const doctor = (extra: { identity?: string; port?: number } = {}) =>
    runDoctor({ hosts: [{ user: sshd.user, host: "127.0.0.1", port: extra.port ?? sshd.port }], identity: extra.identity ?? identity, knownHosts, projectDir: PROJECT_DIR, env: {} });

  it("gets in, reads every section of its evidence, and names the host key", async () => {
    const r = await doctor();
    const host = r.hosts[0];
    expect(host?.reachable).toBe(true);
    expect(host?.checks[0]).toEqual({ id: "ssh", status: "ok", summary: "ssh.ok", params: { user: sshd.user, fingerprint: sshd.hostFingerprint() }, findings: [] });
    expect(host?.checks.map((c) => c.id)).toEqual(["ssh", "bootstrap", "cloud-init", "disk", "dns", "docker", "hub-mirrors", "pulls", "docker-group", "registry-login", "app", "app-port"]);
    // The disk check read df on this machine: the root filesystem is listed.
    expect(host?.checks.find((c) => c.id === "disk")?.params.list).toMatch(/^\/ \d+%/);
  });

  it("a key the host does not accept", async () => {
    const other = join(dir, "other");
    writeFileSync(other, ed25519KeyPair().private, { mode: 0o600 });
    const r = await doctor({ identity: other });
    expect(exitCode(r)).toBe(3);
    const f = r.hosts[0]?.checks[0]?.findings[0];
    expect(f?.id).toBe("ssh-auth-failed");
    expect(f && describeFinding(f, "en").why).toBe(`The host did not accept the key for ${sshd.user}: it was given another public key (berth:host.sshPublicKey), or the user name is not the image's (berth:host.user).`);
    expect(f && describeFinding(f, "zh").why).toBe(`主机不接受 ${sshd.user} 的这把密钥：主机拿到的是另一把公钥（berth:host.sshPublicKey），或者用户名不是镜像里的那个（berth:host.user）。`);
  });

  it("nothing listening on the port", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await doctor({ port });
    const f = r.hosts[0]?.checks[0]?.findings[0];
    expect(f?.id).toBe("ssh-unreachable");
    expect(f?.params.detail).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(f && describeFinding(f, "en").title).toBe("The host does not answer on its SSH port");
    expect(f && describeFinding(f, "zh").title).toBe("主机的 SSH 端口没有响应");
  });

  it("a host key that changed since the last visit", async () => {
    await doctor();
    const before = sshd.hostFingerprint();
    await sshd.rekey();
    const r = await doctor();
    const f = r.hosts[0]?.checks[0]?.findings[0];
    expect(f?.id).toBe("ssh-host-key-changed");
    expect(f?.params).toMatchObject({ old: before, new: sshd.hostFingerprint() });
  });
});
