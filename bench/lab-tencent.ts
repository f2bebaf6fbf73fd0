/**
 * A Tencent lab under the real Pulumi engine, against the local Tencent API server answering at
 * once (RUNNING on the first look, gone on the first look after termination) but enforcing
 * Tencent's documented per-action rates and quotas (the zone quota raised for the class):
 * `pulumi preview`, `up` and `destroy` for 10 / 60 / 200 hosts (test/engine/lt-lab-program.ts:
 * one TencentLabNetwork + N lab-mode TencentInstances), each against the floor of N no-op dynamic
 * resources in an otherwise empty program, same run, same engine defaults (8 operations at once).
 * Reports wall time, peak RSS of the program and provider processes, and API calls per host;
 * and counts one single host's calls for `up` and `destroy` with the code before labs (git show b17ca40:…).
 *
 *   npx tsx bench/lab-tencent.ts [sizes=10,60,200]
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DIR } from "../test/helpers/config.js";
import { LAB_STACK, labProject } from "../test/engine/lt-lab-project.js";
import { PULUMI_CLI, type PulumiProject } from "../test/engine/pulumi.js";
import { apiFor, spec, startServer } from "../test/tencent/helpers.js";
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
  return { provider: sum((a) => a.includes("dynamic-provider")), program: sum((a) => !a.includes("dynamic-provider")) };
}

async function run(p: PulumiProject, args: string[]): Promise<{ ms: number; program: number; provider: number }> {
  const t0 = performance.now();
  const child = spawn("bash", [PULUMI_CLI, ...args, "--stack", LAB_STACK, "--non-interactive"], { cwd: p.dir, env: p.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const peak = { program: 0, provider: 0 };
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

const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const before = await singleHostBeforeLabs();
console.log(`single host before labs (${BEFORE_LABS}): up ${total(before.up)} calls ${JSON.stringify(before.up)}; destroy ${total(before.destroy)} calls ${JSON.stringify(before.destroy)}`);
console.log(`load: ${execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).trim()}`);
console.log("\n| hosts | command | berth lab | floor (no-op resources) | ratio | berth − floor per host | peak RSS program / provider (MiB), berth vs floor | API calls | calls per host |\n|---|---|---|---|---|---|---|---|---|");

for (const n of sizes) {
  let server: TencentApiServer | undefined;
  const projects: PulumiProject[] = [];
  try {
    server = await startServer({ pendingPolls: 0, terminatingPolls: 0, zoneQuota: n + 50 });
    const lab = await labProject(`bench-lt-lab-${n}`, server.url, { "lab:count": String(n) });
    const floor = await labProject(`bench-lt-floor-${n}`, server.url, { "lab:count": String(n), "lab:floor": "true" });
    projects.push(lab, floor);
    for (const cmd of [["preview"], ["up", "--yes"], ["destroy", "--yes"]]) {
      const f = await run(floor, cmd);
      const from = server.requests.length;
      const b = await run(lab, cmd);
      const calls = server.requests.slice(from);
      const throttled = calls.filter((r) => r.errorCode === "RequestLimitExceeded").length;
      const detail = Object.entries(byAction(calls)).map(([a, c]) => `${a} ${c}`).join(", ");
      console.log(
        `| ${n} | ${cmd[0]} | ${s(b.ms)} | ${s(f.ms)} | ${(b.ms / f.ms).toFixed(2)}× | ${((b.ms - f.ms) / n).toFixed(0)} ms | ${mib(b.program)} / ${mib(b.provider)} vs ${mib(f.program)} / ${mib(f.provider)} | ${calls.length}${throttled ? ` (${throttled} throttled)` : ""}${detail ? `: ${detail}` : ""} | ${(calls.length / n).toFixed(2)} |`,
      );
    }
    if (server.state.instances.size + server.state.securityGroups.size + server.state.keyPairs.size !== 0) throw new Error("the account is not empty after destroy");
  } finally {
    for (const p of projects) p.remove();
    await server?.stop();
  }
}
