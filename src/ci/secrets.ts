/**
 * The secret values a CI run knows about: from the environment (the workflow's secrets) and the
 * stack's secret config. They are masked in the job log (`::add-mask::`) and replaced by `***` in
 * everything berth itself writes: the streamed Pulumi output, the job summary and the PR comment
 * (GitHub masks logs, not comments).
 */
import { parse as parseYaml } from "yaml";

/** Environment variables whose values are secrets. */
export const SECRET_ENV = [
  "PULUMI_CONFIG_PASSPHRASE",
  "PULUMI_ACCESS_TOKEN",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "BERTH_REGISTRY_PASSWORD",
  "DIGITALOCEAN_TOKEN",
  "TENCENTCLOUD_SECRET_KEY",
  "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  "GITHUB_TOKEN",
];
const SECRET_ENV_PREFIXES = ["BERTH_SECRET_ENV_"];

/** Values shorter than this are not redacted from text (a "1" would blank every digit); they are still masked. */
const MIN_REDACT = 4;

export function envSecrets(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!v) continue;
    if (SECRET_ENV.includes(k) || SECRET_ENV_PREFIXES.some((p) => k.startsWith(p))) out.push(v);
  }
  return out;
}

/** Paths of the `{ secure: … }` values in a stack file: `["berth:app", "registry", "password"]`. */
export function securePaths(stackFileText: string): string[][] {
  const doc = parseYaml(stackFileText) as { config?: Record<string, unknown> } | null;
  const out: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
    else if (v && typeof v === "object") {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "secure") out.push(path);
      else for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  for (const [k, v] of Object.entries(doc?.config ?? {})) walk(v, [k]);
  return out;
}

/**
 * The decrypted secret values of a stack: the `secure:` paths of its stack file looked up in
 * `pulumi config --json --show-secrets` (which marks a whole key secret, not which leaf is).
 */
export function configSecrets(showSecretsJson: string, stackFileText: string): string[] {
  const parsed = JSON.parse(showSecretsJson) as Record<string, { value?: unknown; objectValue?: unknown }>;
  const out: string[] = [];
  for (const [key, ...rest] of securePaths(stackFileText)) {
    const entry = parsed[key as string];
    if (!entry) continue;
    let v: unknown = rest.length === 0 ? entry.value : entry.objectValue;
    for (const p of rest) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
    if (typeof v === "string") out.push(v);
    else if (v !== undefined && v !== null) out.push(JSON.stringify(v));
  }
  return out;
}

export class Redactor {
  #parts: string[] = [];

  add(values: string[]): this {
    for (const v of values) {
      for (const p of [v, ...v.split(/\r?\n/)].map((x) => x.trim())) {
        if (p.length >= MIN_REDACT && !this.#parts.includes(p)) this.#parts.push(p);
      }
    }
    // Longest first, so a whole value goes before one of its lines.
    this.#parts.sort((a, b) => b.length - a.length);
    return this;
  }

  get values(): readonly string[] {
    return this.#parts;
  }

  redact(text: string): string {
    let out = text;
    for (const p of this.#parts) out = out.split(p).join("***");
    return out;
  }
}
