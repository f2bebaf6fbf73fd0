/** `berth:bootstrap.docker` — the docker-ce install and /etc/docker/daemon.json. */
import { z } from "zod";
import { hostPort, httpUrl, section, userName } from "../fields.js";
import { unknownName } from "../messages.js";
import { DAEMON_KEYS, MANAGED_DAEMON_KEYS } from "./daemon-keys.js";

/**
 * `27.3.1`, `27.3` (must match one version at boot) or Docker's full string
 * (`5:27.3.1-1~ubuntu.24.04~noble`, `3:27.3.1-1.el9`).
 */
export const dockerVersion = z.string().regex(/^(\d+\.\d+(\.\d+)?|\d+:\d+\.\d+\.\d+[A-Za-z0-9.~+-]*)$/, {
  message: 'not a docker-ce version — write 27.3.1, 27.3, or the full string apt-cache madison shows (5:27.3.1-1~ubuntu.24.04~noble)',
});

/** A Docker Hub accelerator: a catalog name, a URL, or `{ url, insecure }` for plain-HTTP caches. */
export const registryMirror = z.union([
  z.string().min(1),
  section({ url: httpUrl, insecure: z.boolean().default(false) }),
]);

const logRotation = section({
  maxSize: z.string().regex(/^\d+[kmg]$/, { message: 'must be a size like 10m, 512k or 1g' }).default("10m"),
  maxFile: z.number().int().min(1).max(100).default(3),
});

const daemonExtra = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  for (const key of Object.keys(v)) {
    if (MANAGED_DAEMON_KEYS[key]) {
      ctx.addIssue({ code: "custom", path: [key], message: `set by berth — use berth:bootstrap.docker.${MANAGED_DAEMON_KEYS[key]} instead` });
    } else if (!DAEMON_KEYS.includes(key)) {
      ctx.addIssue({ code: "custom", path: [key], message: unknownName("daemon.json key", key, DAEMON_KEYS) });
    }
  }
});

export const dockerSchema = section({
  version: dockerVersion.optional(),
  registryMirrors: z.array(registryMirror).default([]),
  insecureRegistries: z.array(hostPort).default([]),
  users: z.array(userName).default([]),
  logRotation: z.union([z.literal(false), logRotation]).default({ maxSize: "10m", maxFile: 3 }),
  daemon: daemonExtra.default({}),
}).default({ registryMirrors: [], insecureRegistries: [], users: [], logRotation: { maxSize: "10m", maxFile: 3 }, daemon: {} });

export type DockerInput = z.output<typeof dockerSchema>;
