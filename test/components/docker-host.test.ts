import { gunzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { render } from "../../src/bootstrap/render.js";
import { load } from "../../src/config/load.js";
import { program } from "../../src/program.js";
import { appDeploymentProvider } from "../../src/components/app-deployment.js";
import { existingHostProvider } from "../../src/components/existing-host.js";
import { localVmProvider } from "../../src/components/local-vm.js";
import { tencentInstanceProvider } from "../../src/components/tencent/provider.js";
import { PROJECT_DIR, PUBKEY, RSA_PUBKEY } from "../helpers/config.js";
import { isSecretInput, promiseOf, registered, resetRegistry, setConfig, settle } from "./mocks.js";

const APP = { image: "registry.lab:5000/team/web:v3", registry: { server: "registry.lab:5000", username: "ci", password: "reg-pass" }, ports: ["80:8080"], secretEnv: { TOKEN: "t0k" } };

function expectedUserData(config: Record<string, unknown>): string {
  const r = load(Object.fromEntries(Object.entries(config).filter(([k]) => k !== "berth:sshPrivateKey")), { baseDir: PROJECT_DIR, isSecret: () => true });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return render(r.config).userData;
}

const byName = (name: string) => registered.find((r) => r.name === name);

beforeEach(() => resetRegistry());

describe("DockerHost on DigitalOcean", () => {
  const config = {
    "berth:host": { provider: "digitalocean", name: "web", region: "fra1", size: "s-2vcpu-4gb", sshPublicKey: PUBKEY, allowSsh: ["198.51.100.0/24"], tags: ["course"], reservedIp: true },
    "berth:bootstrap": { mirror: ["aliyun", "tuna"] },
    "berth:app": APP,
    "berth:sshPrivateKey": "-----PRIVATE KEY-----",
  };

  it("creates key, droplet, firewall, reserved IP and the app, with exact inputs", async () => {
    setConfig(config, ["berth:sshPrivateKey", "berth:app"]); // as Pulumi lists them when berth:app holds secrets
    const out = program(PROJECT_DIR);
    expect(await promiseOf(out.publicIp)).toBe("198.51.100.9");
    expect(await promiseOf(out.ssh)).toBe("ssh -p 22 root@198.51.100.9");
    // No pin in the stack: the output is the key the AppDeployment saw and keeps in the state.
    expect(await promiseOf(out.hostKeyFingerprint)).toBe("SHA256:seen");
    expect(await promiseOf(out.appUrl)).toBe("http://198.51.100.9:80/");
    expect(await promiseOf(out.mirrors)).toEqual({ dockerCe: ["aliyun", "tuna"], installer: ["aliyun", "tuna"], conda: ["aliyun"], pypi: ["aliyun"] });
    await settle();
    expect(registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "berth:index:DockerHost web",
      "digitalocean:index/droplet:Droplet web-droplet",
      "digitalocean:index/firewall:Firewall web-firewall",
      "digitalocean:index/reservedIp:ReservedIp web-ip",
      "digitalocean:index/sshKey:SshKey web-key",
      "pulumi-nodejs:dynamic/berth:AppDeployment web-app",
    ]);
    expect(byName("web-key")?.inputs).toEqual({ name: "web-berth", publicKey: PUBKEY });
    expect(byName("web-droplet")?.inputs).toEqual({
      name: "web", region: "fra1", size: "s-2vcpu-4gb", image: "ubuntu-24-04-x64", monitoring: true,
      userData: expectedUserData(config), sshKeys: ["aa:bb:cc"], tags: ["berth", "course"],
    });
    expect(byName("web-firewall")?.inputs).toEqual({
      name: "web-berth",
      dropletIds: [4242],
      inboundRules: [
        { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.0/24"] },
        { protocol: "tcp", portRange: "80", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      ],
      outboundRules: [
        { protocol: "tcp", portRange: "1-65535", destinationAddresses: ["0.0.0.0/0", "::/0"] },
        { protocol: "udp", portRange: "1-65535", destinationAddresses: ["0.0.0.0/0", "::/0"] },
        { protocol: "icmp", destinationAddresses: ["0.0.0.0/0", "::/0"] },
      ],
    });
    const app = byName("web-app")?.inputs ?? {};
    expect(app.target).toEqual({ host: "198.51.100.9", port: 22, user: "root", hostKeyFingerprint: "" });
    expect(isSecretInput(app.secrets)).toBe(true);
    expect(JSON.stringify(app.app)).not.toContain("reg-pass");
    expect(JSON.stringify(app.app)).not.toContain("t0k");
    expect(app.app).toMatchObject({ image: APP.image, registry: { server: "registry.lab:5000", username: "ci", password: { secure: "berth:secret" } } });
  });
});

describe("DockerHost on Tencent Cloud", () => {
  it("creates one TencentInstance with the user-data, key, ports and secret credentials", async () => {
    const config = {
      "berth:host": { provider: "tencentcloud", name: "lab", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY, region: "ap-guangzhou" },
      "berth:bootstrap": { mirror: ["tencent-internal", "tencent"], docker: { registryMirrors: ["tencent-internal"] } },
      "tencentcloud:secretId": "AKIDexample", "tencentcloud:secretKey": "tc-secret",
    };
    setConfig(config, ["tencentcloud:secretId", "tencentcloud:secretKey"]);
    const out = program(PROJECT_DIR);
    expect(await promiseOf(out.publicIp)).toBe("203.0.113.77");
    await settle();
    expect(registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual(["berth:index:DockerHost lab", "pulumi-nodejs:dynamic/berth:TencentInstance lab-cvm"]);
    const cvm = byName("lab-cvm")?.inputs ?? {};
    expect(cvm).toMatchObject({ region: "ap-guangzhou", zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4", publicKey: RSA_PUBKEY, instanceName: "lab", sshCidrs: ["0.0.0.0/0", "::/0"], appPorts: [], appUdpPorts: [], bandwidthOut: 5 });
    expect(cvm.userData).toBe(expectedUserData(config));
    // Over 16 KB as text: sent gzip-compressed, which cloud-init unpacks.
    expect(gunzipSync(Buffer.from(String(cvm.userDataBase64), "base64")).toString("utf8")).toBe(cvm.userData);
    expect(isSecretInput(cvm.secretId)).toBe(true);
    expect(isSecretInput(cvm.secretKey)).toBe(true);
  });
});

describe("DockerHost locally and on an existing server", () => {
  it("local: a LocalVm and the app over the VM's forwarded SSH port, pinned to its host key", async () => {
    setConfig({ "berth:host": { provider: "local", name: "dev" }, "berth:bootstrap": { mirror: { url: "http://mirror.berth.lab" } }, "berth:app": { image: "registry.berth.lab:5000/berth/app:v1", ports: ["8080:8080"] } });
    const out = program(PROJECT_DIR);
    expect(await promiseOf(out.ssh)).toBe("ssh -p 32999 debian@127.0.0.1");
    await settle();
    expect(registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual(["berth:index:DockerHost dev", "pulumi-nodejs:dynamic/berth:AppDeployment dev-app", "pulumi-nodejs:dynamic/berth:LocalVm dev-vm"]);
    expect(byName("dev-vm")?.inputs).toMatchObject({ vmName: "dev", timeoutSeconds: 900 });
    expect(byName("dev-app")?.inputs.target).toEqual({ host: "127.0.0.1", port: 32999, user: "debian", hostKeyFingerprint: "SHA256:local" });
    expect(isSecretInput(byName("dev-app")?.inputs.secrets)).toBe(true);
  });

  it("existing: the same bootstrap files delivered over SSH, the key a secret", async () => {
    const config = { "berth:host": { provider: "existing", name: "box", address: "203.0.113.10", user: "admin" }, "berth:bootstrap": { mirror: "tuna", conda: { enabled: false } }, "berth:sshPrivateKey": "PRIVATE" };
    setConfig(config, ["berth:sshPrivateKey"]);
    program(PROJECT_DIR);
    await settle();
    const server = byName("box-server")?.inputs ?? {};
    expect(server).toMatchObject({ address: "203.0.113.10", port: 22, user: "admin", hostKeyFingerprint: "" });
    expect(isSecretInput(server.privateKey)).toBe(true);
    expect((server.files as { path: string }[]).map((f) => f.path)).toEqual(["/etc/berth/bootstrap.conf", "/etc/berth/mirrors.list", "/etc/berth/daemon.json", "/etc/berth/pip.conf", "/etc/berth/keys/9DC858229FC7DD38854AE2D88D81803C0EBFCD88.asc", "/usr/local/lib/berth/bootstrap.sh"]);
  });
});

describe("invalid config", () => {
  it("fails with the path-named problems before any resource is registered", () => {
    setConfig({ "berth:host": { provider: "digitalocan" }, "berth:bootstrap": { mirror: "aliyn" } });
    expect(() => program(PROJECT_DIR)).toThrow(new pulumi.RunError(`the stack config has 2 problem(s):
  berth:host.provider: unknown provider "digitalocan" — did you mean "digitalocean"? (local, digitalocean, tencentcloud, existing)
  berth:bootstrap.mirror: unknown mirror "aliyn" — did you mean "aliyun"? (official, aliyun, tuna, ustc, tencent, tencent-internal, huawei, azure-china, { url: … })`));
    expect(registered).toEqual([]);
  });

  it("runs the cross-field rules once the shape is valid", () => {
    setConfig({ "berth:host": { provider: "digitalocean" }, "berth:bootstrap": { mirror: "aliyun" } });
    expect(() => program(PROJECT_DIR)).toThrow(new pulumi.RunError(`the stack config has 1 problem(s):
  berth:host.sshPublicKey: a droplet needs a way in — set sshPublicKey (your ~/.ssh/id_ed25519.pub line) or sshKeys (fingerprints already in your account)`));
    expect(registered).toEqual([]);
  });
});

describe("dynamic providers serialize without capturing native objects or the checkout's path", () => {
  it.each([["LocalVm", localVmProvider], ["AppDeployment", appDeploymentProvider], ["ExistingHost", existingHostProvider], ["TencentInstance", tencentInstanceProvider]] as const)("%s", async (_name, provider) => {
    const s = await pulumi.runtime.serializeFunction(() => provider);
    expect(s.text).toContain("exports.handler");
    // The Tencent provider builds its SDK clients inside its methods (`new …Client(`): test/tencent guards it.
    if (_name !== "TencentInstance") expect(s.text).not.toMatch(/Client\(|ssh2\.Client|dockerode/);
    // The state must not depend on where the checkout lives: no absolute path of it is serialized.
    expect(s.text.includes(PROJECT_DIR)).toBe(false);
  });
});
