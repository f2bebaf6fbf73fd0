// A lab on Tencent Cloud through the providers, against the local API server: one security group
// and one key pair shared by every host (TencentLabNetwork), hosts that never delete them, the
// network deleted after the last host, scheduled termination (ActionTimer) on RunInstances and in
// place, and one host's failure that leaves the others alone.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TencentInstanceInputs, type TencentInstanceOutputs, tencentInstanceProvider as hosts } from "../../src/components/tencent/provider.js";
import { type TencentLabNetworkInputs, type TencentLabNetworkOutputs, tencentLabNetworkProvider as networks } from "../../src/components/tencent/lab-network-provider.js";
import type { TencentApiServer } from "./server.js";
import { bootstrapScript } from "../../src/bootstrap/script.js";
import { fromParts } from "../../src/components/lab-user-data.js";
import { createLabNetwork, deleteLabNetwork } from "../../src/components/tencent/lab-network.js";
import { PUBLIC_KEY, REGION, SECRET_ID, SECRET_KEY, USER_DATA, apiFor, isEmpty, startServer } from "./helpers.js";

let server: TencentApiServer;
beforeEach(async () => {
  server = await startServer({ pendingPolls: 0, terminatingPolls: 0 });
});
afterEach(() => server.stop());

const creds = () => ({ secretId: SECRET_ID, secretKey: SECRET_KEY, endpoint: server.url });
const netInputs = (o: Partial<TencentLabNetworkInputs> = {}): TencentLabNetworkInputs => ({
  region: REGION, name: "ml2026", publicKey: PUBLIC_KEY, sshCidrs: ["203.0.113.0/24"], appPorts: [8888], appUdpPorts: [], appCidrs: ["0.0.0.0/0"], ...creds(), ...o,
});
const hostInputs = (net: TencentLabNetworkOutputs, name: string, o: Partial<TencentInstanceInputs> = {}): TencentInstanceInputs => ({
  region: REGION, zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4", userData: USER_DATA, publicKey: PUBLIC_KEY,
  instanceName: name, sshCidrs: ["203.0.113.0/24"], appPorts: [8888], appUdpPorts: [], appCidrs: ["0.0.0.0/0"], bandwidthOut: 5, systemDiskGb: 50,
  securityGroupId: net.securityGroupId, keyId: net.keyId, ...creds(), ...o,
});
const hour = (h: number) => new Date(Date.now() + h * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");

async function network(): Promise<TencentLabNetworkOutputs> {
  return (await networks.create!(netInputs())).outs as TencentLabNetworkOutputs;
}

describe("one security group and one key pair for the whole lab", () => {
  it("12 hosts share the lab's group and key pair: one ImportKeyPair, one CreateSecurityGroup, 12 RunInstances", async () => {
    const net = await network();
    const made = await Promise.all(Array.from({ length: 12 }, (_, n) => hosts.create!(hostInputs(net, `ml2026-s${n}`))));
    expect(server.state.securityGroups.size).toBe(1);
    expect(server.state.keyPairs.size).toBe(1);
    expect([...server.state.instances.values()].every((i) => i.securityGroupIds.join() === net.securityGroupId && i.keyIds.join() === net.keyId)).toBe(true);
    expect([server.calls("ImportKeyPair").length, server.calls("CreateSecurityGroup").length, server.calls("RunInstances").length]).toEqual([1, 1, 12]);
    // The group: SSH from allowSsh, the app port, everything out — once.
    const g = server.state.securityGroups.get(net.securityGroupId)!;
    expect(g.ingress.map((r) => `${r.Protocol} ${r.Port} ${r.CidrBlock}`)).toEqual(["TCP 22 203.0.113.0/24", "TCP 8888 0.0.0.0/0"]);
    expect(made.every((m) => (m.outs as TencentInstanceOutputs).sharedNetwork === true)).toBe(true);
    expect(made.map((m) => (m.outs as TencentInstanceOutputs).keyOwned)).toEqual(Array(12).fill(false));
  });

  it("deleting every lab host leaves the group and key pair; the network deletes them last and checks they are gone", async () => {
    const net = await network();
    const made = await Promise.all(["a", "b", "c"].map((s) => hosts.create!(hostInputs(net, `ml2026-${s}`))));
    await Promise.all(made.map((m) => hosts.delete!(m.id, m.outs!)));
    expect(server.state.instances.size).toBe(0);
    expect(server.calls("DeleteSecurityGroup")).toEqual([]);
    expect(server.calls("DeleteKeyPairs")).toEqual([]);
    expect([...server.state.securityGroups.keys(), ...server.state.keyPairs.keys()]).toEqual([net.securityGroupId, net.keyId]);
    await networks.delete!(net.securityGroupId, net);
    expect(isEmpty(server)).toBe(true);
    expect(server.calls("DescribeSecurityGroups").at(-1)?.errorCode).toBeUndefined();
    expect(server.calls("DescribeKeyPairs").length).toBeGreaterThanOrEqual(2); // before and after DeleteKeyPairs
  });

  it("the network waits (bounded) while a terminated host still holds the group or the key, then deletes both", async () => {
    server.state.options.keyDetachPolls = 2;
    server.state.options.terminatingPolls = 2;
    const api = apiFor(server);
    const net = await createLabNetwork(api, netInputs());
    const run = await api.cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4", SecurityGroupIds: [net.securityGroupId], LoginSettings: { KeyIds: [net.keyId] } });
    const id = run.InstanceIdSet![0]!;
    server.state.instances.get(id)!.state = "RUNNING";
    await api.cvm.TerminateInstances({ InstanceIds: [id] });
    // Still TERMINATING (listed): the group is refused as in use until the instance is gone.
    const deleting = deleteLabNetwork(api, net);
    for (let n = 0; n < 3; n++) await api.cvm.DescribeInstances({ InstanceIds: [id] }).catch(() => undefined);
    await deleting;
    expect(isEmpty(server)).toBe(true);
    expect(server.calls("DeleteSecurityGroup").map((r) => r.errorCode ?? "ok").at(-1)).toBe("ok");
    expect(server.calls("DeleteSecurityGroup").some((r) => r.errorCode === "ResourceInUse")).toBe(true);
    // The key pair still named the instance for two answers after it left the listing: waited, then deleted once.
    expect(server.calls("DeleteKeyPairs")).toHaveLength(1);
  });

  it("a network whose key stays attached past the bound fails naming what is left, with ids", async () => {
    server.state.options.keyDetachPolls = 1000;
    const api = apiFor(server, { poll: { intervalMs: 1, maxPolls: 4 } });
    const net = await createLabNetwork(api, netInputs());
    const run = await api.cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4", SecurityGroupIds: [net.securityGroupId], LoginSettings: { KeyIds: [net.keyId] } });
    const id = run.InstanceIdSet![0]!;
    server.state.remove(server.state.instances.get(id)!);
    await expect(deleteLabNetwork(api, net)).rejects.toThrow(new Error(
      `Tencent Cloud lab network: left behind: key pair ${net.keyId} is still used by ${id} after 4 polls. ` +
        "Run `pulumi destroy` again once the lab's hosts are gone, or delete them in the Tencent Cloud console.",
    ));
    expect(server.state.securityGroups.size).toBe(0);
  });

  it("a rule change updates the group in place (one ModifySecurityGroupPolicies) and replaces no host", async () => {
    const net = await network();
    const h = await hosts.create!(hostInputs(net, "ml2026-a"));
    const news = netInputs({ sshCidrs: ["198.51.100.0/24", "2001:db8::/32"] });
    expect(await networks.diff!(net.securityGroupId, net, news)).toMatchObject({ changes: true, replaces: [] });
    await networks.update!(net.securityGroupId, net, news);
    const g = server.state.securityGroups.get(net.securityGroupId)!;
    expect(g.ingress.map((r) => `${r.Port} ${r.CidrBlock || r.Ipv6CidrBlock}`)).toEqual(["22 198.51.100.0/24", "22 2001:db8::/32", "8888 0.0.0.0/0"]);
    expect(g.egress).toHaveLength(2);
    // The host, given the same network and the new rules, is not replaced: they are the network's business.
    const d = await hosts.diff!(h.id, h.outs as TencentInstanceOutputs, hostInputs(net, "ml2026-a", { sshCidrs: news.sshCidrs }));
    expect(d).toMatchObject({ changes: true, replaces: [] });
    // A new public key is a new key pair: the network is replaced, and with it every host.
    expect((await networks.diff!(net.securityGroupId, net, netInputs({ publicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC other" }))).replaces).toEqual(["publicKey"]);
    expect((await networks.diff!(net.securityGroupId, net, netInputs({ region: "ap-shanghai" }))).replaces).toEqual(["region"]);
    expect((await hosts.diff!(h.id, h.outs as TencentInstanceOutputs, hostInputs({ ...net, securityGroupId: "sg-zzzzzzzz" }, "ml2026-a"))).replaces).toEqual(["securityGroupId"]);
  });

  it("a state written before labs (own group and key pair) is neither replaced nor changed", async () => {
    const { securityGroupId: _s, keyId: _k, ...single } = hostInputs({ securityGroupId: "", keyId: "" } as TencentLabNetworkOutputs, "lab-07");
    const olds = { ...single, instanceId: "ins-aaaaaaaa", securityGroupId: "sg-aaaaaaaa", keyId: "skey-aaaaaaaa", keyOwned: true, state: "RUNNING", publicIp: "", privateIp: "" };
    expect(await hosts.diff!("ins-aaaaaaaa", olds as TencentInstanceOutputs, single as TencentInstanceInputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("a lab host rebuilds its user-data from its parts, checks it against the digest, sends it and keeps only the digest", async () => {
    const net = await network();
    const files = [{ path: "/etc/berth/bootstrap.conf", content: "MIRROR=tencent\n", permissions: "0644" }];
    const parts = { files, studentKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthStudentKeyForTheLabTestOnly0000000 s1" };
    const text = fromParts(parts);
    // The script comes from this checkout: its lines, indented in write_files.
    expect(text).toContain("path: /usr/local/lib/berth/bootstrap.sh");
    for (const line of bootstrapScript().split("\n").filter((l) => l.trim())) expect(text).toContain(line.trim());
    const digest = createHash("sha1").update(text).digest("hex");
    const lab = hostInputs(net, "ml2026-a", { userData: digest, userDataParts: parts });
    const h = await hosts.create!(lab);
    // Over Tencent's 16 KB as text: sent gzip-compressed, as render would.
    expect(gunzipSync(Buffer.from((server.calls("RunInstances")[0]!.params as { UserData: string }).UserData, "base64")).toString("utf8")).toBe(text);
    const { userDataParts: _parts, ...kept } = lab;
    expect(h.outs).toEqual({ ...kept, instanceId: h.id, publicIp: expect.any(String), privateIp: expect.any(String), securityGroupId: net.securityGroupId, keyId: net.keyId, keyOwned: false, state: "RUNNING", sharedNetwork: true });
    // A later run with the same inputs (Pulumi keeps the ignored user-data inputs as they were) changes nothing.
    expect(await hosts.diff!(h.id, h.outs as TencentInstanceOutputs, lab)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await hosts.delete!(h.id, h.outs!);

    // Parts that do not rebuild the text the program recorded: refused before any call.
    const calls = server.requests.length;
    const other = hostInputs(net, "ml2026-b", { userData: digest, userDataParts: { ...parts, studentKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKey00000000000000000000000000000000 s2" } });
    const sha1 = createHash("sha1").update(fromParts(other.userDataParts!)).digest("hex");
    await expect(hosts.create!(other)).rejects.toThrow(
      `TencentInstance ml2026-b: the user-data rebuilt from its inputs and this checkout's bootstrap script (SHA-1 ${sha1}) is not the one the program rendered (SHA-1 ${digest}) — run pulumi from one berth checkout, after npm ci`,
    );
    expect(server.requests.length).toBe(calls);

    // A single host's outputs keep what they always did: every input, the user-data text and bytes included.
    const { securityGroupId: _g, keyId: _k, ...single } = hostInputs(net, "lab-07", { userDataBase64: Buffer.from(USER_DATA).toString("base64") });
    const s = await hosts.create!(single as TencentInstanceInputs);
    expect(s.outs).toEqual({ ...single, instanceId: s.id, publicIp: expect.any(String), privateIp: expect.any(String), securityGroupId: expect.stringMatching(/^sg-/), keyId: expect.stringMatching(/^skey-/), keyOwned: expect.any(Boolean), state: "RUNNING" });
    await hosts.delete!(s.id, s.outs!);
  });

  it("the host provider is one-line methods that load their code by name: small in every host's state", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => hosts);
    expect(sf.text).toContain('"components/tencent/host-ops.ts"');
    expect(sf.text).toContain('"components/tencent/instance-diff.ts"');
    // No diff logic or SDK in it: instance-diff.ts and host-ops.ts hold those.
    for (const captured of ["tencentcloud-sdk-nodejs-cvm", "REPLACE_KEYS", "JSON.stringify", "CallLimiter", SECRET_KEY]) expect(sf.text).not.toContain(captured);
  });

  it("the network provider serializes without the SDK, the registries or secrets", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => networks);
    expect(sf.text).toContain('"components/tencent/lab-network.ts"');
    for (const captured of ["tencentcloud-sdk-nodejs-cvm", "CallLimiter", "InstanceBatcher", SECRET_KEY]) expect(sf.text).not.toContain(captured);
  });
});

describe("expiry: Tencent's own scheduled termination", () => {
  it("expiresAt reaches RunInstances as ActionTimer {TimerAction, ActionTime} and runs when the cloud's clock passes it", async () => {
    const net = await network();
    const at = hour(40);
    const h = await hosts.create!(hostInputs(net, "ml2026-a", { expiresAt: new Date(Date.parse(at)).toISOString() }));
    expect((server.calls("RunInstances")[0]!.params as Record<string, unknown>).ActionTimer).toEqual({ TimerAction: "TerminateInstances", ActionTime: at });
    const timers = await apiFor(server).cvm.DescribeInstancesActionTimer({ InstanceIds: [h.id] });
    expect(timers.ActionTimers).toMatchObject([{ InstanceId: h.id, TimerAction: "TerminateInstances", ActionTime: at, Status: "UNDO" }]);
    server.advanceClock(41 * 3600_000);
    expect(server.state.instances.get(h.id)?.state).toBe("TERMINATING");
    expect(await hosts.read!(h.id, h.outs as TencentInstanceOutputs)).toMatchObject({ id: "" }); // gone at the next look
    await hosts.delete!(h.id, h.outs!); // a destroy after the expiry: nothing to terminate
    await networks.delete!(net.securityGroupId, net);
    expect(isEmpty(server)).toBe(true);
  });

  it("a changed expiry is rescheduled in place: the new timer imported, the old one deleted, the host kept", async () => {
    const net = await network();
    const h = await hosts.create!(hostInputs(net, "ml2026-a", { expiresAt: hour(10) }));
    const outs = h.outs as TencentInstanceOutputs;
    const later = hostInputs(net, "ml2026-a", { expiresAt: hour(20) });
    expect(await hosts.diff!(h.id, outs, later)).toMatchObject({ changes: true, replaces: [] });
    const u = await hosts.update!(h.id, outs, later);
    expect(u.outs).toMatchObject({ expiresAt: later.expiresAt, instanceId: h.id });
    expect([...server.state.timers.values()].map((t) => `${t.time} ${t.status}`)).toEqual([`${later.expiresAt} UNDO`]);
    expect(server.calls("ImportInstancesActionTimer")).toHaveLength(1);
    expect(server.calls("DeleteInstancesActionTimer")).toHaveLength(1);
    expect(server.calls("RunInstances")).toHaveLength(1);
  });

  it("an expiry in the past or under 5 minutes away is refused before any call, naming the host", async () => {
    const net = await network();
    const before = server.requests.length;
    const soon = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    await expect(hosts.create!(hostInputs(net, "ml2026-a", { expiresAt: soon }))).rejects.toThrow(
      /^ml2026-a: expiresAt \S+ is less than 5 minutes away: Tencent Cloud schedules a termination \(ActionTimer\) only more than 5 minutes ahead/,
    );
    await expect(hosts.create!(hostInputs(net, "ml2026-a", { expiresAt: "2020-01-01T00:00:00Z" }))).rejects.toThrow(/^ml2026-a: expiresAt 2020-01-01T00:00:00Z is in the past/);
    await expect(hosts.create!(hostInputs(net, "ml2026-a", { expiresAt: "next friday" }))).rejects.toThrow(
      new Error('ml2026-a: expiresAt "next friday" is not an ISO-8601 UTC time like 2026-12-01T16:00:00Z.'),
    );
    expect(server.requests.length).toBe(before);
  });
});

describe("one host's failure", () => {
  it("names that host and leaves the others running; nothing else is rolled back", async () => {
    const net = await network();
    server.failLaunchOf("ml2026-s3");
    const out = await Promise.all(Array.from({ length: 6 }, (_, n) => hosts.create!(hostInputs(net, `ml2026-s${n}`)).then((c) => c.id, (e: Error) => e.message)));
    expect(out[3]).toMatch(/^Tencent Cloud instance ins-[a-z0-9]{8} \(ml2026-s3\) failed to launch \(LAUNCH_FAILED\)\.$/);
    expect(out.filter((o) => o.startsWith("ins-"))).toHaveLength(5);
    const running = [...server.state.instances.values()].filter((i) => i.state === "RUNNING").map((i) => i.name).sort();
    expect(running).toEqual(["ml2026-s0", "ml2026-s1", "ml2026-s2", "ml2026-s4", "ml2026-s5"]);
    expect(server.state.securityGroups.has(net.securityGroupId) && server.state.keyPairs.has(net.keyId)).toBe(true);
  });
});
