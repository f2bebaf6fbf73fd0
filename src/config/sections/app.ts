/** `berth:app` — the container berth deploys over SSH once the host is bootstrapped. */
import { z } from "zod";
import { choice, section } from "../fields.js";

const NAME = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST = "(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::\\d{1,5})?/)?";
const REF = new RegExp(`^${HOST}${NAME}(?:/${NAME})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/** `registry/app:v2` or `registry/app@sha256:…`; a bare name has no release to roll back to. */
export const imageRef = z.string().superRefine((v, ctx) => {
  if (!REF.test(v)) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not an image reference — write [registry[:port]/]name:tag or name@sha256:<64 hex>` });
    return;
  }
  const last = v.slice(v.lastIndexOf("/") + 1);
  if (!last.includes(":") && !v.includes("@")) {
    ctx.addIssue({ code: "custom", message: `"${v}" has no tag or digest — write ${v}:v1 or ${v}@sha256:…; berth deploys fixed releases so it can roll back` });
  }
});

/** `80:8080`, `127.0.0.1:80:8080`, optionally `/tcp` or `/udp`. */
export const portMap = z.string().regex(/^(?:(?:\d{1,3}\.){3}\d{1,3}:)?\d{1,5}:\d{1,5}(?:\/(?:tcp|udp))?$/, {
  message: 'must be "HOST:CONTAINER" like "80:8080" (optionally "127.0.0.1:80:8080" or "53:53/udp")',
});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);

/** A value Pulumi encrypted in the stack file (`secure: v1:…`); only `pulumi up` can read it. */
export const encrypted = section({ secure: z.string() });

const secretValue = z.union([z.string(), encrypted]);

const httpCheck = section({
  type: z.literal("http"),
  path: z.string().regex(/^\//, { message: "must start with /" }).default("/"),
  /** Host port to probe; defaults to the first published port. */
  port: z.number().int().min(1).max(65535).optional(),
  status: z.number().int().min(100).max(599).default(200),
  timeoutSeconds: z.number().int().min(1).max(3600).default(60),
});
const imageCheck = section({ type: z.literal("image"), timeoutSeconds: z.number().int().min(1).max(3600).default(60) });
const runningCheck = section({ type: z.literal("running"), seconds: z.number().int().min(1).max(600).default(5) });

export const appSchema = section({
  image: imageRef,
  /** Container name on the host. */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { message: "must be a container name: letters, digits, _ . -" }).default("app"),
  registry: section({
    server: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: "must be host or host:port, without a scheme" }),
    username: z.string().min(1),
    /** A Pulumi secret in the stack; for `berth deploy` outside Pulumi, BERTH_REGISTRY_PASSWORD. */
    password: secretValue.optional(),
  }).optional(),
  ports: z.array(portMap).default([]),
  env: z.record(envName, z.string()).default({}),
  secretEnv: z.record(envName, secretValue).default({}),
  volumes: z.array(z.string().regex(/^[^:]+:\/[^:]*(:(ro|rw))?$/, { message: 'must be "SOURCE:/container/path" with optional ":ro"' })).default([]),
  args: z.array(z.string()).default([]),
  restart: choice(["no", "always", "unless-stopped", "on-failure"], "restart policy").default("unless-stopped"),
  healthcheck: z.union([z.literal(false), z.discriminatedUnion("type", [httpCheck, imageCheck, runningCheck])]).optional(),
  keepReleases: z.number().int().min(1).max(50).default(3),
  transfer: choice(["registry", "stream"], "transfer").default("registry"),
  /** How long a deploy waits for another deploy of this app on the same host (default 600). */
  lockTimeoutSeconds: z.number().int().min(0).max(86400).optional(),
});

export type AppInput = z.output<typeof appSchema>;
