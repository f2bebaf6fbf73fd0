/** `user@host[:port]` targets, SSH identities and host-key pins for the commands that reach hosts. */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { TargetError } from "../deploy/errors.js";
import { KnownHosts } from "../deploy/known-hosts.js";
import { Sensitive } from "../deploy/sensitive.js";
import { SshExecutor } from "../deploy/ssh.js";

export interface Target {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

export interface Identity {
  readonly key: Sensitive;
  /** For messages: `the key ~/.ssh/id_ed25519`. */
  readonly source: string;
}

/** A pinned host key and where it was written. */
export interface Pin {
  readonly fingerprint: string;
  readonly source: string;
}

export function parseTarget(spec: string): Target {
  const m = /^(?:([a-z_][a-z0-9_-]*)@)?(\[[0-9a-fA-F:]+\]|[^@:\s[\]]+)(?::(\d{1,5}))?$/.exec(spec);
  const port = m?.[3] ? Number(m[3]) : 22;
  if (!m?.[2] || port < 1 || port > 65535) throw new TargetError(`--host ${spec}`, "write user@address or user@address:port (like root@203.0.113.7:22)");
  return { user: m[1] ?? "root", host: m[2].replace(/^\[|\]$/g, ""), port };
}

const tilde = (p: string) => (p.startsWith(homedir() + "/") ? `~${p.slice(homedir().length)}` : p);

/** The private key berth logs in with: --identity FILE, else ~/.ssh/id_ed25519, id_ecdsa or id_rsa. */
export function readIdentity(path?: string): Identity {
  const candidates = path ? [path] : ["id_ed25519", "id_ecdsa", "id_rsa"].map((n) => join(homedir(), ".ssh", n));
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw path
      ? new TargetError(`--identity ${path}`, "no such file — give the path of your SSH private key")
      : new TargetError("", `no SSH private key found (looked for ${candidates.map(tilde).join(", ")}) — make one with ssh-keygen -t ed25519 and add its .pub to the server's ~/.ssh/authorized_keys, or pass --identity FILE`);
  }
  const where = path ? `--identity ${path}` : tilde(found);
  let text: string;
  try {
    text = readFileSync(found, "utf8");
  } catch (e) {
    throw new TargetError(where, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const key = new Sensitive(text);
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) {
    throw new TargetError(where, /passphrase/i.test(parsed.message)
      ? 'the key is protected by a passphrase, which berth cannot ask for — use a deploy key without one (ssh-keygen -t ed25519 -N "" -f ~/.ssh/berth_deploy) and add its .pub to the server'
      : `not an SSH private key berth can read (${parsed.message}) — give an OpenSSH or PEM private key`);
  }
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first?.isPrivateKey()) throw new TargetError(where, "this is a public key — give the private key (the file without .pub)");
  return { key, source: `the key ${tilde(found)}` };
}

/** The pin to use: --fingerprint over the stack's berth:host.hostKeyFingerprint, with a note when they differ. */
export function hostKeyPin(flag: string | undefined, stackPin: Pin | undefined, note: (line: string) => void): Pin | undefined {
  if (!flag) return stackPin;
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(flag)) throw new TargetError(`--fingerprint ${flag}`, "write the host key's SHA256:… fingerprint as ssh-keygen -lf prints it (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server)");
  if (stackPin && stackPin.fingerprint !== flag) note(`note: --fingerprint ${flag} overrides ${stackPin.source} (${stackPin.fingerprint})`);
  return { fingerprint: flag, source: "--fingerprint" };
}

export function executorFor(t: Target, identity: Identity, opts: { knownHosts?: string; pin?: Pin } = {}): SshExecutor {
  return new SshExecutor({
    host: t.host, port: t.port, username: t.user, privateKey: identity.key, privateKeySource: identity.source,
    knownHosts: new KnownHosts(opts.knownHosts),
    ...(opts.pin ? { hostKeyFingerprint: opts.pin.fingerprint, hostKeyFingerprintSource: opts.pin.source } : {}),
  });
}
