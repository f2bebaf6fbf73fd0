/**
 * VM start → ready with berth's full bootstrap (docker-ce + Miniconda stand-in + conda env,
 * the local stack), against the floor of the same VM whose user-data only installs the same
 * docker-ce packages from the same mirror with plain apt-get. Runs alternate so both see the
 * same machine load; reports medians and the ratio (target ≤ 1.15×).
 *
 *   npx tsx bench/boot.ts [runs=3]
 */
import { render } from "../src/bootstrap/render.js";
import { loadStackFile } from "../src/config/stackfile.js";
import { kitUp } from "../src/local/kit.js";
import { createVm, destroyVm } from "../src/local/vm.js";
import { median } from "./stats.js";

const runs = Number(process.argv[2] ?? 3);

const FLOOR = `#cloud-config
runcmd:
  - - sh
    - -c
    - |
      set -e
      install -d -m 0755 /etc/apt/keyrings
      curl -fsSL http://mirror.berth.lab/docker-ce/linux/debian/gpg | gpg --dearmor -o /etc/apt/keyrings/docker.gpg
      echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] http://mirror.berth.lab/docker-ce/linux/debian bookworm stable" > /etc/apt/sources.list.d/docker.list
      apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin
`;

const loaded = loadStackFile("stacks/Pulumi.local.yaml");
if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
const BERTH = render(loaded.config).userData;

async function once(name: string, userData: string, status: boolean): Promise<number> {
  const vm = await createVm({ name, userData, waitForStatusFile: status, timeoutMs: 600_000 });
  await destroyVm(name);
  return vm.bootMs / 1000;
}


await kitUp();
const floor: number[] = [];
const berth: number[] = [];
for (let i = 0; i < runs; i++) {
  floor.push(await once(`bench-floor-${i}`, FLOOR, false));
  berth.push(await once(`bench-berth-${i}`, BERTH, true));
  console.error(`run ${i + 1}: floor ${floor.at(-1)?.toFixed(1)} s, berth ${berth.at(-1)?.toFixed(1)} s`);
}
const ratio = median(berth) / median(floor);
console.log(`| boot to ready | median of ${runs} (s) | runs (s) |\n|---|---|---|`);
console.log(`| floor: apt-get install docker-ce only | ${median(floor).toFixed(1)} | ${floor.map((x) => x.toFixed(1)).join(", ")} |`);
console.log(`| berth bootstrap: docker-ce + daemon.json + Miniconda stand-in + env | ${median(berth).toFixed(1)} | ${berth.map((x) => x.toFixed(1)).join(", ")} |`);
console.log(`| ratio | ${ratio.toFixed(2)}× | target ≤ 1.15× |`);
