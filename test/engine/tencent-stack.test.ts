// The Tencent Cloud stack (stacks/Pulumi.tencent.yaml) under the real Pulumi engine, against the
// local Tencent API stand-in (test/tencent/server.ts), which verifies every TC3 signature the
// official SDK makes. `tencentcloud:endpoint` points the provider at it; the credentials are
// stack secrets, set the way a user sets them.
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TencentApiServer } from "../tencent/server.js";
import { isEmpty, PUBLIC_KEY, SECRET_ID, SECRET_KEY, startServer } from "../tencent/helpers.js";
import { stackConfig } from "../helpers/config.js";
import { render } from "../../src/bootstrap/render.js";
import { opsOf, PulumiProject } from "./pulumi.js";

const STACK = "tencent";
const project = new PulumiProject("tencent");
let server: TencentApiServer | undefined;

beforeAll(async () => {
  // One poll PENDING before RUNNING, one TERMINATING before gone: the provider's waits run.
  server = await startServer({ pendingPolls: 1, terminatingPolls: 1 });
  await project.ok(["stack", "init", STACK]);
  await project.ok(["config", "set", "--stack", STACK, "--secret", "tencentcloud:secretId"], { stdin: SECRET_ID });
  await project.ok(["config", "set", "--stack", STACK, "--secret", "tencentcloud:secretKey"], { stdin: SECRET_KEY });
  await project.ok(["config", "set", "--stack", STACK, "tencentcloud:endpoint", api().url]);
  // Tencent imports OpenSSH RSA keys only: the user's own RSA public key, set the way a user sets it.
  await project.ok(["config", "set", "--stack", STACK, "--path", "berth:host.sshPublicKey", PUBLIC_KEY]);
});

afterAll(async () => {
  try {
    if (server) {
      const r = await project.run(["destroy", "--yes", "--stack", STACK]);
      if (r.code !== 0) console.error(r.stdout, r.stderr);
      await server.stop();
    }
  } finally {
    project.remove();
  }
});

/** The stand-in (started in beforeAll). */
const api = (): TencentApiServer => {
  if (!server) throw new Error("the Tencent API stand-in did not start");
  return server;
};
const mutating = () => api().requests.filter((r) => !/^Describe/.test(r.action)).map((r) => r.action);

describe.sequential("pulumi on the Tencent Cloud stack, against the local API stand-in", () => {
  it("pulumi preview plans the instance and calls no mutating API", async () => {
    const r = await project.withEvents(["preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps)).toEqual(["create berth:index:DockerHost", "create pulumi-nodejs:dynamic/berth:TencentInstance", "create pulumi:providers:pulumi-nodejs", "create pulumi:pulumi:Stack"]);
    expect(mutating()).toEqual([]);
    expect(isEmpty(api())).toBe(true);
    // The example stack keeps the default allowSsh: the preview says so.
    expect(r.stdout).toContain("berth:host.allowSsh lets the whole internet (0.0.0.0/0, ::/0) reach SSH (port 22) on this host.");
  });

  it("pulumi up creates the key pair, security group and instance through the official SDK", async () => {
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps)).toEqual(["create berth:index:DockerHost", "create pulumi-nodejs:dynamic/berth:TencentInstance", "create pulumi:providers:pulumi-nodejs", "create pulumi:pulumi:Stack"]);
    const s = api().state;
    expect([s.instances.size, s.keyPairs.size, s.securityGroups.size]).toEqual([1, 1, 1]);
    const inst = [...s.instances.values()][0]!;
    const key = [...s.keyPairs.values()][0]!;
    const sg = [...s.securityGroups.values()][0]!;
    const cfg = stackConfig("tencent");
    expect(inst).toMatchObject({ region: "ap-guangzhou", zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4", state: "RUNNING", bandwidthOut: 5 });
    expect(inst.keyIds).toEqual([key.id]);
    expect(inst.securityGroupIds).toEqual([sg.id]);
    expect(key.publicKey).toBe(PUBLIC_KEY);
    expect(sg.ingress.some((p) => p.Port === "22" && p.Action === "ACCEPT")).toBe(true);
    // The instance boots with exactly what `berth render` makes for this stack, gzip-compressed
    // to fit the 16 KB (cloud-init unpacks it).
    expect(inst.userData).toBe(render(cfg).userDataBase64);
    expect(gunzipSync(Buffer.from(inst.userData ?? "", "base64")).toString("utf8")).toBe(render(cfg).userData);
    // Every call was signed with the stack's secret key (the stand-in refuses anything else).
    expect(api().requests.length).toBeGreaterThan(3);
    expect(new Set(api().requests.map((q) => q.secretId))).toEqual(new Set([SECRET_ID]));

    const out = await project.outputs(STACK);
    expect(out.publicIp).toBe(inst.publicIp);
    expect(out.ssh).toBe(`ssh -p 22 ubuntu@${inst.publicIp}`);
    expect(out.mirrors).toEqual({ dockerCe: ["tencent-internal", "tencent"], installer: ["tuna"], conda: ["tuna"], pypi: ["tencent"] });
  });

  it("keeps the secret key out of the state", async () => {
    const backend = project.backendText();
    expect(backend).toContain("TencentInstance");
    // Booleans, not toContain: a failure must not print the key into the test log.
    expect(backend.includes(SECRET_KEY)).toBe(false);
    expect((await project.exportText(STACK, { showSecrets: true })).includes(SECRET_KEY)).toBe(true);
  });

  it("pulumi up again changes nothing and calls no mutating API", async () => {
    const before = mutating().length;
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(new Set(r.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    expect(mutating().length).toBe(before);
  });

  it("pulumi destroy terminates the instance and removes the key pair and security group", async () => {
    const r = await project.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps)).toEqual(["delete berth:index:DockerHost", "delete pulumi-nodejs:dynamic/berth:TencentInstance", "delete pulumi:providers:pulumi-nodejs", "delete pulumi:pulumi:Stack"]);
    expect(isEmpty(api())).toBe(true);
    expect(mutating()).toEqual(expect.arrayContaining(["TerminateInstances", "DeleteKeyPairs", "DeleteSecurityGroup"]));
    expect(await project.resources(STACK)).toEqual([]);
  });
});
