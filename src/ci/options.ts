/**
 * What a `berth ci` run is asked to do, checked before anything runs: the command, the stack
 * (a name or its stack file), the state backend (never a silent fall-back to Pulumi Cloud), the
 * confirmation a destroy needs. Messages name the action input the user wrote.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";

/** `reap` destroys a lab stack whose lab has expired, and nothing else (src/lab/reap.ts). */
export const COMMANDS = ["preview", "up", "refresh", "destroy", "unlock", "reap"] as const;
export type CiCommand = (typeof COMMANDS)[number];

/** Commands that change or remove what a stack holds: they must be confirmed by the stack name. */
export const CONFIRMED: readonly CiCommand[] = ["destroy", "unlock"];

export interface CiOptions {
  readonly command: CiCommand;
  /** The Pulumi stack name. */
  readonly stack: string;
  /** The stack file, `<project>/<stackConfigDir>/Pulumi.<stack>.yaml`. */
  readonly stackFile: string;
  /** The Pulumi project directory (where Pulumi.yaml is). */
  readonly cwd: string;
  readonly backend: string;
  readonly refresh: boolean;
  readonly expectNoChanges: boolean;
}

export interface RawCiOptions {
  command: string;
  stack?: string;
  cwd?: string;
  backend?: string;
  refresh?: boolean;
  expectNoChanges?: boolean;
  confirm?: string;
}

const BACKEND_EXAMPLE = "s3://my-bucket?endpoint=cos.ap-guangzhou.myqcloud.com&region=ap-guangzhou";
const SCHEMES = ["s3:", "gs:", "azblob:", "file:", "https:", "http:"];
/** Hosts of stores that reject path-style requests for new buckets (COS since 2024-01-01, OSS always). */
const VIRTUAL_HOSTED_ONLY = [/\.myqcloud\.com$/, /\.aliyuncs\.com$/];

/** The directory Pulumi reads stack files from: Pulumi.yaml's `stackConfigDir`, else the project. */
export function stackConfigDir(cwd: string): string {
  const file = join(cwd, "Pulumi.yaml");
  if (!existsSync(file)) return cwd;
  const doc = parseYaml(readFileSync(file, "utf8")) as { stackConfigDir?: unknown } | null;
  return typeof doc?.stackConfigDir === "string" ? resolve(cwd, doc.stackConfigDir) : cwd;
}

/** Every stack that has a stack file, sorted. */
export function stackNames(cwd: string): string[] {
  const dir = stackConfigDir(cwd);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
}

/** `ci-web` or `stacks/Pulumi.ci-web.yaml` → `ci-web`. */
export function stackNameOf(value: string): string {
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(basename(value));
  return m?.[1] ?? value;
}

export function checkBackend(url: string | undefined): string[] {
  if (!url || !url.trim()) {
    return [
      `no state backend: set the action's \`backend-url\` input (berth ci --backend, or PULUMI_BACKEND_URL), like ${BACKEND_EXAMPLE}. berth never falls back to Pulumi Cloud; to use it, say so: backend-url: https://api.pulumi.com`,
    ];
  }
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return [`\`backend-url\`: "${url}" is not a URL — like ${BACKEND_EXAMPLE}`];
  }
  if (!SCHEMES.includes(u.protocol)) return [`\`backend-url\`: unknown scheme "${u.protocol}" — use s3://, gs://, azblob://, file:// or https://`];
  if (u.protocol === "s3:") {
    const endpoint = u.searchParams.get("endpoint") ?? "";
    const host = endpoint.replace(/^https?:\/\//, "").replace(/[:/].*$/, "");
    if (u.searchParams.get("s3ForcePathStyle") === "true" && VIRTUAL_HOSTED_ONLY.some((r) => r.test(host))) {
      return [`\`backend-url\`: ${host} rejects path-style requests (PathStyleDomainForbidden / SecondLevelDomainForbidden): remove s3ForcePathStyle=true`];
    }
    if (endpoint && !u.searchParams.get("region")) return [`\`backend-url\`: an s3:// URL with an endpoint needs a region too, like &region=ap-guangzhou`];
  }
  return [];
}

export type Checked = { ok: true; options: CiOptions } | { ok: false; errors: string[] };

export function checkOptions(raw: RawCiOptions, env: NodeJS.ProcessEnv = process.env): Checked {
  const errors: string[] = [];
  const command = raw.command as CiCommand;
  if (!COMMANDS.includes(command)) errors.push(`\`command\`: unknown command "${raw.command}" — one of ${COMMANDS.join(", ")}`);
  const cwd = resolve(raw.cwd ?? ".");
  if (!existsSync(join(cwd, "Pulumi.yaml"))) errors.push(`\`work-dir\`: no Pulumi.yaml in ${cwd}`);
  const stack = raw.stack ? stackNameOf(raw.stack.trim()) : "";
  const stackFile = join(stackConfigDir(cwd), `Pulumi.${stack}.yaml`);
  if (!stack) errors.push("`stack-name`: missing — the stack to act on, like ci-web (its file is stacks/Pulumi.ci-web.yaml)");
  else if (!/^[A-Za-z0-9_.-]+$/.test(stack)) errors.push(`\`stack-name\`: "${stack}" is not a stack name (letters, digits, _ . - only)`);
  else if (errors.length === 0 && !existsSync(stackFile)) {
    const known = stackNames(cwd);
    errors.push(`\`stack-name\`: no stack file ${stackFile} — stacks here: ${known.length ? known.join(", ") : "none"}`);
  }
  // The action passes its input even when empty: an empty input falls back to PULUMI_BACKEND_URL.
  const backend = (raw.backend?.trim() || env.PULUMI_BACKEND_URL || "").trim();
  errors.push(...checkBackend(backend));
  if (CONFIRMED.includes(command) && stack && (raw.confirm ?? "").trim() !== stack) {
    const what = command === "destroy" ? `destroy removes every resource of stack ${stack}` : `unlock clears the lock of stack ${stack}, even one a running update holds`;
    errors.push(`\`confirm\`: ${what}; type the stack name to confirm (confirm: ${stack}), got "${raw.confirm ?? ""}"`);
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, options: { command, stack, stackFile, cwd, backend, refresh: raw.refresh === true, expectNoChanges: raw.expectNoChanges === true } };
}
