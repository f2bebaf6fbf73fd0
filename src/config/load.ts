/**
 * load(): the config values of one stack → one validated StackConfig, or every path-named problem
 * at once. Keys are sorted first (unknown namespaces and settings, plaintext secrets), then each
 * section is parsed on its own and each cross-field rule runs when its inputs parsed. Files named
 * in the config (environment.yml, requirements.txt) are read here, relative to the project
 * directory, so rendering stays pure.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { classifyKeys, SECRET_SETTINGS, SECTIONS } from "./keys.js";
import { formatIssues, formatPath } from "./messages.js";
import { parseSections } from "./partial.js";
import { planMirrors, type MirrorPlan } from "./plan.js";
import { RULES, SECTION_SCHEMAS, type StackInput } from "./schema.js";
import { plaintextSecrets, type IsSecret } from "./secrets.js";
import { hostOs, hostUser } from "./sections/host.js";
import { readLab, type LabConfig } from "./lab.js";

export { SECRET_SETTINGS, SECTIONS };

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
  /** berth:lab with its roster read: one host per student from this template. */
  readonly lab?: LabConfig;
}

export type LoadResult = { ok: true; config: StackConfig } | { ok: false; errors: string[] };

export interface LoadOptions {
  /** Directory that relative file paths in the config are read from (the project directory). */
  readonly baseDir: string;
  readonly readFile?: (path: string) => string;
  /** Reads a file's bytes (the lab's roster, whose encoding berth detects). */
  readonly readBytes?: (path: string) => Uint8Array;
  /**
   * Whether a value is a Pulumi secret. A stack file's `{ secure: … }` values are secrets by
   * their shape; a plain string is one only when this says so (under `pulumi up`, where values
   * arrive decrypted). By default nothing given as a plain string is.
   */
  readonly isSecret?: IsSecret;
  /** The stack's name: the host name when berth:host.name is unset. */
  readonly stack?: string | undefined;
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

/** `raw` maps full keys (`berth:host`, `tencentcloud:endpoint`) to values. */
export function load(raw: Readonly<Record<string, unknown>>, opts: LoadOptions): LoadResult {
  const decoded = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decode(v)]));
  const keys = classifyKeys(decoded);
  const errors: string[] = [...keys.problems, ...plaintextSecrets(decoded, opts.isSecret ?? (() => false))];
  const parsed = parseSections(SECTION_SCHEMAS, keys.sections);
  errors.push(...formatIssues(parsed.issues));
  const cfg = parsed.value as unknown as StackInput;
  const ctx = { rawHost: keys.sections.host, stack: opts.stack, isLab: keys.sections.lab !== undefined };
  for (const rule of RULES) {
    if (rule.needs.every((n) => parsed.ok.has(n))) errors.push(...rule.check(cfg, ctx).map((p) => `${formatPath(p.path)}: ${p.message}`));
  }
  const sectionsOk = SECTIONS.every((s) => parsed.ok.has(s));
  const read = opts.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const files = parsed.ok.has("bootstrap.conda") && parsed.ok.has("bootstrap.pip") ? readInputs(cfg, opts.baseDir, read, errors) : {};
  let lab: LabConfig | undefined;
  if (cfg.lab && parsed.ok.has("lab") && parsed.ok.has("host.provider")) {
    const r = readLab(cfg.lab, cfg.host.provider, { baseDir: opts.baseDir, stack: opts.stack, readBytes: opts.readBytes ?? ((p: string) => readFileSync(p)) });
    errors.push(...r.errors);
    lab = r.lab;
  }
  const unique = [...new Set(errors)];
  if (unique.length > 0 || !sectionsOk) return { ok: false, errors: unique };
  const host = { ...cfg.host, os: hostOs(cfg.host), user: hostUser(cfg.host) };
  return { ok: true, config: { host, bootstrap: cfg.bootstrap, app: cfg.app, ...(cfg.cache ? { cache: cfg.cache } : {}), mirrors: planMirrors(cfg.host, cfg.bootstrap).plan, files, ...(lab ? { lab } : {}) } };
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
        else if (!/^[A-Za-z0-9_.][A-Za-z0-9._-]*$/.test(name)) errors.push(`${formatPath(path)}: environment.yml's name "${name}" must be letters, digits, ., _ and -, not starting with "-" (conda env create -n takes it)`);
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
    if (doc && typeof doc === "object" && "name" in doc && typeof doc.name === "string") return doc.name;
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
