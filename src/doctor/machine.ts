/**
 * `berth doctor` on this machine: Node.js and berth, the stack, the secrets it needs, the
 * Docker engine and lab kit for local stacks, the SSH key; Pulumi's side is in machine-pulumi.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ssh2 from "ssh2";
import { loadStackFile, readStackFile } from "../config/stackfile.js";
import type { StackConfig } from "../config/load.js";
import type { Finding } from "../diagnose/types.js";
import { backendCheck, passphraseCheck, pulumiCheck, type MachineContext } from "./machine-pulumi.js";
import { check, type Check } from "./report.js";

export function berthVersion(projectDir: string): string {
  try {
    return (JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as { version?: string }).version ?? "?";
  } catch {
    return "?";
  }
}

export function nodeCheck(ctx: MachineContext, node = process.versions.node): Check {
  const params = { node: `v${node}`, berth: berthVersion(ctx.projectDir) };
  if (Number(node.split(".")[0]) >= 20) return check("node", "node.ok", params);
  return check("node", "node.old", params, [{ id: "node-too-old", params: { version: `v${node}` }, evidence: [] }]);
}

export function stackCheck(file: string | undefined): { check: Check; config?: StackConfig } {
  if (!file) return { check: check("stack", "stack.none", {}, [], { status: "skip" }) };
  const r = loadStackFile(file);
  if (!r.ok) return { check: check("stack", "stack.bad", { file, count: String(r.errors.length) }, [{ id: "stack-invalid", params: {}, evidence: r.errors }]) };
  return { check: check("stack", "stack.ok", { file, provider: r.config.host.provider }), config: r.config };
}

type Raw = Record<string, unknown>;
const isSecure = (v: unknown) => typeof v === "object" && v !== null && "secure" in v;

interface Need { key: string; value: unknown; env?: string; how: string }

function needs(cfg: StackConfig, raw: Raw): Need[] {
  const app = (raw["berth:app"] ?? {}) as Raw;
  const out: Need[] = [];
  if (cfg.app?.registry) {
    const reg = (app.registry ?? {}) as Raw;
    out.push({ key: "berth:app.registry.password", value: reg.password, env: "BERTH_REGISTRY_PASSWORD", how: "pulumi config set --path 'berth:app.registry.password' --secret (berth deploy reads BERTH_REGISTRY_PASSWORD instead)" });
  }
  for (const name of Object.keys(cfg.app?.secretEnv ?? {})) {
    const env = (app.secretEnv ?? {}) as Raw;
    out.push({ key: `berth:app.secretEnv.${name}`, value: env[name], env: `BERTH_SECRET_ENV_${name}`, how: `pulumi config set --path 'berth:app.secretEnv.${name}' --secret` });
  }
  const p = cfg.host.provider;
  if (p === "existing" || ((p === "digitalocean" || p === "tencentcloud") && cfg.app)) {
    out.push({ key: "berth:sshPrivateKey", value: raw["berth:sshPrivateKey"], how: "pulumi config set --secret berth:sshPrivateKey < ~/.ssh/id_ed25519" });
  }
  if (p === "tencentcloud") {
    out.push({ key: "tencentcloud:secretId", value: raw["tencentcloud:secretId"], env: "TENCENTCLOUD_SECRET_ID", how: "pulumi config set --secret tencentcloud:secretId" });
    out.push({ key: "tencentcloud:secretKey", value: raw["tencentcloud:secretKey"], env: "TENCENTCLOUD_SECRET_KEY", how: "pulumi config set --secret tencentcloud:secretKey" });
  }
  if (p === "digitalocean") out.push({ key: "digitalocean:token", value: raw["digitalocean:token"], env: "DIGITALOCEAN_TOKEN", how: "pulumi config set --secret digitalocean:token" });
  return out;
}

export function secretsCheck(ctx: MachineContext, file: string, cfg: StackConfig): Check {
  const all = needs(cfg, readStackFile(file).config);
  if (all.length === 0) return check("secrets", "secrets.none", {});
  const findings: Finding[] = [];
  const set: string[] = [];
  for (const n of all) {
    const inEnv = n.env !== undefined && (ctx.env[n.env] ?? "") !== "";
    if (typeof n.value === "string" && n.value !== "") findings.push({ id: "secret-plaintext", params: { key: n.key, how: n.how }, evidence: [] });
    else if (isSecure(n.value) || inEnv) set.push(inEnv && !isSecure(n.value) ? `${n.key} (${n.env})` : n.key);
    else findings.push({ id: "secret-missing", params: { key: n.key, how: n.how, ...(n.env ? { env: n.env } : {}) }, evidence: [] });
  }
  if (findings.length === 0) return check("secrets", "secrets.ok", { list: set.join(", ") });
  return check("secrets", "secrets.bad", { list: findings.map((f) => f.params.key).join(", ") }, findings);
}

/** The key doctor and berth deploy log in with, and whether it fits berth:host.sshPublicKey. */
export function sshKeyCheck(ctx: MachineContext, identity: string | undefined, cfg: StackConfig | undefined, needed: boolean): Check {
  const candidates = identity ? [identity] : ["id_ed25519", "id_ecdsa", "id_rsa"].map((n) => join(ctx.home, ".ssh", n));
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    const finding: Finding = { id: "ssh-key-missing", params: { path: candidates.join(", ") }, evidence: [] };
    return needed ? check("ssh-key", "sshkey.bad", { path: candidates[0] ?? "?" }, [finding]) : check("ssh-key", "sshkey.bad", { path: candidates[0] ?? "?" }, [], { status: "skip" });
  }
  let parsed: ReturnType<typeof ssh2.utils.parseKey>;
  try {
    parsed = ssh2.utils.parseKey(readFileSync(path));
  } catch (e) {
    parsed = e as Error;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const detail = key instanceof Error ? key.message : "not a private key";
    return check("ssh-key", "sshkey.bad", { path }, [{ id: "ssh-key-unusable", params: { path, detail }, evidence: [detail] }]);
  }
  const pub = cfg?.host.sshPublicKey;
  if (!pub) return check("ssh-key", "sshkey.ok", { path, type: key.type });
  const configured = ssh2.utils.parseKey(pub);
  const same = !(configured instanceof Error) && !Array.isArray(configured) && configured.getPublicSSH().equals(key.getPublicSSH());
  if (same) return check("ssh-key", "sshkey.matches", { path, type: key.type });
  return check("ssh-key", "sshkey.bad", { path }, [{ id: "ssh-key-mismatch", params: { path }, evidence: [`berth:host.sshPublicKey: ${pub.slice(0, 60)}…`] }]);
}

export { backendCheck, passphraseCheck, pulumiCheck };
