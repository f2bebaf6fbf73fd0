// A 60-student Tencent Cloud lab through berth's real program (src/index.ts with berth:lab, a
// generated roster CSV) under the real Pulumi engine, against the local Tencent API server, which
// verifies every TC3 signature and enforces Tencent's documented rates and quotas. Credentials are
// stack secrets; tencentcloud:endpoint points at the server.
//   - a roster over the zone's quota stops preview before any resource, naming zone, quota, count and fix;
//   - preview shows the quota and Tencent's price (InquiryPriceRunInstances);
//   - `up` survives throttling injected on RunInstances; one student's host failing to launch names
//     that student and leaves the others; the next `up` makes only the missing hosts, within the
//     quota the lab already holds; the expiry (14d, anchored at the first creation) reaches every
//     RunInstances as the same ActionTimer;
//   - a no-op `up` calls nothing that changes the account;
//   - a roster change (2 out, 2 in, rows reordered, one student's own key changed) together with
//     a bootstrap change touches only those 5 hosts: the changed key replaces its host, which gets
//     the new key and the new bootstrap; the others keep the bootstrap they were made with, preview
//     says so and gives the `pulumi up --replace` command, which rebuilds exactly that host with
//     the new bootstrap;
//   - `destroy` leaves the account empty.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { RecordedRequest, TencentApiServer } from "../tencent/server.js";
import { isEmpty, PUBLIC_KEY, SECRET_ID, SECRET_KEY, startServer } from "../tencent/helpers.js";
import { opsOf, PulumiProject, type StepEvent } from "./pulumi.js";

const STACK = "li-tc";
const ZONE = "ap-guangzhou-3";
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, n) => `s${String(from + n).padStart(2, "0")}`);
const own = Object.fromEntries(["s05", "s40"].map((id) => [id, ssh2.utils.generateKeyPairSync("ed25519", { comment: `${id}-own` }).public]));
const roster = (list: string[]) => `id,name,email,ssh_public_key\n${list.map((id) => `${id},Student ${id},${id}@uni.example,${own[id] ?? ""}`).join("\n")}\n`;
const CONFIG = {
  "berth:host": { provider: "tencentcloud", region: "ap-guangzhou", zone: ZONE, image: "img-487zeit5", size: "S5.MEDIUM4", sshPublicKey: PUBLIC_KEY, allowSsh: ["203.0.113.0/24"], bandwidth: 5 },
  "berth:bootstrap": { mirror: ["tencent-internal", "tencent"], pip: { mirror: "tencent" } },
  "berth:lab": { roster: `rosters/${STACK}.csv`, expires: "14d", namePrefix: STACK, budget: { amount: 10000, currency: "CNY" } },
};
const INSTANCE = "pulumi-nodejs:dynamic/berth:TencentInstance";

let server: TencentApiServer | undefined;
const project = new PulumiProject(STACK);
const api = (): TencentApiServer => {
  if (!server) throw new Error("the Tencent API stand-in did not start");
  return server;
};
const since = (from: number) => api().requests.slice(from);
const mutating = (list: RecordedRequest[]) => list.filter((r) => !/^(Describe|InquiryPrice)/.test(r.action));
const ok = (list: RecordedRequest[], action: string) => list.filter((r) => r.action === action && !r.errorCode);
const hostOps = (steps: StepEvent[]) => opsOf(steps).filter((o) => o.endsWith(INSTANCE) && !o.startsWith("same"));
const byName = () => new Map([...api().state.instances.values()].map((i) => [i.name, i]));
const writeRoster = (list: string[]) => writeFileSync(join(project.dir, "rosters", `${STACK}.csv`), roster(list));
const text = (r: { stdout: string; stderr: string }) => (r.stdout + r.stderr).replace(/\s*\n\s*/g, " ");
const timerOf = (q: RecordedRequest) => JSON.stringify((q.params as { ActionTimer?: unknown }).ActionTimer);
/** The user-data RunInstances carried (berth gzips it when it is over Tencent's 16 KB; cloud-init unpacks it). */
const userDataOf = (q: RecordedRequest) => {
  const raw = Buffer.from(String((q.params as { UserData?: string }).UserData), "base64");
  return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString("utf8");
};
let madeFirst = 0;

beforeAll(async () => {
  server = await startServer({ pendingPolls: 1, terminatingPolls: 1 });
  mkdirSync(join(project.dir, "rosters"));
  writeRoster(ids(1, 60));
  writeFileSync(join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), stringify({ config: CONFIG }));
  await project.ok(["stack", "init", STACK]);
  await project.ok(["config", "set", "--stack", STACK, "--secret", "tencentcloud:secretId"], { stdin: SECRET_ID });
  await project.ok(["config", "set", "--stack", STACK, "--secret", "tencentcloud:secretKey"], { stdin: SECRET_KEY });
  await project.ok(["config", "set", "--stack", STACK, "tencentcloud:endpoint", api().url]);
});

afterAll(async () => {
  try {
    const r = await project.run(["destroy", "--yes", "--stack", STACK]);
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    await server?.stop();
  } finally {
    project.remove();
  }
});

describe.sequential("a 60-student Tencent lab through berth's program", () => {
  it("a roster over the zone's remaining quota stops preview before any resource", async () => {
    const r = await project.withEvents(["preview", "--stack", STACK]);
    expect(r.code).not.toBe(0);
    expect(text(r)).toContain(
      "berth:lab: 60 hosts are asked for in zone ap-guangzhou-3, but the account's pay-as-you-go instance quota there has 30 left (0 of 30 in use). Shorten the roster, choose another zone (berth:host.zone), or ask Tencent Cloud to raise the zone's quota (console: CVM → quotas).",
    );
    expect(text(r)).not.toMatch(/at .*\.ts:\d+/);
    expect(opsOf(r.steps).filter((o) => !/StackReference|providers:pulumi$|pulumi:Stack$/.test(o))).toEqual([]);
    expect(mutating(api().requests)).toEqual([]);
  });

  it("with the quota raised, preview shows the quota and Tencent's price, and creates nothing", async () => {
    api().state.options.zoneQuotas[ZONE] = 61; // the instructor asked Tencent for the class and one spare
    const from = api().requests.length;
    const r = await project.withEvents(["preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = text(r);
    expect(out).toContain("lab li-tc: Tencent Cloud zone ap-guangzhou-3 has a pay-as-you-go quota of 61 instances, 0 in use and 61 left; the lab has 60 hosts (DescribeAccountQuota, now)");
    // The stand-in's price for S5.MEDIUM4 with a 50 GB premium disk: 0.32 + 50 × 0.0004 CNY/h (traffic is billed per GB).
    expect(out).toContain("lab li-tc costs about 60 hosts × 0.34 CNY/h × 336 h = 6854.40 CNY, from Tencent Cloud's price for this zone, instance type and image (InquiryPriceRunInstances, now); budget 10000 CNY");
    expect(out).toMatch(/lab li-tc expires \S+Z, in 336 h \(14d from its first creation\)/);
    expect(ok(since(from), "InquiryPriceRunInstances")).toHaveLength(1);
    expect(ok(since(from), "DescribeAccountQuota")).toHaveLength(1);
    expect(hostOps(r.steps)).toEqual(Array(60).fill(`create ${INSTANCE}`));
    expect(mutating(since(from))).toEqual([]);
  });

  it("up survives throttling on RunInstances; a host that fails to launch names its student and leaves the others", async () => {
    api().failNext("RunInstances", "RequestLimitExceeded", { times: 4 });
    api().failLaunchOf("li-tc-s17");
    const r = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code).not.toBe(0);
    expect(text(r)).toMatch(/Tencent Cloud instance ins-\w+ \(li-tc-s17\) failed to launch \(LAUNCH_FAILED\)/);
    expect(api().calls("RunInstances").filter((q) => q.injected && q.errorCode === "RequestLimitExceeded")).toHaveLength(4);
    // The others stand, RUNNING, each in the lab's one security group and key pair, each in the state.
    const running = [...api().state.instances.values()].filter((i) => i.state === "RUNNING");
    madeFirst = running.length;
    expect(madeFirst).toBeGreaterThan(1);
    expect(running.some((i) => i.name === "li-tc-s17")).toBe(false);
    expect([api().state.securityGroups.size, api().state.keyPairs.size]).toEqual([1, 1]);
    const inState = (await project.resources(STACK)).filter((x) => x.type === INSTANCE).map((x) => x.id).sort();
    expect(inState).toEqual(running.map((i) => i.id).sort());
  });

  it("the next up makes only the missing hosts, within the quota the lab holds, with the same expiry", async () => {
    const before = byName();
    const from = api().requests.length;
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(hostOps(r.steps)).toEqual(Array(60 - madeFirst).fill(`create ${INSTANCE}`));
    const calls = since(from);
    expect(ok(calls, "RunInstances")).toHaveLength(60 - madeFirst);
    expect(mutating(calls).filter((q) => q.action !== "RunInstances")).toEqual([]);
    for (const [name, i] of before) if (i.state === "RUNNING") expect(byName().get(name)?.id).toBe(i.id);
    // The expiry: 14 days from the lab's first creation, the same ActionTimer on every RunInstances of both runs.
    const lab = (await project.outputs(STACK)).lab as { startedAt: string; expiresAt: string };
    const end = new Date(Date.parse(lab.startedAt) + 14 * 86400_000).toISOString().replace(/\.\d+Z$/, "Z");
    expect(lab.expiresAt.replace(/\.\d+Z$/, "Z")).toBe(end);
    expect(new Set(ok(api().requests, "RunInstances").map(timerOf))).toEqual(new Set([JSON.stringify({ TimerAction: "TerminateInstances", ActionTime: end })]));
    expect([...api().state.timers.values()].filter((t) => t.status === "UNDO" && t.time === end).length).toBeGreaterThanOrEqual(60);
    const s = api().state;
    expect([[...s.instances.values()].filter((i) => i.state === "RUNNING").length, s.securityGroups.size, s.keyPairs.size]).toEqual([60, 1, 1]);
  });

  it("up again changes nothing and calls nothing that changes the account", async () => {
    const from = api().requests.length;
    const r = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // (The lab reads its own last outputs: a read of pulumi:pulumi:StackReference.)
    expect(new Set(r.steps.filter((x) => x.type !== "pulumi:pulumi:StackReference").map((x) => x.op))).toEqual(new Set(["same"]));
    expect(mutating(since(from))).toEqual([]);
  });

  it("a roster change with a new bootstrap touches only the 5 students' hosts; preview says who keeps an older bootstrap", async () => {
    api().state.options.zoneQuotas[ZONE] = 100; // Pulumi makes the new students' hosts before it deletes the old
    const before = byName();
    const oldKey = own.s40!;
    own.s40 = ssh2.utils.generateKeyPairSync("ed25519", { comment: "s40-new" }).public; // s40 lost their key and made a new one
    writeRoster([...ids(3, 62)].reverse()); // s40 is on row 24
    await project.ok(["config", "set", "--stack", STACK, "--path", "berth:bootstrap.pip.mirror", "tuna"]);
    const preview = await project.withEvents(["preview", "--stack", STACK]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    expect(text(preview)).toContain(
      "lab li-tc: s40's public key in rosters/li-tc.csv (row 24) changed — pulumi up replaces host li-tc-s40, and everything on it (files, containers, conda environments) is lost. Have the student copy their work off first, or put the old key back in the roster.",
    );
    // s40's host is replaced anyway (and gets the new bootstrap): not counted among those that keep an older one.
    const note = /lab li-tc: 57 of 60 hosts \(li-tc-s03, li-tc-s04, li-tc-s05, li-tc-s06, li-tc-s07 and 52 more\) keep the bootstrap they were made with, older than the one berth renders now .* pulumi up --replace '([^']+)'/.exec(text(preview));
    expect(note, text(preview)).not.toBeNull();
    const from = api().requests.length;
    const r = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const changed = r.steps.filter((x) => x.op !== "same" && x.type.includes("berth:")).map((x) => `${x.op} ${x.type}`).sort();
    expect(changed).toEqual([
      "create berth:index:DockerHost", "create berth:index:DockerHost", `create ${INSTANCE}`, `create ${INSTANCE}`,
      "create pulumi-nodejs:dynamic/berth:LabKey", "create pulumi-nodejs:dynamic/berth:LabKey",
      `create-replacement ${INSTANCE}`, `replace ${INSTANCE}`, `delete-replaced ${INSTANCE}`,
      "delete berth:index:DockerHost", "delete berth:index:DockerHost", `delete ${INSTANCE}`, `delete ${INSTANCE}`,
      "delete pulumi-nodejs:dynamic/berth:LabKey", "delete pulumi-nodejs:dynamic/berth:LabKey",
    ].sort());
    const calls = mutating(since(from));
    const made = ok(calls, "RunInstances");
    expect(made.map((q) => (q.params as { InstanceName: string }).InstanceName).sort()).toEqual(["li-tc-s40", "li-tc-s61", "li-tc-s62"]);
    for (const q of made) expect(userDataOf(q)).toContain("pypi.tuna.tsinghua.edu.cn");
    // s40's new host carries the new key, not the old one (user-data is ignored on update, not on replacement).
    const s40 = userDataOf(made.find((q) => (q.params as { InstanceName: string }).InstanceName === "li-tc-s40")!);
    expect(s40).toContain(own.s40.split(" ")[1]!);
    expect(s40).not.toContain(oldKey.split(" ")[1]!);
    expect(calls.filter((q) => !["RunInstances", "TerminateInstances"].includes(q.action))).toEqual([]);
    const after = byName();
    expect([...after.keys()].sort()).toEqual(ids(3, 62).map((s) => `li-tc-${s}`));
    for (const s of ids(3, 60)) if (s !== "s40") expect(after.get(`li-tc-${s}`)?.id).toBe(before.get(`li-tc-${s}`)?.id);
    expect(after.get("li-tc-s40")?.id).not.toBe(before.get("li-tc-s40")?.id);

    // The command preview gave rebuilds exactly that host, with the new bootstrap.
    const urn = note![1]!;
    expect(urn).toMatch(/::li-tc-s03-cvm$/);
    const from2 = api().requests.length;
    const again = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK, "--replace", urn]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(hostOps(again.steps)).toEqual([`create-replacement ${INSTANCE}`, `delete-replaced ${INSTANCE}`, `replace ${INSTANCE}`]);
    const rebuilt = ok(since(from2), "RunInstances");
    expect(rebuilt.map((q) => (q.params as { InstanceName: string }).InstanceName)).toEqual(["li-tc-s03"]);
    expect(userDataOf(rebuilt[0]!)).toContain("pypi.tuna.tsinghua.edu.cn");
    const students = (await project.outputs(STACK)).students as Record<string, { bootstrap: string }>;
    expect(students.s03?.bootstrap).toBe(students.s61?.bootstrap);
    expect(students.s40?.bootstrap).toBe(students.s61?.bootstrap);
    expect(students.s04?.bootstrap).not.toBe(students.s61?.bootstrap);
  });

  it("destroy leaves the account empty; every request was signed right; the secret key never reached the state", async () => {
    const r = await project.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(isEmpty(api())).toBe(true);
    expect(await project.resources(STACK)).toEqual([]);
    expect(api().requests.every((q) => q.signatureOk)).toBe(true);
    expect(api().throttled).toEqual([]);
    expect(project.backendText()).not.toContain(SECRET_KEY);
  });
});
