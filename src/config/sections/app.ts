/** `berth:app` — the container berth deploys over SSH once the host is bootstrapped. */
import { z } from "zod";
import { argument, choice, domain, isPlainObject, port, section, wholeNumber } from "../fields.js";
import { byShape } from "../shapes.js";
import { ipVersion, parseHostPort, parsePort } from "../values.js";

const NAME = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST = "(?:([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::\\d{1,5})?)/)?";
const REF = new RegExp(`^${HOST}${NAME}(?:/${NAME})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/** `registry/app:v2` or `registry/app@sha256:…`; a bare name has no release to roll back to. */
export const imageRef = domain(argument().superRefine((v, ctx) => {
  const m = REF.exec(v);
  if (!m) return void ctx.addIssue({ code: "custom", message: `"${v}" is not an image reference — write [registry[:port]/]name:tag or name@sha256:<64 hex>` });
  const registry = m[1];
  if (registry !== undefined && (registry.includes(".") || registry.includes(":") || registry === "localhost") && parseHostPort(registry) === undefined) {
    return void ctx.addIssue({ code: "custom", message: `"${v}": the registry "${registry}" is not host or host:port with a port from 1 to 65535` });
  }
  const last = v.slice(v.lastIndexOf("/") + 1);
  if (!last.includes(":") && !v.includes("@")) {
    ctx.addIssue({ code: "custom", message: `"${v}" has no tag or digest — write ${v}:v1 or ${v}@sha256:…; berth deploys fixed releases so it can roll back` });
  }
}), "image-ref");

/** `80:8080`, `127.0.0.1:80:8080`, optionally `/tcp` or `/udp`; ports 1–65535, as docker run -p takes them. */
export const portMap = domain(argument().superRefine((v, ctx) => {
  const m = /^(?:(.+):)?([^:/]+):([^:/]+)(?:\/(tcp|udp))?$/.exec(v);
  if (!m) return void ctx.addIssue({ code: "custom", message: 'must be "HOST:CONTAINER" like "80:8080" (optionally "127.0.0.1:80:8080" or "53:53/udp")' });
  if (m[1] !== undefined && ipVersion(m[1]) !== 4 && !(m[1].startsWith("[") && m[1].endsWith("]") && ipVersion(m[1].slice(1, -1)) === 6)) {
    return void ctx.addIssue({ code: "custom", message: `"${v}": "${m[1]}" is not an address to bind to — an IPv4 address like 127.0.0.1 or [::1]` });
  }
  for (const [which, p] of [["host", m[2]], ["container", m[3]]] as const) {
    if (parsePort(p ?? "") === undefined) ctx.addIssue({ code: "custom", message: `"${v}": the ${which} port "${p}" is not a port number from 1 to 65535` });
  }
}), "port-map");

const envName = domain(argument().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name: letters, digits and _, not starting with a digit" }), "env-name");

/** A value Pulumi encrypted in the stack file (`secure: v1:…`); only `pulumi up` can read it. */
export const encrypted = section({ secure: domain(z.string(), "ciphertext") });

/** A secret: a Pulumi secret in the stack file, or (under Pulumi) its decrypted text. */
export const secretValue = byShape([
  { label: "a Pulumi secret", takes: "string", schema: domain(z.string(), "secret") },
  { label: "{ secure: … }", takes: "object", schema: encrypted },
]);

const timeout = () => wholeNumber(1, 3600, "a number of seconds");
const httpCheck = section({
  type: z.literal("http"),
  path: domain(z.string().regex(/^\/[^\s\u0000-\u001f]*$/, { message: "must be a URL path starting with / and without spaces" }), "url-path").default("/"),
  /** Host port to probe; defaults to the first published port. */
  port: port().optional(),
  status: wholeNumber(100, 599, "an HTTP status").default(200),
  timeoutSeconds: timeout().default(60),
});
const imageCheck = section({ type: z.literal("image"), timeoutSeconds: timeout().default(60) });
const runningCheck = section({ type: z.literal("running"), seconds: wholeNumber(1, 600, "a number of seconds").default(5) });
const CHECK_TYPES = ["http", "image", "running"] as const;
const typeOf = (t: string) => (v: unknown) => isPlainObject(v) && v.type === t;

/** `false`, or one health check chosen by its `type`; a missing or misspelt type is named at `.type`. */
const healthcheck = byShape([
  { label: "false", takes: (v) => v === false, schema: z.literal(false) },
  { label: "{ type: http, … }", takes: typeOf("http"), schema: httpCheck, unlisted: true },
  { label: "{ type: image, … }", takes: typeOf("image"), schema: imageCheck, unlisted: true },
  { label: "{ type: running, … }", takes: typeOf("running"), schema: runningCheck, unlisted: true },
  { label: "{ type: http | image | running, … }", takes: "object", schema: z.looseObject({ type: choice(CHECK_TYPES, "health check type") }).pipe(z.never()) },
]);

const VOLUME_SOURCE = /^(\/[^:\u0000-\u001f]*|[A-Za-z0-9][A-Za-z0-9_.-]+)$/;

export const appSchema = section({
  image: imageRef,
  /** Container name on the host. */
  name: domain(argument().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { message: "must be a container name: letters, digits, _ . -" }), "container-name").default("app"),
  registry: section({
    server: domain(argument().refine((v) => parseHostPort(v) !== undefined, { message: "must be host or host:port (port 1–65535), without a scheme" }), "registry-server"),
    username: domain(argument().min(1, { message: "must not be empty" }), "registry-username"),
    /** A Pulumi secret in the stack; for `berth deploy` outside Pulumi, BERTH_REGISTRY_PASSWORD. */
    password: secretValue.optional(),
  }).optional(),
  ports: z.array(portMap).default([]),
  env: z.record(envName, domain(z.string(), "env-value")).default({}),
  secretEnv: z.record(envName, secretValue).default({}),
  volumes: z.array(domain(argument().superRefine((v, ctx) => {
    const [source = "", target = "", opts, extra] = v.split(":");
    const okOpts = opts === undefined || opts.split(",").every((o) => ["ro", "rw", "z", "Z", "nocopy"].includes(o));
    if (extra !== undefined || !VOLUME_SOURCE.test(source) || !/^\/[^\u0000-\u001f]*$/.test(target) || !okOpts) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not "SOURCE:/container/path[:ro]" — SOURCE is an absolute host path or a volume name (2 or more letters, digits, _ . -)` });
    }
  }), "volume")).default([]),
  args: z.array(domain(z.string(), "container-arg")).default([]),
  restart: choice(["no", "always", "unless-stopped", "on-failure"], "restart policy").default("unless-stopped"),
  healthcheck: healthcheck.optional(),
  keepReleases: wholeNumber(1, 50).default(3),
  transfer: choice(["registry", "stream"], "transfer").default("registry"),
  /** How long a deploy waits for another deploy of this app on the same host (default 600). */
  lockTimeoutSeconds: wholeNumber(0, 86400, "a number of seconds").optional(),
});

export type AppInput = z.output<typeof appSchema>;
