// What a host opens to the network, under Pulumi mocks in preview mode: SSH open to the whole
// internet (the default allowSsh) is warned about at preview; app ports bound to loopback get no
// firewall or security-group rule; UDP ports are opened as UDP on DigitalOcean and Tencent Cloud.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { program } from "../../src/program.js";
import { publishedPorts } from "../../src/components/ports.js";
import { PROJECT_DIR, PUBKEY } from "../helpers/config.js";
import { PUBLIC_KEY as RSA_PUBKEY } from "../tencent/helpers.js";

const registered: { type: string; name: string; inputs: Record<string, any> }[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra = args.type === "digitalocean:index/droplet:Droplet" ? { ipv4Address: "203.0.113.5" } : args.type.startsWith("pulumi-nodejs:dynamic/") ? { publicIp: "203.0.113.77" } : {};
        return { id: args.type === "digitalocean:index/droplet:Droplet" ? "4242" : `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: (args) => args.inputs,
    },
    "berth",
    "exposed",
    true, // preview: the warning is for `pulumi preview` and the preview step of `pulumi up`
  );
});

let warn: { mock: { calls: unknown[][] }; mockClear(): void; mockRestore(): void };
beforeEach(() => {
  registered.length = 0;
  warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue(undefined);
});
afterEach(() => warn.mockRestore());

function run(config: Record<string, unknown>): void {
  // Secrets arrive as Pulumi secrets, as `pulumi config set --secret` leaves them.
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])), ["berth:sshPrivateKey"]);
  program(PROJECT_DIR);
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};
const byName = (name: string) => registered.find((r) => r.name === name);
const openSsh = (stack: string) =>
  `berth:host.allowSsh lets the whole internet (0.0.0.0/0, ::/0) reach SSH (port 22) on this host. ` +
  `Limit it to the addresses you connect from: set allowSsh in stacks/Pulumi.${stack}.yaml, e.g. allowSsh: ["203.0.113.7/32"] (your address, or your CI's ranges).`;
const PORTS = ["8080:8080", "127.0.0.1:9000:9000", "53:53/udp", "0.0.0.0:443:8443"];
const warnings = (): string[] => warn.mock.calls.map((c) => String(c[0]));

describe("allowSsh open to the whole internet is said at preview", () => {
  it("DigitalOcean with the default allowSsh", async () => {
    run({ "berth:host": { provider: "digitalocean", name: "web", sshPublicKey: PUBKEY }, "berth:bootstrap": { mirror: "tuna" } });
    await settle();
    expect(warnings()).toContain(openSsh("exposed"));
  });

  it("Tencent Cloud with the default allowSsh", async () => {
    run({ "berth:host": { provider: "tencentcloud", name: "lab", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, "berth:bootstrap": { mirror: "tencent" } });
    await settle();
    expect(warnings()).toEqual([openSsh("exposed")]);
  });

  it("names only the open ranges given, and says nothing once allowSsh is limited", async () => {
    run({ "berth:host": { provider: "tencentcloud", name: "lab", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY, allowSsh: ["203.0.113.0/24", "::/0"] }, "berth:bootstrap": { mirror: "tencent" } });
    await settle();
    expect(warnings()).toEqual([openSsh("exposed").replace("(0.0.0.0/0, ::/0)", "(::/0)")]);
    warn.mockClear();
    run({ "berth:host": { provider: "tencentcloud", name: "lab", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY, allowSsh: ["203.0.113.0/24"] }, "berth:bootstrap": { mirror: "tencent" } });
    run({ "berth:host": { provider: "digitalocean", name: "web", sshPublicKey: PUBKEY, allowSsh: ["203.0.113.0/24"] }, "berth:bootstrap": { mirror: "tuna" } });
    await settle();
    expect(warnings().filter((w) => w.startsWith("berth:host.allowSsh"))).toEqual([]);
  });
});

describe("app ports in firewall rules", () => {
  it("publishedPorts drops loopback-bound ports and keeps the protocol", () => {
    expect(publishedPorts(PORTS)).toEqual([{ port: 8080, protocol: "tcp" }, { port: 53, protocol: "udp" }, { port: 443, protocol: "tcp" }]);
    expect(publishedPorts(["127.1.2.3:80:80", "127.0.0.1:53:53/udp"])).toEqual([]);
  });

  it("DigitalOcean: the firewall opens 8080/tcp, 53/udp and 443/tcp, not the loopback-bound 9000", async () => {
    run({
      "berth:host": { provider: "digitalocean", name: "web", sshPublicKey: PUBKEY, allowSsh: ["198.51.100.0/24"] },
      "berth:bootstrap": { mirror: "tuna" },
      "berth:app": { image: "registry.lab:5000/team/web:v3", ports: PORTS },
      "berth:sshPrivateKey": "-----PRIVATE KEY-----",
    });
    await settle();
    expect(byName("web-firewall")?.inputs.inboundRules).toEqual([
      { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.0/24"] },
      { protocol: "tcp", portRange: "8080", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      { protocol: "udp", portRange: "53", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0", "::/0"] },
    ]);
  });

  it("Tencent Cloud: TCP and UDP ports go to the instance apart, the loopback-bound one nowhere", async () => {
    run({
      "berth:host": { provider: "tencentcloud", name: "lab", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY, allowSsh: ["198.51.100.0/24"] },
      "berth:bootstrap": { mirror: "tencent" },
      "berth:app": { image: "registry.lab:5000/team/web:v3", ports: PORTS },
      "berth:sshPrivateKey": "-----PRIVATE KEY-----",
    });
    await settle();
    expect(byName("lab-cvm")?.inputs).toMatchObject({ sshCidrs: ["198.51.100.0/24"], appPorts: [8080, 443], appUdpPorts: [53], appCidrs: ["0.0.0.0/0"] });
  });
});
