// The local API server enforces Tencent's documented quotas and validates ActionTimer as
// documented, through the official SDK (every request signature-checked).
import ssh2 from "ssh2";
import { afterEach, describe, expect, it } from "vitest";
import type { TencentApiServer } from "./server.js";
import { PUBLIC_KEY, apiFor, startServer } from "./helpers.js";

let server: TencentApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: { code?: string }) => e.code);
const base = { Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4" };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString().replace(/\.\d+Z$/, "Z");

describe("quotas", () => {
  it("the zone's pay-as-you-go quota: InstanceCount batches count, InstancesQuotaLimitExceeded beyond, DescribeAccountQuota reports it", async () => {
    server = await startServer({ zoneQuota: 5 });
    const api = apiFor(server);
    expect((await api.cvm.RunInstances({ ...base, InstanceCount: 4 })).InstanceIdSet).toHaveLength(4);
    expect(await codeOf(api.cvm.RunInstances({ ...base, InstanceCount: 2 }))).toBe("InstancesQuotaLimitExceeded");
    expect(server.requests.at(-1)?.errorCode).toBe("InstancesQuotaLimitExceeded");
    expect(await codeOf(api.cvm.RunInstances({ ...base, Placement: { Zone: "ap-guangzhou-4" }, InstanceCount: 5 }))).toBe("ok"); // another zone, its own quota
    const q = await api.cvm.DescribeAccountQuota({ Filters: [{ Name: "zone", Values: ["ap-guangzhou-3"] }] });
    expect(q.AccountQuotaOverview).toEqual({
      Region: "ap-guangzhou",
      AccountQuota: { PostPaidQuotaSet: [{ Zone: "ap-guangzhou-3", TotalQuota: 5, UsedQuota: 4, RemainingQuota: 1 }], PrePaidQuotaSet: [], SpotPaidQuotaSet: [], ImageQuotaSet: [], DisasterRecoverGroupQuotaSet: [] },
    });
  });

  it("50 security groups per region (LimitExceeded), 100 rules per group (LimitExceeded.SecurityGroupPolicySet), DescribeSecurityGroupLimits", async () => {
    server = await startServer({ rates: false });
    const api = apiFor(server);
    for (let n = 0; n < 50; n++) await api.vpc.request("CreateSecurityGroup", { GroupName: `g${n}`, GroupDescription: "x" });
    expect(await codeOf(api.vpc.request("CreateSecurityGroup", { GroupName: "g50", GroupDescription: "x" }))).toBe("LimitExceeded");
    const sg = [...server.state.securityGroups.keys()][0]!;
    const rules = (n: number) => Array.from({ length: n }, (_, i) => ({ Protocol: "TCP", Port: String(1000 + i), CidrBlock: "0.0.0.0/0", Action: "ACCEPT" }));
    await api.vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: rules(99) } });
    expect(await codeOf(api.vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: sg, SecurityGroupPolicySet: { Egress: rules(2) } }))).toBe("LimitExceeded.SecurityGroupPolicySet");
    expect(await codeOf(api.vpc.request("ModifySecurityGroupPolicies", { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: rules(101) } }))).toBe("LimitExceeded.SecurityGroupPolicySet");
    expect(await api.vpc.request("DescribeSecurityGroupLimits", {})).toMatchObject({
      SecurityGroupLimitSet: { SecurityGroupLimit: 50, SecurityGroupPolicyLimit: 100, SecurityGroupInstanceLimit: 2000 },
    });
    expect(await api.vpc.request("DescribeSecurityGroups", { Limit: "1" })).toMatchObject({ TotalCount: 50, SecurityGroupSet: [{ SecurityGroupId: sg }] });
  });

  it("100 key pairs per account: InvalidKeyPair.LimitExceeded", async () => {
    server = await startServer({ keyPairLimit: 1 });
    const api = apiFor(server);
    await api.cvm.ImportKeyPair({ KeyName: "one", ProjectId: 0, PublicKey: PUBLIC_KEY });
    const other = ssh2.utils.generateKeyPairSync("rsa", { bits: 2048, comment: "two" }).public;
    expect(await codeOf(api.cvm.ImportKeyPair({ KeyName: "two", ProjectId: 0, PublicKey: other }))).toBe("InvalidKeyPair.LimitExceeded");
    expect(server.state.keyPairs.size).toBe(1);
  });
});

describe("ActionTimer, as documented", () => {
  it("validates TimerAction, the format and the 5-minute lead; stores one timer per instance; DescribeInstancesActionTimer lists it", async () => {
    server = await startServer();
    const api = apiFor(server);
    const timer = (o: Record<string, unknown>) => ({ ...base, ActionTimer: { TimerAction: "TerminateInstances", ActionTime: inMinutes(60), ...o } });
    expect(await codeOf(api.cvm.RunInstances(timer({ TimerAction: "StopInstances" })))).toBe("InvalidParameterValue");
    expect(await codeOf(api.cvm.RunInstances(timer({ ActionTime: "2030-01-01 10:00:00" })))).toBe("InvalidParameterValue.InvalidTimeFormat");
    expect(await codeOf(api.cvm.RunInstances(timer({ ActionTime: "2030-01-01T10:00:00.000Z" })))).toBe("InvalidParameterValue.InvalidTimeFormat");
    expect(await codeOf(api.cvm.RunInstances(timer({ ActionTime: inMinutes(4) })))).toBe("InvalidParameterValue");
    expect(server.state.instances.size).toBe(0);
    const at = inMinutes(90);
    const run = await api.cvm.RunInstances({ ...timer({ ActionTime: at }), InstanceCount: 2 });
    const listed = await api.cvm.DescribeInstancesActionTimer({ InstanceIds: run.InstanceIdSet! });
    expect(listed.ActionTimers?.map((t) => [t.InstanceId, t.TimerAction, t.ActionTime, t.Status])).toEqual(run.InstanceIdSet!.map((id) => [id, "TerminateInstances", at, "UNDO"]));
    server.advanceClock(89 * 60_000);
    expect([...server.state.instances.values()].map((i) => i.state)).toEqual(["PENDING", "PENDING"]);
    server.advanceClock(2 * 60_000);
    expect([...server.state.instances.values()].map((i) => i.state)).toEqual(["TERMINATING", "TERMINATING"]);
    expect((await api.cvm.DescribeInstancesActionTimer({ StatusList: ["DONE"] })).ActionTimers).toHaveLength(2);
  });
});
