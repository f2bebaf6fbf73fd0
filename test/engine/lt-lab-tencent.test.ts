// A 60-host Tencent lab under the real Pulumi engine (file backend), against the local Tencent
// API server, which verifies every TC3 signature and enforces Tencent's documented per-action
// rates and quotas: `up` (with throttling injected on RunInstances), a no-op `up`, a roster change
// that adds two hosts and removes two (only those touched), `destroy` (the account left empty).
// The program (lt-lab-program.ts) shares one TencentLabNetwork across lab-mode TencentInstances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TencentApiServer } from "../tencent/server.js";
import { isEmpty, startServer } from "../tencent/helpers.js";
import { LAB_STACK, labProject } from "./lt-lab-project.js";
import { opsOf, type PulumiProject } from "./pulumi.js";

const N = 60;
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, n) => `s${String(from + n).padStart(2, "0")}`);
const EXPIRES = new Date(Date.now() + 48 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
let server: TencentApiServer | undefined;
let project: PulumiProject | undefined;

const api = (): TencentApiServer => {
  if (!server) throw new Error("the Tencent API stand-in did not start");
  return server;
};
const lab = (): PulumiProject => {
  if (!project) throw new Error("the lab project was not made");
  return project;
};
const mutating = (from = 0) => api().requests.slice(from).filter((r) => !/^Describe/.test(r.action));
const count = (list: { action: string }[], action: string) => list.filter((r) => r.action === action).length;

beforeAll(async () => {
  // PENDING for one poll, TERMINATING for one: the shared poller runs. The zone holds the class (a raised quota, as a lab needs).
  server = await startServer({ pendingPolls: 1, terminatingPolls: 1, zoneQuota: 100 });
  project = await labProject("lt-lab", api().url, { "lab:students": ids(1, N).join(","), "lab:expires": EXPIRES });
});

afterAll(async () => {
  try {
    if (project) {
      const r = await project.run(["destroy", "--yes", "--stack", LAB_STACK]);
      if (r.code !== 0) console.error(r.stdout, r.stderr);
    }
    await server?.stop();
  } finally {
    project?.remove();
  }
});

describe.sequential(`a ${N}-host Tencent lab under the real engine`, () => {
  it(`up creates one security group, one key pair and ${N} hosts, surviving throttling injected on RunInstances`, async () => {
    api().failNext("RunInstances", "RequestLimitExceeded", { times: 4 });
    const r = await lab().withEvents(["up", "--yes", "--stack", LAB_STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ops = opsOf(r.steps);
    expect(ops.filter((o) => o === "create pulumi-nodejs:dynamic/berth:TencentInstance")).toHaveLength(N);
    expect(ops.filter((o) => o === "create pulumi-nodejs:dynamic/berth:TencentLabNetwork")).toHaveLength(1);
    const s = api().state;
    expect([s.instances.size, s.securityGroups.size, s.keyPairs.size]).toEqual([N, 1, 1]);
    const [sg] = s.securityGroups.keys();
    const [key] = s.keyPairs.keys();
    expect([...s.instances.values()].every((i) => i.state === "RUNNING" && i.securityGroupIds.join() === sg && i.keyIds.join() === key)).toBe(true);
    // Every request signed right; the injected throttling retried; the server's own rate limits never hit.
    expect(api().requests.every((q) => q.signatureOk)).toBe(true);
    expect(api().calls("RunInstances").filter((q) => q.errorCode === "RequestLimitExceeded")).toHaveLength(4);
    expect(api().throttled).toEqual([]);
    expect(api().calls("RunInstances").filter((q) => !q.errorCode)).toHaveLength(N);
    // The expiry reached every RunInstances as Tencent's ActionTimer, and Tencent holds a timer per host.
    expect(new Set(api().calls("RunInstances").map((q) => JSON.stringify((q.params as Record<string, unknown>).ActionTimer)))).toEqual(
      new Set([JSON.stringify({ TimerAction: "TerminateInstances", ActionTime: EXPIRES })]),
    );
    expect([...s.timers.values()].filter((t) => t.status === "UNDO" && t.time === EXPIRES)).toHaveLength(N);
    // The shared poller: far fewer DescribeInstances calls than hosts × polls.
    expect(api().calls("DescribeInstances").length).toBeLessThan(N);
    const out = (await lab().outputs(LAB_STACK)).hosts as Record<string, string>;
    expect(Object.keys(out).sort()).toEqual(ids(1, N));
  });

  it("up again changes nothing and calls no mutating API", async () => {
    const from = api().requests.length;
    const r = await lab().withEvents(["up", "--yes", "--stack", LAB_STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(new Set(r.steps.map((x) => x.op))).toEqual(new Set(["same"]));
    expect(mutating(from)).toEqual([]);
  });

  it("a roster change (s01, s02 out; s61, s62 in) creates and deletes exactly those hosts", async () => {
    const before = new Map([...api().state.instances.values()].map((i) => [i.name, i.id]));
    await lab().ok(["config", "set", "--stack", LAB_STACK, "lab:students", ids(3, N + 2).join(",")]);
    const from = api().requests.length;
    const r = await lab().withEvents(["up", "--yes", "--stack", LAB_STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // (The pulumi-nodejs provider itself is updated: it receives the whole stack config, see FIELD-NOTES.)
    const changed = r.steps.filter((x) => x.op !== "same" && x.type.includes("berth:")).map((x) => `${x.op} ${x.type}`).sort();
    expect(changed).toEqual([
      "create pulumi-nodejs:dynamic/berth:TencentInstance", "create pulumi-nodejs:dynamic/berth:TencentInstance",
      "delete pulumi-nodejs:dynamic/berth:TencentInstance", "delete pulumi-nodejs:dynamic/berth:TencentInstance",
    ]);
    const after = new Map([...api().state.instances.values()].map((i) => [i.name, i.id]));
    expect([...after.keys()].sort()).toEqual(ids(3, N + 2).map((s) => `lt-${s}`));
    for (const s of ids(3, N)) expect(after.get(`lt-${s}`)).toBe(before.get(`lt-${s}`)); // untouched hosts keep their instance
    const calls = mutating(from);
    expect([count(calls, "RunInstances"), count(calls, "CreateSecurityGroup"), count(calls, "ImportKeyPair"), count(calls, "DeleteSecurityGroup")]).toEqual([2, 0, 0, 0]);
    expect(count(calls, "TerminateInstances")).toBeLessThanOrEqual(2);
  });

  it("destroy leaves the account empty: no instance, security group or key pair", async () => {
    const from = api().requests.length;
    const r = await lab().withEvents(["destroy", "--yes", "--stack", LAB_STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(isEmpty(api())).toBe(true);
    const calls = mutating(from);
    // Terminations batched (at most 100 ids per call): fewer calls than hosts, even with the engine's default 8 operations at a time.
    const terminations = api().calls("TerminateInstances").slice(-count(calls, "TerminateInstances"));
    expect(terminations.length).toBeLessThan(N / 2);
    expect(terminations.reduce((n, q) => n + ((q.params as { InstanceIds: string[] }).InstanceIds).length, 0)).toBe(N);
    expect([count(calls, "DeleteSecurityGroup"), count(calls, "DeleteKeyPairs")]).toEqual([1, 1]);
    expect(api().requests.every((q) => q.signatureOk)).toBe(true);
    expect(api().throttled).toEqual([]);
    expect(await lab().resources(LAB_STACK)).toEqual([]);
  });
});
