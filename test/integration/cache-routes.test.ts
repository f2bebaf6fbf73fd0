// The cache's front against an upstream of the test's own (no VM): a yum tree (repodata and an
// rpm) through /docker-ce/ like the apt one, the lifetimes per kind of file, and an upstream's
// redirect followed by the cache itself and cached under the client's URL.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCacheImage } from "../../src/local/cache-images.js";
import { engine, execIn, removeContainer } from "../../src/local/engine.js";
import { removeCache, startCache } from "../../src/local/kit-cache.js";
import { ensurePythonImage } from "../../src/local/kit-python.js";
import { LAB_NETWORK, waitHttp } from "../../src/local/lab-net.js";
import { containerLog } from "./cache-helpers.js";

const TAG = randomBytes(3).toString("hex");
const PREFIX = `cache-rt-${TAG}`;
const UPSTREAM = `cache-rt-${TAG}-up`;
const dir = mkdtempSync(join(tmpdir(), "cache-rt-"));
const RPM = "/docker-ce/linux/centos/9/x86_64/stable/Packages/docker-ce-27.3.1-1.el9.x86_64.rpm";
const REPOMD = "/docker-ce/linux/centos/9/x86_64/stable/repodata/repomd.xml";

const NGINX = `user www-data;
events {}
http {
  log_format kit '$remote_addr $request_method $request_uri $status $body_bytes_sent';
  access_log /dev/stdout kit;
  server {
    listen 80;
    root /srv/tree;
    location = /anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh { return 302 /anaconda/miniconda/real/Miniconda3-py312_24.11.1-0-Linux-x86_64.sh; }
  }
}
`;

function put(path: string, body: string | Buffer): void {
  mkdirSync(join(dir, "tree", path, ".."), { recursive: true });
  writeFileSync(join(dir, "tree", path), body);
}

/** GET through the front, from inside it: status and size. */
async function get(path: string): Promise<string> {
  const r = await execIn(`${PREFIX}-front`, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", `http://127.0.0.1${path}`]);
  return r.stdout;
}

async function cacheStatuses(path: string): Promise<string[]> {
  const r = await execIn(`${PREFIX}-front`, ["cat", "/var/log/berth-cache/access.log"]);
  return r.stdout.split("\n").filter((l) => l.includes(`"uri":"${path}"`)).map((l) => (JSON.parse(l) as { cache: string }).cache);
}

beforeAll(async () => {
  put(REPOMD, "<repomd/>\n");
  put(RPM, randomBytes(50_000));
  put("/anaconda/miniconda/real/Miniconda3-py312_24.11.1-0-Linux-x86_64.sh", "#!/bin/sh\necho installer\n");
  writeFileSync(join(dir, "nginx.conf"), NGINX);
  const c = await engine().createContainer({
    name: UPSTREAM, Image: await ensurePythonImage(), Labels: { "berth.test": "cache" },
    HostConfig: { Binds: [`${join(dir, "nginx.conf")}:/etc/nginx/nginx.conf:ro`, `${join(dir, "tree")}:/srv/tree:ro`] },
    NetworkingConfig: { EndpointsConfig: { [LAB_NETWORK]: {} } },
  });
  await c.start();
  const up = `http://${UPSTREAM}`;
  await startCache({ prefix: PREFIX, network: LAB_NETWORK, image: await ensureCacheImage(), upstreams: { dockerCe: `${up}/docker-ce`, miniconda: `${up}/anaconda/miniconda` } }, { "berth.test": "cache" });
  const ip = (await engine().getContainer(`${PREFIX}-front`).inspect()).NetworkSettings.Networks[LAB_NETWORK]?.IPAddress ?? "";
  await waitHttp(`http://${ip}/_berth/health`, (s) => s === 200);
});

afterAll(async () => {
  await removeCache(PREFIX);
  await removeContainer(UPSTREAM).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe("the front", () => {
  it("caches a yum tree like an apt one: repodata and packages, each fetched once", async () => {
    expect([await get(REPOMD), await get(REPOMD)]).toEqual(["200 10", "200 10"]);
    expect([await get(RPM), await get(RPM), await get(RPM)]).toEqual(["200 50000", "200 50000", "200 50000"]);
    expect(await cacheStatuses(REPOMD)).toEqual(["MISS", "HIT"]);
    expect(await cacheStatuses(RPM)).toEqual(["MISS", "HIT", "HIT"]);
    const up = (await containerLog(UPSTREAM)).split("\n").filter((l) => l.includes(" GET "));
    expect(up.filter((l) => l.includes(RPM.slice("/docker-ce".length)))).toHaveLength(1);
  });

  it("follows an upstream's redirect itself and caches the file under the client's URL", async () => {
    const path = "/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh";
    expect([await get(path), await get(path)]).toEqual(["200 25", "200 25"]);
    expect(await cacheStatuses(path)).toEqual(["MISS", "HIT"]);
    const up = (await containerLog(UPSTREAM)).split("\n").filter((l) => l.includes("/anaconda/miniconda/"));
    expect(up.map((l) => l.split(" ").slice(1, 4).join(" "))).toEqual([
      "GET /anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh 302",
      "GET /anaconda/miniconda/real/Miniconda3-py312_24.11.1-0-Linux-x86_64.sh 200",
    ]);
  });
});
