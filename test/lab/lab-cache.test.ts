// A lab with its own cache (berth:cache in a lab stack), under Pulumi mocks: the cache host is made
// first, from the lab's template but running nothing else; every student's bootstrap puts it first
// in each mirror chain once its private address is known, the same shared bytes for every student
// plus their own key; on DigitalOcean the cache shares the lab's SSH key but not the lab firewall,
// and its port 80 is open to the private ranges only. What would break it is refused before any
// resource.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { render } from "../../src/bootstrap/render.js";
import { cacheUpstreams, labCacheHostConfig, useCache } from "../../src/cache/client.js";
import { withStudentKey } from "../../src/components/lab-user-data.js";
import { load, type StackConfig } from "../../src/config/load.js";
import { main } from "../../src/program.js";
import { PROJECT_DIR, PUBKEY } from "../helpers/config.js";
import { fakeKey, registered, reset, setConfig, settle, valueOf } from "./mocks.js";

const dir = mkdtempSync(join(tmpdir(), "berth-lab-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const roster = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const own = fakeKey("grace-own");
const ROSTER = roster("ml.csv", `id,name,ssh_public_key\ns002,Grace,${own}\ns001,Ada,\n`);
const FUTURE = "2099-01-15T18:00:00+08:00";
const KIT = "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1";
const BOOT = { mirror: { url: "http://mirror.berth.lab", dockerCeKeyFingerprint: KIT }, pip: { requirements: ["markupsafe==3.0.2"] } };
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

const loaded = (raw: Record<string, unknown>): StackConfig => {
  const r = load(raw, { baseDir: PROJECT_DIR, stack: "lab-test" });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
};
const byName = (n: string) => registered.find((r) => r.name === n)?.inputs ?? {};
const names = () => registered.map((r) => `${r.type} ${r.name}`).sort();

beforeEach(async () => {
  await settle();
  reset();
});

describe("a local lab with its own cache", () => {
  const config = { "berth:host": { provider: "local" }, "berth:bootstrap": BOOT, "berth:lab": { roster: ROSTER, expires: FUTURE, namePrefix: "ml" }, "berth:cache": { maxSize: "8g" } };

  it("makes the cache host first and boots every student through it", async () => {
    setConfig(config);
    const out = await main(PROJECT_DIR);
    await valueOf(out.students!);
    await settle();
    expect(names().filter((n) => /ml-cache/.test(n))).toEqual([
      "berth:index:CacheHost ml-cache", "berth:index:DockerHost ml-cache",
      "pulumi-nodejs:dynamic/berth:CacheServices ml-cache-cache", "pulumi-nodejs:dynamic/berth:LocalVm ml-cache-vm",
    ]);
    const template = loaded(config);
    // The cache host: the template's mirrors, no conda or requirements of its own, the lab's labels.
    const cacheVm = byName("ml-cache-vm");
    expect(cacheVm).toMatchObject({ vmName: "ml-cache", userData: render(labCacheHostConfig(template)).userData, labels: { "berth.lab": "ml", "berth.expires": "2099-01-15T10:00:00.000Z" } });
    expect(String(cacheVm.userData)).not.toContain("markupsafe");
    expect(byName("ml-cache-cache").layout).toEqual({ prefix: "berth-cache", network: "berth-cache", publish: "80", maxSize: "8g", upstreams: cacheUpstreams(template) });
    // Each student: the template through the cache at the cache VM's address, plus their own key.
    const url = await valueOf(out.cacheUrl!);
    expect(url).toMatch(/^http:\/\/172\.30\.0\.\d+$/);
    const shared = render(useCache(template, { url, name: "cache", dockerCeKeyFingerprint: KIT })).userData;
    expect(shared).toContain(`${url}/docker-ce`);
    expect(byName("ml-s002-vm").userData).toBe(withStudentKey(shared, own));
    expect(byName("ml-s001-vm").userData).toBe(withStudentKey(shared, fakeKey("berth-ml-s001")));
    expect(byName("ml-s002-vm").userData).not.toBe(withStudentKey(render(template).userData, own));
  });

  it("renders the same bytes for the same cache address, and other bytes for another", () => {
    const template = loaded(config);
    const at = (ip: string) => render(useCache(template, { url: `http://${ip}`, name: "cache", dockerCeKeyFingerprint: KIT })).userData;
    expect(at("172.30.0.9")).toBe(at("172.30.0.9"));
    expect(at("172.30.0.10")).not.toBe(at("172.30.0.9"));
  });

  it("is refused before any resource when a student's host would take the cache host's name", async () => {
    setConfig({ ...config, "berth:lab": { ...config["berth:lab"], roster: roster("clash.csv", "id\ns001\ncache\n") } });
    await expect(main(PROJECT_DIR)).rejects.toThrow('berth:lab.roster: student "cache" would get the host name ml-cache, which is the lab\'s cache host (berth:cache) — set another berth:lab.namePrefix');
    await settle();
    expect(registered.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });

  it("does not take another cache besides its own", () => {
    const r = load({ ...config, "berth:bootstrap": { ...BOOT, cache: "http://10.0.0.9" } }, { baseDir: PROJECT_DIR, stack: "lab-test" });
    expect(r).toEqual({ ok: false, errors: ["berth:bootstrap.cache: a lab with its own cache (berth:cache) puts that cache first on every student's host — remove berth:bootstrap.cache here, or remove berth:cache to use that other cache instead"] });
  });
});

describe("a DigitalOcean lab with its own cache", () => {
  const config = {
    "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY, size: "s-1vcpu-2gb", allowSsh: ["198.51.100.0/24"] },
    "berth:bootstrap": { mirror: "tuna" }, "berth:sshPrivateKey": "-----KEY-----",
    "berth:app": { image: "registry.example.org/app:v1", ports: ["80:8080"] },
    "berth:lab": { roster: ROSTER, expires: FUTURE, namePrefix: "ml" },
    "berth:cache": {},
  };

  it("shares the lab's SSH key, keeps out of the lab firewall, opens port 80 to the private ranges only", async () => {
    setConfig(config, ["berth:sshPrivateKey"]);
    const out = await main(PROJECT_DIR);
    await valueOf(out.students!);
    await settle();
    expect(names().filter((n) => n.startsWith("digitalocean"))).toEqual([
      "digitalocean:index/droplet:Droplet ml-cache-droplet", "digitalocean:index/droplet:Droplet ml-s001-droplet", "digitalocean:index/droplet:Droplet ml-s002-droplet",
      "digitalocean:index/firewall:Firewall ml-cache-firewall", "digitalocean:index/firewall:Firewall ml-firewall", "digitalocean:index/sshKey:SshKey ml-key",
    ]);
    expect(byName("ml-cache-droplet")).toMatchObject({ name: "ml-cache", sshKeys: ["aa:bb:cc"], tags: ["berth", "berth-lab-cache:ml", "berth-expires:2099-01-15T10-00-00Z"] });
    // The lab's firewall opens the app's port 80 to everyone: it applies by the tag the cache does not carry.
    expect(byName("ml-firewall")).toMatchObject({ tags: ["berth-lab:ml"] });
    const fw = byName("ml-cache-firewall");
    expect(fw.dropletIds).toEqual([expect.any(Number)]);
    expect(fw.inboundRules).toEqual([
      { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.0/24"] },
      { protocol: "tcp", portRange: "80", sourceAddresses: PRIVATE },
    ]);
    // No app on the cache host; the students reach it at its VPC address.
    expect(names().filter((n) => n.includes("AppDeployment"))).toEqual(["pulumi-nodejs:dynamic/berth:AppDeployment ml-s001-app", "pulumi-nodejs:dynamic/berth:AppDeployment ml-s002-app"]);
    const url = await valueOf(out.cacheUrl!);
    expect(url).toMatch(/^http:\/\/10\.104\.0\.\d+$/);
    expect(byName("ml-s002-droplet").userData).toEqual(expect.stringContaining(`${url}/docker-ce`));
    expect(byName("ml-s002-droplet").tags).toEqual(["berth", "berth-lab:ml", "berth-expires:2099-01-15T10-00-00Z"]);
  });

  it("counts the cache host in the lab's estimate", async () => {
    setConfig(config, ["berth:sshPrivateKey"]);
    const out = await main(PROJECT_DIR);
    expect((await valueOf(out.lab!)).estimate).toMatchObject({ hosts: 3 });
  });
});
