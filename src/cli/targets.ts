/** `user@host[:port]` targets and SSH identities for the deploy commands. */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KnownHosts } from "../deploy/known-hosts.js";
import { Sensitive } from "../deploy/sensitive.js";
import { SshExecutor } from "../deploy/ssh.js";

export interface Target {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

export function parseTarget(spec: string): Target {
  const m = /^(?:([a-z_][a-z0-9_-]*)@)?(\[[0-9a-fA-F:]+\]|[^@:\s]+)(?::(\d{1,5}))?$/.exec(spec);
  if (!m?.[2]) throw new Error(`--host ${spec}: write user@address or user@address:port (like root@203.0.113.7:22)`);
  return { user: m[1] ?? "root", host: m[2].replace(/^\[|\]$/g, ""), port: m[3] ? Number(m[3]) : 22 };
}

export function readIdentity(path?: string): Sensitive {
  const candidates = path ? [path] : ["id_ed25519", "id_ecdsa", "id_rsa"].map((n) => join(homedir(), ".ssh", n));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no SSH private key at ${candidates.join(", ")} — pass --identity FILE`);
  return new Sensitive(readFileSync(found, "utf8"));
}

export function executorFor(t: Target, key: Sensitive, opts: { knownHosts?: string; fingerprint?: string } = {}): SshExecutor {
  return new SshExecutor({
    host: t.host, port: t.port, username: t.user, privateKey: key,
    knownHosts: new KnownHosts(opts.knownHosts),
    ...(opts.fingerprint ? { hostKeyFingerprint: opts.fingerprint } : {}),
  });
}
