// The TencentInstance dynamic provider: serializable (the guard every dynamic provider gets),
// working after deserialization in a plain Node process as Pulumi's provider host runs it, and
// create / read / diff / update / delete called directly against the local API stand-in.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type TencentInstanceInputs, type TencentInstanceOutputs, tencentInstanceProvider as provider } from "../../src/components/tencent/provider.js";
import type { TencentApiServer } from "./server.js";
import { ED25519_KEY, PUBLIC_KEY, SECRET_ID, SECRET_KEY, USER_DATA, isEmpty, startServer } from "./helpers.js";

let server: TencentApiServer;
beforeEach(async () => {
  // Instances are RUNNING on the first poll and gone on the first poll after termination,
  // so the provider's default 3 s poll interval is never waited on.
  server = await startServer({ pendingPolls: 0, terminatingPolls: 0 });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.stop();
});

function inputs(overrides: Partial<TencentInstanceInputs> = {}): TencentInstanceInputs {
  return {
    region: "ap-guangzhou", zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4",
    userData: USER_DATA, publicKey: PUBLIC_KEY, instanceName: "lab-07", sshCidrs: ["0.0.0.0/0"], appPorts: [8080], appUdpPorts: [],
    appCidrs: ["0.0.0.0/0"], bandwidthOut: 5, systemDiskGb: 50, secretId: SECRET_ID, secretKey: SECRET_KEY, endpoint: server.url,
    ...overrides,
  };
}

describe("serialization", () => {
  it("serializes the provider object (guard against capturing native objects, secrets, or the per-process limits and batches)", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => provider);
    // The methods load their code by name when they run; nothing of the SDK or of the shared registries is captured.
    expect(sf.text).toContain('"components/tencent/host-ops.ts"');
    for (const captured of ["tencentcloud-sdk-nodejs-cvm", "CallLimiter", "InstanceBatcher", SECRET_KEY]) expect(sf.text).not.toContain(captured);
  });

  it("the serialized provider creates and deletes a host from a plain Node process, credentials from env", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => provider);
    const dir = mkdtempSync(join(tmpdir(), "berth-tencent-"));
    writeFileSync(join(dir, "provider.js"), sf.text);
    const { secretId: _i, secretKey: _k, ...noCreds } = inputs();
    writeFileSync(join(dir, "inputs.json"), JSON.stringify(noCreds));
    // As Pulumi's dynamic provider host does: require-from-string, then handler().
    const script = `
      const fs = require("fs"), path = require("path");
      const p = require("require-from-string")(fs.readFileSync(path.join(process.argv[1], "provider.js"), "utf8")).handler();
      const inputs = JSON.parse(fs.readFileSync(path.join(process.argv[1], "inputs.json"), "utf8"));
      (async () => {
        const c = await p.create(inputs);
        const r = await p.read(c.id, c.outs);
        await p.delete(c.id, c.outs);
        console.log(JSON.stringify({ id: c.id, ip: c.outs.publicIp, state: r.props.state }));
      })().catch((e) => { console.error(String(e.message)); process.exit(1); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, dir], {
      cwd: process.cwd(),
      env: { ...process.env, TENCENTCLOUD_SECRET_ID: SECRET_ID, TENCENTCLOUD_SECRET_KEY: SECRET_KEY },
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ id: expect.stringMatching(/^ins-/), ip: expect.stringMatching(/^203\.0\./), state: "RUNNING" });
    expect(server.requests.every((r) => r.signatureOk)).toBe(true);
    expect(isEmpty(server)).toBe(true);
  });
});

describe("serialized errors", () => {
  it("the serialized provider refuses a non-RSA key and a non-loopback endpoint before any call", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => provider);
    const dir = mkdtempSync(join(tmpdir(), "berth-tencent-"));
    writeFileSync(join(dir, "provider.js"), sf.text);
    writeFileSync(join(dir, "inputs.json"), JSON.stringify([inputs({ publicKey: ED25519_KEY }), inputs({ endpoint: "http://203.0.113.5:80" })]));
    const script = `
      const fs = require("fs"), path = require("path");
      const p = require("require-from-string")(fs.readFileSync(path.join(process.argv[1], "provider.js"), "utf8")).handler();
      const all = JSON.parse(fs.readFileSync(path.join(process.argv[1], "inputs.json"), "utf8"));
      (async () => {
        const out = [];
        for (const i of all) out.push(await p.create(i).then(() => "created", (e) => e.message));
        console.log(JSON.stringify(out));
      })();`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, dir], { cwd: process.cwd() }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const [key, endpoint] = JSON.parse(stdout) as string[];
    expect(key).toMatch(/^berth:host\.sshPublicKey: Tencent Cloud imports only OpenSSH RSA public keys \(ssh-rsa …\), and this is an ssh-ed25519 key\./);
    expect(endpoint).toMatch(/^tencentcloud:endpoint must be http:\/\/127\.0\.0\.1:PORT .* got "http:\/\/203\.0\.113\.5:80"/);
    expect(server.requests).toEqual([]);
  });

  it("a failed call in the serialized provider carries Tencent's code and message, as the provider host reports it", async () => {
    // Pulumi's serializer turns `class TencentApiError extends Error` into a function whose super
    // call sets nothing on the instance; the provider host sends `e.message` to the engine.
    server.failNext("RunInstances", "InvalidAccount.InsufficientBalance", { message: "Insufficient account balance." });
    const sf = await pulumi.runtime.serializeFunction(() => provider);
    const dir = mkdtempSync(join(tmpdir(), "berth-tencent-"));
    writeFileSync(join(dir, "provider.js"), sf.text);
    writeFileSync(join(dir, "inputs.json"), JSON.stringify(inputs({ sshCidrs: ["0.0.0.0/0", "::/0"] })));
    const script = `
      const fs = require("fs"), path = require("path");
      const p = require("require-from-string")(fs.readFileSync(path.join(process.argv[1], "provider.js"), "utf8")).handler();
      const inputs = JSON.parse(fs.readFileSync(path.join(process.argv[1], "inputs.json"), "utf8"));
      p.create(inputs).then(() => console.log("created"), (e) => console.log(JSON.stringify({ message: e.message, name: e.name, code: e.code })));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, dir], { cwd: process.cwd() }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const out = JSON.parse(stdout);
    expect(out.name).toBe("TencentApiError");
    expect(out.code).toBe("InvalidAccount.InsufficientBalance");
    expect(out.message).toMatch(/^Tencent Cloud RunInstances failed: InvalidAccount\.InsufficientBalance — Insufficient account balance\. \(RequestId [0-9a-f-]{36}\) Top up/);
    expect(out.message).not.toContain(SECRET_KEY);
    expect(isEmpty(server)).toBe(true);
  });
});

describe("provider methods against the stand-in", () => {
  it("create → read → delete, credentials from secret inputs", async () => {
    const c = await provider.create!(inputs());
    const outs = c.outs as TencentInstanceOutputs;
    expect(c.id).toBe(outs.instanceId);
    expect(outs).toMatchObject({ state: "RUNNING", keyOwned: true, publicIp: expect.stringMatching(/^203\.0\./) });
    expect(outs.securityGroupId).toMatch(/^sg-/);
    expect(Buffer.from((server.calls("RunInstances")[0]!.params as any).UserData, "base64").toString()).toBe(USER_DATA);

    const r = await provider.read!(c.id, outs);
    expect(r).toMatchObject({ id: c.id, props: { state: "RUNNING", publicIp: outs.publicIp } });

    await provider.delete!(c.id, outs);
    expect(isEmpty(server)).toBe(true);
    expect(await provider.read!(c.id, outs)).toMatchObject({ id: "" });
  });

  it("reads credentials from TENCENTCLOUD_SECRET_ID/KEY when inputs carry none, and says what to set when neither does", async () => {
    const { secretId: _i, secretKey: _k, ...noCreds } = inputs();
    vi.stubEnv("TENCENTCLOUD_SECRET_ID", SECRET_ID);
    vi.stubEnv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY);
    const c = await provider.create!(noCreds as TencentInstanceInputs);
    expect(c.outs).not.toHaveProperty("secretKey");
    await provider.delete!(c.id, c.outs!);
    vi.stubEnv("TENCENTCLOUD_SECRET_ID", "");
    vi.stubEnv("TENCENTCLOUD_SECRET_KEY", "");
    await expect(provider.create!(noCreds as TencentInstanceInputs)).rejects.toThrow(/tencentcloud:secretKey.*TENCENTCLOUD_SECRET_KEY/);
    expect(isEmpty(server)).toBe(true);
  });

  it("a failed create rejects with the Tencent code and RequestId and leaves nothing", async () => {
    server.failNext("RunInstances", "InvalidAccount.InsufficientBalance", { message: "Insufficient account balance." });
    const err = await provider.create!(inputs()).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/RunInstances failed: InvalidAccount\.InsufficientBalance — Insufficient account balance\. \(RequestId [0-9a-f-]{36}\)/);
    expect(err?.message).not.toContain(SECRET_KEY);
    expect(isEmpty(server)).toBe(true);
  });

  it("diff: replace on image, instance type, zone, user-data; credentials update in place", async () => {
    const olds = { ...inputs(), instanceId: "ins-aaaaaaaa" } as TencentInstanceOutputs;
    expect(await provider.diff!("ins-aaaaaaaa", olds, inputs())).toMatchObject({ changes: false, replaces: [] });
    for (const [k, v] of [["imageId", "img-00000000"], ["instanceType", "S5.LARGE8"], ["zone", "ap-guangzhou-6"], ["userData", "#cloud-config\n"]] as const) {
      expect(await provider.diff!("ins-aaaaaaaa", olds, inputs({ [k]: v }))).toMatchObject({ changes: true, replaces: [k] });
    }
    const rotated = await provider.diff!("ins-aaaaaaaa", olds, inputs({ secretKey: "rotated" }));
    expect(rotated).toMatchObject({ changes: true, replaces: [] });
    const updated = await provider.update!("ins-aaaaaaaa", olds, inputs({ secretKey: "rotated" }));
    expect(updated.outs).toMatchObject({ instanceId: "ins-aaaaaaaa", secretKey: "rotated" });
  });
});

describe("app ports keep their protocol", () => {
  it("TCP and UDP app ports become TCP and UDP rules of the security group", async () => {
    const c = await provider.create!(inputs({ appPorts: [8080], appUdpPorts: [53, 4789], sshCidrs: ["198.51.100.0/24"] }));
    const group = server.state.securityGroups.get((c.outs as TencentInstanceOutputs).securityGroupId)!;
    expect(group.ingress.map((r) => `${r.Protocol} ${r.Port} ${r.CidrBlock} ${r.PolicyDescription}`)).toEqual([
      "TCP 22 198.51.100.0/24 ssh", "TCP 8080 0.0.0.0/0 app 8080", "UDP 53 0.0.0.0/0 app 53/udp", "UDP 4789 0.0.0.0/0 app 4789/udp",
    ]);
    await provider.delete!(c.id, c.outs!);
    expect(isEmpty(server)).toBe(true);
  });

  it("diff: a state written before appUdpPorts existed means no UDP ports; a new UDP port replaces the host", async () => {
    const { appUdpPorts: _u, ...older } = inputs();
    const olds = { ...older, instanceId: "ins-aaaaaaaa" } as TencentInstanceOutputs;
    expect(await provider.diff!("ins-aaaaaaaa", olds, inputs())).toMatchObject({ changes: false, replaces: [] });
    expect(await provider.diff!("ins-aaaaaaaa", olds, inputs({ appUdpPorts: [53] }))).toMatchObject({ changes: true, replaces: ["appUdpPorts"] });
  });
});
