/**
 * The two pure halves of a lab with its own cache:
 *
 *   cacheUpstreams(cacheHostConfig)          → where the cache fetches each part (its own chain)
 *   cacheUseFor(cacheHostConfig, "10.0.0.5") → what a client stack needs (berth:bootstrap.cache)
 *   useCache(clientConfig, use)              → the client's StackConfig with the cache first
 *
 * The address is the only input that changes a client's user-data: the same address renders
 * the same bytes, another address other bytes (DigitalOcean then replaces the droplet).
 */
import type { StackConfig } from "../config/load.js";
import { MIRRORS } from "../config/mirrors.js";
import { planMirrors } from "../config/plan.js";
import type { CacheUse } from "../config/sections/cache.js";
import { DOCKER_CE_KEY_FINGERPRINT } from "../config/signing-keys.js";
import type { CacheUpstreams } from "./containers.js";

/** Docker Hub's registry endpoint, the cache's Docker Hub upstream when nothing else is named. */
export const DOCKER_HUB = "https://registry-1.docker.io";

/**
 * Where a cache host's cache fetches from: the first mirror of its own stack that serves each
 * part. Parts whose upstream does not follow TUNA's layout under the cache's paths are left out
 * (the official Miniforge releases on GitHub, Anaconda's own channels): clients then fall back to
 * their own mirrors for those.
 */
export function cacheUpstreams(cfg: StackConfig): CacheUpstreams {
  const m = cfg.mirrors;
  const miniforgeOfficial = MIRRORS.official.serves.miniforge;
  const condaOfficial = MIRRORS.official.serves.conda;
  const installer = m.installer[0]?.url;
  const dist = cfg.bootstrap.conda.distribution;
  const hub = cfg.cache?.dockerHub ?? m.registryMirrors[0]?.url ?? DOCKER_HUB;
  return {
    ...(m.dockerCe[0] ? { dockerCe: m.dockerCe[0].url } : {}),
    ...(installer && dist === "miniconda" ? { miniconda: installer } : {}),
    ...(installer && dist === "miniforge" && installer !== miniforgeOfficial ? { miniforge: installer } : {}),
    ...(m.conda && m.conda.url !== condaOfficial ? { conda: m.conda.url } : {}),
    pypi: m.pypi.url,
    dockerHub: hub,
  };
}

/** berth:bootstrap.cache for the clients of a cache host reached at ADDRESS (its private IP). */
export function cacheUseFor(cacheHost: StackConfig, address: string, name = "cache"): CacheUse {
  const key = cacheHost.mirrors.dockerCe[0]?.key ?? DOCKER_CE_KEY_FINGERPRINT;
  const host = address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
  return { url: `http://${host}`, name, ...(key !== DOCKER_CE_KEY_FINGERPRINT ? { dockerCeKeyFingerprint: key } : {}) };
}

/** The client's config with the cache first in every chain (a new object; the input is kept). */
export function useCache(cfg: StackConfig, cache: CacheUse): StackConfig {
  const bootstrap = { ...cfg.bootstrap, cache };
  return { ...cfg, bootstrap, mirrors: planMirrors(cfg.host, bootstrap).plan };
}

/**
 * A lab's own cache host, from the lab's template (berth:cache set): the same provider, image and
 * mirrors, running the cache and nothing else — no app, no lab, and no conda or pip of its own
 * (the students' environment is theirs; the cache only stores what they download). Its upstreams
 * are the template's: `cacheUpstreams(template)`.
 */
export function labCacheHostConfig(template: StackConfig): StackConfig {
  const b = template.bootstrap;
  const bootstrap = { ...b, conda: { ...b.conda, enabled: false, env: undefined }, pip: { ...b.pip, requirements: undefined } };
  const { lab: _lab, ...rest } = template;
  return { ...rest, app: undefined, bootstrap, mirrors: planMirrors(template.host, bootstrap).plan, files: {} };
}
