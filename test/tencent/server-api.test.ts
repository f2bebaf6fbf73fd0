// The stand-in answers like the real API for what berth uses: required parameters, UserData
// format and size, one direction per CreateSecurityGroupPolicies, resources in use, instance
// states. Called through the official SDK (so every request is also signature-checked).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TencentApi } from "../../src/components/tencent/client.js";
import type { TencentApiServer } from "./server.js";
import { PUBLIC_KEY, apiFor, startServer } from "./helpers.js";

let server: TencentApiServer;
let api: TencentApi;
beforeAll(async () => {
  server = await startServer();
  api = apiFor(server);
});
afterAll(() => server.stop());

const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: { code?: string }) => e.code);
const base = { Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4" };

describe("CVM", () => {
  it("RunInstances requires Placement.Zone, ImageId and InstanceType", async () => {
    expect(await codeOf(api.cvm.RunInstances({ ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4" }))).toBe("MissingParameter");
    expect(await codeOf(api.cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, InstanceType: "S5.MEDIUM4" }))).toBe("MissingParameter");
    expect(await codeOf(api.cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5" }))).toBe("MissingParameter");
    expect(server.requests.at(-1)?.signatureOk).toBe(true);
  });

  it("RunInstances wants base64 UserData of at most 16 KB", async () => {
    expect(await codeOf(api.cvm.RunInstances({ ...base, UserData: "#cloud-config\n" }))).toBe("InvalidParameterValue.InvalidUserDataFormat");
    expect(await codeOf(api.cvm.RunInstances({ ...base, UserData: "A".repeat(16 * 1024 + 4) }))).toBe("InvalidParameterValue.TooLarge");
    expect(server.state.instances.size).toBe(0);
  });

  it("an instance goes PENDING → RUNNING with a public IP, then TERMINATING → gone; terminating while PENDING is refused", async () => {
    const { InstanceIdSet } = await api.cvm.RunInstances({ ...base, InternetAccessible: { InternetMaxBandwidthOut: 1, PublicIpAssigned: true } });
    const id = InstanceIdSet![0]!;
    const describe = async () => (await api.cvm.DescribeInstances({ InstanceIds: [id] })).InstanceSet?.[0];
    expect(await codeOf(api.cvm.TerminateInstances({ InstanceIds: [id] }))).toBe("UnsupportedOperation.InstanceStatePending");
    expect((await describe())?.InstanceState).toBe("PENDING");
    expect((await describe())?.PublicIpAddresses).toBeNull();
    const running = await describe();
    expect(running).toMatchObject({ InstanceState: "RUNNING", PublicIpAddresses: [expect.stringMatching(/^203\.0\./)] });
    await api.cvm.TerminateInstances({ InstanceIds: [id] });
    expect(await codeOf(api.cvm.TerminateInstances({ InstanceIds: [id] }))).toBe("UnsupportedOperation.InstanceStateTerminating");
    expect((await describe())?.InstanceState).toBe("TERMINATING");
    expect((await describe())?.InstanceState).toBe("TERMINATING");
    expect(await describe()).toBeUndefined();
    expect(await codeOf(api.cvm.TerminateInstances({ InstanceIds: [id] }))).toBe("InvalidInstanceId.NotFound");
    expect(await codeOf(api.cvm.DescribeInstances({ InstanceIds: ["ins-1122"] }))).toBe("InvalidInstanceId.Malformed");
  });

  it("key pairs: name rules, duplicate public key, describe and delete", async () => {
    expect(await codeOf(api.cvm.ImportKeyPair({ KeyName: "has-dash", ProjectId: 0, PublicKey: PUBLIC_KEY }))).toBe("InvalidKeyPairNameIncludeIllegalChar");
    expect(await codeOf(api.cvm.ImportKeyPair({ KeyName: "k1", ProjectId: 0, PublicKey: "not a key" }))).toBe("InvalidPublicKey.Malformed");
    const { KeyId } = await api.cvm.ImportKeyPair({ KeyName: "k1", ProjectId: 0, PublicKey: PUBLIC_KEY });
    expect(await codeOf(api.cvm.ImportKeyPair({ KeyName: "k2", ProjectId: 0, PublicKey: PUBLIC_KEY }))).toBe("InvalidPublicKey.Duplicate");
    expect((await api.cvm.DescribeKeyPairs({ KeyIds: [KeyId!] })).KeyPairSet).toMatchObject([{ KeyId, KeyName: "k1", AssociatedInstanceIds: [] }]);
    await api.cvm.DeleteKeyPairs({ KeyIds: [KeyId!] });
    expect(await codeOf(api.cvm.DeleteKeyPairs({ KeyIds: [KeyId!] }))).toBe("InvalidKeyPairId.NotFound");
  });
});

describe("VPC (through CommonClient)", () => {
  it("creates one direction per request, validates rules, refuses deleting a group in use", async () => {
    const out = (await api.vpc.request("CreateSecurityGroup", { GroupName: "g", GroupDescription: "d" })) as any;
    const sg = out.SecurityGroup.SecurityGroupId as string;
    const rule = { Protocol: "TCP", Port: "22", CidrBlock: "0.0.0.0/0", Action: "ACCEPT" };
    const both = { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [rule], Egress: [rule] } };
    expect(await codeOf(api.vpc.request("CreateSecurityGroupPolicies", both))).toBe("InvalidParameter");
    const badCidr = { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ ...rule, CidrBlock: "10.0.0.300/8" }] } };
    expect(await codeOf(api.vpc.request("CreateSecurityGroupPolicies", badCidr))).toBe("InvalidParameterValue.Malformed");
    const v6InV4 = { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ ...rule, CidrBlock: "::/0" }] } };
    expect(await codeOf(api.vpc.request("CreateSecurityGroupPolicies", v6InV4))).toBe("InvalidParameterValue.Malformed");
    const badV6 = { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ Protocol: "TCP", Port: "22", Ipv6CidrBlock: "2001:db8::zz/32", Action: "ACCEPT" }] } };
    expect(await codeOf(api.vpc.request("CreateSecurityGroupPolicies", badV6))).toBe("InvalidParameterValue.Malformed");
    const bothBlocks = { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ ...rule, Ipv6CidrBlock: "::/0" }] } };
    expect(await codeOf(api.vpc.request("CreateSecurityGroupPolicies", bothBlocks))).toBe("InvalidParameterCombination");
    await api.vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [rule] } });
    const pol = (await api.vpc.request("DescribeSecurityGroupPolicies", { SecurityGroupId: sg })) as any;
    expect(pol.SecurityGroupPolicySet).toMatchObject({ Version: "1", Ingress: [{ ...rule, PolicyIndex: 0 }], Egress: [] });

    await api.cvm.RunInstances({ ...base, SecurityGroupIds: [sg] });
    expect(await codeOf(api.vpc.request("DeleteSecurityGroup", { SecurityGroupId: sg }))).toBe("ResourceInUse");
    expect(await codeOf(api.vpc.request("DeleteSecurityGroup", { SecurityGroupId: "sg-00000000" }))).toBe("ResourceNotFound");
  });
});

describe("fault injection", () => {
  it("fails the next N calls of one action with the given code, then recovers", async () => {
    server.failNext("DescribeKeyPairs", "RequestLimitExceeded", { times: 2 });
    expect(await codeOf(api.cvm.DescribeKeyPairs({}))).toBe("RequestLimitExceeded");
    expect(await codeOf(api.cvm.DescribeInstances({}))).toBe("ok");
    expect(await codeOf(api.cvm.DescribeKeyPairs({}))).toBe("RequestLimitExceeded");
    expect(await codeOf(api.cvm.DescribeKeyPairs({}))).toBe("ok");
  });
});
