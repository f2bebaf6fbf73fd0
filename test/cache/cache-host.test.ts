// A cache host under Pulumi mocks: the cache's port 80 is open only to the lab's private ranges
// (DigitalOcean firewall, Tencent security-group inputs), the cache's services get the stack's
// own mirrors as upstreams, and the outputs hold what the lab's hosts need.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cacheServicesProvider } from "../../src/components/cache-services.js";
import { program } from "../../src/program.js";
import { PROJECT_DIR, PUBKEY } from "../helpers/config.js";
import { PUBLIC_KEY as RSA_PUBKEY } from "../tencent/helpers.js";

const registered: { type: string; name: string; inputs: Record<string, any> }[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra =
          args.type === "digitalocean:index/droplet:Droplet" ? { ipv4Address: "203.0.113.5", ipv4AddressPrivate: "10.104.0.7" }
          : args.type === "pulumi-nodejs:dynamic/berth:TencentInstance" ? { publicIp: "203.0.113.77", privateIp: "172.16.0.9" }
          : args.type === "pulumi-nodejs:dynamic/berth:CacheServices" ? { imageRef: "berth-local/cache:0123456789abcdef", containers: [] }
          : {};
        return { id: args.type === "digitalocean:index/droplet:Droplet" ? "4242" : `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: (args) => args.inputs,
    },
    "berth",
    "lab-cache",
    false,
  );
});
beforeEach(() => {
  registered.length = 0;
});

function run(config: Record<string, unknown>) {
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])), ["berth:sshPrivateKey"]);
  return program(PROJECT_DIR);
}
const settle = async () => {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
};
const of = <T>(o: pulumi.Output<T> | undefined) => new Promise<T>((resolve) => o?.apply((v) => (resolve(v), v)));
const byType = (t: string) => registered.filter((r) => r.type === t);
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

describe("a cache host on DigitalOcean", () => {
  it("opens port 80 to the lab's private ranges only, and reaches SSH as any host does", async () => {
    const out = run({ "berth:host": { provider: "digitalocean", name: "lab-cache", sshPublicKey: PUBKEY, allowSsh: ["198.51.100.0/24"] }, "berth:bootstrap": { mirror: ["aliyun", "tuna"] }, "berth:cache": {}, "berth:sshPrivateKey": "PRIVATE" });
    await settle();
    const [fw] = byType("digitalocean:index/firewall:Firewall");
    expect(fw?.inputs.inboundRules).toEqual([
      { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.0/24"] },
      { protocol: "tcp", portRange: "80", sourceAddresses: PRIVATE },
    ]);
    expect(JSON.stringify(fw?.inputs.inboundRules)).not.toContain("0.0.0.0/0");
    expect(await of(out.cacheUrl)).toBe("http://10.104.0.7");
    expect(await of(out.cacheClient)).toEqual({ url: "http://10.104.0.7", name: "cache" });
  });

  it("gives the cache's services the stack's own mirrors as upstreams, over SSH to the droplet", async () => {
    run({ "berth:host": { provider: "digitalocean", name: "lab-cache", sshPublicKey: PUBKEY }, "berth:bootstrap": { mirror: ["aliyun", "tuna"], docker: { registryMirrors: ["https://hub.example.org"] } }, "berth:cache": { allowFrom: ["10.104.0.0/20"], maxSize: "50g" }, "berth:sshPrivateKey": "PRIVATE" });
    await settle();
    const [svc] = byType("pulumi-nodejs:dynamic/berth:CacheServices");
    expect(svc?.name).toBe("lab-cache-cache");
    expect(svc?.inputs.target).toEqual({ host: "203.0.113.5", port: 22, user: "root", hostKeyFingerprint: "" });
    expect(svc?.inputs.layout).toEqual({
      prefix: "berth-cache", network: "berth-cache", publish: "80", maxSize: "50g",
      upstreams: {
        dockerCe: "https://mirrors.aliyun.com/docker-ce", miniconda: "https://mirrors.aliyun.com/anaconda/miniconda", conda: "https://mirrors.aliyun.com/anaconda",
        pypi: "https://mirrors.aliyun.com/pypi/simple/", dockerHub: "https://hub.example.org",
      },
    });
    expect(svc?.inputs.image).toBe("");
    // The login key travels only as a Pulumi secret (kept encrypted in the state).
    expect(svc?.inputs.secrets).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { privateKey: "PRIVATE" } });
    expect(JSON.stringify({ ...svc?.inputs, secrets: undefined })).not.toContain("PRIVATE");
    const [fw] = byType("digitalocean:index/firewall:Firewall");
    expect(fw?.inputs.inboundRules[1]).toEqual({ protocol: "tcp", portRange: "80", sourceAddresses: ["10.104.0.0/20"] });
  });
});

describe("a cache host on Tencent Cloud", () => {
  it("asks for port 80 from the private ranges only, and no public app port", async () => {
    const out = run({ "berth:host": { provider: "tencentcloud", name: "lab-cache", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, "berth:bootstrap": { mirror: ["tencent-internal", "tencent"], docker: { registryMirrors: ["tencent-internal"] } }, "berth:cache": {}, "berth:sshPrivateKey": "PRIVATE" });
    await settle();
    const [cvm] = byType("pulumi-nodejs:dynamic/berth:TencentInstance");
    expect(cvm?.inputs).toMatchObject({ appPorts: [], appUdpPorts: [], privatePorts: [80], privateCidrs: PRIVATE });
    const [svc] = byType("pulumi-nodejs:dynamic/berth:CacheServices");
    expect(svc?.inputs.layout.upstreams).toMatchObject({ dockerCe: "http://mirrors.tencentyun.com/docker-ce", dockerHub: "https://mirror.ccs.tencentyun.com" });
    expect(await of(out.cacheUrl)).toBe("http://172.16.0.9");
  });
});

describe("CacheServices' provider", () => {
  it("serializes without capturing native objects", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => cacheServicesProvider);
    expect(sf.text).toContain("berthRequire");
    expect(sf.text).not.toMatch(/require\("(ssh2|dockerode)"\)/);
  });
});
