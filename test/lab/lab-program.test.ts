// The lab program under Pulumi mocks: one DockerHost per student from one rendered bootstrap, the
// student's key in each host's user-data, what each provider shares, the outputs (secrets apart),
// and the checks that stop a lab before any resource: an expiry in the past, an estimate over
// budget, a Tencent zone without quota.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { render } from "../../src/bootstrap/render.js";
import { load, type StackConfig } from "../../src/config/load.js";
import type { LabConfig } from "../../src/config/lab.js";
import { main } from "../../src/program.js";
import { labProgram } from "../../src/lab/program.js";
import { fromParts, withStudentKey, type UserDataParts } from "../../src/components/lab-user-data.js";
import { bootstrapDigest, userDataSha1 } from "../../src/components/lab-bootstrap.js";
import type { LabPreflightInput, TencentLabParts } from "../../src/components/lab-tencent.js";
import { labKeyProvider } from "../../src/components/lab-key.js";
import { PROJECT_DIR, PUBKEY, RSA_PUBKEY } from "../helpers/config.js";
import { fakeKey, previous, registered, reset, setConfig, settle, valueOf } from "./mocks.js";

const dir = mkdtempSync(join(tmpdir(), "berth-lab-program-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const own = fakeKey("grace-own");
const roster = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const ROSTER = roster("ml.csv", `id,name,ssh_public_key\ns002,Grace,${own}\ns001,Ada,\ns003,Linus,\n`);
const FUTURE = "2099-01-15T18:00:00+08:00";
const BOOT = { mirror: { url: "http://mirror.berth.lab" } };
const APP = { image: "registry.berth.lab:5000/berth/app:v1", ports: ["8080:8080"] };

function labConfig(raw: Record<string, unknown>): StackConfig & { lab: LabConfig } {
  const r = load(raw, { baseDir: PROJECT_DIR, stack: "lab-test" });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config as StackConfig & { lab: LabConfig };
}
const of = (type: string) => registered.filter((r) => r.type === type);
const names = () => registered.map((r) => `${r.type} ${r.name}`).sort();

beforeEach(async () => {
  await settle();
  reset();
});

describe("a local lab", () => {
  const config = { "berth:host": { provider: "local" }, "berth:bootstrap": BOOT, "berth:app": APP, "berth:lab": { roster: ROSTER, expires: FUTURE, namePrefix: "ml" } };

  it("one host per student, named by id; berth makes keys for students without one", async () => {
    setConfig(config);
    const out = await main(PROJECT_DIR);
    const students = await valueOf(out.students!);
    await settle();
    expect(names()).toEqual([
      "berth:index:DockerHost ml-s001", "berth:index:DockerHost ml-s002", "berth:index:DockerHost ml-s003", "berth:index:Lab ml",
      "pulumi-nodejs:dynamic/berth:AppDeployment ml-s001-app", "pulumi-nodejs:dynamic/berth:AppDeployment ml-s002-app", "pulumi-nodejs:dynamic/berth:AppDeployment ml-s003-app",
      "pulumi-nodejs:dynamic/berth:LabKey ml-s001-key", "pulumi-nodejs:dynamic/berth:LabKey ml-s003-key",
      "pulumi-nodejs:dynamic/berth:LocalVm ml-s001-vm", "pulumi-nodejs:dynamic/berth:LocalVm ml-s002-vm", "pulumi-nodejs:dynamic/berth:LocalVm ml-s003-vm",
      // The lab reads its own last outputs (to warn about keys that changed and students removed).
      "pulumi:pulumi:StackReference organization/berth/lab-test",
    ]);
    // The bootstrap is the lab's, rendered once; each VM adds its student's key and carries the lab's labels.
    const shared = render(labConfig(config)).userData;
    const vm = (n: string) => registered.find((r) => r.name === `ml-${n}-vm`)?.inputs ?? {};
    expect(vm("s002")).toEqual({ vmName: "ml-s002", userData: withStudentKey(shared, own), labels: { "berth.lab": "ml", "berth.expires": "2099-01-15T10:00:00.000Z" }, timeoutSeconds: 900 });
    expect(vm("s001").userData).toBe(withStudentKey(shared, fakeKey("berth-ml-s001")));
    expect(withStudentKey(shared, own)).toBe(`${shared}ssh_authorized_keys:\n  - ${own}\n`);
    expect(students.s002).toEqual({ id: "s002", name: "Grace", email: "", hostName: "ml-s002", host: "127.0.0.1", user: "debian", port: expect.any(Number), ssh: expect.stringMatching(/^ssh -p \d+ debian@127\.0\.0\.1$/), hostKeyFingerprint: "SHA256:ml-s002-vm", appUrl: expect.stringMatching(/^http:\/\/172\.30\.0\.\d+:8080\/$/), keySource: "roster", publicKey: own, bootstrap: bootstrapDigest(shared) });
    expect(students.s001?.keySource).toBe("berth");
    // Private keys only in the secret output, only berth's own.
    expect(pulumi.Output.isInstance(out.studentKeys) && (await (out.studentKeys as unknown as { isSecret: Promise<boolean> }).isSecret)).toBe(true);
    expect(await valueOf(out.studentKeys!)).toEqual({ s001: "PRIVATE-berth-ml-s001", s003: "PRIVATE-berth-ml-s003" });
    expect(JSON.stringify(students)).not.toContain("PRIVATE");
    expect(await valueOf(out.lab!)).toEqual({
      name: "ml", provider: "local", roster: ROSTER, students: 3, expiresAt: "2099-01-15T10:00:00.000Z", expires: "2099-01-15T10:00:00Z",
      estimate: expect.objectContaining({ hosts: 3, total: 0, currency: undefined }), budget: null, handouts: "handouts/lab-test",
    });
    expect(out.publicIp).toBeUndefined();
  });

  it("a row's position in the roster changes nothing", async () => {
    setConfig(config);
    await main(PROJECT_DIR);
    await settle();
    const first = registered.map((r) => JSON.stringify(r)).sort();
    reset();
    const shuffled = roster("shuffled.csv", `id,name,ssh_public_key\n\ns003,Linus,\ns001,Ada,\ns002,Grace,${own}\n`);
    setConfig({ ...config, "berth:lab": { ...config["berth:lab"], roster: shuffled } });
    await main(PROJECT_DIR);
    await settle();
    expect(registered.map((r) => JSON.stringify(r)).sort()).toEqual(first);
  });

  it("a duration counts from the lab's first creation, kept in the stack's own outputs", async () => {
    previous.outputs = { lab: { startedAt: "2099-01-01T00:00:00.000Z" } };
    setConfig({ ...config, "berth:lab": { ...config["berth:lab"], expires: "14d" } });
    const out = await main(PROJECT_DIR);
    expect(await valueOf(out.lab!)).toMatchObject({ startedAt: "2099-01-01T00:00:00.000Z", expiresAt: "2099-01-15T00:00:00.000Z" });
    await settle();
    expect(of("pulumi:pulumi:StackReference").map((r) => r.name)).toEqual(["organization/berth/lab-test"]);
    // The start is kept by a LabStart, which every host's expiry reads.
    expect(of("pulumi-nodejs:dynamic/berth:LabStart").map((r) => [r.name, r.inputs])).toEqual([["ml-start", { startedAt: "2099-01-01T00:00:00.000Z" }]]);
    expect(of("pulumi-nodejs:dynamic/berth:LocalVm").map((r) => (r.inputs.labels as Record<string, string>)["berth.expires"])).toEqual(Array(3).fill("2099-01-15T00:00:00.000Z"));
  });

  it("an expiry in the past is refused before any resource", async () => {
    setConfig({ ...config, "berth:lab": { ...config["berth:lab"], expires: "2020-06-30T18:00:00+08:00" } });
    await expect(main(PROJECT_DIR)).rejects.toThrow(
      "the stack config has 1 problem(s):\n  berth:lab.expires: the lab ended at 2020-06-30T10:00:00Z — set a later berth:lab.expires to keep it, or destroy it: npx berth lab reap --stack stacks/Pulumi.lab-test.yaml (or pulumi destroy)",
    );
    await settle();
    expect(registered).toEqual([]);
  });
});

describe("a DigitalOcean lab", () => {
  const config = {
    "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY, size: "s-1vcpu-2gb", allowSsh: ["198.51.100.0/24"] },
    "berth:bootstrap": { mirror: "tuna" }, "berth:sshPrivateKey": "-----KEY-----",
    "berth:lab": { roster: ROSTER, expires: FUTURE, namePrefix: "ml" },
  };

  it("shares one SSH key and one firewall (by tag); each droplet carries the lab's tags", async () => {
    setConfig(config, ["berth:sshPrivateKey"]);
    await main(PROJECT_DIR);
    await settle();
    expect(names().filter((n) => n.startsWith("digitalocean"))).toEqual([
      "digitalocean:index/droplet:Droplet ml-s001-droplet", "digitalocean:index/droplet:Droplet ml-s002-droplet", "digitalocean:index/droplet:Droplet ml-s003-droplet",
      "digitalocean:index/firewall:Firewall ml-firewall", "digitalocean:index/sshKey:SshKey ml-key",
    ]);
    const fw = registered.find((r) => r.name === "ml-firewall")?.inputs;
    expect(fw).toMatchObject({ name: "ml-berth", tags: ["berth-lab:ml"], inboundRules: [{ protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.0/24"] }] });
    const droplet = registered.find((r) => r.name === "ml-s002-droplet")?.inputs;
    expect(droplet).toMatchObject({ name: "ml-s002", sshKeys: ["aa:bb:cc"], tags: ["berth", "berth-lab:ml", "berth-expires:2099-01-15T10-00-00Z"], userData: expect.stringContaining(`ssh_authorized_keys:\n  - ${own}\n`) });
  });

  it("an estimate over budget fails before any resource, with the numbers", async () => {
    const big = roster("big.csv", `id\n${Array.from({ length: 40 }, (_, i) => `s${String(i + 1).padStart(3, "0")}`).join("\n")}\n`);
    setConfig({ ...config, "berth:host": { ...config["berth:host"], size: "s-2vcpu-4gb" }, "berth:lab": { roster: big, expires: "336h", budget: { amount: 400, currency: "USD" } } }, ["berth:sshPrivateKey"]);
    await expect(main(PROJECT_DIR)).rejects.toThrow(
      "the stack config has 1 problem(s):\n  berth:lab.budget: the lab would cost about 479.94 USD (40 hosts × 0.03571 USD/h × 336 h, from DigitalOcean's price list (berth's table, checked 2026-11-27)), over its budget of 400.00 USD — shorten the roster, end the lab sooner (berth:lab.expires), choose a smaller berth:host.size, or raise the budget",
    );
    await settle();
    expect(registered.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });

  it("a size berth has no price for cannot be checked against a budget", async () => {
    setConfig({ ...config, "berth:host": { ...config["berth:host"], size: "g-2vcpu-8gb" }, "berth:lab": { ...config["berth:lab"], budget: { amount: 400, currency: "USD" } } }, ["berth:sshPrivateKey"]);
    await expect(main(PROJECT_DIR)).rejects.toThrow(/berth:host\.size: berth's DigitalOcean price table \(checked 2026-11-27\) has no price for g-2vcpu-8gb, so the lab's cost cannot be checked against berth:lab\.budget — choose one of s-1vcpu-512mb-10gb, /);
  });
});

describe("a Tencent Cloud lab, through the lab layer's interface", () => {
  class FakeNet extends pulumi.CustomResource {
    declare readonly securityGroupId: pulumi.Output<string>;
    declare readonly keyId: pulumi.Output<string>;
    constructor(n: string, a: object, o: pulumi.CustomResourceOptions) {
      super("berth:test:TencentLabNetwork", n, { ...a, securityGroupId: undefined, keyId: undefined }, o);
    }
  }
  class FakeInstance extends pulumi.CustomResource {
    declare readonly publicIp: pulumi.Output<string>;
    declare readonly userData: pulumi.Output<string>;
    constructor(n: string, a: object, o: pulumi.CustomResourceOptions) {
      super("berth:test:TencentInstance", n, { ...a, publicIp: undefined }, o);
    }
  }
  const asked: LabPreflightInput[] = [];
  const parts = (problems: string[] = []): TencentLabParts => ({
    network: (n, a, o) => new FakeNet(n, a, o),
    instance: (n, a, o) => new FakeInstance(n, a, o),
    preflight: async (input) => {
      asked.push(input);
      return { quota: { total: 30, used: 0, remaining: 30 }, price: { currency: "CNY", hourly: 0.5, perHost: 0.5 * input.hours, total: 0.5 * input.hours * input.count }, problems };
    },
  });
  const cfg = labConfig({
    "berth:host": { provider: "tencentcloud", region: "ap-guangzhou", zone: "ap-guangzhou-3", image: "img-487zeit5", size: "S5.MEDIUM4", sshPublicKey: RSA_PUBKEY },
    "berth:bootstrap": { mirror: "tencent" }, "berth:lab": { roster: ROSTER, expires: FUTURE, namePrefix: "ml", budget: { amount: 100000, currency: "CNY" } },
  });

  it("one shared network; lab-mode hosts with the shared group, key pair and expiry; the price from the preflight", async () => {
    const now = new Date("2099-01-01T10:00:00Z");
    const out = await labProgram({ config: cfg, rendered: render(cfg), sshPrivateKey: "k", tencent: { endpoint: "http://127.0.0.1:9" }, tencentParts: parts(), now });
    await settle();
    expect(of("berth:test:TencentLabNetwork").map((r) => [r.name, r.inputs])).toEqual([["ml-net", { region: "ap-guangzhou", name: "ml", publicKey: RSA_PUBKEY, sshCidrs: ["0.0.0.0/0", "::/0"], appPorts: [], appUdpPorts: [], appCidrs: ["0.0.0.0/0"], endpoint: "http://127.0.0.1:9" }]]);
    const hosts = of("berth:test:TencentInstance");
    expect(hosts.map((r) => r.name).sort()).toEqual(["ml-s001-cvm", "ml-s002-cvm", "ml-s003-cvm"]);
    expect(hosts.find((r) => r.name === "ml-s002-cvm")?.inputs).toMatchObject({
      instanceName: "ml-s002", zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4", publicKey: RSA_PUBKEY,
      securityGroupId: "sg-lab0001", keyId: "skey-lab0001", expiresAt: "2099-01-15T10:00:00.000Z",
    });
    // The user-data as parts — the lab's files without berth's bootstrap script, the student's key —
    // that rebuild the text, and the SHA-1 of the text (what the host records); not the bytes.
    const sent = hosts.find((r) => r.name === "ml-s002-cvm")!.inputs;
    const text = withStudentKey(render(cfg).userData, own);
    expect(sent.userData).toBe(userDataSha1(text));
    expect(sent).not.toHaveProperty("userDataBase64");
    const given = sent.userDataParts as UserDataParts;
    expect(given.files.map((f) => f.path)).toEqual(render(cfg).files.slice(0, -1).map((f) => f.path));
    expect(given.studentKey).toBe(own);
    expect(fromParts(given)).toBe(text);
    // The preflight is asked with the lab's host names (the zone's instances under them are the lab's) and its rule count: SSH from 0.0.0.0/0 and ::/0, two egress rules.
    expect(asked.at(-1)).toMatchObject({ region: "ap-guangzhou", zone: "ap-guangzhou-3", instanceType: "S5.MEDIUM4", imageId: "img-487zeit5", count: 3, existing: 0, hours: 336, hostNames: ["ml-s002", "ml-s001", "ml-s003"], rules: 4 });
    expect((await valueOf(out.lab)).estimate).toMatchObject({ hosts: 3, hours: 336, hourly: 0.5, total: 504, currency: "CNY" });
  });

  it("the preflight's problems stop the lab before any resource", async () => {
    const quota = "berth:lab: 3 hosts are asked for in zone ap-guangzhou-3, but the account's pay-as-you-go instance quota there has 2 left (28 of 30 in use). Shorten the roster, …";
    await expect(labProgram({ config: cfg, rendered: render(cfg), tencentParts: parts([quota]), now: new Date("2099-01-01T10:00:00Z") })).rejects.toThrow(`the stack config has 1 problem(s):\n  ${quota}`);
    await settle();
    expect(registered.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });
});

describe("LabKey", () => {
  it("makes an ed25519 pair once, keeps it, and serializes", async () => {
    const made = await labKeyProvider.create({ comment: "berth-ml-s001" });
    expect(made.outs?.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA[A-Za-z0-9+/]+ berth-ml-s001$/);
    expect(made.outs?.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(await labKeyProvider.diff()).toEqual({ changes: false });
    await expect(pulumi.runtime.serializeFunction(() => labKeyProvider)).resolves.toBeDefined();
  });
});
