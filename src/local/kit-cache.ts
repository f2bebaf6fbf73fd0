// kit-cache.ts — the lab kit's Docker Hub stand-in, Python mirror and berth cache, on the
// berth-lab network, added beside the mirror and registry (kit.ts) without touching them.
//
//   const c = await kitCacheUp();   // berth-kit-hub, berth-kit-python, berth-kit-cache-{registry,pypi,front}
//   c.url                           // "http://cache.berth.lab" (what local VMs use)
//   await startCache(layout, labels);   // any cache layout (tests run their own)
//   await removeCache("cache-t4");      // its containers and volumes, by name
//
// Ports on this machine: BERTH_KIT_CACHE_PORT (18081), BERTH_KIT_HUB_PORT (15001),
// BERTH_KIT_PYTHON_PORT (18082).
import type { ContainerCreateOptions } from "dockerode";
import { cacheContainers, cacheVolumes, hubContainer, servicePort, type CacheLayout, type ContainerSpec } from "../cache/containers.js";
import { ensureCacheImage, ensureHubLibrary } from "./cache-images.js";
import { engine, followProgress, HASH_LABEL, KIT_LABEL, removeContainer } from "./engine.js";
import type { KitInfo } from "./kit.js";
import { ensurePythonImage } from "./kit-python.js";
import { ensureLabNetwork, ensureService, LAB_NETWORK, waitHttp } from "./lab-net.js";

export const CACHE_ALIAS = "cache.berth.lab";
export const HUB_ALIAS = "hub.berth.lab";
export const PYTHON_ALIAS = "python.berth.lab";

function port(envName: string, fallback: number): number {
  const raw = process.env[envName];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${envName}=${raw}: not a TCP port`);
  return n;
}

export interface KitCacheInfo {
  /** The cache as VMs on berth-lab reach it. */
  url: string;
  hostUrl: string;
  /** The Docker Hub stand-in (a plain registry) on berth-lab, and from this machine. */
  hub: string;
  hubHost: string;
  /** The Python mirror (PyPI index, conda stand-ins) on berth-lab, and from this machine. */
  pythonUrl: string;
  pythonHostUrl: string;
  /** Docker Hub names in the stand-in. */
  hubImages: string[];
}

export function kitCacheInfo(): KitCacheInfo {
  return {
    url: `http://${CACHE_ALIAS}`,
    hostUrl: `http://127.0.0.1:${port("BERTH_KIT_CACHE_PORT", 18081)}`,
    hub: `${HUB_ALIAS}:5000`,
    hubHost: `127.0.0.1:${port("BERTH_KIT_HUB_PORT", 15001)}`,
    pythonUrl: `http://${PYTHON_ALIAS}`,
    pythonHostUrl: `http://127.0.0.1:${port("BERTH_KIT_PYTHON_PORT", 18082)}`,
    hubImages: ["library/busybox:1.35", "library/busybox:latest", "library/hello-world:latest", "berth/app:v1"],
  };
}

/** What the kit's cache fetches from: the kit's own mirror, Python mirror and Hub stand-in. */
export function kitUpstreams(kit: Pick<KitInfo, "mirrorUrl">): CacheLayout["upstreams"] {
  const mirror = kit.mirrorUrl;
  const py = `http://${PYTHON_ALIAS}`;
  return {
    dockerCe: `${mirror}/docker-ce`,
    miniconda: `${py}/anaconda/miniconda`,
    miniforge: `${py}/github-release/conda-forge/miniforge`,
    conda: `${py}/anaconda`,
    pypi: `${py}/pypi/simple`,
    dockerHub: `http://${HUB_ALIAS}:5000`,
  };
}

async function ensureNamedVolume(name: string, labels: Record<string, string>): Promise<void> {
  try {
    await engine().getVolume(name).inspect();
  } catch {
    await engine().createVolume({ Name: name, Labels: labels });
  }
}

/** Create (or keep, when its hash label matches) one cache container. */
export async function ensureContainer(s: ContainerSpec, network: string, labels: Record<string, string>): Promise<void> {
  const found = (await engine().listContainers({ all: true, filters: { name: [s.name] } })).find((c) => c.Names.includes(`/${s.name}`));
  if (found?.Labels[HASH_LABEL] === s.hash) {
    if (found.State !== "running") await engine().getContainer(found.Id).start();
    return;
  }
  if (found) await removeContainer(found.Id);
  const published = s.publish?.split(":");
  const exposed = `${servicePort(s.service)}/tcp`;
  const opts: ContainerCreateOptions = {
    name: s.name,
    Image: s.image,
    Cmd: [s.service],
    Env: Object.entries(s.env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...labels, [HASH_LABEL]: s.hash },
    ...(published ? { ExposedPorts: { [exposed]: {} } } : {}),
    HostConfig: {
      RestartPolicy: { Name: "unless-stopped" },
      Binds: Object.entries(s.volumes).map(([v, p]) => `${v}:${p}`),
      ...(published ? { PortBindings: { [exposed]: [{ HostIp: published.length > 1 ? published[0]! : "", HostPort: published.at(-1)! }] } } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [...s.aliases] } } },
  };
  await (await engine().createContainer(opts)).start();
}

/** Start (or keep) the containers of a cache layout; returns their specs. */
export async function startCache(layout: CacheLayout, labels: Record<string, string>): Promise<ContainerSpec[]> {
  const specs = cacheContainers(layout);
  for (const v of cacheVolumes(specs)) await ensureNamedVolume(v, labels);
  for (const s of specs) await ensureContainer(s, layout.network, labels);
  return specs;
}

/** Remove a cache's containers and volumes (prefix-*), by id and name. */
export async function removeCache(prefix: string): Promise<void> {
  for (const c of await engine().listContainers({ all: true, filters: { name: [`${prefix}-`] } })) {
    if (c.Names.some((n) => n.startsWith(`/${prefix}-`))) await removeContainer(c.Id);
  }
  const { Volumes } = await engine().listVolumes({ filters: { name: [`${prefix}-`] } });
  for (const v of Volumes ?? []) if (v.Name.startsWith(`${prefix}-`)) await engine().getVolume(v.Name).remove();
}

/** The image id (its config digest) the Hub stand-in holds for REPO:TAG, or undefined. */
async function hubImageId(hubHost: string, repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${hubHost}/v2/${repo}/manifests/${tag}`, { headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" } });
  if (!res.ok) return undefined;
  return ((await res.json()) as { config?: { digest?: string } }).config?.digest;
}

/** Push the Hub stand-in's images (skipping what is there) through its port on this machine; no push tags are left behind. */
export async function fillHub(hubHost: string, kit: Pick<KitInfo, "registryHost">): Promise<void> {
  const lib = await ensureHubLibrary();
  const app = `${kit.registryHost}/berth/app:v1`;
  const all: Record<string, string> = { ...lib, "berth/app:v1": app };
  for (const [name, local] of Object.entries(all)) {
    const [repo, tag] = name.split(":") as [string, string];
    if ((await hubImageId(hubHost, repo, tag)) === (await engine().getImage(local).inspect()).Id) continue;
    const pushTag = `${hubHost}/${name}`;
    await engine().getImage(local).tag({ repo: `${hubHost}/${repo}`, tag });
    try {
      await followProgress(await engine().getImage(pushTag).push({ authconfig: {} }), `docker push ${pushTag}`);
    } finally {
      await engine().getImage(pushTag).remove({ noprune: true }).catch(() => undefined);
    }
  }
}

/**
 * The kit's cache side: Hub stand-in (filled), Python mirror, and the cache in front of them all.
 * Runs after the mirror and registry are up (the Hub stand-in gets the sample app from there).
 */
export async function kitCacheUp(kit: Pick<KitInfo, "mirrorUrl" | "registryHost">, log: (line: string) => void = () => {}): Promise<KitCacheInfo> {
  const info = kitCacheInfo();
  await ensureLabNetwork();
  const cacheImage = await ensureCacheImage();
  log(`cache image ${cacheImage}`);
  const pythonImage = await ensurePythonImage();
  log(`Python mirror image ${pythonImage}`);
  const labels = { [KIT_LABEL]: "1" };
  await ensureNamedVolume("berth-kit-hub-data", labels);
  await ensureContainer(hubContainer({ name: "berth-kit-hub", image: cacheImage, volume: "berth-kit-hub-data", publish: `127.0.0.1:${info.hubHost.split(":")[1]}`, aliases: [HUB_ALIAS] }), LAB_NETWORK, labels);
  await ensureService({ name: "berth-kit-python", image: pythonImage, alias: PYTHON_ALIAS, containerPort: 80, hostPort: Number(info.pythonHostUrl.split(":").pop()) });
  await waitHttp(`http://${info.hubHost}/v2/`, (s) => s === 200);
  await fillHub(info.hubHost, kit);
  log("Docker Hub stand-in filled");
  await startCache({ prefix: "berth-kit-cache", network: LAB_NETWORK, image: cacheImage, upstreams: kitUpstreams(kit), publish: `127.0.0.1:${info.hostUrl.split(":").pop()}`, maxSize: "4g", aliases: [CACHE_ALIAS] }, labels);
  await waitHttp(`${info.hostUrl}/_berth/health`, (s) => s === 200);
  await waitHttp(`${info.pythonHostUrl}/pypi/simple/pip/`, (s) => s === 200);
  log("cache answers");
  return info;
}
