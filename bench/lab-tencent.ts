/**
 * A Tencent lab under the real Pulumi engine, against the local Tencent API server answering at
 * once (RUNNING on the first look, gone on the first look after termination) but enforcing
 * Tencent's documented per-action rates and quotas (the zone quota raised for the class):
 * `pulumi preview`, `up` and `destroy` for 10 / 60 / 200 students through berth's real program
 * (src/index.ts with berth:lab: a roster CSV, one DockerHost, LabKey and lab-mode TencentInstance
 * per student, one TencentLabNetwork, a LabStart, the preflight), next to the synthetic program
 * of the Tencent layer (test/engine/lt-lab-program.ts: one TencentLabNetwork + N lab-mode
 * TencentInstances) and the floor of N no-op dynamic resources in an otherwise empty program, all
 * in the same run with the same engine defaults (8 operations at once). Reports wall time, peak
 * RSS of the program and provider processes, and API calls per host; and counts one single host's
 * calls for `up` and `destroy` with the code before labs (git show b17ca40:…).
 *
 *   npx tsx bench/lab-tencent.ts [sizes=10,60,200]
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR } from "../test/helpers/config.js";
import { stringify } from "yaml";
import { LAB_STACK, labProject } from "../test/engine/lt-lab-project.js";
import { PULUMI_CLI, PulumiProject } from "../test/engine/pulumi.js";
import { PUBLIC_KEY, SECRET_ID, SECRET_KEY, apiFor, spec, startServer } from "../test/tencent/helpers.js";
import type { RecordedRequest, TencentApiServer } from "../test/tencent/server.js";

const sizes = (process.argv[2] ?? "10,60,200").split(",").map(Number);
const mib = (kb: number) => Math.round(kb / 1024);

/** Peak RSS (KiB) of the program (language host's node) and the dynamic provider, sampled every 100 ms. */
function rssOf(root: number): { program: number; provider: number } {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,rss=,args="], { encoding: "utf8" }).trim().split("\n").map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l)!;
    return { pid: Number(m[1]), ppid: Number(m[2]), rss: Number(m[3]), args: m[4]! };
  });
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows) if (!tree.has(r.pid) && tree.has(r.ppid)) { tree.add(r.pid); grew = true; }
  }
  const mine = rows.filter((r) => tree.has(r.pid) && /\bnode\b/.test(r.args));
  const sum = (f: (a: string) => boolean) => mine.filter((r) => f(r.args)).reduce((n, r) => n + r.rss, 0);
  for (const r of mine) if (!r.args.includes("dynamic-provider")) seenPrograms.add(r.args.slice(0, 160));
  return { provider: sum((a) => a.includes("dynamic-provider")), program: sum((a) => !a.includes("dynamic-provider")) };
}
/** The command lines counted as "program" (a `destroy` runs no program: this says what was counted). */
const seenPrograms = new Set<string>();

async function run(p: PulumiProject, args: string[]): Promise<{ ms: number; program: number; provider: number }> {
  const t0 = performance.now();
  const child = spawn("bash", [PULUMI_CLI, ...args, "--stack", LAB_STACK, "--non-interactive"], { cwd: p.dir, env: p.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const peak = { program: 0, provider: 0 };
  seenPrograms.clear();
  const timer = setInterval(() => {
    try {
      const now = rssOf(child.pid!);
      peak.program = Math.max(peak.program, now.program);
      peak.provider = Math.max(peak.provider, now.provider);
    } catch { /* the tree changed while reading */ }
  }, 100);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${code}\n${out.slice(-3000)}`);
  if (args[0] === "destroy" && peak.program > 0) console.error(`(${p.label} destroy: "program" memory counted ${[...seenPrograms].join(" | ")})`);
  return { ms: performance.now() - t0, ...peak };
}

const byAction = (reqs: RecordedRequest[]) => {
  const out: Record<string, number> = {};
  for (const r of reqs) out[r.action] = (out[r.action] ?? 0) + 1;
  return out;
};

/** The last commit before the lab work on the Tencent provider: "today's" code. */
const BEFORE_LABS = "b17ca40";

/** One single host's `up` and `destroy` calls with the code before labs (no batching, own group and key pair). */
async function singleHostBeforeLabs(): Promise<{ up: Record<string, number>; destroy: Record<string, number> }> {
  const dir = mkdtempSync(join(PROJECT_DIR, "bench", ".lt-before-labs-"));
  try {
    const files = execFileSync("git", ["ls-tree", "--name-only", BEFORE_LABS, "src/components/tencent/"], { cwd: PROJECT_DIR, encoding: "utf8" }).trim().split("\n");
    for (const f of files) writeFileSync(join(dir, f.split("/").pop()!), execFileSync("git", ["show", `${BEFORE_LABS}:${f}`], { cwd: PROJECT_DIR }));
    const { createInstance } = (await import(join(dir, "instance.ts"))) as typeof import("../src/components/tencent/instance.js");
    const { deleteInstance } = (await import(join(dir, "teardown.ts"))) as typeof import("../src/components/tencent/teardown.js");
    const { tencentApi } = (await import(join(dir, "client.ts"))) as typeof import("../src/components/tencent/client.js");
    const server = await startServer({ pendingPolls: 0, terminatingPolls: 0 });
    try {
      const api = tencentApi({ ...apiFor(server), secretId: "AKIDberthStandIn0000000000000000000", secretKey: "berthStandInSecretKey00000000000000", region: "ap-guangzhou", endpoint: server.url, poll: { intervalMs: 10, maxPolls: 50 } });
      const host = await createInstance(api, spec());
      const up = byAction(server.requests);
      const n = server.requests.length;
      await deleteInstance(api, host);
      return { up, destroy: byAction(server.requests.slice(n)) };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** berth's own program on a copy of this checkout: a Tencent lab of n students (stack `lab`, roster rosters/lab.csv). */
async function realLab(n: number, endpoint: string): Promise<PulumiProject> {
  const p = new PulumiProject(`bench-li-real-${n}`);
  mkdirSync(join(p.dir, "rosters"));
  const ids = Array.from({ length: n }, (_, i) => `s${String(i + 1).padStart(3, "0")}`);
  writeFileSync(join(p.dir, "rosters", `${LAB_STACK}.csv`), `id,name\n${ids.map((id) => `${id},Student ${id}`).join("\n")}\n`);
  const config = {
    "berth:host": { provider: "tencentcloud", region: "ap-guangzhou", zone: "ap-guangzhou-3", image: "img-487zeit5", size: "S5.MEDIUM4", sshPublicKey: PUBLIC_KEY, allowSsh: ["203.0.113.0/24"], bandwidth: 5 },
    "berth:bootstrap": { mirror: ["tencent-internal", "tencent"], pip: { mirror: "tencent" } },
    "berth:lab": { roster: `rosters/${LAB_STACK}.csv`, expires: "14d" },
  };
  writeFileSync(join(p.dir, "stacks", `Pulumi.${LAB_STACK}.yaml`), stringify({ config }));
  await p.ok(["stack", "init", LAB_STACK]);
  await p.ok(["config", "set", "--stack", LAB_STACK, "--secret", "tencentcloud:secretId"], { stdin: SECRET_ID });
  await p.ok(["config", "set", "--stack", LAB_STACK, "--secret", "tencentcloud:secretKey"], { stdin: SECRET_KEY });
  await p.ok(["config", "set", "--stack", LAB_STACK, "tencentcloud:endpoint", endpoint]);
  return p;
}

const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const before = await singleHostBeforeLabs();
console.log(`single host before labs (${BEFORE_LABS}): up ${total(before.up)} calls ${JSON.stringify(before.up)}; destroy ${total(before.destroy)} calls ${JSON.stringify(before.destroy)}`);
const memTotal = /MemTotal:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
console.log(`date: ${new Date().toISOString()}; machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${mib(Number(memTotal))} MiB; node ${process.version}; pulumi ${execFileSync("bash", [PULUMI_CLI, "version"], { encoding: "utf8" }).trim().split("\n").pop()}`);
console.log(`load: ${execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).trim()}`);
console.log(
  "\n| hosts | command | berth lab (real program) | synthetic lab | floor (no-op resources) | real ÷ floor | real − floor per host | real ÷ synthetic | peak RSS program / provider (MiB): real, synthetic, floor | API calls, real (synthetic) | calls per host, real (synthetic) |\n|---|---|---|---|---|---|---|---|---|---|---|",
);

const calls = (server: TencentApiServer, from: number) => server.requests.slice(from);
const describeCalls = (list: RecordedRequest[]) => {
  const throttled = list.filter((r) => r.errorCode === "RequestLimitExceeded").length;
  const detail = Object.entries(byAction(list)).map(([a, c]) => `${a} ${c}`).join(", ");
  return `${list.length}${throttled ? ` (${throttled} throttled)` : ""}${detail ? `: ${detail}` : ""}`;
};
const perHost: Record<number, { real: number; synthetic: number }> = {};
const stateSizes: string[] = [];

/** The real lab's state after `up` (`pulumi stack export`, as the file backend holds it): bytes per student, by resource type. */
async function stateSize(p: PulumiProject, n: number): Promise<string> {
  const text = await p.exportText(LAB_STACK);
  const resources = (JSON.parse(text) as { deployment: { resources: { type: string; inputs?: { __provider?: string } }[] } }).deployment.resources;
  const by: Record<string, number> = {};
  let providers = 0;
  for (const r of resources) {
    const type = r.type.split(/[:/]/).pop()!;
    by[type] = (by[type] ?? 0) + JSON.stringify(r, null, 4).length;
    providers += 2 * (r.inputs?.__provider?.length ?? 0);
  }
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const per = Object.entries(by).filter(([t]) => ["DockerHost", "LabKey", "TencentInstance"].includes(t)).map(([t, b]) => `${t} ${kb(b / n)}`).join(", ");
  return `${n} students: state ${(text.length / 1048576).toFixed(2)} MB after up, ${kb(text.length / n)} per student (${per}; serialized providers ${kb(providers / n)} of it)`;
}

for (const n of sizes) {
  // Two accounts: the real and the synthetic lab import the same admin key, and an account holds it once.
  let server: TencentApiServer | undefined;
  let account: TencentApiServer | undefined;
  const projects: PulumiProject[] = [];
  try {
    server = await startServer({ pendingPolls: 0, terminatingPolls: 0, zoneQuota: n + 50 });
    account = await startServer({ pendingPolls: 0, terminatingPolls: 0, zoneQuota: n + 50 });
    const real = await realLab(n, server.url);
    const synthetic = await labProject(`bench-lt-lab-${n}`, account.url, { "lab:count": String(n) });
    const floor = await labProject(`bench-lt-floor-${n}`, account.url, { "lab:count": String(n), "lab:floor": "true" });
    projects.push(real, synthetic, floor);
    perHost[n] = { real: 0, synthetic: 0 };
    for (const cmd of [["preview"], ["up", "--yes"], ["destroy", "--yes"]]) {
      const f = await run(floor, cmd);
      const fromY = account.requests.length;
      const y = await run(synthetic, cmd);
      const ys = calls(account, fromY);
      const from = server.requests.length;
      const b = await run(real, cmd);
      const bs = calls(server, from);
      if (cmd[0] !== "preview") {
        perHost[n]!.real += bs.length / n;
        perHost[n]!.synthetic += ys.length / n;
      }
      if (cmd[0] === "up") stateSizes.push(await stateSize(real, n));
      const rss = (r: { program: number; provider: number }) => `${mib(r.program)} / ${mib(r.provider)}`;
      console.log(
        `| ${n} | ${cmd[0]} | ${s(b.ms)} | ${s(y.ms)} | ${s(f.ms)} | ${(b.ms / f.ms).toFixed(2)}× | ${((b.ms - f.ms) / n).toFixed(0)} ms | ${(b.ms / y.ms).toFixed(2)}× | ${rss(b)}, ${rss(y)}, ${rss(f)} | ${describeCalls(bs)} (${ys.length}) | ${(bs.length / n).toFixed(2)} (${(ys.length / n).toFixed(2)}) |`,
      );
    }
    for (const a of [server, account])
      if (a.state.instances.size + a.state.securityGroups.size + a.state.keyPairs.size !== 0) throw new Error("an account is not empty after destroy");
  } finally {
    for (const p of projects) p.remove();
    await server?.stop();
    await account?.stop();
  }
}
console.log(`\nup + destroy calls per host, real (synthetic), against ${total(before.up) + total(before.destroy)} for one single host before labs: ${Object.entries(perHost).map(([n, c]) => `${n}: ${c.real.toFixed(2)} (${c.synthetic.toFixed(2)})`).join("; ")}`);
console.log(`\nthe real lab's state (pulumi stack export):\n${stateSizes.join("\n")}`);
console.log(`load after: ${execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).trim()}`);
