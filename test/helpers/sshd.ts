/** A real OpenSSH server on 127.0.0.1 with its own host key, config and authorized key. */
import { spawn, type ChildProcess, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

export interface Sshd {
  readonly port: number;
  readonly user: string;
  readonly privateKey: Buffer;
  readonly dir: string;
  hostFingerprint(): string;
  /** Replace the host key (a rebuilt server) and restart on the same port. */
  rekey(): Promise<void>;
  /** Stop the server and remove its directory (host key, authorized_keys, config). */
  stop(): Promise<void>;
}

/** An ed25519 key pair ssh2 can read back (see src/deploy/keypair.ts). */
export function sshKeyPair(): { private: string; public: string } {
  return ed25519KeyPair();
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, "127.0.0.1", () => (c.destroy(), r(true)));
      c.on("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

export async function startSshd(opts: { port?: number; delayMs?: number } = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), "berth-sshd-"));
  mkdirSync("/run/sshd", { recursive: true });
  const port = opts.port ?? (await freePort());
  const keys = sshKeyPair();
  writeFileSync(join(dir, "authorized_keys"), `${keys.public}\n`, { mode: 0o600 });
  const hostKey = join(dir, "host_ed25519");
  const makeHostKey = () => {
    rmSync(hostKey, { force: true });
    rmSync(`${hostKey}.pub`, { force: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
  };
  makeHostKey();
  writeFileSync(join(dir, "sshd_config"), [
    `Port ${port}`, "ListenAddress 127.0.0.1", `HostKey ${hostKey}`, `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    `PidFile ${join(dir, "sshd.pid")}`, "StrictModes no", "UsePAM no", "PasswordAuthentication no",
    "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", "Subsystem sftp internal-sftp", "LogLevel ERROR", "",
  ].join("\n"));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: "ignore" });
    await waitForPort(port);
  };
  const halt = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((r) => (c.once("exit", () => r()), c.kill("SIGTERM")));
  };
  if (opts.delayMs) setTimeout(() => void start(), opts.delayMs);
  else await start();
  return {
    port,
    user: userInfo().username,
    privateKey: Buffer.from(keys.private),
    dir,
    hostFingerprint: () => execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${hostKey}.pub`], { encoding: "utf8" }).split(" ")[1] ?? "",
    rekey: async () => {
      await halt();
      makeHostKey();
      await start();
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function readKnownHosts(path: string): string {
  return readFileSync(path, "utf8");
}
