/**
 * This machine's Pulumi side: the CLI (found the way scripts/pulumi-cli.sh finds it, never
 * built from here), the backend and the secrets passphrase.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { passphraseFromEnv, passphraseOpens } from "./passphrase.js";
import { tcpProbe } from "./probe.js";
import { check, type Check } from "./report.js";

const run = promisify(execFile);
type Env = Readonly<Record<string, string | undefined>>;

export interface MachineContext {
  readonly env: Env;
  readonly projectDir: string;
  readonly home: string;
}

/** The @pulumi/pulumi version in package-lock.json: the CLI version berth wants. */
export function wantedPulumi(projectDir: string): string {
  try {
    const lock = JSON.parse(readFileSync(join(projectDir, "package-lock.json"), "utf8")) as { packages?: Record<string, { version?: string }> };
    return lock.packages?.["node_modules/@pulumi/pulumi"]?.version ?? "?";
  } catch {
    return "?";
  }
}

async function versionOf(bin: string, env: Env): Promise<string | undefined> {
  try {
    const { stdout } = await run(bin, ["version"], { env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 15_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** scripts/pulumi-cli.sh's order: PATH, ~/.pulumi/versions/<v>, berth's cache (a complete one has SOURCE). */
export async function pulumiCheck(ctx: MachineContext): Promise<Check> {
  const want = wantedPulumi(ctx.projectDir);
  const cache = join(ctx.env.BERTH_CACHE_DIR ?? join(ctx.home, ".cache", "berth"), "pulumi", want);
  const onPath = (ctx.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, "pulumi")).find((p) => existsSync(p) && p !== join(cache, "bin", "pulumi"));
  let other: { path: string; version: string } | undefined;
  if (onPath) {
    const v = await versionOf(onPath, ctx.env);
    if (v === `v${want}`) return check("pulumi", "pulumi.found", { version: v, where: onPath });
    if (v) other = { path: onPath, version: v };
  }
  const installed = join(ctx.home, ".pulumi", "versions", want, "bin", "pulumi");
  if (existsSync(installed)) return check("pulumi", "pulumi.found", { version: `v${want}`, where: installed });
  const parts = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"].map((p) => join(cache, "bin", p));
  if (existsSync(join(cache, "SOURCE")) && parts.every((p) => existsSync(p))) {
    const source = readFileSync(join(cache, "SOURCE"), "utf8").split("\n")[0] ?? "";
    return check("pulumi", "pulumi.found", { version: `v${want}`, where: `${parts[0]} (scripts/pulumi-cli.sh; ${source})` });
  }
  if (other) return check("pulumi", "pulumi.found", { version: other.version, where: other.path }, [{ id: "pulumi-version", params: { found: other.version, want: `v${want}` }, evidence: [`${other.path} version: ${other.version}`] }]);
  return check("pulumi", "pulumi.missing", { want: `v${want}` }, [{ id: "pulumi-missing", params: { want: `v${want}` }, evidence: [] }]);
}

/** PULUMI_BACKEND_URL, then Pulumi.yaml's backend.url, then the `pulumi login` in credentials.json. */
export function backendUrl(ctx: MachineContext): string | undefined {
  if (ctx.env.PULUMI_BACKEND_URL) return ctx.env.PULUMI_BACKEND_URL;
  try {
    const project = parseYaml(readFileSync(join(ctx.projectDir, "Pulumi.yaml"), "utf8")) as { backend?: { url?: string } };
    if (project.backend?.url) return project.backend.url;
  } catch {
    // no project file: fall through
  }
  try {
    const creds = JSON.parse(readFileSync(join(ctx.env.PULUMI_HOME ?? join(ctx.home, ".pulumi"), "credentials.json"), "utf8")) as { current?: string };
    return creds.current || undefined;
  } catch {
    return undefined;
  }
}

const isCloud = (url: string) => /^https?:\/\//.test(url);

async function reach(url: string, ctx: MachineContext): Promise<string | undefined | "unchecked"> {
  if (url.startsWith("file://")) {
    const path = url.slice("file://".length).replace(/^~(?=\/|$)/, ctx.home);
    try {
      if (!statSync(path).isDirectory()) return `${path} is not a directory`;
      accessSync(path, constants.W_OK);
      return undefined;
    } catch (e) {
      return `${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (e as Error).message}`;
    }
  }
  if (isCloud(url)) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(5000) });
      return undefined;
    } catch (e) {
      return `no answer (${(e as Error).message})`;
    }
  }
  const endpoint = /[?&]endpoint=([^&]+)/.exec(url)?.[1];
  if (!endpoint) return "unchecked";
  const u = new URL(/^\w+:\/\//.test(decodeURIComponent(endpoint)) ? decodeURIComponent(endpoint) : `https://${decodeURIComponent(endpoint)}`);
  const p = await tcpProbe(u.hostname, Number(u.port || (u.protocol === "http:" ? 80 : 443)));
  return p.open ? undefined : `endpoint ${u.host}: ${p.detail}`;
}

export async function backendCheck(ctx: MachineContext): Promise<Check> {
  const url = backendUrl(ctx);
  if (!url) return check("backend", "backend.none", {}, [{ id: "backend-missing", params: {}, evidence: [] }]);
  const r = await reach(url, ctx);
  if (r === "unchecked") return check("backend", "backend.unchecked", { url });
  if (r === undefined) return check("backend", "backend.ok", { url });
  return check("backend", "backend.bad", { url }, [{ id: "backend-unreachable", params: { url, detail: r }, evidence: [r] }]);
}

/** Needed when the stack has an encryptionsalt, or has none yet and the backend is not Pulumi Cloud. */
export async function passphraseCheck(ctx: MachineContext, stackFile: string | undefined): Promise<Check> {
  let salt: string | undefined;
  let provider: string | undefined;
  if (stackFile) {
    try {
      const doc = parseYaml(readFileSync(stackFile, "utf8")) as { encryptionsalt?: string; secretsprovider?: string } | null;
      salt = doc?.encryptionsalt;
      provider = doc?.secretsprovider;
    } catch {
      // an unreadable stack file is the stack check's to report
    }
  }
  if (provider && provider !== "passphrase") return check("passphrase", "passphrase.cloud", {}, [], { status: "skip" });
  const url = backendUrl(ctx) ?? "";
  if (!salt && isCloud(url)) return check("passphrase", "passphrase.cloud", {});
  const p = passphraseFromEnv(ctx.env);
  const stack = stackFile ?? "";
  if (p === undefined) return check("passphrase", "passphrase.missing", {}, [{ id: "passphrase-missing", params: salt ? { stack } : {}, evidence: [] }]);
  if ("error" in p) return check("passphrase", "passphrase.missing", {}, [{ id: "passphrase-missing", params: {}, evidence: [p.error] }]);
  if (!salt) return check("passphrase", "passphrase.set", { source: p.source });
  if (await passphraseOpens(p.value, salt)) return check("passphrase", "passphrase.ok", { source: p.source });
  return check("passphrase", "passphrase.bad", { source: p.source }, [{ id: "passphrase-wrong", params: { source: p.source }, evidence: [`encryptionsalt: ${salt.slice(0, 24)}…`] }]);
}
