// A new user's mistakes on the command line end in one clear line with the fix, never a stack
// trace: no SSH key, a public key given as the identity, a key with a passphrase, a bad --host,
// a host key that does not match the stack's pin (against a real sshd).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../helpers/config.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";

const WRONG = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

describe("berth deploy on a user's first mistakes", () => {
  let sshd: Sshd;
  let dir: string;
  let identity: string;
  const stack = (host: Record<string, unknown> = {}) => {
    const file = join(dir, `Pulumi.s${Math.random().toString(16).slice(2, 8)}.yaml`);
    writeFileSync(file, stringify({ config: { "berth:host": { provider: "existing", address: "127.0.0.1", ...host }, "berth:bootstrap": { conda: { enabled: false } }, "berth:app": { image: "registry.lab:5000/app:v1" } } }));
    return file;
  };
  const berth = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), ...args], { encoding: "utf8", env: { ...process.env, BERTH_KNOWN_HOSTS: join(dir, "known_hosts"), ...env } });
  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |Error:|node:internal/);

  beforeAll(async () => {
    sshd = await startSshd();
    dir = mkdtempSync(join(tmpdir(), "berth-cli-errors-"));
    identity = join(dir, "id");
    writeFileSync(identity, sshd.privateKey, { mode: 0o600 });
  });
  afterAll(async () => {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true }); // holds a private key
  });

  it("no SSH key on the machine: one line naming where it looked and how to make one", () => {
    const home = join(dir, "home");
    mkdirSync(home);
    const r = berth(["deploy", "--stack", stack(), "--host", `root@127.0.0.1:${sshd.port}`], { HOME: home });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("berth: no SSH private key found (looked for ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa) — make one with ssh-keygen -t ed25519 and add its .pub to the server's ~/.ssh/authorized_keys, or pass --identity FILE\n");
    expect(r.stdout).toBe("");
  });

  it("an --identity that is missing, a public key, or protected by a passphrase", () => {
    const host = ["--host", `root@127.0.0.1:${sshd.port}`];
    const missing = berth(["deploy", "--stack", stack(), ...host, "--identity", join(dir, "nope")]);
    expect([missing.status, missing.stderr]).toEqual([1, `berth: --identity ${join(dir, "nope")}: no such file — give the path of your SSH private key\n`]);
    const pub = join(dir, "k.pub");
    writeFileSync(pub, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKkKq3gsyPOWHbYbSdQvv7TUzVM9HfYXsiEK4ehVfjBn me@laptop\n");
    const r = berth(["deploy", "--stack", stack(), ...host, "--identity", pub]);
    expect([r.status, r.stderr]).toEqual([1, `berth: --identity ${pub}: this is a public key — give the private key (the file without .pub)\n`]);
    const locked = join(dir, "locked");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "s3cret-phrase", "-f", locked]);
    const p = berth(["deploy", "--stack", stack(), ...host, "--identity", locked]);
    expect([p.status, p.stderr]).toEqual([1, `berth: --identity ${locked}: the key is protected by a passphrase, which berth cannot ask for — use a deploy key without one (ssh-keygen -t ed25519 -N "" -f ~/.ssh/berth_deploy) and add its .pub to the server\n`]);
  });

  it("a --host that is not user@address[:port]", () => {
    const r = berth(["deploy", "--stack", stack(), "--host", "root@@x", "--identity", identity]);
    expect([r.status, r.stderr]).toEqual([1, "berth: --host root@@x: write user@address or user@address:port (like root@203.0.113.7:22)\n"]);
  });

  it("refuses a host whose key is not the stack's berth:host.hostKeyFingerprint, naming the key, with the catalogue's diagnosis", () => {
    const file = stack({ hostKeyFingerprint: WRONG });
    const r = berth(["deploy", "--stack", file, "--host", `${sshd.user}@127.0.0.1:${sshd.port}`, "--identity", identity], { LC_ALL: "", LC_MESSAGES: "", LANG: "C.UTF-8" });
    expect(r.status).toBe(1);
    const refusal = `host key is ${sshd.hostFingerprint()}, but berth:host.hostKeyFingerprint in ${file} is ${WRONG} — refusing to connect (if the server was rebuilt, update the fingerprint)`;
    const [step, blank, message, ...diagnosis] = r.stderr.split("\n");
    expect(step).toMatch(new RegExp(`^${sshd.user}@127\\.0\\.0\\.1:${sshd.port} lock\\+status\\+login failed after \\d+\\.\\d\\d s$`));
    expect([blank, message]).toEqual(["", `127.0.0.1:${sshd.port}: ${refusal}`]);
    expect(diagnosis.slice(0, 3)).toEqual([
      "── berth's diagnosis ──",
      "  [ssh-host-key-changed] The host's SSH key changed",
      `    why: The host shows a different host key (${sshd.hostFingerprint()}) from the one berth knew (${WRONG}): it was rebuilt, or something sits in between.`,
    ]);
    expect(diagnosis.slice(-2)).toEqual(["  (more checks on the host: berth doctor --stack FILE --host USER@ADDRESS)", ""]);
    expect(r.stdout).toMatch(new RegExp(`^host +result +release / error +seconds\\n${sshd.user}@127\\.0\\.0\\.1:${sshd.port} +FAILED +127\\.0\\.0\\.1:${sshd.port}: host key is `));
    noStack(r.stderr + r.stdout);
  });

  it("berth cache status --host pins --fingerprint too: a host with another key is refused", () => {
    const r = berth(["cache", "status", "--host", `${sshd.user}@127.0.0.1:${sshd.port}`, "--identity", identity, "--fingerprint", WRONG]);
    expect([r.status, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(`127.0.0.1:${sshd.port}: host key is ${sshd.hostFingerprint()}, but --fingerprint is ${WRONG} — refusing to connect (if the server was rebuilt, update the fingerprint)\n`);
  });

  it("--fingerprint overrides the stack's pin, with a note; a malformed one is refused", () => {
    const file = stack({ hostKeyFingerprint: WRONG });
    const host = ["--host", `${sshd.user}@127.0.0.1:${sshd.port}`, "--identity", identity];
    const r = berth(["lock", "status", "--stack", file, ...host, "--fingerprint", sshd.hostFingerprint()]);
    expect(r.stderr).toBe(`note: --fingerprint ${sshd.hostFingerprint()} overrides berth:host.hostKeyFingerprint in ${file} (${WRONG})\n`);
    expect([r.status, r.stdout]).toEqual([0, `${sshd.user}@127.0.0.1:${sshd.port}  app: not locked\n`]);
    const bad = berth(["lock", "status", "--stack", file, ...host, "--fingerprint", "abc"]);
    expect([bad.status, bad.stderr]).toEqual([1, "berth: --fingerprint abc: write the host key's SHA256:… fingerprint as ssh-keygen -lf prints it (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server)\n"]);
  });
});
