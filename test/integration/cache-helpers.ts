// A cache of the tests' own in front of upstreams of their own: the kit's mirror image (busybox
// httpd logging each URL), the kit's Python mirror image (nginx logging method and path) and a
// read-only Docker Hub stand-in on the kit's Hub store. Fresh volumes, so the upstreams' logs
// show exactly what this cache fetched. Everything is named PREFIX-… and removed by cleanup().
import { hubContainer } from "../../src/cache/containers.js";
import { ensureCacheImage } from "../../src/local/cache-images.js";
import { engine, execIn, removeContainer } from "../../src/local/engine.js";
import { ensureMirrorImage } from "../../src/local/images.js";
import { ensureContainer, kitUpstreams, removeCache, startCache } from "../../src/local/kit-cache.js";
import { ensurePythonImage } from "../../src/local/kit-python.js";
import { LAB_NETWORK, waitHttp } from "../../src/local/lab-net.js";

export interface TestCache {
  /** What a client writes in berth:bootstrap.cache. */
  url: string;
  front: string;
  upstream: { mirror: string; python: string; hub: string };
  /** Stop the cache's containers (a dead cache), leaving the upstreams. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

const LABELS = { "berth.test": "cache" };

async function run(name: string, image: string, cmd: string[] | undefined): Promise<string> {
  const c = await engine().createContainer({ name, Image: image, ...(cmd ? { Cmd: cmd } : {}), Labels: LABELS, NetworkingConfig: { EndpointsConfig: { [LAB_NETWORK]: {} } } });
  await c.start();
  return (await c.inspect()).NetworkSettings.Networks[LAB_NETWORK]?.IPAddress ?? "";
}

export interface Upstreams {
  mirror: string;
  python: string;
  hub: string;
  cleanup(): Promise<void>;
}

/** The upstreams alone (container names on berth-lab): what hosts without a cache fetch from. */
export async function startUpstreams(prefix: string): Promise<Upstreams> {
  const upstream = { mirror: `${prefix}-up-mirror`, python: `${prefix}-up-python`, hub: `${prefix}-up-hub` };
  const mirrorIp = await run(upstream.mirror, await ensureMirrorImage(), ["busybox", "httpd", "-f", "-vv", "-p", "80", "-h", "/srv/mirror"]);
  const pythonIp = await run(upstream.python, await ensurePythonImage(), undefined);
  await ensureContainer(hubContainer({ name: upstream.hub, image: await ensureCacheImage(), volume: "berth-kit-hub-data", readOnly: true }), LAB_NETWORK, LABELS);
  await waitHttp(`http://${mirrorIp}/docker-ce/linux/debian/gpg`, (s) => s === 200);
  await waitHttp(`http://${pythonIp}/pypi/simple/`, (s) => s === 200);
  return {
    ...upstream,
    cleanup: async () => {
      for (const n of Object.values(upstream)) await removeContainer(n).catch(() => undefined);
    },
  };
}

export async function startTestCache(prefix: string): Promise<TestCache> {
  const cacheImage = await ensureCacheImage();
  const ups = await startUpstreams(prefix);
  const upstream = { mirror: ups.mirror, python: ups.python, hub: ups.hub };
  const kit = kitUpstreams({ mirrorUrl: `http://${upstream.mirror}` });
  const py = `http://${upstream.python}`;
  await startCache({
    prefix, network: LAB_NETWORK, image: cacheImage,
    upstreams: { ...kit, miniconda: `${py}/anaconda/miniconda`, miniforge: `${py}/github-release/conda-forge/miniforge`, conda: `${py}/anaconda`, pypi: `${py}/pypi/simple`, dockerHub: `http://${upstream.hub}:5000` },
  }, LABELS);
  const front = `${prefix}-front`;
  const ip = (await engine().getContainer(front).inspect()).NetworkSettings.Networks[LAB_NETWORK]?.IPAddress ?? "";
  await waitHttp(`http://${ip}/_berth/health`, (s) => s === 200);
  await waitHttp(`http://${ip}/v2/`, (s) => s === 200, 90_000);
  return {
    url: `http://${front}`,
    front,
    upstream,
    stop: async () => {
      for (const s of ["front", "registry", "pypi"]) await engine().getContainer(`${prefix}-${s}`).stop().catch(() => undefined);
    },
    cleanup: async () => {
      await removeCache(prefix);
      await ups.cleanup();
    },
  };
}

/** A container's log (stdout and stderr), demultiplexed. */
export async function containerLog(name: string): Promise<string> {
  const raw = (await engine().getContainer(name).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const out: string[] = [];
  for (let i = 0; i + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(i + 4);
    out.push(raw.subarray(i + 8, i + 8 + size).toString("utf8"));
    i += 8 + size;
  }
  return out.join("");
}

/** GETs per path the upstreams served: busybox httpd's `url:` lines, nginx's kit lines, the registry's request lines. */
export function countGets(log: string, kind: "busybox" | "nginx" | "registry"): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (p: string) => counts.set(p, (counts.get(p) ?? 0) + 1);
  for (const line of log.split("\n")) {
    if (kind === "busybox") {
      const m = /: url:(\S+)/.exec(line);
      if (m?.[1]) add(m[1]);
    } else if (kind === "nginx") {
      const m = /^\S+ GET (\S+) \d+ \d+$/.exec(line.trim());
      if (m?.[1]) add(m[1]);
    } else {
      const m = /msg="response completed".*http\.request\.method=GET .*http\.request\.uri="([^"]+)"/.exec(line);
      if (m?.[1]) add(m[1]);
    }
  }
  return counts;
}

export interface Traffic {
  requests: number;
  bytes: number;
}

/**
 * Requests and bytes each upstream served, from its log. busybox httpd logs no sizes: they are
 * read from the files in its container (not asked over HTTP, which would add to the log).
 */
export async function upstreamTraffic(u: Pick<Upstreams, "mirror" | "python" | "hub">): Promise<Record<"mirror" | "python" | "hub", Traffic>> {
  const mirrorLog = await containerLog(u.mirror);
  const urls = [...mirrorLog.matchAll(/: url:(\S+)/g)].map((m) => m[1] ?? "");
  const sizes = new Map<string, number>();
  const unique = [...new Set(urls)];
  // One line per file that exists ("SIZE PATH"); a URL that answered 404 has no file and no bytes.
  const stat = await execIn(u.mirror, ["stat", "-c", "%s %n", ...unique.map((x) => `/srv/mirror${decodeURIComponent(x)}`)]);
  for (const line of stat.stdout.trim().split("\n")) {
    const [n, path = ""] = line.split(" ");
    const url = unique.find((x) => `/srv/mirror${decodeURIComponent(x)}` === path);
    if (url) sizes.set(url, Number(n) || 0);
  }
  const python = (await containerLog(u.python)).split("\n").map((l) => /^\S+ (GET|HEAD) \S+ \d+ (\d+)$/.exec(l.trim())).filter((m) => m !== null);
  const hub = [...(await containerLog(u.hub)).matchAll(/msg="response completed".*http\.response\.written=(\d+)/g)];
  return {
    mirror: { requests: urls.length, bytes: urls.reduce((n, x) => n + (sizes.get(x) ?? 0), 0) },
    python: { requests: python.length, bytes: python.reduce((n, m) => n + Number(m?.[2] ?? 0), 0) },
    hub: { requests: hub.length, bytes: hub.reduce((n, m) => n + Number(m[1] ?? 0), 0) },
  };
}
