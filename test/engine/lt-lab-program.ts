// A small lab program for the engine tier and bench/lab-tencent.ts (the Lab component of the
// course-labs work builds the real one): one TencentLabNetwork and one lab-mode TencentInstance
// per student, from stack config. Copied into a temporary copy of the project (same path) and run there.
//
//   lab:students  "s01,s02,…"  (or lab:count N → s001…)
//   lab:expires   ISO-8601 UTC (optional)
//   lab:publicKey the instructor's OpenSSH RSA key
//   lab:floor     "true": N no-op dynamic resources instead (the bench's floor)
import * as pulumi from "@pulumi/pulumi";
import { TencentLabNetwork } from "../../src/components/tencent/lab-network-provider.js";
import { TencentInstance } from "../../src/components/tencent/provider.js";

const lab = new pulumi.Config("lab");
const tc = new pulumi.Config("tencentcloud");
const count = lab.getNumber("count");
const students = count !== undefined ? Array.from({ length: count }, (_, n) => `s${String(n + 1).padStart(3, "0")}`) : lab.require("students").split(",");

class Nothing implements pulumi.dynamic.ResourceProvider {
  async create(inputs: Record<string, unknown>) {
    return { id: String(inputs.name), outs: inputs };
  }
}
const nothing = new Nothing();
class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(nothing, name, props, {});
  }
}

export const hosts: Record<string, pulumi.Output<string>> = {};
if (lab.getBoolean("floor")) {
  for (const s of students) hosts[s] = new Noop(`lt-${s}`, { name: s }).urn;
} else {
  const credentials = { secretId: tc.requireSecret("secretId"), secretKey: tc.requireSecret("secretKey"), endpoint: tc.require("endpoint") };
  const net = new TencentLabNetwork("lt-net", {
    region: "ap-guangzhou", name: "lt", publicKey: lab.require("publicKey"), sshCidrs: ["203.0.113.0/24"], appPorts: [8888], ...credentials,
  });
  const expires = lab.get("expires");
  for (const s of students) {
    const host = new TencentInstance(`lt-${s}`, {
      region: "ap-guangzhou", zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4",
      userData: `#cloud-config\nhostname: lt-${s}\n`, publicKey: lab.require("publicKey"), instanceName: `lt-${s}`,
      sshCidrs: ["203.0.113.0/24"], appPorts: [8888], bandwidthOut: 5,
      securityGroupId: net.securityGroupId, keyId: net.keyId, ...(expires ? { expiresAt: expires } : {}), ...credentials,
    });
    hosts[s] = host.publicIp;
  }
}
