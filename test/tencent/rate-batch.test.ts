// Class-scale calls against the local API server, which enforces Tencent's documented per-action
// rates (RequestLimitExceeded beyond): the client's limiter keeps a burst under them, injected
// throttling is still survived, and many hosts' DescribeInstances / TerminateInstances are merged
// into few calls (batch.ts).
import { afterEach, describe, expect, it } from "vitest";
import { CallLimiter } from "../../src/components/tencent/rate-limit.js";
import type { TencentApiServer } from "./server.js";
import { apiFor, startServer } from "./helpers.js";

let server: TencentApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const base = { Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4" };
const codes = (s: TencentApiServer, action: string) => s.calls(action).map((r) => r.errorCode ?? "ok");

describe("the server enforces the documented rates", () => {
  it("an 11th RunInstances within one second is refused with RequestLimitExceeded; raw SDK calls, no client limiter", async () => {
    server = await startServer({ zoneQuota: 50 });
    const api = apiFor(server);
    const out = await Promise.all(Array.from({ length: 11 }, () => api.cvm.RunInstances(base).then(() => "ok", (e: { code: string }) => e.code)));
    expect(out.filter((c) => c === "ok")).toHaveLength(10);
    expect(out.filter((c) => c === "RequestLimitExceeded")).toHaveLength(1);
    expect(server.throttled).toHaveLength(1);
    expect(server.state.instances.size).toBe(10);
  });
});

describe("the client's limiter", () => {
  it("a burst of 200 RunInstances stays under the server's 10/s: zero RequestLimitExceeded, 200 instances", async () => {
    server = await startServer({ zoneQuota: 250, pendingPolls: 0 });
    const api = apiFor(server);
    const ids = await Promise.all(Array.from({ length: 200 }, () => api.call("RunInstances", () => api.cvm.RunInstances(base))));
    expect(ids.flatMap((r) => r.InstanceIdSet ?? [])).toHaveLength(200);
    expect(server.throttled).toEqual([]);
    expect(server.calls("RunInstances")).toHaveLength(200);
    expect(server.requests.every((r) => r.signatureOk)).toBe(true);
    // No 11 arrivals of RunInstances ever fall within one second.
    const t = server.calls("RunInstances").map((r) => r.at);
    for (let i = 10; i < t.length; i++) expect(t[i]! - t[i - 10]!).toBeGreaterThanOrEqual(1000);
  });

  it("injected throttling on top of the limits is retried and survived, without extra instances", async () => {
    server = await startServer({ zoneQuota: 50, pendingPolls: 0 });
    server.failNext("RunInstances", "RequestLimitExceeded", { times: 3 });
    const api = apiFor(server);
    const out = await Promise.all(Array.from({ length: 20 }, (_, n) => api.call("RunInstances", () => api.cvm.RunInstances({ ...base, ClientToken: `t-${n}` }))));
    expect(out.every((r) => r.InstanceIdSet?.length === 1)).toBe(true);
    expect(codes(server, "RunInstances").filter((c) => c === "RequestLimitExceeded")).toHaveLength(3);
    expect(server.throttled).toEqual([]); // only the injected ones were refused
    expect(server.state.instances.size).toBe(20);
  });

  it("counts a slot from grant until a window after the answer", async () => {
    const l = new CallLimiter(2, 50);
    const a = await l.acquire();
    const b = await l.acquire();
    let third = false;
    const c = l.acquire().then((r) => { third = true; return r; });
    a();
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false); // a answered 20 ms ago: still inside its 50 ms window
    await new Promise((r) => setTimeout(r, 60));
    expect(third).toBe(true);
    b();
    (await c)();
    expect(l.used).toBe(2);
  });
});

describe("batched DescribeInstances and TerminateInstances", () => {
  it("150 hosts read at once cost 2 DescribeInstances calls (100 ids each at most); every host gets its own answer", async () => {
    server = await startServer({ zoneQuota: 200, pendingPolls: 0, terminatingPolls: 0 });
    const api = apiFor(server);
    const ids: string[] = [];
    for (let n = 0; n < 2; n++) ids.push(...(await api.cvm.RunInstances({ ...base, InstanceCount: 75 })).InstanceIdSet!);
    await new Promise((r) => setTimeout(r, 1000)); // the raw calls above used this second's RunInstances budget
    const before = server.calls("DescribeInstances").length;
    const infos = await Promise.all([...ids, "ins-zzzzzzzz"].map((id) => api.instances.read(id)));
    const calls = server.calls("DescribeInstances").slice(before);
    expect(calls.map((c) => ((c.params as { InstanceIds: string[] }).InstanceIds).length).sort()).toEqual([100, 51].sort());
    expect(infos.slice(0, 150).map((i) => i?.instanceId)).toEqual(ids);
    expect(infos.every((i, n) => n === 150 ? i === undefined : i?.state === "RUNNING")).toBe(true);
  });

  it("150 hosts polled together share the poller's ticks: one DescribeInstances per 100 hosts per tick", async () => {
    server = await startServer({ zoneQuota: 200, pendingPolls: 3 });
    const api = apiFor(server, { poll: { intervalMs: 30, maxPolls: 20 } });
    const ids = [...(await api.cvm.RunInstances({ ...base, InstanceCount: 100 })).InstanceIdSet!, ...(await api.cvm.RunInstances({ ...base, InstanceCount: 50 })).InstanceIdSet!];
    const untilRunning = async (id: string) => {
      for (let n = 0; n < 20; n++) if ((await api.instances.poll(id, 30))?.state === "RUNNING") return n + 1;
      return -1;
    };
    const polls = await Promise.all(ids.map(untilRunning));
    expect(new Set(polls)).toEqual(new Set([4])); // PENDING for 3 polls, RUNNING on the 4th, for every host
    expect(server.calls("DescribeInstances")).toHaveLength(8); // 4 ticks × 2 calls
  });

  it("150 hosts terminated together cost 2 TerminateInstances calls; a batch Tencent refuses is retried one id at a time", async () => {
    server = await startServer({ zoneQuota: 200, pendingPolls: 0 });
    const api = apiFor(server);
    const ids = [...(await api.cvm.RunInstances({ ...base, InstanceCount: 100 })).InstanceIdSet!, ...(await api.cvm.RunInstances({ ...base, InstanceCount: 50 })).InstanceIdSet!];
    await api.cvm.DescribeInstances({ InstanceIds: ids.slice(0, 100), Limit: 100 });
    await api.cvm.DescribeInstances({ InstanceIds: ids.slice(100), Limit: 100 }); // all RUNNING now
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all(ids.map((id) => api.instances.terminate(id)));
    expect(codes(server, "TerminateInstances")).toEqual(["ok", "ok"]);
    expect([...server.state.instances.values()].every((i) => i.state === "TERMINATING")).toBe(true);

    // Three more, one of them still PENDING: Tencent refuses the whole batch, then each id gets its own answer.
    server.state.options.pendingPolls = 5;
    const more = (await api.cvm.RunInstances({ ...base, InstanceCount: 3 })).InstanceIdSet!;
    for (const id of more.slice(0, 2)) server.state.instances.get(id)!.state = "RUNNING";
    const out = await Promise.all(more.map((id) => api.instances.terminate(id).then(() => "ok", (e: { code: string }) => e.code)));
    expect(out).toEqual(["ok", "ok", "UnsupportedOperation.InstanceStatePending"]);
    const [batch, ...each] = codes(server, "TerminateInstances").slice(2);
    expect(batch).toBe("UnsupportedOperation.InstanceStatePending");
    expect(each.sort()).toEqual(["UnsupportedOperation.InstanceStatePending", "ok", "ok"]);
  });
});
