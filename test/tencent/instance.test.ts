// The client layer over the OFFICIAL Tencent SDK against the local API stand-in (which verifies
// every TC3 signature): full create → read → delete cycle, throttling, failures and cleanup.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TencentApiError } from "../../src/components/tencent/errors.js";
import { createInstance, readInstance } from "../../src/components/tencent/instance.js";
import { deleteInstance } from "../../src/components/tencent/teardown.js";
import type { TencentApiServer } from "./server.js";
import { PUBLIC_KEY, SECRET_ID, SECRET_KEY, USER_DATA, apiFor, isEmpty, spec, startServer } from "./helpers.js";

let server: TencentApiServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.stop());

async function failure(p: Promise<unknown>): Promise<TencentApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TencentApiError);
  return e as TencentApiError;
}

describe("create → read → delete", () => {
  it("puts IPv6 ranges in Ipv6CidrBlock and IPv4 ranges in CidrBlock (berth's default allowSsh has both)", async () => {
    const api = apiFor(server);
    const host = await createInstance(api, spec({ sshCidrs: ["0.0.0.0/0", "::/0", "2001:db8::/32"], appPorts: [] }));
    const policies = (await api.vpc.request("DescribeSecurityGroupPolicies", { SecurityGroupId: host.securityGroupId })) as any;
    const ingress = policies.SecurityGroupPolicySet.Ingress.map((r: any) => `${r.Port} ${r.CidrBlock || "-"} ${r.Ipv6CidrBlock || "-"}`);
    expect(ingress).toEqual(["22 0.0.0.0/0 -", "22 - ::/0", "22 - 2001:db8::/32"]);
    await deleteInstance(api, host);
    expect(isEmpty(server)).toBe(true);
  });

  it("creates a running host with key pair, security group and base64 user-data, then removes everything", async () => {
    const api = apiFor(server);
    const host = await createInstance(api, spec());
    expect(host.state).toBe("RUNNING");
    expect(host.publicIp).toMatch(/^203\.0\.\d+\.\d+$/);
    expect(host.instanceId).toMatch(/^ins-[a-z0-9]{8}$/);

    // Every call was signed correctly and kept the production Host.
    expect(server.requests.every((r) => r.signatureOk)).toBe(true);
    expect(new Set(server.requests.map((r) => r.host))).toEqual(new Set(["cvm.tencentcloudapi.com", "vpc.tencentcloudapi.com"]));

    const [imp] = server.calls("ImportKeyPair");
    expect(imp?.params).toMatchObject({ PublicKey: PUBLIC_KEY, ProjectId: 0 });
    const run = server.calls("RunInstances");
    expect(run).toHaveLength(1);
    const p = run[0]!.params as Record<string, any>;
    expect(Buffer.from(p.UserData, "base64").toString("utf8")).toBe(USER_DATA);
    expect(p).toMatchObject({
      Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4",
      LoginSettings: { KeyIds: [host.keyId] }, SecurityGroupIds: [host.securityGroupId],
      InternetAccessible: { PublicIpAssigned: true, InternetMaxBandwidthOut: 10 },
    });
    // PENDING for two polls, RUNNING on the third.
    expect(server.calls("DescribeInstances")).toHaveLength(3);

    const policies = (await api.vpc.request("DescribeSecurityGroupPolicies", { SecurityGroupId: host.securityGroupId })) as any;
    const ingress = policies.SecurityGroupPolicySet.Ingress.map((r: any) => `${r.Protocol} ${r.Port} ${r.CidrBlock} ${r.Action}`);
    expect(ingress).toEqual([
      "TCP 22 203.0.113.0/24 ACCEPT", "TCP 22 198.51.100.7/32 ACCEPT", "TCP 8080 0.0.0.0/0 ACCEPT", "TCP 8888 0.0.0.0/0 ACCEPT",
    ]);
    expect(policies.SecurityGroupPolicySet.Egress).toMatchObject([{ Protocol: "ALL", CidrBlock: "0.0.0.0/0", Action: "ACCEPT" }, { Protocol: "ALL", Ipv6CidrBlock: "::/0", Action: "ACCEPT" }]);

    const status = await api.cvm.DescribeInstancesStatus({ InstanceIds: [host.instanceId] });
    expect(status.InstanceStatusSet).toEqual([{ InstanceId: host.instanceId, InstanceState: "RUNNING" }]);
    const read = await readInstance(api, host.instanceId);
    expect(read).toMatchObject({ state: "RUNNING", publicIp: host.publicIp, zone: "ap-guangzhou-3", keyIds: [host.keyId] });

    await deleteInstance(api, host);
    expect(isEmpty(server)).toBe(true);
    // The security group was deleted only once the instance was gone: never refused as in use.
    expect(server.calls("DeleteSecurityGroup").map((r) => r.errorCode)).toEqual([undefined]);
    expect(await readInstance(api, host.instanceId)).toBeUndefined();
    await expect(deleteInstance(api, host)).resolves.toBeUndefined(); // already gone: tolerated
  });

  it("retries RequestLimitExceeded with backoff and creates exactly one instance", async () => {
    server.failNext("RunInstances", "RequestLimitExceeded", { times: 2 });
    server.failNext("CreateSecurityGroup", "RequestLimitExceeded.UinLimitExceeded");
    const host = await createInstance(apiFor(server), spec());
    expect(host.state).toBe("RUNNING");
    const run = server.calls("RunInstances");
    expect(run.map((r) => r.errorCode)).toEqual(["RequestLimitExceeded", "RequestLimitExceeded", undefined]);
    expect(new Set(run.map((r) => (r.params as any).ClientToken)).size).toBe(1);
    expect(server.state.instances.size).toBe(1);
  });

  it("gives up on throttling after the configured attempts, with a clear message, leaving nothing", async () => {
    server.failNext("ImportKeyPair", "RequestLimitExceeded", { times: 10 });
    const e = await failure(createInstance(apiFor(server, { retry: { attempts: 3, baseMs: 1, maxMs: 2 } }), spec()));
    expect(e.code).toBe("RequestLimitExceeded");
    expect(e.message).toMatch(/^Tencent Cloud ImportKeyPair failed after 3 attempts: RequestLimitExceeded — /);
    expect(server.calls("ImportKeyPair")).toHaveLength(3);
    expect(isEmpty(server)).toBe(true);
  });
});

describe("failures surface clearly and leave nothing half-made", () => {
  it("InvalidAccount.InsufficientBalance on RunInstances: code, message, RequestId; key and group cleaned up", async () => {
    server.failNext("RunInstances", "InvalidAccount.InsufficientBalance", { message: "Insufficient account balance." });
    const e = await failure(createInstance(apiFor(server), spec()));
    const rid = server.calls("RunInstances")[0]!.requestId;
    expect(e.message).toContain(`Tencent Cloud RunInstances failed: InvalidAccount.InsufficientBalance — Insufficient account balance. (RequestId ${rid})`);
    expect(e.message).toContain("Top up the Tencent Cloud account");
    expect(e).toMatchObject({ action: "RunInstances", code: "InvalidAccount.InsufficientBalance", requestId: rid });
    expect(server.calls("DeleteSecurityGroup")).toHaveLength(1);
    expect(server.calls("DeleteKeyPairs")).toHaveLength(1);
    expect(isEmpty(server)).toBe(true);
  });

  it("user-data over 16 KB after base64 is refused by the API as InvalidParameterValue.TooLarge, with the hint", async () => {
    const e = await failure(createInstance(apiFor(server), spec({ userData: "x".repeat(12_289) })));
    expect(e.code).toBe("InvalidParameterValue.TooLarge");
    expect(e.message).toMatch(/RunInstances failed: InvalidParameterValue\.TooLarge — UserData is 16388 bytes after base64; the limit is 16384\. \(RequestId [0-9a-f-]{36}\) A value is over Tencent's limit: the user-data may be at most 16 KB after base64 \(trim the bootstrap config\)/);
    expect(isEmpty(server)).toBe(true);
  });

  it("ResourceInsufficient.SpecifiedInstanceType and a zone outside the region are explained", async () => {
    server.failNext("RunInstances", "ResourceInsufficient.SpecifiedInstanceType", { message: "The specified instance type is sold out." });
    const sold = await failure(createInstance(apiFor(server), spec()));
    expect(sold.message).toContain("Choose another zone or instance type");
    const zone = await failure(createInstance(apiFor(server), spec({ zone: "ap-shanghai-2" })));
    expect(zone.code).toBe("InvalidZone.MismatchRegion");
    expect(isEmpty(server)).toBe(true);
  });

  it("never puts credentials in error text", async () => {
    server.failNext("ImportKeyPair", "InvalidParameterValue", { message: `echoing ${SECRET_KEY} and ${SECRET_ID}` });
    const echoed = await failure(createInstance(apiFor(server), spec()));
    expect(echoed.message).toContain("echoing [REDACTED] and [REDACTED]");
    const wrongKey = "wrongSecretKey0000000000000000000000";
    const bad = await failure(readInstance(apiFor(server, { secretKey: wrongKey }), "ins-aaaaaaaa"));
    expect(bad.code).toBe("AuthFailure.SignatureFailure");
    const unknown = await failure(readInstance(apiFor(server, { secretId: "AKIDunknown0000000000000000000" }), "ins-aaaaaaaa"));
    expect(unknown.code).toBe("AuthFailure.SecretIdNotFound");
    for (const e of [echoed, bad, unknown]) {
      const text = `${e.message}\n${e.stack}\n${JSON.stringify(e)}`;
      for (const secret of [SECRET_KEY, SECRET_ID, wrongKey, "AKIDunknown0000000000000000000"]) expect(text).not.toContain(secret);
    }
  });
});

describe("shared public key (every host of a lab gets the instructor's key)", () => {
  it("reuses the imported key pair and deletes it with the last host", async () => {
    const api = apiFor(server);
    const a = await createInstance(api, spec({ name: "lab-01" }));
    const b = await createInstance(api, spec({ name: "lab-02" }));
    expect(server.calls("ImportKeyPair").map((r) => r.errorCode)).toEqual([undefined, "InvalidPublicKey.Duplicate"]);
    expect(b).toMatchObject({ keyId: a.keyId, keyOwned: false });
    await deleteInstance(api, a);
    expect(server.state.keyPairs.has(a.keyId)).toBe(true); // still used by lab-02
    await deleteInstance(api, b);
    expect(isEmpty(server)).toBe(true);
  });
});

describe("the endpoint shape", () => {
  it("an endpoint with a port (cvm.tencentcloudapi.com:PORT) fails verification: the SDK signs the hostname, sends host:port", async () => {
    const { cvm } = await import("tencentcloud-sdk-nodejs-cvm");
    const http = await import("node:http");
    const agent = new http.Agent({ lookup: (_h: string, _o: unknown, cb: any) => cb(null, [{ address: "127.0.0.1", family: 4 }]) } as any);
    const client = new cvm.v20170312.Client({
      credential: { secretId: SECRET_ID, secretKey: SECRET_KEY }, region: "ap-guangzhou",
      profile: { httpProfile: { endpoint: `cvm.tencentcloudapi.com:${server.port}`, protocol: "http://", agent } },
    });
    const e = await client.DescribeInstances({}).then(() => undefined, (err: any) => err);
    expect(e?.code).toBe("AuthFailure.SignatureFailure");
    expect(server.requests.at(-1)?.host).toBe(`cvm.tencentcloudapi.com:${server.port}`);
  });
});
