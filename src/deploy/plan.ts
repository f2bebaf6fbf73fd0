/**
 * From the validated `berth:app` section to what a deploy needs: secrets wrapped as Sensitive,
 * and a spec hash that tells whether a running release already matches.
 */
import { createHash } from "node:crypto";
import type { AppInput } from "../config/sections/app.js";
import { canonicalJson } from "../bootstrap/files.js";
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
  /** sha256 over everything that shapes the container, secrets included (as a digest). */
  readonly specHash: string;
}

export class AppConfigError extends Error {
  override readonly name = "AppConfigError";
}

function hostPort(mapping: string): number {
  const parts = mapping.replace(/\/(tcp|udp)$/, "").split(":");
  return Number(parts[parts.length - 2]);
}

/**
 * `secrets` gives values Pulumi encrypted in the stack file (`{ secure }`), which only
 * `pulumi up` can decrypt: keys are `registry.password` and `secretEnv.<NAME>`.
 */
export function planApp(app: AppInput, secrets: Readonly<Record<string, string | undefined>> = {}): AppPlan {
  const reveal = (v: string | { secure: string } | undefined, key: string, path: string): Sensitive => {
    if (typeof v === "string") return new Sensitive(v);
    const given = secrets[key];
    if (given !== undefined) return new Sensitive(given);
    throw new AppConfigError(`${path}: ${v === undefined ? "not set" : "is encrypted by Pulumi"} — deploy with pulumi up, or give it to berth deploy in ${envNameFor(key)}`);
  };
  const registry = app.registry && {
    server: app.registry.server,
    username: app.registry.username,
    password: reveal(app.registry.password, "registry.password", "berth:app.registry.password"),
  };
  const secretEnv = Object.fromEntries(Object.entries(app.secretEnv).map(([k, v]) => [k, reveal(v, `secretEnv.${k}`, `berth:app.secretEnv.${k}`)]));
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
  return { name: app.name, image: app.image, ...(registry ? { registry } : {}), ports: app.ports, env: app.env, secretEnv, volumes: app.volumes, args: app.args, restart: app.restart, healthcheck, keepReleases: app.keepReleases, transfer: app.transfer, specHash };
}

/** BERTH_REGISTRY_PASSWORD, BERTH_SECRET_ENV_API_TOKEN, … */
export function envNameFor(key: string): string {
  return key === "registry.password" ? "BERTH_REGISTRY_PASSWORD" : `BERTH_SECRET_ENV_${key.slice("secretEnv.".length)}`;
}
