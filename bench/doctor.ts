/**
 * berth doctor's wall time, against floors taken in the same run:
 *  - one ready host (the local stack bootstrapped, the sample app deployed): doctor --host vs the
 *    floor of one raw ssh2 connection running `true` (the least any remote check costs), and vs
 *    the same evidence script run over a raw ssh2 connection (doctor's own reading on top);
 *  - 10 hosts (minimal VMs without docker-ce, booted in parallel; the SSH side is what is timed)
 *    at the default concurrency (8) vs one host, and vs the same 10 one at a time;
 *  - this machine's checks (no --host).
 *
 *   npx tsx bench/doctor.ts [hosts=10] [runs=5]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { deploy } from "../src/deploy/deploy.js";
import { evidenceArgv } from "../src/doctor/remote.js";
import { runDoctor, type DoctorOptions } from "../src/doctor/run.js";
import { kitUp } from "../src/local/kit.js";
import { createVm, destroyVm, type LocalVm } from "../src/local/vm.js";
import { shellJoin } from "../src/util/shell.js";
import { appPlan, bootDeployHost, executor, KEYS } from "../test/integration/deploy-helpers.js";
import { median } from "./stats.js";

const many = Number(process.argv[2] ?? 10);
const runs = Number(process.argv[3] ?? 5);
const PROJECT_DIR = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const STACK = join(PROJECT_DIR, "stacks/Pulumi.local.yaml");
const work = mkdtempSync(join(tmpdir(), "berth-bench-doctor-"));
const identity = join(work, "id");
writeFileSync(identity, KEYS.private, { mode: 0o600 });
const secs = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

async function raw(vm: LocalVm, cmd: string): Promise<void> {
  const c = new ssh2.Client();
  await new Promise<void>((resolve, reject) => c.once("ready", () => resolve()).once("error", reject).connect({ host: vm.ip, port: 22, username: "debian", privateKey: KEYS.private }));
  await new Promise<void>((resolve, reject) => c.exec(cmd, (err, s) => {
    if (err) return reject(err);
    s.on("data", () => undefined).stderr.on("data", () => undefined);
    s.on("close", () => resolve());
  }));
  c.end();
}

const kit = await kitUp();
const doctor = (vms: LocalVm[], concurrency = 8) => {
  const o: DoctorOptions = { stack: STACK, hosts: vms.map((vm) => ({ user: "debian", host: vm.ip, port: 22 })), identity, knownHosts: join(work, "known_hosts"), concurrency, projectDir: PROJECT_DIR, env: { ...process.env, BERTH_REGISTRY_PASSWORD: kit.registryPassword } };
  return runDoctor(o);
};

console.error("booting one ready host…");
const ready = await bootDeployHost("doc-bench-ready");
const ex = executor(ready);
await deploy(ex, appPlan(), { log: () => undefined });
await ex.close();
console.error(`booting ${many} minimal VMs in parallel…`);
const t0 = performance.now();
const minimal = await Promise.all(Array.from({ length: many }, (_, i) => createVm({ name: `doc-bench-${i}`, userData: "#cloud-config\n{}\n", sshPublicKey: KEYS.public, timeoutMs: 600_000 })));
console.error(`${many} VMs up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const script = shellJoin(evidenceArgv({ app: "app", healthUrl: "http://127.0.0.1:8080/", condaPrefix: "/opt/conda", ports: [8080], names: ["registry.berth.lab"] }));
const floor: number[] = [];
const evidence: number[] = [];
const one: number[] = [];
await doctor([ready]); // trusts the host key once
for (let r = 0; r < runs; r++) {
  floor.push(await secs(() => raw(ready, "true")));
  evidence.push(await secs(() => raw(ready, script)));
  one.push(await secs(async () => {
    const res = await doctor([ready]);
    if (res.hosts[0]?.checks.some((c) => c.status === "fail")) throw new Error(`the ready host is not clean: ${JSON.stringify(res.hosts[0]?.checks.filter((c) => c.status === "fail"))}`);
  }));
  console.error(`run ${r + 1}: floor ${floor.at(-1)?.toFixed(2)} s, evidence ${evidence.at(-1)?.toFixed(2)} s, doctor ${one.at(-1)?.toFixed(2)} s`);
}
await doctor(minimal);
const oneMinimal: number[] = [];
const parallel: number[] = [];
const sequential: number[] = [];
for (let r = 0; r < Math.min(runs, 3); r++) {
  oneMinimal.push(await secs(() => doctor([minimal[0] as LocalVm])));
  parallel.push(await secs(() => doctor(minimal)));
  sequential.push(await secs(() => doctor(minimal, 1)));
  console.error(`run ${r + 1}: 1 host ${oneMinimal.at(-1)?.toFixed(2)} s, ${many} at 8 ${parallel.at(-1)?.toFixed(2)} s, ${many} one at a time ${sequential.at(-1)?.toFixed(2)} s`);
}
const machine: number[] = [];
for (let r = 0; r < runs; r++) machine.push(await secs(() => runDoctor({ stack: STACK, hosts: [], projectDir: PROJECT_DIR })));

for (const vm of [ready, ...minimal]) await destroyVm(vm.name);
rmSync(work, { recursive: true, force: true });

const f = (xs: number[]) => `${median(xs).toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(", ")}`;
console.log("| what | median (s) | runs (s) | ratio |\n|---|---|---|---|");
console.log(`| floor: raw ssh2 connect + \`true\` | ${f(floor)} | 1.00× |`);
console.log(`| evidence script over raw ssh2 | ${f(evidence)} | ${(median(evidence) / median(floor)).toFixed(2)}× |`);
console.log(`| berth doctor, one ready host (app deployed, port probed) | ${f(one)} | ${(median(one) / median(floor)).toFixed(2)}× floor, ${(median(one) / median(evidence)).toFixed(2)}× evidence |`);
console.log(`| berth doctor, 1 minimal host | ${f(oneMinimal)} | 1.00× |`);
console.log(`| berth doctor, ${many} minimal hosts, concurrency 8 | ${f(parallel)} | ${(median(parallel) / median(oneMinimal)).toFixed(2)}× one host |`);
console.log(`| berth doctor, ${many} minimal hosts, one at a time | ${f(sequential)} | ${(median(sequential) / median(oneMinimal)).toFixed(2)}× one host |`);
console.log(`| berth doctor, this machine only | ${f(machine)} | |`);
