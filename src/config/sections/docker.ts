/** `berth:bootstrap.docker` — the docker-ce install and /etc/docker/daemon.json. */
import { z } from "zod";
import { argument, domain, httpUrl, isPlainObject, section, userName, wholeNumber } from "../fields.js";
import { unknownName } from "../messages.js";
import { byShape } from "../shapes.js";
import { parseCidr, parseHostPort } from "../values.js";
import { DAEMON_KEYS, DAEMON_SCHEMA, MANAGED_DAEMON_KEYS } from "./daemon-keys.js";

/**
 * `27.3.1`, `27.3` (must match one version at boot) or Docker's full string
 * (`5:27.3.1-1~ubuntu.24.04~noble`, `3:27.3.1-1.el9`).
 */
export const dockerVersion = domain(z.string().regex(/^(\d+\.\d+(\.\d+)?|\d+:\d+\.\d+\.\d+[A-Za-z0-9.~+-]*)$/, {
  message: 'not a docker-ce version — write 27.3.1, 27.3, or the full string apt-cache madison shows (5:27.3.1-1~ubuntu.24.04~noble)',
}), "docker-version");

/** A Docker Hub accelerator: a catalog name, a URL, or `{ url, insecure }` for plain-HTTP caches. */
export const registryMirror = byShape([
  { label: "a mirror name or URL", takes: "string", schema: domain(argument().min(1), "registry-mirror") },
  { label: "{ url, insecure }", takes: "object", schema: section({ url: httpUrl, insecure: z.boolean().default(false) }) },
]);

/**
 * An insecure registry as dockerd's registry.ValidateIndexName takes it: `host`, `host:port`
 * (port 1–65535) or a CIDR block of registries.
 */
export const insecureRegistry = domain(argument().superRefine((v, ctx) => {
  if (v.includes("://")) return void ctx.addIssue({ code: "custom", message: `"${v}" has a scheme — write host or host:port only (like registry.lab.internal:5000)` });
  if (parseHostPort(v) === undefined && parseCidr(v) === undefined) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not host, host:port (port 1–65535) or a CIDR block — write it like registry.lab.internal:5000` });
  }
}), "insecure-registry");

const logRotation = section({
  maxSize: domain(z.string().regex(/^[1-9]\d*[kmg]$/, { message: "must be a size like 10m, 512k or 1g" }), "log-size").default("10m"),
  maxFile: wholeNumber(1, 100).default(3),
});

/** Extra daemon.json keys, each typed as dockerd reads it; unknown and managed keys are named at their own path. */
const DAEMON_SHAPE = Object.fromEntries(Object.entries(DAEMON_SCHEMA).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof DAEMON_SCHEMA]: z.ZodOptional<(typeof DAEMON_SCHEMA)[K]> };
const daemonExtra = z.looseObject(DAEMON_SHAPE).superRefine((v: unknown, ctx) => {
  if (!isPlainObject(v)) return;
  for (const key of Object.keys(v)) {
    if (MANAGED_DAEMON_KEYS[key]) {
      ctx.addIssue({ code: "custom", path: [key], message: `set by berth — use berth:bootstrap.docker.${MANAGED_DAEMON_KEYS[key]} instead` });
    } else if (!DAEMON_KEYS.includes(key)) {
      ctx.addIssue({ code: "custom", path: [key], message: unknownName("daemon.json key", key, DAEMON_KEYS) });
    }
  }
}, { when: () => true }).transform((v) => v as Record<string, unknown>);

const LOG_DEFAULT = { maxSize: "10m", maxFile: 3 };

export const dockerSchema = section({
  version: dockerVersion.optional(),
  registryMirrors: z.array(registryMirror).default([]),
  insecureRegistries: z.array(insecureRegistry).default([]),
  users: z.array(userName).default([]),
  logRotation: byShape([
    { label: "false (to manage logging yourself)", takes: (v) => v === false, schema: z.literal(false) },
    { label: "{ maxSize, maxFile }", takes: "object", schema: logRotation },
  ]).default(LOG_DEFAULT),
  daemon: daemonExtra.default({}),
  /**
   * Lets daemon.hosts open the Docker API on TCP without TLS client verification: root on this
   * machine for anyone who can reach the port. Off unless the stack says so.
   */
  allowUnauthenticatedTcp: z.boolean().default(false),
}).default({ registryMirrors: [], insecureRegistries: [], users: [], logRotation: LOG_DEFAULT, daemon: {}, allowUnauthenticatedTcp: false });

export type DockerInput = z.output<typeof dockerSchema>;
