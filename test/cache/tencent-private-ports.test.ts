// A cache host's security group on Tencent Cloud, through the official SDK against the local API
// stand-in (which verifies every TC3 signature): port 80 from the private ranges only.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInstance } from "../../src/components/tencent/instance.js";
import { tencentInstanceProvider, type TencentInstanceOutputs } from "../../src/components/tencent/provider.js";
import { deleteInstance } from "../../src/components/tencent/teardown.js";
import { PRIVATE_RANGES } from "../../src/config/sections/cache.js";
import type { TencentApiServer } from "../tencent/server.js";
import { apiFor, isEmpty, spec, startServer } from "../tencent/helpers.js";

let server: TencentApiServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.stop());

describe("a cache host's security group", () => {
  it("lets SSH in from allowSsh and port 80 from the lab's private ranges, nothing from the internet", async () => {
    const api = apiFor(server);
    const host = await createInstance(api, spec({ sshCidrs: ["198.51.100.0/24"], appPorts: [], appUdpPorts: [], privatePorts: [80], privateCidrs: [...PRIVATE_RANGES] }));
    expect(server.requests.every((r) => r.signatureOk)).toBe(true);
    const policies = (await api.vpc.request("DescribeSecurityGroupPolicies", { SecurityGroupId: host.securityGroupId })) as { SecurityGroupPolicySet: { Ingress: Record<string, string>[]; Egress: Record<string, string>[] } };
    const ingress = policies.SecurityGroupPolicySet.Ingress.map((r) => `${r.Protocol} ${r.Port} ${r.CidrBlock || r.Ipv6CidrBlock} ${r.Action}`);
    expect(ingress).toEqual(["TCP 22 198.51.100.0/24 ACCEPT", "TCP 80 10.0.0.0/8 ACCEPT", "TCP 80 172.16.0.0/12 ACCEPT", "TCP 80 192.168.0.0/16 ACCEPT"]);
    await deleteInstance(api, host);
    expect(isEmpty(server)).toBe(true);
  });

  it("treats a state from before private ports as having none (no replacement), and a new private port as a replacement", async () => {
    const old = { region: "ap-guangzhou", zone: "ap-guangzhou-3", imageId: "img-1", instanceType: "S5.MEDIUM4", userData: "x", publicKey: "k", instanceName: "c", sshCidrs: [], appPorts: [], appCidrs: [], bandwidthOut: 5, systemDiskGb: 50 } as unknown as TencentInstanceOutputs;
    expect((await tencentInstanceProvider.diff("ins-1", old, { ...old, privatePorts: [], privateCidrs: [] })).changes).toBe(false);
    expect((await tencentInstanceProvider.diff("ins-1", old, { ...old, privatePorts: [80], privateCidrs: ["10.0.0.0/8"] })).replaces).toEqual(["privatePorts", "privateCidrs"]);
  });
});
