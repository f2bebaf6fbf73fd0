/**
 * A class of four VMs booted at once to ready (docker-ce, Miniconda stand-in, two pip
 * requirements) and pulling the app image from Docker Hub, with and without a cache in front of
 * the upstreams, in the same run. Each variant gets fresh upstreams (the kit's mirror, its Python
 * mirror and a Docker Hub stand-in), so their logs show that variant's traffic only; the cached
 * variant also gets a fresh, empty cache, and then a second class of four boots through the same,
 * now warm, cache (the next day's lab). Reports wall time to four ready VMs with the app pulled,
 * and the requests and bytes the upstreams served for each class.
 *
 *   npx tsx bench/cache.ts [runs=1]
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { render } from "../src/bootstrap/render.js";
import { cacheCommands, splitLogs } from "../src/cache/commands.js";
import { cacheStats, statsTable } from "../src/cache/stats.js";
import { load } from "../src/config/load.js";
import { execIn } from "../src/local/engine.js";
import { KIT_MIRROR_KEY_FINGERPRINT as KIT, kitUp } from "../src/local/kit.js";
import { createVm, destroyVm } from "../src/local/vm.js";
import { startTestCache, startUpstreams, upstreamTraffic, type Traffic } from "../test/integration/cache-helpers.js";
import { median } from "./stats.js";

const runs = Number(process.argv[2] ?? 1);
const STACK = parse(readFileSync("stacks/Pulumi.local.yaml", "utf8")) as { config: Record<string, Record<string, unknown>> };
const REQUIREMENTS = ["requests==2.32.3", "markupsafe==3.0.2"];

function userData(up: { mirror: string; python: string; hub: string }, cacheUrl?: string): string {
  const b = STACK.config["berth:bootstrap"] ?? {};
  const py = { url: `http://${up.python}`, name: "up-python" };
  const bootstrap = {
    ...b,
    mirror: { url: `http://${up.mirror}`, name: "up-mirror", dockerCeKeyFingerprint: KIT },
    docker: { ...(b.docker as object), registryMirrors: [{ url: `http://${up.hub}:5000`, insecure: true }] },
    conda: { ...(b.conda as object), mirror: py },
    pip: { mirror: py, requirements: REQUIREMENTS },
    ...(cacheUrl ? { cache: { url: cacheUrl, dockerCeKeyFingerprint: KIT } } : {}),
  };
  const r = load({ ...STACK.config, "berth:bootstrap": bootstrap }, { baseDir: process.cwd() });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return render(r.config).userData;
}

/** Four VMs at once to ready, then the app pulled on each; wall seconds. Logs each VM's sources. */
async function classOf(tag: string, data: string): Promise<number> {
  const names = [1, 2, 3, 4].map((i) => `cache-bench-${tag}-${i}`);
  const t0 = performance.now();
  try {
    const vms = await Promise.all(names.map((name) => createVm({ name, userData: data, waitForStatusFile: true, timeoutMs: 900_000 })));
    await Promise.all(vms.map(async (vm) => {
      const r = await execIn(vm.containerId, ["docker", "pull", "-q", "berth/app:v1"]);
      if (r.code !== 0) throw new Error(`${vm.name}: docker pull berth/app:v1: ${r.stderr}`);
    }));
    const seconds = (performance.now() - t0) / 1000;
    for (const vm of vms) {
      const s = JSON.parse((await execIn(vm.containerId, ["cat", "/var/lib/berth/status.json"])).stdout) as { mirrors: Record<string, string>; unreachable: string[] };
      console.error(`  ${vm.name}: ${JSON.stringify(s.mirrors)} unreachable ${JSON.stringify(s.unreachable)}`);
    }
    return seconds;
  } finally {
    for (const n of names) await destroyVm(n);
  }
}

const sum = (t: Record<string, Traffic>) => Object.values(t).reduce((a, x) => ({ requests: a.requests + x.requests, bytes: a.bytes + x.bytes }), { requests: 0, bytes: 0 });
const mib = (n: number) => (n / 2 ** 20).toFixed(1);

await kitUp();
const rows: { variant: string; seconds: number[]; traffic: Record<string, Traffic>[] }[] = [
  { variant: "without a cache", seconds: [], traffic: [] },
  { variant: "with a cache (empty at start)", seconds: [], traffic: [] },
  { variant: "with the same cache, warm (a second class)", seconds: [], traffic: [] },
];
const minus = (a: Record<string, Traffic>, b: Record<string, Traffic>) =>
  Object.fromEntries(Object.keys(a).map((k) => [k, { requests: (a[k]?.requests ?? 0) - (b[k]?.requests ?? 0), bytes: (a[k]?.bytes ?? 0) - (b[k]?.bytes ?? 0) }]));
for (let i = 0; i < runs; i++) {
  for (const [k, row] of rows.entries()) {
    const prefix = `cache-bench-${i}-${k}`;
    if (k === 2) continue; // measured with the cached class below
    if (k === 0) {
      const up = await startUpstreams(prefix);
      try {
        row.seconds.push(await classOf(`${i}${k}`, userData(up)));
        row.traffic.push(await upstreamTraffic(up));
      } finally {
        await up.cleanup();
      }
    } else {
      const c = await startTestCache(prefix);
      try {
        const data = userData({ mirror: c.upstream.mirror, python: c.upstream.python, hub: c.upstream.hub }, c.url);
        row.seconds.push(await classOf(`${i}${k}`, data));
        const first = await upstreamTraffic(c.upstream);
        row.traffic.push(first);
        const warm = rows[2];
        warm?.seconds.push(await classOf(`${i}w`, data));
        warm?.traffic.push(minus(await upstreamTraffic(c.upstream), first));
        console.error(`run ${i + 1}, ${warm?.variant}: ${warm?.seconds.at(-1)?.toFixed(1)} s, upstream ${JSON.stringify(warm?.traffic.at(-1))}`);
        const logs = splitLogs((await execIn(c.front, cacheCommands.logs(c.front).slice(3))).stdout);
        console.error(`berth cache status after both classes:\n${statsTable(cacheStats(logs.access, logs.egress))}`);
      } finally {
        await c.cleanup();
      }
    }
    console.error(`run ${i + 1}, ${row.variant}: ${row.seconds.at(-1)?.toFixed(1)} s, upstream ${JSON.stringify(row.traffic.at(-1))}`);
  }
}
console.log(`| 4 VMs to ready + app pulled | median of ${runs} (s) | upstream requests | upstream MiB (docker-ce mirror / Python mirror / Hub) |\n|---|---|---|---|`);
for (const r of rows) {
  const t = r.traffic.at(-1) ?? {};
  const total = sum(t);
  console.log(`| ${r.variant} | ${median(r.seconds).toFixed(1)} (${r.seconds.map((x) => x.toFixed(1)).join(", ")}) | ${total.requests} | ${mib(total.bytes)} (${["mirror", "python", "hub"].map((k) => mib(t[k]?.bytes ?? 0)).join(" / ")}) |`);
}
const totals = rows.map((r) => sum(r.traffic.at(-1) ?? {}));
for (const k of [1, 2]) {
  const ratio = (a: number, b: number) => (b ? a / b : NaN).toFixed(2);
  console.log(`| ratio: ${rows[k]?.variant} / without | ${ratio(median(rows[k]?.seconds ?? []), median(rows[0]?.seconds ?? []))}× time | ${ratio(totals[k]?.requests ?? 0, totals[0]?.requests ?? 0)}× requests | ${ratio(totals[k]?.bytes ?? 0, totals[0]?.bytes ?? 0)}× bytes |`);
}
