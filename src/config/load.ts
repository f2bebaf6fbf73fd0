/**
 * load(): the `berth:` config values of one stack → one validated StackConfig, or the list of
 * path-named problems. Files named in the config (environment.yml, requirements.txt) are read
 * here, relative to the project directory, so rendering stays pure.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { formatIssues, formatPath, unknownName } from "./messages.js";
import { planMirrors, type MirrorPlan } from "./plan.js";
import { stackRules, stackSchema, type StackInput } from "./schema.js";
import { hostOs, hostUser } from "./sections/host.js";

export const SECTIONS = ["host", "bootstrap", "app", "cache"] as const;

/** Secret scalars the Pulumi program reads itself (never part of StackConfig). */
export const SECRET_SETTINGS = ["sshPrivateKey"] as const;

export interface CondaEnvFile {
  readonly name: string;
  /** environment.yml text as it will be written on the host. */
  readonly yaml: string;
}

export interface StackConfig {
  readonly host: StackInput["host"] & { readonly os: string; readonly user: string };
  readonly bootstrap: StackInput["bootstrap"];
  readonly app: StackInput["app"];
  /** Set when this stack is a cache host (`berth:cache`). */
  readonly cache?: StackInput["cache"];
  readonly mirrors: MirrorPlan;
  /** Contents of the files the config names, read at load time. */
  readonly files: { readonly condaEnv?: CondaEnvFile; readonly requirements?: string };
}

export type LoadResult = { ok: true; config: StackConfig } | { ok: false; errors: string[] };

export interface LoadOptions {
  /** Directory that relative file paths in the config are read from (the project directory). */
  readonly baseDir: string;
  readonly readFile?: (path: string) => string;
}

/** Values as a stack file or `pulumi.Config` gives them: objects may arrive JSON-encoded. */
function decode(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (!t.startsWith("{") && !t.startsWith("[")) return value;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return value;
  }
}

/** `raw` maps full keys (`berth:host`) to values; other namespaces are ignored. */
export function load(raw: Readonly<Record<string, unknown>>, opts: LoadOptions): LoadResult {
  const sections: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith("berth:")) continue;
    const name = key.slice("berth:".length);
    if ((SECTIONS as readonly string[]).includes(name)) sections[name] = decode(value);
    else if ((SECRET_SETTINGS as readonly string[]).includes(name)) continue;
    else errors.push(`${formatPath([name])}: ${unknownName("setting", name, SECTIONS)}`);
  }
  const parsed = stackSchema.safeParse(sections);
  if (!parsed.success) errors.push(...formatIssues(parsed.error.issues));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };

  const cfg = parsed.data;
  errors.push(...stackRules(cfg).map((p) => `${formatPath(p.path)}: ${p.message}`));
  if (errors.length > 0) return { ok: false, errors };
  const read = opts.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const files = readInputs(cfg, opts.baseDir, read, errors);
  if (errors.length > 0) return { ok: false, errors };
  const host = { ...cfg.host, os: hostOs(cfg.host), user: hostUser(cfg.host) };
  return { ok: true, config: { host, bootstrap: cfg.bootstrap, app: cfg.app, ...(cfg.cache ? { cache: cfg.cache } : {}), mirrors: planMirrors(cfg.host, cfg.bootstrap).plan, files } };
}

function readInputs(cfg: StackInput, baseDir: string, read: (p: string) => string, errors: string[]): StackConfig["files"] {
  const text = (src: { file?: string | undefined; text?: string | undefined }, path: PropertyKey[]): string | undefined => {
    if (src.text !== undefined) return src.text;
    const full = isAbsolute(src.file ?? "") ? (src.file ?? "") : resolve(baseDir, src.file ?? "");
    try {
      return read(full);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
      errors.push(`${formatPath([...path, "file"])}: cannot read "${src.file}" (${why}; paths are relative to ${baseDir})`);
      return undefined;
    }
  };
  const out: { condaEnv?: CondaEnvFile; requirements?: string } = {};
  const env = cfg.bootstrap.conda.env;
  if (env !== undefined) {
    const path = ["bootstrap", "conda", "env"];
    if ("name" in env) out.condaEnv = { name: env.name, yaml: specToYaml(env) };
    else {
      const yaml = text(env, path);
      if (yaml !== undefined) {
        const name = envName(yaml);
        if (name === undefined) errors.push(`${formatPath(path)}: environment.yml needs a top-level "name:" (the environment to create) and must be valid YAML`);
        else out.condaEnv = { name, yaml };
      }
    }
  }
  const req = cfg.bootstrap.pip.requirements;
  if (req !== undefined) {
    const t = Array.isArray(req) ? req.join("\n") + "\n" : text(req, ["bootstrap", "pip", "requirements"]);
    if (t !== undefined) out.requirements = t;
  }
  return out;
}

function envName(yaml: string): string | undefined {
  try {
    const doc = parseYaml(yaml) as unknown;
    if (doc && typeof doc === "object" && "name" in doc && typeof doc.name === "string" && /^[A-Za-z0-9._-]+$/.test(doc.name)) return doc.name;
  } catch {
    return undefined;
  }
  return undefined;
}

function specToYaml(env: { name: string; python?: string | undefined; packages: string[]; channels: string[] }): string {
  const deps = [...(env.python ? [`python=${env.python}`] : []), ...env.packages];
  const lines = [`name: ${env.name}`];
  if (env.channels.length > 0) lines.push("channels:", ...env.channels.map((c) => `  - ${JSON.stringify(c)}`));
  lines.push("dependencies:", ...deps.map((d) => `  - ${JSON.stringify(d)}`));
  return lines.join("\n") + "\n";
}
