/**
 * The whole `berth:` namespace: one strict schema per section, then the cross-field rules,
 * which run only on input whose shape is already valid.
 */
import type { z } from "zod";
import { section } from "./fields.js";
import { installerProblems } from "./installers.js";
import { MIRRORS } from "./mirrors.js";
import { planMirrors, type Problem } from "./plan.js";
import { appSchema } from "./sections/app.js";
import { bootstrapSchema } from "./sections/bootstrap.js";
import { cacheHostSchema, cacheRules } from "./sections/cache.js";
import { LOG_DAEMON_KEYS } from "./sections/daemon-keys.js";
import { hostRules, hostSchema } from "./sections/host.js";

export const stackSchema = section({
  host: hostSchema,
  bootstrap: bootstrapSchema,
  app: appSchema.optional(),
  cache: cacheHostSchema.optional(),
});

export type StackInput = z.output<typeof stackSchema>;

function appRules(app: NonNullable<StackInput["app"]>): Problem[] {
  const out: Problem[] = [];
  const check = app.healthcheck;
  if (check && check.type === "http" && check.port === undefined && app.ports.length === 0) {
    out.push({ path: ["app", "healthcheck", "port"], message: "an HTTP health check needs a port — publish one in berth:app.ports or set healthcheck.port" });
  }
  for (const [key, value] of Object.entries(app.secretEnv)) {
    if (typeof value === "string" && /[\n\0]/.test(value)) {
      out.push({ path: ["app", "secretEnv", key], message: "secret values travel in a docker env-file, which cannot hold newlines — encode it (base64) or mount it as a file in berth:app.volumes" });
    }
  }
  const names = new Set([...Object.keys(app.env)]);
  for (const key of Object.keys(app.secretEnv).filter((k) => names.has(k))) {
    out.push({ path: ["app", "secretEnv", key], message: `also set in berth:app.env — keep ${key} in one of them` });
  }
  return out;
}

/** Rules that span fields; each problem names the path to fix. */
export function stackRules(cfg: StackInput): Problem[] {
  const out: Problem[] = [];
  const add = (path: PropertyKey[], message: string) => out.push({ path, message });
  const { conda, docker, pip } = cfg.bootstrap;
  if (!conda.enabled && conda.env !== undefined) {
    add(["bootstrap", "conda", "env"], "an environment needs conda — remove env or set conda.enabled: true");
  }
  if (!conda.enabled && pip.requirements !== undefined) {
    add(["bootstrap", "pip", "requirements"], "requirements are installed into a conda environment — set conda.enabled: true (or install them in your image)");
  }
  if (docker.logRotation !== false) {
    for (const key of Object.keys(docker.daemon).filter((k) => LOG_DAEMON_KEYS.includes(k))) {
      add(["bootstrap", "docker", "daemon", key], "set by berth's log rotation — change berth:bootstrap.docker.logRotation, or set it to false to choose your own logging");
    }
  }
  out.push(...hostRules(cfg.host));
  out.push(...cacheRules(cfg));
  if (cfg.app) out.push(...appRules(cfg.app));
  const { plan, problems } = planMirrors(cfg.host, cfg.bootstrap);
  out.push(...problems);
  if (conda.enabled) out.push(...installerProblems(conda, plan.installer));
  if (conda.enabled && conda.distribution === "miniconda" && conda.termsOfService === "decline" && plan.conda?.url === MIRRORS.official.serves.conda) {
    add(["bootstrap", "conda", "termsOfService"], "Miniconda from Anaconda's own channels needs their terms of service accepted, and non-interactive installs fail without it — set termsOfService: accept, use a mirror for conda (tuna, aliyun, …), or distribution: miniforge");
  }
  return out;
}
