// TencentInstance (the dynamic.Resource subclass) under Pulumi mocks: declared outputs resolve
// (class fields would shadow them), credentials travel as secrets, defaults are filled in.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { TencentInstance as TencentInstanceType } from "../../src/components/tencent/provider.js";

const registered: { type: string; name: string; inputs: Record<string, any> }[] = [];
let TencentInstance: typeof TencentInstanceType;

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: "ins-mock0001", state: { ...args.inputs, instanceId: "ins-mock0001", publicIp: "203.0.113.9", state: "RUNNING" } };
      },
      call: (args) => args.inputs,
    },
    "berth",
    "tencent",
  );
  ({ TencentInstance } = await import("../../src/components/tencent/provider.js"));
});

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("TencentInstance", () => {
  it("registers a dynamic resource whose declared outputs resolve and whose credentials are secret", async () => {
    const host = new TencentInstance("lab-07", {
      region: "ap-guangzhou", zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4",
      userData: "#cloud-config\n", publicKey: "ssh-ed25519 AAAA lab", appPorts: [8080],
      secretId: "AKIDmock", secretKey: pulumi.output("mock-secret-key"),
    });
    expect(await value(host.publicIp)).toBe("203.0.113.9");
    expect(await value(host.instanceId)).toBe("ins-mock0001");
    expect(await value(host.state)).toBe("RUNNING");
    const r = registered.find((x) => x.name === "lab-07")!;
    expect(r.type).toBe("pulumi-nodejs:dynamic/berth:TencentInstance");
    expect(r.inputs).toMatchObject({ instanceName: "lab-07", sshCidrs: ["0.0.0.0/0"], appCidrs: ["0.0.0.0/0"], bandwidthOut: 10, systemDiskGb: 50 });
    expect(typeof r.inputs.__provider).toBe("string");
    // Secret inputs reach mocks wrapped, never as the plain string.
    const SECRET_SIG = "4dabf18193072939515e22adb298388d";
    expect(r.inputs.secretKey).toEqual({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "mock-secret-key" });
    expect(r.inputs.secretId).toEqual({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "AKIDmock" });
    expect(r.inputs.userData).toBe("#cloud-config\n");
  });
});
