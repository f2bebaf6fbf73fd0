/**
 * The containers of one berth cache, as data: the same layout runs on a cloud cache host
 * (started over SSH, components/cache-services.ts) and in the lab kit (local/kit-cache.ts).
 *
 *   front     nginx, the only published port (80): docker-ce, installers, conda, PyPI files, /v2/
 *   registry  Distribution's pull-through cache of Docker Hub (or an accelerator), via front:8081
 *   pypi      proxpi, a caching PyPI index
 *
 * The three share a Docker network and find each other by container name.
 */
import { createHash } from "node:crypto";

/** Upstream base URLs per part, without a trailing slash; a part left out is not cached. */
export interface CacheUpstreams {
  readonly dockerCe?: string;
  readonly miniconda?: string;
  readonly miniforge?: string;
  readonly conda?: string;
  readonly pypi?: string;
  /** A registry: Docker Hub (https://registry-1.docker.io) or an accelerator. */
  readonly dockerHub?: string;
}

export interface CacheLayout {
  /** Container, volume name prefix: berth-cache on a host, berth-kit-cache in the kit. */
  readonly prefix: string;
  readonly network: string;
  readonly image: string;
  readonly upstreams: CacheUpstreams;
  /** Where front's port 80 is published: "80" (every address) or "127.0.0.1:18081". */
  readonly publish?: string;
  /** nginx's cache size (packages and blobs each), like 20g. */
  readonly maxSize?: string;
  /** Extra DNS names of front on the network (the kit's cache.berth.lab). */
  readonly aliases?: readonly string[];
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  /** The berth-cache service: front, registry, pypi or hub. */
  readonly service: string;
  readonly env: Readonly<Record<string, string>>;
  /** Volume name → path in the container. */
  readonly volumes: Readonly<Record<string, string>>;
  readonly publish?: string;
  readonly aliases: readonly string[];
  /** sha256 (16 hex) of everything above: a running container with another hash is replaced. */
  readonly hash: string;
}

function spec(s: Omit<ContainerSpec, "hash">): ContainerSpec {
  const hash = createHash("sha256").update(JSON.stringify([s.name, s.image, s.service, Object.entries(s.env).sort(), Object.entries(s.volumes).sort(), s.publish ?? "", s.aliases])).digest("hex").slice(0, 16);
  return { ...s, hash };
}

export const CACHE_PORT = 80;

/**
 * The containers of one cache, in start order: front first (it finds the others by name when a
 * request comes), then the registry, whose start-up check goes to its upstream through front.
 */
export function cacheContainers(l: CacheLayout): ContainerSpec[] {
  const u = l.upstreams;
  const out: ContainerSpec[] = [];
  const front: Record<string, string> = {};
  const set = (k: string, v: string | undefined) => {
    if (v) front[k] = v;
  };
  set("BERTH_CACHE_DOCKER_CE", u.dockerCe);
  set("BERTH_CACHE_MINICONDA", u.miniconda);
  set("BERTH_CACHE_MINIFORGE", u.miniforge);
  set("BERTH_CACHE_CONDA", u.conda);
  if (l.maxSize) front.BERTH_CACHE_MAX_SIZE = l.maxSize;
  if (u.dockerHub) {
    out.push(spec({ name: `${l.prefix}-registry`, image: l.image, service: "registry", env: { BERTH_CACHE_EGRESS: `http://${l.prefix}-front:8081` }, volumes: { [`${l.prefix}-registry`]: "/var/lib/berth-cache" }, aliases: [] }));
    front.BERTH_CACHE_REGISTRY = `http://${l.prefix}-registry:5000`;
    front.BERTH_CACHE_HUB = u.dockerHub;
  }
  if (u.pypi) {
    out.push(spec({ name: `${l.prefix}-pypi`, image: l.image, service: "pypi", env: { BERTH_CACHE_PYPI_UPSTREAM: u.pypi }, volumes: { [`${l.prefix}-pypi`]: "/var/cache/berth-cache" }, aliases: [] }));
    front.BERTH_CACHE_PYPI = `http://${l.prefix}-pypi:5000`;
  }
  out.unshift(spec({
    name: `${l.prefix}-front`, image: l.image, service: "front", env: front,
    volumes: { [`${l.prefix}-packages`]: "/var/cache/berth-cache", [`${l.prefix}-logs`]: "/var/log/berth-cache" },
    ...(l.publish ? { publish: l.publish } : {}), aliases: [...(l.aliases ?? [])],
  }));
  return out;
}

/** Every volume the layout's containers use. */
export function cacheVolumes(specs: readonly ContainerSpec[]): string[] {
  return [...new Set(specs.flatMap((s) => Object.keys(s.volumes)))].sort();
}

/**
 * The lab kit's Docker Hub stand-in: a plain registry (the hub service) holding library/…
 * images; `readOnly` serves an existing store without taking pushes (tests share the kit's).
 */
export function hubContainer(o: { name: string; image: string; volume: string; publish?: string; aliases?: readonly string[]; readOnly?: boolean }): ContainerSpec {
  return spec({
    name: o.name, image: o.image, service: "hub", env: o.readOnly ? { BERTH_CACHE_HUB_READONLY: "1" } : {},
    volumes: { [o.volume]: "/var/lib/berth-cache" }, ...(o.publish ? { publish: o.publish } : {}), aliases: [...(o.aliases ?? [])],
  });
}

/** The port a service listens on in its container. */
export function servicePort(service: string): number {
  return service === "front" ? CACHE_PORT : 5000;
}
