/**
 * Deploy timings on local VMs, each against a floor measured in the same run:
 *  - berth deploy of the sample app (deploy lock, pull from the kit registry, run, health check,
 *    bookkeeping) vs the floor of the same `docker login` + `docker pull` + `docker run` + one HTTP
 *    check over raw ssh2 connections;
 *  - a no-op redeploy (target under 1 s);
 *  - deploying to N VMs at once vs one VM alone (target ≤ 3×).
 * The image is removed from the VM before each measured pull, so both sides pull it; one
 * warm-up round runs first and is not counted.
 *
 *   npx tsx bench/deploy.ts [vms=4] [runs=3]
 */
import { loadavg } from "node:os";
import ssh2 from "ssh2";
import { deploy } from "../src/deploy/deploy.js";
import { deployAll } from "../src/deploy/hosts.js";
import { kitInfo, kitUp } from "../src/local/kit.js";
import { destroyVm, type LocalVm } from "../src/local/vm.js";
import { appPlan, bootDeployHost, executor, KEYS } from "../test/integration/deploy-helpers.js";
import { median } from "./stats.js";

const vms = Number(process.argv[2] ?? 4);
const runs = Number(process.argv[3] ?? 3);
const secs = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

async function raw(vm: LocalVm, cmd: string, stdin?: string): Promise<void> {
  const c = new ssh2.Client();
  await new Promise<void>((resolve, reject) => c.once("ready", () => resolve()).once("error", reject).connect({ host: "127.0.0.1", port: vm.sshPort, username: "debian", privateKey: KEYS.private }));
  await new Promise<void>((resolve, reject) => c.exec(cmd, (err, s) => {
    if (err) return reject(err);
    s.on("data", () => undefined).stderr.on("data", () => undefined);
    s.on("close", (code: number) => (code === 0 ? resolve() : reject(new Error(`${cmd}: exit ${code}`))));
    s.end(stdin);
  }));
  c.end();
}

await kitUp();
const kit = kitInfo();
const log = () => undefined;
console.error(`booting ${vms} VMs…`);
const hosts: LocalVm[] = [];
for (let i = 0; i < vms; i++) hosts.push(await bootDeployHost(`dep-bench-${i}`));
const [first] = hosts;
if (!first) throw new Error("no VM");
const reset = async (vm: LocalVm) => raw(vm, `docker rm -f app floor >/dev/null 2>&1; docker image rm -f ${kit.appImages.v1} >/dev/null 2>&1; true`);

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
console.error(`load average before the runs: ${load()}`);
const floor: number[] = [];
const full: number[] = [];
const noop: number[] = [];
// One warm-up round (not counted): the first login, pull and run on a fresh VM are slower for both.
for (let r = -1; r < runs; r++) {
  await reset(first);
  const f = await secs(async () => {
    await raw(first, `docker login --username ${kit.registryUser} --password-stdin ${kit.registry} >/dev/null`, kit.registryPassword);
    await raw(first, `docker pull -q ${kit.appImages.v1} >/dev/null && docker run -d --name floor -p 8080:8080 ${kit.appImages.v1} >/dev/null && for i in $(seq 1 50); do curl -sf http://127.0.0.1:8080/ >/dev/null && exit 0; sleep 0.1; done; exit 1`);
  });
  await reset(first);
  const ex = executor(first);
  const b = await secs(() => deploy(ex, appPlan(), { log }));
  const n = await secs(() => deploy(ex, appPlan(), { log }));
  await ex.close();
  if (r < 0) continue;
  floor.push(f);
  full.push(b);
  noop.push(n);
  console.error(`run ${r + 1}: floor ${f.toFixed(2)} s, berth ${b.toFixed(2)} s (${(b / f).toFixed(2)}×), no-op ${n.toFixed(2)} s`);
}
console.error(`load average after the runs: ${load()}`);

for (const vm of hosts) await reset(vm);
const one = await secs(() => deployAll([executor(first)], appPlan(), { log }));
for (const vm of hosts) await reset(vm);
const outcomes: { ok: boolean }[] = [];
const many = await secs(async () => outcomes.push(...(await deployAll(hosts.map((vm) => executor(vm)), appPlan(), { log, concurrency: vms }))));
for (const vm of hosts) await destroyVm(vm.name);

console.log("| deploy | median (s) | runs (s) | ratio |\n|---|---|---|---|");
console.log(`| floor: docker login + pull + run + HTTP check over raw ssh2 connections | ${median(floor).toFixed(2)} | ${floor.map((x) => x.toFixed(2)).join(", ")} | 1.00× |`);
console.log(`| berth deploy (lock, wait, login, pull, set aside, run, health check, cleanup) | ${median(full).toFixed(2)} | ${full.map((x) => x.toFixed(2)).join(", ")} | ${(median(full) / median(floor)).toFixed(2)}× (per run ${full.map((x, i) => (x / (floor[i] ?? 1)).toFixed(2)).join(", ")}; target ≤ 1.2×) |`);
console.log(`| no-op redeploy | ${median(noop).toFixed(2)} | ${noop.map((x) => x.toFixed(2)).join(", ")} | target < 1 s |`);
console.log(`| deploy to 1 VM | ${one.toFixed(2)} | | 1.00× |`);
console.log(`| deploy to ${vms} VMs at once (${outcomes.filter((o) => o.ok).length} ok) | ${many.toFixed(2)} | | ${(many / one).toFixed(2)}× (target ≤ 3×) |`);
