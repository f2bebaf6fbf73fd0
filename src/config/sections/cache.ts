/**
 * The lab cache in the config, two ways round:
 *   `berth:cache`            this stack is a cache host (a VM that runs the berth cache);
 *   `berth:bootstrap.cache`  this host uses a cache: it goes first in every mirror chain
 *                            (docker-ce, installers, conda, PyPI, registry-mirrors), with the
 *                            stack's own mirrors after it.
 */
import { z } from "zod";
import { httpUrl, section } from "../fields.js";
import { keyFingerprint } from "../signing-keys.js";

const cidr = z.string().regex(/^((\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, { message: "must be a CIDR like 10.0.0.0/8 or fd00::/8" });

/** Private address ranges: inside a cloud VPC, only the VPC's own hosts come from these. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** A cache base URL: http(s), a host and maybe a port, no path (the cache serves its own layout). */
const cacheUrl = httpUrl.superRefine((v, ctx) => {
  const u = new URL(v);
  if (u.pathname !== "/" && u.pathname !== "") ctx.addIssue({ code: "custom", message: `"${v}" has a path — give the cache's address only, like http://10.0.0.5 (it serves /docker-ce, /pypi/simple and /v2/ itself)` });
  if (u.search || u.hash || u.username) ctx.addIssue({ code: "custom", message: `"${v}" must be a plain address like http://10.0.0.5` });
});

/** `berth:bootstrap.cache`: `http://10.0.0.5`, or `{ url, name?, dockerCeKeyFingerprint? }`. */
export const cacheUse = z.union([
  cacheUrl,
  section({
    url: cacheUrl,
    /** How logs and the status file name it. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, { message: "must be letters, digits, ., _ and -" }).default("cache"),
    /**
     * The key the cache's docker-ce repository is signed with: its upstream's. Unset: Docker's
     * (any public mirror that copies Docker's repository).
     */
    dockerCeKeyFingerprint: keyFingerprint.optional(),
  }),
]).transform((v) => (typeof v === "string" ? { url: v.replace(/\/+$/, ""), name: "cache" } : { ...v, url: v.url.replace(/\/+$/, "") }));

export type CacheUse = z.output<typeof cacheUse>;

/** `berth:cache`: this stack boots a cache host. It fetches from this stack's own mirrors. */
export const cacheHostSchema = section({
  /** Who may reach the cache (TCP 80): the lab's private network. */
  allowFrom: z.array(cidr).min(1).default([...PRIVATE_RANGES]),
  /** nginx's cache size for packages (and again for image layers in flight), like 20g. */
  maxSize: z.string().regex(/^\d+[kmg]$/, { message: "must be a size like 20g or 500m" }).default("20g"),
  /**
   * Where the cache's Docker Hub side pulls from: a registry URL (an accelerator that works from
   * the cache host). Unset: the stack's first registry mirror, else Docker Hub itself.
   */
  dockerHub: httpUrl.optional(),
  /**
   * A prebuilt berth cache image for the host to pull (your registry). Unset: berth builds the
   * image here and streams it to the host over SSH, so the host needs no registry at all.
   */
  image: z.string().regex(/^[A-Za-z0-9._/:@-]+$/, { message: "must be an image reference like registry.example.com/berth-cache:1" }).optional(),
});

export type CacheHostInput = z.output<typeof cacheHostSchema>;

/** Rules across sections: what a cache host cannot also be. */
export function cacheRules(cfg: { cache?: CacheHostInput | undefined; app?: unknown; bootstrap: { cache?: CacheUse | undefined } }): { path: PropertyKey[]; message: string }[] {
  if (!cfg.cache) return [];
  const out: { path: PropertyKey[]; message: string }[] = [];
  if (cfg.app !== undefined) out.push({ path: ["app"], message: "a cache host runs the berth cache on port 80 and nothing else — deploy the app from another stack (one that sets berth:bootstrap.cache to this host)" });
  if (cfg.bootstrap.cache !== undefined) out.push({ path: ["bootstrap", "cache"], message: "a cache host fetches from its upstream mirrors, not from another cache — remove berth:bootstrap.cache here" });
  return out;
}
