// The dynamic providers' create/update/delete against real local VMs: LocalVm boots and removes
// a VM, AppDeployment deploys/updates/removes the app, ExistingHost bootstraps a plain server
// over SSH with the same bootstrap.sh.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import ssh2 from "ssh2";
import { parse } from "yaml";
import { render } from "../../src/bootstrap/render.js";
import { load } from "../../src/config/load.js";
import { appSchema } from "../../src/config/sections/app.js";
import { appDeploymentProvider, splitAppSecrets, type AppDeploymentInputs } from "../../src/components/app-deployment.js";
import { existingHostProvider } from "../../src/components/existing-host.js";
import { localVmProvider, type LocalVmOutputs } from "../../src/components/local-vm.js";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { kitInfo } from "../../src/local/kit.js";
import { createVm, destroyVm, listVms } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { KEYS, removeKnownHosts } from "./deploy-helpers.js";
import { sh, testVmName } from "./helpers.js";

const LOCAL = testVmName("prov-local");
const EXISTING = testVmName("prov-existing");
const STACK = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
const kit = kitInfo();
const must = <T>(v: T | undefined): T => {
  if (v === undefined) throw new Error("the provider returned no outputs");
  return v;
};

function renderedLocal(hostOverrides: Record<string, unknown> = {}) {
  const raw = { ...STACK.config, "berth:host": { ...STACK.config["berth:host"], ...hostOverrides }, "berth:bootstrap": { ...STACK.config["berth:bootstrap"], conda: { enabled: false }, pip: {} } };
  const r = load(raw, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return render(r.config);
}

afterAll(async () => {
  for (const n of [LOCAL, EXISTING]) await destroyVm(n);
  removeKnownHosts();
});

describe("LocalVm and AppDeployment providers", () => {
  let vm: LocalVmOutputs;
  let app: AppDeploymentInputs;

  it("LocalVm.create boots the VM and hands out a generated key that logs in", async () => {
    const created = await localVmProvider.create({ vmName: LOCAL, userData: renderedLocal().userData, timeoutSeconds: 600 });
    vm = must(created.outs);
    expect(created.id).toBe(LOCAL);
    const parsed = ssh2.utils.parseKey(vm.privateKey);
    expect(parsed instanceof Error ? parsed.message : parsed.type).toBe("ssh-ed25519");
    expect(vm.hostKeyFingerprint).toMatch(/^SHA256:/);
    const ex = new SshExecutor({ host: "127.0.0.1", port: vm.sshPort, username: "debian", privateKey: new Sensitive(vm.privateKey), hostKeyFingerprint: vm.hostKeyFingerprint });
    expect((await ex.exec(["id", "-un"])).stdout).toBe("debian\n");
    await ex.close();
    expect(await localVmProvider.read(LOCAL, vm)).toMatchObject({ id: LOCAL });
  });

  it("AppDeployment.create deploys, update moves to the new image, delete removes the app's containers", async () => {
    const spec = (image: string) => splitAppSecrets(appSchema.parse({ image, registry: { server: kit.registry, username: kit.registryUser, password: kit.registryPassword }, ports: ["8080:8080"], healthcheck: { type: "http", timeoutSeconds: 20 } }));
    const s1 = spec(kit.appImages.v1);
    app = { target: { host: "127.0.0.1", port: vm.sshPort, user: "debian", hostKeyFingerprint: vm.hostKeyFingerprint }, app: s1.app, secrets: { privateKey: vm.privateKey, ...(s1.registryPassword ? { registryPassword: s1.registryPassword } : {}), secretEnv: s1.secretEnv } };
    const created = await appDeploymentProvider.create(app);
    const first = must(created.outs);
    expect(first.release).toMatch(/^r[0-9a-f]{12}$/);
    expect((await sh(vm.containerId, "curl -s http://127.0.0.1:8080/")).stdout).toBe("v1\n");
    const s2 = spec(kit.appImages.v2);
    const next = { ...app, app: s2.app };
    expect(await appDeploymentProvider.diff(created.id, first, next)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const updated = await appDeploymentProvider.update(created.id, first, next);
    expect(updated.outs?.release).not.toBe(first.release);
    expect((await sh(vm.containerId, "curl -s http://127.0.0.1:8080/")).stdout).toBe("v2\n");
    await appDeploymentProvider.delete(created.id, { ...next, release: updated.outs?.release ?? "", imageId: "" });
    expect((await sh(vm.containerId, "docker ps -a --filter label=berth.app=app --format '{{.Names}}'")).stdout).toBe("");
  });

  it("LocalVm.delete removes the VM", async () => {
    await localVmProvider.delete(LOCAL);
    expect(await listVms()).not.toContain(LOCAL);
    expect(await localVmProvider.read(LOCAL, vm)).toMatchObject({ id: "" });
  });
});

describe("ExistingHost provider", () => {
  it("bootstraps a plain server over SSH with sudo and records the status", async () => {
    const server = await createVm({ name: EXISTING, userData: "#cloud-config\n", sshPublicKey: KEYS.public, timeoutMs: 300_000 });
    expect((await sh(server.containerId, "test -e /var/lib/berth/status.json; echo $?")).stdout).toBe("1\n");
    const files = renderedLocal({ provider: "existing", address: "127.0.0.1", port: server.sshPort }).files.map((f) => ({ ...f }));
    const inputs = { address: "127.0.0.1", port: server.sshPort, user: "debian", hostKeyFingerprint: server.hostKeyFingerprint ?? "", files, privateKey: KEYS.private };
    const created = await existingHostProvider.create(inputs);
    expect(created.id).toBe(`127.0.0.1:${server.sshPort}`);
    expect(created.outs).toMatchObject({ phase: "ready", mirrors: { "docker-ce": "labkit", pypi: "labkit" }, seenHostKey: server.hostKeyFingerprint });
    expect((await sh(server.containerId, "docker info --format '{{.ServerVersion}}'")).stdout).toBe("20.10.24+dfsg1\n");
    expect((await sh(server.containerId, "test -e ~debian/.berth/bootstrap; echo $?")).stdout).toBe("1\n");
    const again = await existingHostProvider.update(created.id, must(created.outs), inputs);
    expect(again.outs?.phase).toBe("ready");
    expect(JSON.parse((await sh(server.containerId, "cat /var/lib/berth/status.json")).stdout).changed).toEqual([]);
  });
});
