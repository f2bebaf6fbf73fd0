/**
 * The whole `berth:` namespace: one strict schema per section, and the cross-field rules. Each
 * rule names the fields it reads (`needs`); it runs whenever those fields parsed, even if some
 * other part of the stack is broken, so one run reports every problem it can.
 */
import type { z } from "zod";
import { cachePaths } from "./cache-chain.js";
import { installerProblems } from "./installers.js";
import { MIRRORS } from "./mirrors.js";
import { planChain, planConda, planPypi, planRegistryMirrors, type Problem } from "./plan.js";
import { appSchema } from "./sections/app.js";
import { bootstrapSchema } from "./sections/bootstrap.js";
import { cacheAppProblems, cacheHostSchema, cacheUseProblems } from "./sections/cache.js";
import { LOG_DAEMON_KEYS } from "./sections/daemon-keys.js";
import { hostSchema } from "./sections/host.js";
import { labSchema } from "./sections/lab.js";
import { expiryProblems, labProviderProblems } from "./lab.js";
import { formatProblems, nameProblem, providerKeyProblems, requiredProblems } from "./sections/host-rules.js";
import { daemonListenProblems } from "./daemon-rules.js";

/** The sections of `berth:`, each parsed on its own. */
export const SECTION_SCHEMAS = {
  host: hostSchema,
  bootstrap: bootstrapSchema,
  app: appSchema.optional(),
  lab: labSchema.optional(),
  cache: cacheHostSchema.optional(),
} as const;

export interface StackInput {
  readonly host: z.output<typeof hostSchema>;
  readonly bootstrap: z.output<typeof bootstrapSchema>;
  readonly app: z.output<typeof appSchema> | undefined;
  readonly lab: z.output<typeof labSchema> | undefined;
  readonly cache: z.output<typeof cacheHostSchema> | undefined;
}

/** What a rule may look at besides the parsed config. */
export interface RuleContext {
  /** The `berth:host` value as written (to tell a key the user wrote from a default). */
  readonly rawHost: unknown;
  /** The stack name, the host name when host.name is unset. */
  readonly stack?: string | undefined;
  /** Whether the stack is a lab (berth:lab given): its hosts are named from the roster, not host.name or the stack. */
  readonly isLab?: boolean;
}

export interface Rule {
  /** `section` or `section.field` paths that must have parsed for the rule to run. */
  readonly needs: readonly string[];
  readonly check: (cfg: StackInput, ctx: RuleContext) => Problem[];
}

const p = (path: PropertyKey[], message: string): Problem => ({ path, message });

export const RULES: readonly Rule[] = [
  { needs: ["host.provider"], check: (c, ctx) => providerKeyProblems(ctx.rawHost, c.host.provider) },
  { needs: ["host.provider", "host.os", "host.image", "host.sshPublicKey", "host.sshKeys", "host.zone", "host.address"], check: (c) => requiredProblems(c.host) },
  { needs: ["host.provider", "host.os", "host.region", "host.size", "host.image", "host.zone", "host.sshPublicKey"], check: (c) => formatProblems(c.host) },
  {
    needs: ["host.provider", "host.name"],
    check: (c, ctx) => {
      if (ctx.isLab) return [];
      const name = c.host.name ?? ctx.stack;
      const problem = name === undefined ? undefined : nameProblem(c.host.provider, name, c.host.name === undefined);
      return problem ? [p(["host", "name"], problem)] : [];
    },
  },
  {
    needs: ["bootstrap.conda"],
    check: ({ bootstrap: { conda } }) => (!conda.enabled && conda.env !== undefined ? [p(["bootstrap", "conda", "env"], "an environment needs conda — remove env or set conda.enabled: true")] : []),
  },
  {
    needs: ["bootstrap.conda", "bootstrap.pip"],
    check: ({ bootstrap: { conda, pip } }) =>
      !conda.enabled && pip.requirements !== undefined
        ? [p(["bootstrap", "pip", "requirements"], "requirements are installed into a conda environment — set conda.enabled: true (or install them in your image)")]
        : [],
  },
  {
    needs: ["bootstrap.docker"],
    check: ({ bootstrap: { docker } }) =>
      docker.logRotation === false
        ? []
        : Object.keys(docker.daemon).filter((k) => LOG_DAEMON_KEYS.includes(k)).map((key) => p(["bootstrap", "docker", "daemon", key], "set by berth's log rotation — change berth:bootstrap.docker.logRotation, or set it to false to choose your own logging")),
  },
  { needs: ["bootstrap.docker"], check: ({ bootstrap: { docker } }) => daemonListenProblems(docker) },
  { needs: ["host.provider", "bootstrap.mirror"], check: (c) => planProblems((out) => planChain(c.host, c.bootstrap.mirror, out)) },
  { needs: ["host.provider", "bootstrap.mirror", "bootstrap.pip"], check: (c) => planProblems((out) => planPypi(c.host, c.bootstrap, out)) },
  { needs: ["host.provider", "bootstrap.docker"], check: (c) => planProblems((out) => planRegistryMirrors(c.host, c.bootstrap.docker, out)) },
  {
    needs: ["host.provider", "bootstrap.mirror", "bootstrap.conda", "bootstrap.cache"],
    check: (c) => {
      const out: Problem[] = [];
      const planned = planConda(c.host, c.bootstrap, out);
      const channels = planned.conda;
      // A cache goes first in the installer chain, over plain HTTP like any http:// mirror.
      const { cache } = c.bootstrap;
      const installer = cache ? [{ name: cache.name, url: cachePaths(cache.url, c.bootstrap.conda.distribution).installer }, ...planned.installer] : planned.installer;
      const { conda } = c.bootstrap;
      if (conda.enabled && conda.distribution === "miniconda" && conda.termsOfService === "decline" && channels?.url === MIRRORS.official.serves.conda) {
        out.push(p(["bootstrap", "conda", "termsOfService"], "Miniconda from Anaconda's own channels needs their terms of service accepted, and non-interactive installs fail without it — set termsOfService: accept, use a mirror for conda (tuna, aliyun, …), or distribution: miniforge"));
      }
      if (conda.enabled) out.push(...installerProblems(conda, installer));
      return out;
    },
  },
  { needs: ["app"], check: (c) => (c.app ? appRules(c.app) : []) },
  { needs: ["lab", "host.provider"], check: (c, ctx) => (c.lab ? labProviderProblems(c.host.provider, ctx.rawHost) : []) },
  { needs: ["lab"], check: (c) => (c.lab ? expiryProblems(c.lab) : []) },
  { needs: ["cache", "app", "lab"], check: (c) => cacheAppProblems(c) },
  { needs: ["cache", "bootstrap.cache", "lab"], check: (c) => cacheUseProblems(c) },
];

function planProblems(run: (out: Problem[]) => unknown): Problem[] {
  const out: Problem[] = [];
  run(out);
  return out;
}

function appRules(app: NonNullable<StackInput["app"]>): Problem[] {
  const out: Problem[] = [];
  const check = app.healthcheck;
  if (check && check.type === "http" && check.port === undefined && app.ports.length === 0) {
    out.push(p(["app", "healthcheck", "port"], "an HTTP health check needs a port — publish one in berth:app.ports or set healthcheck.port"));
  }
  for (const [key, value] of Object.entries(app.secretEnv)) {
    if (typeof value === "string" && /[\n\0]/.test(value)) {
      out.push(p(["app", "secretEnv", key], "secret values travel in a docker env-file, which cannot hold newlines — encode it (base64) or mount it as a file in berth:app.volumes"));
    }
  }
  for (const key of Object.keys(app.secretEnv).filter((k) => k in app.env)) {
    out.push(p(["app", "secretEnv", key], `also set in berth:app.env — keep ${key} in one of them`));
  }
  return out;
}
