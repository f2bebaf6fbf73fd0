// Tencent labs through berth's program under Pulumi mocks, with the Tencent lab layer connected and
// its preflight asking the local Tencent API server: what the program builds, the quota and rule
// checks before any resource (exact messages), the hosts a zone holds already, credentials that
// are missing; and, on every provider, a lab host keeping the bootstrap it was made with.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { render } from "../../src/bootstrap/render.js";
import { load, type StackConfig } from "../../src/config/load.js";
import type { LabConfig } from "../../src/config/lab.js";
import { main } from "../../src/program.js";
import { Lab } from "../../src/components/lab.js";
import { bootstrapDigest, bootstrapOf, userDataSha1 } from "../../src/components/lab-bootstrap.js";
import { labStartProvider } from "../../src/components/lab-start.js";
import { studentUserData } from "../../src/components/lab-user-data.js";
import { labInitCommand } from "../../src/cli/lab.js";
import { loadStackFile } from "../../src/config/stackfile.js";
import { olderBootstrap, olderBootstrapNote } from "../../src/lab/notes.js";
import { PROJECT_DIR, PUBKEY } from "../helpers/config.js";
import type { TencentApiServer } from "../tencent/server.js";
import { PUBLIC_KEY, SECRET_ID, SECRET_KEY, apiFor, startServer } from "../tencent/helpers.js";
import { recordedUserData, registered, reset, setConfig, settle, valueOf } from "./mocks.js";

const dir = mkdtempSync(join(tmpdir(), "berth-li-tencent-lab-"));
const ROSTER = join(dir, "ml.csv");
writeFileSync(ROSTER, "id,name\ns001,Ada\ns002,Grace\ns003,Linus\n");
const HOST = { provider: "tencentcloud", region: "ap-guangzhou", zone: "ap-guangzhou-3", image: "img-487zeit5", size: "S5.MEDIUM4", sshPublicKey: PUBLIC_KEY, allowSsh: ["203.0.113.0/24"], bandwidth: 5 };
const LAB = { roster: ROSTER, expires: "2099-01-15T18:00:00+08:00", namePrefix: "ml" };
let server: TencentApiServer | undefined;
const api = () => server!;
const config = (o: { host?: object; lab?: object; credentials?: boolean } = {}) => {
  const c = {
    "berth:host": { ...HOST, ...o.host }, "berth:bootstrap": { mirror: "tencent" }, "berth:lab": { ...LAB, ...o.lab },
    "tencentcloud:endpoint": api().url, ...(o.credentials === false ? {} : { "tencentcloud:secretId": SECRET_ID, "tencentcloud:secretKey": SECRET_KEY }),
  };
  setConfig(c, ["tencentcloud:secretId", "tencentcloud:secretKey"]);
};
const of = (type: string) => registered.filter((r) => r.type === type);
const NET = "pulumi-nodejs:dynamic/berth:TencentLabNetwork";
const INSTANCE = "pulumi-nodejs:dynamic/berth:TencentInstance";
const mutating = () => api().requests.filter((r) => !/^(Describe|InquiryPrice)/.test(r.action));

beforeAll(async () => {
  server = await startServer({ zoneQuota: 3 });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await settle();
  reset();
  api().state.instances.clear();
  api().requests.length = 0;
});

describe("a Tencent lab through berth's program and the Tencent lab layer", () => {
  it("one lab network, lab-mode hosts with the network's group, key pair and expiry; the preflight asks Tencent", async () => {
    config();
    const out = await main(PROJECT_DIR);
    await settle();
    expect(of(NET).map((r) => [r.name, r.inputs.name, r.inputs.sshCidrs])).toEqual([["ml-net", "ml", ["203.0.113.0/24"]]]);
    const hosts = of(INSTANCE).sort((a, b) => a.name.localeCompare(b.name));
    expect(hosts.map((r) => r.name)).toEqual(["ml-s001-cvm", "ml-s002-cvm", "ml-s003-cvm"]);
    for (const h of hosts) expect(h.inputs).toMatchObject({ securityGroupId: "sg-mock0001", keyId: "skey-mock0001", expiresAt: "2099-01-15T10:00:00.000Z", endpoint: api().url });
    expect((await valueOf(out.lab!)).estimate).toMatchObject({ hosts: 3, hourly: 0.34, currency: "CNY" });
    expect(api().requests.map((r) => r.action).sort()).toEqual(["DescribeAccountQuota", "DescribeInstances", "DescribeKeyPairs", "DescribeSecurityGroupLimits", "DescribeSecurityGroups", "InquiryPriceRunInstances"]);
    expect(api().requests.every((r) => r.signatureOk && r.secretId === SECRET_ID)).toBe(true);
  });

  it("a roster over the zone's remaining quota is a config error naming zone, quota, count and fix, before any resource", async () => {
    api().state.options.zoneQuotas["ap-guangzhou-4"] = 2;
    config({ host: { zone: "ap-guangzhou-4" } });
    await expect(main(PROJECT_DIR)).rejects.toThrow(
      "the stack config has 1 problem(s):\n  berth:lab: 3 hosts are asked for in zone ap-guangzhou-4, but the account's pay-as-you-go instance quota there has 2 left (0 of 2 in use). Shorten the roster, choose another zone (berth:host.zone), or ask Tencent Cloud to raise the zone's quota (console: CVM → quotas).",
    );
    await settle();
    expect(registered.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it("hosts the zone holds under the lab's names hold their quota already (an up that failed part-way wrote no outputs)", async () => {
    const cvm = apiFor(api());
    for (const name of ["ml-s001", "ml-s002"])
      await cvm.cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-487zeit5", InstanceType: "S5.MEDIUM4", InstanceName: name });
    api().requests.length = 0;
    config(); // quota 3, 2 in use, no outputs to say they are the lab's
    await main(PROJECT_DIR);
    await settle();
    expect(of(INSTANCE)).toHaveLength(3);
  });

  it("a security group past Tencent's 100 rules per group is refused at preview", async () => {
    const cidrs = Array.from({ length: 99 }, (_, i) => `198.51.${i}.0/24`);
    config({ host: { allowSsh: cidrs } });
    await expect(main(PROJECT_DIR)).rejects.toThrow(
      "the stack config has 1 problem(s):\n  berth:host.allowSsh / berth:app.ports: the lab's security group needs 101 rules and Tencent Cloud allows 100 per group — allow fewer address ranges or publish fewer ports.",
    );
  });

  it("without credentials: one config error saying how to set them, no stack trace", async () => {
    const { TENCENTCLOUD_SECRET_ID: _i, TENCENTCLOUD_SECRET_KEY: _k } = process.env;
    delete process.env.TENCENTCLOUD_SECRET_ID;
    delete process.env.TENCENTCLOUD_SECRET_KEY;
    config({ credentials: false });
    const e = await main(PROJECT_DIR).then(() => undefined, (x: Error) => x);
    expect(pulumi.RunError.isInstance(e)).toBe(true);
    expect(e?.message).toBe(
      "the stack config has 1 problem(s):\n  berth:lab: berth asks Tencent Cloud for the zone's quota and the price before it makes anything, and could not: Tencent Cloud credentials are missing: set them with `pulumi config set tencentcloud:secretId …` and `pulumi config set --secret tencentcloud:secretKey …`, or export TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY.",
    );
    expect(api().requests).toEqual([]);
  });
});

describe("a lab host keeps the bootstrap it was made with", () => {
  function labConfig(host: object): StackConfig & { lab: LabConfig } {
    const r = load({ "berth:host": host, "berth:bootstrap": { mirror: "tencent" }, "berth:lab": LAB }, { baseDir: PROJECT_DIR, stack: "lab-test" });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.config as StackConfig & { lab: LabConfig };
  }
  const cases: [string, object, string, string[]][] = [
    ["tencentcloud", HOST, INSTANCE, ["userData", "userDataBase64", "userDataParts"]],
    ["local", { provider: "local" }, "pulumi-nodejs:dynamic/berth:LocalVm", ["userData"]],
    ["digitalocean", { provider: "digitalocean", sshPublicKey: PUBKEY }, "digitalocean:index/droplet:Droplet", ["userData"]],
  ];

  it.each(cases)("%s: the host resource ignores changes to its user-data inputs, and its student's key replaces it", async (_p, host, type, inputs) => {
    const cfg = labConfig(host);
    const seen: { name: string; opts: pulumi.CustomResourceOptions }[] = [];
    const record: pulumi.ResourceTransformation = (a) => {
      if (a.type === type) seen.push({ name: a.name, opts: a.opts as pulumi.CustomResourceOptions });
      return undefined;
    };
    new Lab("ml", { config: cfg, rendered: render(cfg), expiresAt: "2099-01-15T10:00:00.000Z", sshPrivateKey: "k" }, { transformations: [record] });
    await settle();
    expect(seen.map((s) => s.name).sort()).toEqual(["s001", "s002", "s003"].map((id) => `ml-${id}-${{ tencentcloud: "cvm", local: "vm", digitalocean: "droplet" }[_p]}`));
    for (const s of seen) {
      expect(s.opts.ignoreChanges).toEqual(inputs);
      const id = s.name.split("-")[1]!;
      // Each student's key from berth's LabKey (the mocks make it from the key's comment): its type and data, not its comment.
      expect(await valueOf(s.opts.replacementTrigger as pulumi.Output<string>)).toMatch(new RegExp(`^ssh-ed25519 AAAA[A-Za-z0-9+/=]+$`));
      expect(await valueOf(s.opts.replacementTrigger as pulumi.Output<string>)).not.toContain(`berth-ml-${id}`);
    }
  });

  it("the students output records the bootstrap each host was made with; preview counts the older ones and gives the command", async () => {
    const cfg = labConfig(HOST);
    const now = render(cfg);
    const before = render(labConfig({ ...HOST, os: "debian-12", image: "img-487zeit5" }));
    expect(before.userData).not.toBe(now.userData);
    // ml-s002's and ml-s003's hosts were made by an earlier bootstrap: ml-s002's by a berth that
    // recorded the text, ml-s003's by one that records the text's SHA-1 (a Tencent lab host now).
    const lab = new Lab("ml", { config: cfg, rendered: now, expiresAt: "2099-01-15T10:00:00.000Z", sshPrivateKey: "k" });
    await settle();
    const keyOf = (id: string) => valueOf(lab.students).then((s) => s[id]!.publicKey);
    reset();
    recordedUserData["ml-s002-cvm"] = studentUserData(before, "tencentcloud", await keyOf("s002")).userData;
    recordedUserData["ml-s003-cvm"] = userDataSha1(studentUserData(before, "tencentcloud", await keyOf("s003")).userData);
    const again = new Lab("ml", { config: cfg, rendered: now, expiresAt: "2099-01-15T10:00:00.000Z", sshPrivateKey: "k" });
    const students = await valueOf(again.students);
    expect(Object.fromEntries(Object.entries(students).map(([id, s]) => [id, s.bootstrap]))).toEqual({ s001: bootstrapDigest(now.userData), s002: bootstrapDigest(before.userData), s003: "older" });
    const older = olderBootstrap(cfg.lab, { students }, bootstrapDigest(now.userData));
    expect(older.map((s) => s.id)).toEqual(["s002", "s003"]);
    expect(olderBootstrapNote(cfg.lab, older, "urn:pulumi:lab-test::berth::berth:index:Lab$berth:index:DockerHost$pulumi-nodejs:dynamic/berth:TencentInstance::ml-s002-cvm")).toBe(
      "lab ml: 2 of 3 hosts (ml-s002, ml-s003) keep the bootstrap they were made with, older than the one berth renders now (a berth upgrade or a berth:bootstrap change): pulumi up leaves their user-data alone so their students keep their work, and only new students' hosts get the new one. " +
        "To rebuild a host with it — everything on it is lost — replace it by its URN (pulumi stack --show-urns lists them): pulumi up --replace 'urn:pulumi:lab-test::berth::berth:index:Lab$berth:index:DockerHost$pulumi-nodejs:dynamic/berth:TencentInstance::ml-s002-cvm'",
    );
    // A student whose key changed is replaced anyway (with the new bootstrap): not counted.
    expect(olderBootstrap(cfg.lab, { students: { s002: { ...students.s002!, keySource: "roster", publicKey: PUBKEY } } }, bootstrapDigest(now.userData))).toEqual([]);
  });

  it("reads what a provider records: the text, a SHA-1 of it (as the DigitalOcean provider keeps user_data), or nothing", () => {
    const expected = "#cloud-config\nruncmd: [x]\nssh_authorized_keys:\n  - ssh-ed25519 AAAA k\n";
    const current = bootstrapDigest("#cloud-config\nruncmd: [x]\n");
    expect(bootstrapOf(expected, expected, current)).toBe(current);
    expect(bootstrapOf("d3c1a5e1b1f9d7b5b2a8c0c9a7b8f2e3d4c5b6a7", expected, current)).toBe("older");
    expect(bootstrapOf(undefined, expected, current)).toBe("unknown");
    expect(bootstrapOf("#cloud-config\nruncmd: [y]\nssh_authorized_keys:\n  - ssh-ed25519 AAAA k\n", expected, current)).toBe(bootstrapDigest("#cloud-config\nruncmd: [y]\n"));
    // The SHA-1 of today's text is today's.
    expect(bootstrapOf(createHash("sha1").update(expected).digest("hex"), expected, current)).toBe(current);
  });
});

describe("LabStart", () => {
  it("keeps the start it was made with, whatever later runs offer, and serializes", async () => {
    expect(await labStartProvider.create({ startedAt: "2099-01-01T00:00:00.000Z" })).toEqual({ id: "started-2099-01-01T00:00:00.000Z", outs: { startedAt: "2099-01-01T00:00:00.000Z" } });
    expect(await labStartProvider.diff()).toEqual({ changes: false });
    await expect(pulumi.runtime.serializeFunction(() => labStartProvider)).resolves.toBeDefined();
  });
});

describe("berth lab init --provider tencentcloud", () => {
  it("writes a Tencent lab that loads, with an RSA admin key (mode 0600) as Tencent's ImportKeyPair takes it", async () => {
    const project = join(dir, "init");
    const keys = join(dir, "keys");
    const out = { out: "", err: "" };
    const io = { stdout: (s: string) => void (out.out += s), stderr: (s: string) => void (out.err += s) };
    expect(await labInitCommand({ provider: "tencentcloud", dir: project, name: "ml-2027", keyDir: keys }, io)).toBe(0);
    expect(out.out).toContain("(3 example students)");
    const pub = readFileSync(join(keys, "berth_ml-2027.pub"), "utf8").trim();
    expect(pub).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ berth-lab-ml-2027$/);
    expect(statSync(join(keys, "berth_ml-2027")).mode & 0o777).toBe(0o600);
    const loaded = loadStackFile(join(project, "stacks/Pulumi.ml-2027.yaml"));
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    expect(loaded.config.host).toMatchObject({ provider: "tencentcloud", zone: "ap-guangzhou-3", sshPublicKey: pub });
    expect(loaded.config.lab).toMatchObject({ namePrefix: "ml-2027", budget: { amount: 1000, currency: "CNY" } });
    expect(readFileSync(join(project, "stacks/Pulumi.ml-2027.yaml"), "utf8")).toContain("pulumi config set --secret tencentcloud:secretKey");
  });

  it("names the providers it has templates for", async () => {
    const out = { out: "", err: "" };
    const io = { stdout: (s: string) => void (out.out += s), stderr: (s: string) => void (out.err += s) };
    expect(await labInitCommand({ provider: "existing", dir: join(dir, "x"), name: "ml" }, io)).toBe(2);
    expect(out.err).toBe('berth lab init: --provider must be local, digitalocean or tencentcloud (got "existing")\n');
  });
});
