/**
 * From the validated `berth:app` section to what a deploy needs: secrets wrapped as Sensitive,
 * and a spec hash that tells whether a running release already matches.
 */
import { createHash } from "node:crypto";
import type { AppInput } from "../config/sections/app.js";
import { canonicalJson } from "../bootstrap/files.js";
import { DEFAULT_LOCK_TIMEOUT_SECONDS } from "./lock.js";
import { Sensitive } from "./sensitive.js";

export type HealthCheck =
  | { readonly type: "http"; readonly path: string; readonly port: number; readonly status: number; readonly timeoutSeconds: number }
  | { readonly type: "image"; readonly timeoutSeconds: number }
  | { readonly type: "running"; readonly seconds: number }
  | { readonly type: "none" };

export interface AppPlan {
  readonly name: string;
  readonly image: string;
  readonly registry?: { readonly server: string; readonly username: string; readonly password: Sensitive };
  readonly ports: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, Sensitive>>;
  readonly volumes: readonly string[];
  readonly args: readonly string[];
  readonly restart: string;
  readonly healthcheck: HealthCheck;
  readonly keepReleases: number;
  readonly transfer: "registry" | "stream";
  /** How long a deploy waits for another deploy's lock on the host. */
  readonly lockTimeoutSeconds: number;
  /** sha256 over everything that shapes the container, secrets included (as a digest). */
  readonly specHash: string;
}

/** Problems with berth:app found while planning, each naming the key (and where its value came from). */
export class AppConfigError extends Error {
  override readonly name = "AppConfigError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/** Where secret values not written in the stack file come from: Pulumi's decrypted config, or berth deploy's environment. */
export type SecretSource = "pulumi" | "env";

/**
 * Why a secret env value cannot go into a docker env-file, or undefined. Docker reads the file
 * as UTF-8 lines of NAME=value: a line break would start another variable.
 */
export function envFileProblem(value: string): string | undefined {
  if (/[\n\r]/.test(value)) return "contains a line break — secret values travel in a docker env-file, one NAME=value per line, so a line break would set other variables; encode the value (base64) or mount it as a file in berth:app.volumes";
  if (value.includes("\0")) return "contains a NUL character, which no environment variable can hold";
  if (/\p{Cs}/u.test(value)) return "is not valid Unicode text (it holds a lone surrogate), and docker reads env-files as UTF-8";
  return undefined;
}

function hostPort(mapping: string): number {
  const parts = mapping.replace(/\/(tcp|udp)$/, "").split(":");
  return Number(parts[parts.length - 2]);
}

/**
 * `secrets` gives values Pulumi encrypted in the stack file (`{ secure }`), which only
 * `pulumi up` can decrypt: keys are `registry.password` and `secretEnv.<NAME>`.
 */
export function planApp(app: AppInput, secrets: Readonly<Record<string, string | undefined>> = {}, from: SecretSource = "pulumi"): AppPlan {
  const problems: string[] = [];
  const none = new Sensitive("");
  const reveal = (v: string | { secure: string } | undefined, key: string, path: string): Sensitive => {
    const given = typeof v === "string" ? v : secrets[key];
    if (given === undefined) {
      problems.push(`${path}: ${v === undefined ? "not set" : "is encrypted by Pulumi"} — deploy with pulumi up, or give it to berth deploy in ${envNameFor(key)}`);
      return none;
    }
    const problem = key.startsWith("secretEnv.") ? envFileProblem(given) : undefined;
    if (problem) problems.push(`${path} (from ${typeof v === "string" ? "the stack file" : from === "env" ? envNameFor(key) : "Pulumi config"}): ${problem}`);
    return new Sensitive(given);
  };
  const registry = app.registry && {
    server: app.registry.server,
    username: app.registry.username,
    password: reveal(app.registry.password, "registry.password", "berth:app.registry.password"),
  };
  const secretEnv = Object.fromEntries(Object.entries(app.secretEnv).map(([k, v]) => [k, reveal(v, `secretEnv.${k}`, `berth:app.secretEnv.${k}`)]));
  if (problems.length > 0) throw new AppConfigError(problems);
  const hc = app.healthcheck;
  const healthcheck: HealthCheck =
    hc === false ? { type: "none" }
    : hc === undefined ? (app.ports[0] ? { type: "http", path: "/", port: hostPort(app.ports[0]), status: 200, timeoutSeconds: 60 } : { type: "running", seconds: 5 })
    : hc.type === "http" ? { ...hc, port: hc.port ?? hostPort(app.ports[0] ?? "0:0") }
    : hc;
  const shape = {
    image: app.image, ports: app.ports, env: app.env, volumes: app.volumes, args: app.args, restart: app.restart,
    secretEnv: Object.fromEntries(Object.entries(secretEnv).map(([k, v]) => [k, createHash("sha256").update(v.reveal()).digest("hex")])),
  };
  const specHash = createHash("sha256").update(canonicalJson(shape)).digest("hex").slice(0, 16);
  return { name: app.name, image: app.image, ...(registry ? { registry } : {}), ports: app.ports, env: app.env, secretEnv, volumes: app.volumes, args: app.args, restart: app.restart, healthcheck, keepReleases: app.keepReleases, transfer: app.transfer,
    lockTimeoutSeconds: app.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS, specHash };
}

/** BERTH_REGISTRY_PASSWORD, BERTH_SECRET_ENV_API_TOKEN, … */
export function envNameFor(key: string): string {
  return key === "registry.password" ? "BERTH_REGISTRY_PASSWORD" : `BERTH_SECRET_ENV_${key.slice("secretEnv.".length)}`;
}
