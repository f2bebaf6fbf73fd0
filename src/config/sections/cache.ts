/**
 * The lab cache in the config, two ways round:
 *   `berth:cache`            this stack is a cache host (a VM that runs the berth cache);
 *   `berth:bootstrap.cache`  this host uses a cache: it goes first in every mirror chain
 *                            (docker-ce, installers, conda, PyPI, registry-mirrors), with the
 *                            stack's own mirrors after it.
 */
import { z } from "zod";
import { domain, httpUrl, isHttpUrl, section } from "../fields.js";
import { byShape } from "../shapes.js";
import { keyFingerprint } from "../signing-keys.js";
import { imageRef } from "./app.js";
import { sourceRange } from "./host.js";

/** Private address ranges: inside a cloud VPC, only the VPC's own hosts come from these. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** A cache base URL: http(s), a host and maybe a port, no path (the cache serves its own layout). */
const cacheUrl = domain(z.string().superRefine((v, ctx) => {
  if (!isHttpUrl(v)) return void ctx.addIssue({ code: "custom", message: `"${v}" is not a valid http(s) URL — give the cache's address, like http://10.0.0.5` });
  const u = new URL(v);
  if (u.pathname !== "/" && u.pathname !== "") ctx.addIssue({ code: "custom", message: `"${v}" has a path — give the cache's address only, like http://10.0.0.5 (it serves /docker-ce, /pypi/simple and /v2/ itself)` });
  if (u.search || u.hash || u.username || u.password) ctx.addIssue({ code: "custom", message: `"${v}" must be a plain address like http://10.0.0.5` });
}).transform((v) => v.replace(/\/+$/, "")), "cache-url");

/** `berth:bootstrap.cache`: `http://10.0.0.5`, or `{ url, name?, dockerCeKeyFingerprint? }`. */
export const cacheUse = byShape([
  { label: "the cache's address (http://10.0.0.5)", takes: "string", schema: cacheUrl },
  {
    label: "{ url, name, dockerCeKeyFingerprint }",
    takes: "object",
    schema: section({
      url: cacheUrl,
      /** How logs and the status file name it. */
      name: z.string().regex(/^[A-Za-z0-9._-]+$/, { message: "must be letters, digits, ., _ and -" }).default("cache"),
      /**
       * The key the cache's docker-ce repository is signed with: its upstream's. Unset: Docker's
       * (any public mirror that copies Docker's repository).
       */
      dockerCeKeyFingerprint: keyFingerprint.optional(),
    }),
  },
]).transform((v): { url: string; name: string; dockerCeKeyFingerprint?: string | undefined } => (typeof v === "string" ? { url: v, name: "cache" } : v));

export type CacheUse = z.output<typeof cacheUse>;

/**
 * `berth:cache`: this stack boots a cache host, which fetches from this stack's own mirrors. In a
 * lab stack (berth:lab), the lab's own cache host, first in every student host's mirror chains.
 */
export const cacheHostSchema = section({
  /** Who may reach the cache (TCP 80): the lab's private network. */
  allowFrom: z.array(sourceRange).min(1).default([...PRIVATE_RANGES]),
  /** nginx's cache size for packages (and again for image layers in flight), like 20g. */
  maxSize: domain(z.string().regex(/^[1-9]\d{0,5}[kmg]$/, { message: "must be a size like 20g or 500m" }), "cache-size").default("20g"),
  /**
   * Where the cache's Docker Hub side pulls from: a registry URL (an accelerator that works from
   * the cache host). Unset: the stack's first registry mirror, else Docker Hub itself.
   */
  dockerHub: httpUrl.optional(),
  /**
   * A prebuilt berth cache image for the host to pull (your registry). Unset: berth builds the
   * image here and streams it to the host over SSH, so the host needs no registry at all.
   */
  image: imageRef.optional(),
});

export type CacheHostInput = z.output<typeof cacheHostSchema>;

type Problem = { path: PropertyKey[]; message: string };

/**
 * A cache host runs the berth cache on port 80 and nothing else: no app beside it. In a lab
 * stack berth:cache is the lab's own cache, a host of its own, and berth:app is the students'.
 */
export function cacheAppProblems(cfg: { cache?: CacheHostInput | undefined; app?: unknown; lab?: unknown }): Problem[] {
  if (!cfg.cache || cfg.app === undefined || cfg.lab !== undefined) return [];
  return [{ path: ["app"], message: "a cache host runs the berth cache on port 80 and nothing else — deploy the app from another stack (one that sets berth:bootstrap.cache to this host)" }];
}

/** A cache host (or a lab with its own cache) fetches from the stack's mirrors, not from another cache. */
export function cacheUseProblems(cfg: { cache?: CacheHostInput | undefined; lab?: unknown; bootstrap: { cache?: CacheUse | undefined } }): Problem[] {
  if (!cfg.cache || cfg.bootstrap.cache === undefined) return [];
  const message = cfg.lab !== undefined
    ? "a lab with its own cache (berth:cache) puts that cache first on every student's host — remove berth:bootstrap.cache here, or remove berth:cache to use that other cache instead"
    : "a cache host fetches from its upstream mirrors, not from another cache — remove berth:bootstrap.cache here";
  return [{ path: ["bootstrap", "cache"], message }];
}
