/**
 * Reading a `stacks/Pulumi.<stack>.yaml` file the way Pulumi does, plus the file-level checks
 * Pulumi itself skips: a misspelt or missing `config:` (Pulumi silently reads no config), a
 * second YAML document (ignored), a section encrypted as a whole. `berth render` reads the file
 * through here, and the Pulumi program reads its own stack file through here too, so both report
 * the same problems.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { isPlainObject } from "./fields.js";
import { load, type LoadResult } from "./load.js";
import { listNames, suggest } from "./messages.js";
import { decodeStackBytes, FileProblem, parsePulumiYaml } from "./pulumi-yaml.js";
import { SectionSecrets, type IsSecret } from "./secrets.js";

/** The top-level keys of a Pulumi stack file (workspace.ProjectStack). */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"] as const;

export interface StackFile {
  readonly path: string;
  /** The project directory: the parent of `stacks/` (where Pulumi.yaml lives). */
  readonly projectDir: string;
  /** Config keys, namespaced as Pulumi namespaces them (`host:` → `berth:host`). */
  readonly config: Record<string, unknown>;
  /** Whether the file itself carries the value at a key and path as `secure:`. */
  readonly secure: IsSecret;
  /** Keys the file sets (to tell its values from an environment's). */
  readonly keys: ReadonlySet<string>;
  /** File-level problems, each starting with the file's name. */
  readonly problems: readonly string[];
  /** Whether `config:` was there to read (when not, the config's own checks would only add noise). */
  readonly configRead: boolean;
}

const isSecure = (v: unknown) => isPlainObject(v) && Object.keys(v).length === 1 && typeof v.secure === "string";

function projectInfo(dir: string): { projectDir: string; name: string } {
  for (const d of [dirname(dir), dir]) {
    const file = join(d, "Pulumi.yaml");
    if (!existsSync(file)) continue;
    try {
      const p = parseYaml(readFileSync(file, "utf8")) as { name?: unknown };
      return { projectDir: d, name: typeof p?.name === "string" ? p.name : "berth" };
    } catch {
      return { projectDir: d, name: "berth" };
    }
  }
  return { projectDir: dir.endsWith("/stacks") ? dirname(dir) : dir, name: "berth" };
}

/** Read and check a stack file; `shown` is how messages name it. Throws FileProblem when it cannot be read as YAML. */
export function readStackFile(path: string, shown: string = path): StackFile {
  const full = resolve(path);
  const { projectDir, name } = projectInfo(dirname(full));
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch (e) {
    throw new FileProblem(`${shown}: cannot read the stack file (${(e as Error).message.split("\n")[0]})`);
  }
  const { value: doc, extraDocuments } = parsePulumiYaml(decodeStackBytes(bytes, shown), shown);
  const problems: string[] = [];
  if (extraDocuments > 0) problems.push(`${shown}: holds ${extraDocuments + 1} YAML documents (separated by ---); Pulumi reads only the first — merge them into one`);
  const config: Record<string, unknown> = {};
  const secure = new SectionSecrets();
  const keys = new Set<string>();
  const expected = `a stack file is a mapping with config: (berth:host, berth:bootstrap, berth:app, …) ${listNames(STACK_FILE_KEYS)}`;
  if (doc !== null && !isPlainObject(doc)) {
    problems.push(`${shown}: the file is ${Array.isArray(doc) ? "a list" : `the ${typeof doc} ${JSON.stringify(doc)}`}, not a mapping — ${expected}`);
    return { path: full, projectDir, config, secure: secure.isSecret, keys, problems, configRead: false };
  }
  const top = doc ?? {};
  for (const key of Object.keys(top)) {
    if ((STACK_FILE_KEYS as readonly string[]).includes(key)) continue;
    const hint = suggest(key, STACK_FILE_KEYS);
    problems.push(`${shown}: top-level key "${key}"${hint ? ` — did you mean "${hint}"?` : " is not one Pulumi reads"} Pulumi ignores it, so its settings would not be used; ${expected}`);
  }
  const raw = top.config;
  if (raw === undefined || raw === null) {
    if (top.environment === undefined && problems.length === 0) problems.push(`${shown}: no config: — berth reads its settings from config: (berth:host, berth:bootstrap, berth:app); Pulumi would run with none of them`);
  } else if (!isPlainObject(raw)) {
    problems.push(`${shown}: config: is ${Array.isArray(raw) ? "a list" : `the ${typeof raw} ${JSON.stringify(raw)}`}; it must be a mapping of settings, like config: { berth:host: { provider: local } } (Pulumi refuses the file)`);
  } else {
    for (const [k, v] of Object.entries(raw)) {
      const key = k.includes(":") ? k : `${name}:${k}`;
      keys.add(key);
      secure.collect(key, v);
      if (!isSecure(v) || !/^berth:(host|bootstrap|app|lab)$/.test(key)) config[key] = topLevelValue(v);
      else {
        problems.push(`${shown}: ${key} is encrypted as a whole, so berth cannot check it before creating anything — keep the section plain and encrypt only its secret values (pulumi config set --secret --path '${key}.registry.password')`);
      }
    }
  }
  return { path: full, projectDir, config, secure: secure.isSecret, keys, problems, configRead: isPlainObject(raw) };
}

/** Top-level scalars reach a Pulumi program as text: 10 → "10", true → "true", empty → "". */
function topLevelValue(v: unknown): unknown {
  if (v === null) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return v;
}

/** Read and validate a stack file in one step, the way `berth render` and `berth deploy` do. */
export function loadStackFile(path: string): LoadResult {
  let file: StackFile;
  try {
    file = readStackFile(path);
  } catch (e) {
    if (e instanceof FileProblem) return { ok: false, errors: [e.message] };
    throw e;
  }
  if (!file.configRead && file.problems.length > 0) return { ok: false, errors: [...file.problems] };
  const r = load(file.config, { baseDir: file.projectDir, isSecret: file.secure, stack: stackNameOf(path) });
  if (file.problems.length === 0) return r;
  return { ok: false, errors: [...file.problems, ...(r.ok ? [] : r.errors)] };
}

/** `stacks/Pulumi.dev.yaml` → `dev`. */
export function stackNameOf(path: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(basename(path))?.[1];
}

/** The stack file Pulumi reads for a stack of the project in `projectDir` (Pulumi.yaml's stackConfigDir). */
export function stackFilePath(projectDir: string, stack: string): { full: string; shown: string } {
  let dir = projectDir;
  try {
    const p = parseYaml(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { stackConfigDir?: unknown };
    if (typeof p?.stackConfigDir === "string") dir = resolve(projectDir, p.stackConfigDir);
  } catch {
    // no Pulumi.yaml: the project directory itself
  }
  const full = join(dir, `Pulumi.${stack}.yaml`);
  return { full, shown: relative(projectDir, full) || full };
}
