// tencentLabPreflight against the local API server: the zone's instance quota, the security-group
// and key-pair limits and Tencent's price answer, and the problems a lab layer shows as config
// errors before anything is created (exact messages).
import { afterEach, describe, expect, it } from "vitest";
import { steppedCost, tencentLabPreflight, type LabPreflightInput } from "../../src/components/tencent/preflight.js";
import type { TencentApiServer } from "./server.js";
import { PUBLIC_KEY, REGION, SECRET_ID, SECRET_KEY, apiFor, startServer } from "./helpers.js";

let server: TencentApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const input = (o: Partial<LabPreflightInput> = {}): LabPreflightInput => ({
  region: REGION, zone: "ap-guangzhou-3", instanceType: "S5.MEDIUM4", imageId: "img-487zeit5", count: 20, hours: 40,
  credentials: { secretId: SECRET_ID, secretKey: SECRET_KEY }, endpoint: server!.url, ...o,
});

describe("a lab that fits", () => {
  it("reports the zone's quota, the limits and the price, with no problems and nothing created", async () => {
    server = await startServer();
    const p = await tencentLabPreflight(input());
    expect(p).toEqual({
      zone: "ap-guangzhou-3",
      quota: { total: 30, used: 0, remaining: 30 },
      existing: 0,
      securityGroups: { limit: 50, used: 0, rulesPerGroup: 100, instancesPerGroup: 2000 },
      keyPairs: { limit: 100, used: 0 },
      // The stand-in's price list: S5.MEDIUM4 0.32 + 50 GB × 0.0004 = 0.34 CNY per hour; traffic 0.8 per GB.
      price: { currency: "CNY", instanceHourly: 0.34, bandwidthHourly: 0, hourly: 0.34, trafficPerGb: 0.8, perHost: 13.6, total: 272 },
      problems: [],
    });
    const q = server.calls("InquiryPriceRunInstances")[0]!.params as Record<string, any>;
    expect(q).toMatchObject({ InstanceChargeType: "POSTPAID_BY_HOUR", Placement: { Zone: "ap-guangzhou-3" }, InstanceType: "S5.MEDIUM4", SystemDisk: { DiskSize: 50 }, InternetAccessible: { InternetChargeType: "TRAFFIC_POSTPAID_BY_HOUR" } });
    expect(server.requests.every((r) => r.signatureOk && r.errorCode === undefined)).toBe(true);
    expect(server.requests.map((r) => r.action).sort()).toEqual(["DescribeAccountQuota", "DescribeKeyPairs", "DescribeSecurityGroupLimits", "DescribeSecurityGroups", "InquiryPriceRunInstances"]);
    expect(server.state.instances.size + server.state.securityGroups.size + server.state.keyPairs.size).toBe(0);
  });

  it("prices by Tencent's steps: hours 0–96, 96–360, beyond", async () => {
    server = await startServer({ zoneQuota: 100 });
    const p = await tencentLabPreflight(input({ instanceType: "SA5.MEDIUM4", hours: 400, count: 2 }));
    // 0.32 for 96 h, 0.27 for 264 h, 0.22 for 40 h (the stand-in's SA5.MEDIUM4, disk included)
    expect(p.price).toMatchObject({ hourly: 0.32, perHost: 110.8, total: 221.6 });
    expect(steppedCost({ ChargeUnit: "GB", UnitPriceDiscount: 0.8 }, 10)).toBe(0);
  });
});

describe("problems, as config errors before any resource", () => {
  it("more hosts than the zone's remaining quota: names the zone, the quota, the number asked and the fix", async () => {
    server = await startServer({ zoneQuota: 30 });
    const api = apiFor(server);
    await api.cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4", InstanceCount: 4 });
    const p = await tencentLabPreflight(input({ count: 60 }));
    expect(p.quota).toEqual({ total: 30, used: 4, remaining: 26 });
    expect(p.problems).toEqual([
      "berth:lab: 60 hosts are asked for in zone ap-guangzhou-3, but the account's pay-as-you-go instance quota there has 26 left (4 of 30 in use). " +
        "Shorten the roster, choose another zone (berth:host.zone), or ask Tencent Cloud to raise the zone's quota (console: CVM → quotas).",
    ]);
    // A lab that is up already holds its hosts' quota: only the hosts it adds count.
    expect((await tencentLabPreflight(input({ count: 30, existing: 4 }))).problems).toEqual([]);
    expect((await tencentLabPreflight(input({ count: 34, existing: 4 }))).problems[0]).toMatch(/^berth:lab: 30 more hosts are asked for in zone ap-guangzhou-3, but the account's pay-as-you-go instance quota there has 26 left/);
  });

  it("no room for the lab's security group, too many rules, no room for its key pair, an unknown size", async () => {
    server = await startServer({ securityGroupLimit: 2 });
    const api = apiFor(server);
    for (const n of [1, 2]) await api.vpc.request("CreateSecurityGroup", { GroupName: `other-${n}`, GroupDescription: "x" });
    await api.cvm.ImportKeyPair({ KeyName: "other", ProjectId: 0, PublicKey: PUBLIC_KEY });
    // 99 more key pairs of other users: the account is at Tencent's documented 100 (seeded, not imported, to keep the test fast).
    for (let n = 0; n < 99; n++) server.state.keyPairs.set(`skey-seed${String(n).padStart(4, "0")}`, { id: `skey-seed${n}`, region: REGION, name: `k${n}`, publicKey: `ssh-rsa AAAA${n}`, projectId: 0, createdTime: "2026-01-01T00:00:00Z" });
    const other = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCinstructor";
    const p = await tencentLabPreflight(input({ rules: 140, publicKey: other, instanceType: "Z9.HUGE1" }));
    expect(p.problems).toEqual([
      "berth:lab: region ap-guangzhou already holds 2 security groups, the account's limit (2), and the lab needs one. Delete unused security groups in the console (VPC → security groups) or ask Tencent Cloud to raise the limit.",
      "berth:host.allowSsh / berth:app.ports: the lab's security group needs 140 rules and Tencent Cloud allows 100 per group — allow fewer address ranges or publish fewer ports.",
      "berth:host.sshPublicKey: the account holds 100 key pairs, Tencent Cloud's limit (100), and the lab needs one for its key. Delete unused key pairs in the console (CVM → SSH keys).",
      "berth:host.size: Tencent Cloud could not price 20 × Z9.HUGE1 (image img-487zeit5) in ap-guangzhou-3: InvalidParameterValue.InstanceTypeNotFound — The instance type `Z9.HUGE1` does not exist. Choose an instance type and image the zone sells (berth:host.size, berth:host.image, berth:host.zone).",
    ]);
    expect(p.price).toBeUndefined();
    // The instructor's key already in the account needs no new key pair.
    expect((await tencentLabPreflight(input({ publicKey: PUBLIC_KEY }))).problems.some((x) => x.includes("key pairs"))).toBe(false);
  });

  it("a zone Tencent lists no quota for is named", async () => {
    server = await startServer();
    const p = await tencentLabPreflight(input({ zone: "ap-guangzhou-9" }));
    expect(p.problems[0]).toBe("berth:host.zone: Tencent Cloud lists no pay-as-you-go instance quota for zone ap-guangzhou-9 in ap-guangzhou — check the zone's name (like ap-guangzhou-3) and that it sells instances.");
  });

  it("wrong credentials are an error, not a quota problem", async () => {
    server = await startServer();
    await expect(tencentLabPreflight(input({ credentials: { secretId: SECRET_ID, secretKey: "wrong0000000000000000000000000000" } }))).rejects.toMatchObject({ code: "AuthFailure.SignatureFailure" });
  });
});
