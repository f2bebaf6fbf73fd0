// bench/kit.ts — lab kit and local VM timings, each as a ratio against a floor measured
// in the same run (a bare container start from the base image: create, start, wait).
//
//   npx tsx bench/kit.ts            # warm kit, minimal VM boot, docker-ce VM boot
//   npx tsx bench/kit.ts --cold     # first purges the kit (images, rootfs cache), then measures
//
// Needs a Docker engine (scripts/docker-engine.sh). Prints a table and one JSON line.
import { ensureBaseImage } from "../src/local/base.js";
import { engine } from "../src/local/engine.js";
import { kitDown, kitUp } from "../src/local/kit.js";
import { createVm, destroyVm } from "../src/local/vm.js";
import { dockerCeCloudConfig } from "../test/integration/helpers.js";

const MINIMAL = `#cloud-config
write_files:
  - path: /etc/berth-bench
    content: ok
runcmd:
  - [ sh, -c, "echo ran > /etc/berth-bench-runcmd" ]
`;

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

async function floorMs(): Promise<number> {
  const base = await ensureBaseImage();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [ms] = await timed(async () => {
      const c = await engine().createContainer({ Image: base, Cmd: ["true"], HostConfig: { AutoRemove: false } });
      await c.start();
      await c.wait();
      await c.remove();
    });
    runs.push(ms);
  }
  return runs.sort((a, b) => a - b)[2] ?? 0;
}

async function main(): Promise<void> {
  const cold = process.argv.includes("--cold");
  const rows: [string, number][] = [];
  if (cold) {
    await kitDown({ purge: true });
    const [ms] = await timed(() => kitUp());
    rows.push(["kit up, cold (purged images + rootfs cache)", ms]);
  }
  const floor = await floorMs();
  const [warmMs, kit] = await timed(() => kitUp());
  rows.push(["kit up, warm", warmMs]);

  for (const [name, userData] of [
    ["bench-minimal", MINIMAL],
    ["bench-docker", await dockerCeCloudConfig(kit.mirrorHostUrl, kit.mirrorUrl)],
  ] as const) {
    await destroyVm(name);
    try {
      const vm = await createVm({ name, userData, timeoutMs: 600_000 });
      rows.push([`${name}: container start -> cloud-init ${vm.cloudInitStatus}`, vm.bootMs]);
    } finally {
      await destroyVm(name);
    }
  }

  console.log(`floor: bare container run from the base image = ${floor.toFixed(0)} ms (median of 5)`);
  for (const [what, ms] of rows) console.log(`${what.padEnd(58)} ${(ms / 1000).toFixed(1).padStart(7)} s  ${(ms / floor).toFixed(1).padStart(7)} x floor`);
  console.log(JSON.stringify({ floorMs: Math.round(floor), results: rows.map(([what, ms]) => ({ what, ms: Math.round(ms) })) }));
}

await main();
