// The default stack (stacks/Pulumi.local.yaml) under the real Pulumi engine: preview, up (a
// local VM bootstrapped from the lab kit's mirror, the kit's app deployed from its
// authenticated registry), a no-op up, an image change that updates only the app, destroy.
// The registry password is set the way a user sets it, `pulumi config set --secret`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { engine, VM_LABEL } from "../../src/local/engine.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, listVms, vmContainerName } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { sh } from "../integration/helpers.js";
import { opsOf, PulumiProject, secretPlaintext, withoutSecrets } from "./pulumi.js";

const STACK = "local";
// The stack file names no host.name, so the VM is named after the stack.
const VM = STACK;
const kit = kitInfo();
/** What a first `pulumi up` of this stack does, sorted. */
const CREATES = [
  "create berth:index:DockerHost",
  "create pulumi-nodejs:dynamic/berth:AppDeployment",
  "create pulumi-nodejs:dynamic/berth:LocalVm",
  "create pulumi:providers:pulumi-nodejs",
  "create pulumi:pulumi:Stack",
];
const project = new PulumiProject("local");

async function vmState(): Promise<{ id: string; startedAt: string }> {
  const info = await engine().getContainer(vmContainerName(VM)).inspect();
  return { id: info.Id, startedAt: info.State.StartedAt };
}

async function httpBody(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.text()).trim();
}

/** Set once this run has checked that no VM of this name existed; only then is the VM ours to remove. */
let ownsVm = false;

beforeAll(async () => {
  // Another VM of this name (the README's `pulumi up`, `berth local up`) is the developer's: refuse
  // to run rather than touch it.
  expect(await listVms(), "a VM named like the test stack exists already; `berth local down --stack stacks/Pulumi.local.yaml` it first").not.toContain(VM);
  ownsVm = true;
  await project.ok(["stack", "init", STACK]);
  await project.ok(["config", "set", "--stack", STACK, "--path", "berth:app.registry.password", "--secret"], { stdin: kit.registryPassword });
});

afterAll(async () => {
  try {
    if (!ownsVm) return;
    const r = await project.run(["destroy", "--yes", "--stack", STACK]);
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    if ((await listVms()).includes(VM)) await destroyVm(VM);
  } finally {
    project.remove();
  }
});

describe.sequential("pulumi on the local stack", () => {
  it("reads the stack file through stackConfigDir and keeps the password encrypted in it", () => {
    const copied = parse(project.stackFile(STACK)) as { encryptionsalt?: string; config: Record<string, { registry?: { password?: unknown } }> };
    const original = parse(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, unknown> };
    // The CLI added the encryption salt and the encrypted password; the rest is the repo's file.
    expect(copied.encryptionsalt).toMatch(/^v1:/);
    expect(copied.config["berth:app"]?.registry?.password).toEqual({ secure: expect.stringMatching(/^v1:/) });
    delete copied.config["berth:app"]?.registry?.password;
    expect(copied.config).toEqual(original.config);
    expect(project.stackFile(STACK).includes(kit.registryPassword)).toBe(false);
  });

  it("pulumi preview shows the plan and creates nothing", async () => {
    const r = await project.withEvents(["preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps)).toEqual(CREATES);
    expect(r.stdout).toContain("+ 4 to create");
    expect(await listVms()).not.toContain(VM);
  });

  let out: Record<string, unknown>;

  it("pulumi up boots the VM from the kit mirror and deploys the app, and the outputs match what runs", async () => {
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps)).toEqual(CREATES);
    out = await project.outputs(STACK);

    const info = await engine().getContainer(vmContainerName(VM)).inspect();
    const ip = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress;
    const sshPort = Number(info.NetworkSettings.Ports["22/tcp"]?.[0]?.HostPort);
    expect(out.publicIp).toBe(ip);
    expect(out.sshPort).toBe(sshPort);
    expect(out.sshUser).toBe("debian");
    expect(out.ssh).toBe(`ssh -p ${sshPort} debian@127.0.0.1`);
    expect(out.appUrl).toBe(`http://${ip}:8080/`);
    expect(out.mirrors).toEqual({ dockerCe: ["labkit"], installer: ["labkit-python"], conda: ["labkit-python"], pypi: ["labkit-python"] });
    expect(await httpBody(String(out.appUrl))).toBe("v1");

    // The bootstrap ran from the kit's mirror and finished.
    const status = JSON.parse((await sh(info.Id, "cat /var/lib/berth/status.json")).stdout) as { phase: string; mirrors: Record<string, string> };
    expect(status.phase).toBe("ready");
    expect(status.mirrors).toMatchObject({ "docker-ce": "labkit", installer: "labkit-python", pypi: "labkit-python", "docker-hub": "cache.berth.lab" });
    expect((await sh(info.Id, "apt-cache policy docker-ce")).stdout).toContain("http://mirror.berth.lab/docker-ce/linux/debian bookworm/stable");

    // The host key output is the VM's, and the generated key in the state logs in with it pinned.
    const fps = (await sh(info.Id, "for k in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf $k | cut -d' ' -f2; done")).stdout.trim().split("\n");
    expect(fps).toContain(out.hostKeyFingerprint);
    const vmRes = (await project.resources(STACK, { showSecrets: true })).find((x) => x.type === "pulumi-nodejs:dynamic/berth:LocalVm");
    const privateKey = secretPlaintext(vmRes?.outputs?.privateKey);
    expect(privateKey.includes("PRIVATE KEY")).toBe(true);
    const ex = new SshExecutor({ host: "127.0.0.1", port: sshPort, username: "debian", privateKey: new Sensitive(privateKey), hostKeyFingerprint: String(out.hostKeyFingerprint) });
    try {
      // The running container is the app, from the kit's v1 image.
      const running = (await ex.exec(["docker", "inspect", "--format", "{{.Image}}", "app"])).stdout.trim();
      const v1 = (await ex.exec(["docker", "image", "inspect", "--format", "{{.Id}}", kit.appImages.v1])).stdout.trim();
      expect(running).toMatch(/^sha256:/);
      expect(running).toBe(v1);
    } finally {
      await ex.close();
    }
  });

  it("keeps secrets out of the state: the registry password and the generated key are encrypted", async () => {
    const backend = project.backendText();
    expect(backend.length).toBeGreaterThan(1000);
    // Booleans, not toContain: a failure must not print the secrets into the test log.
    expect(backend.includes(kit.registryPassword)).toBe(false);
    expect(backend.includes("PRIVATE KEY")).toBe(false);
    // …while the decrypted export holds both, so the check above looked at the right state.
    const secrets = await project.exportText(STACK, { showSecrets: true });
    expect(secrets.includes(kit.registryPassword)).toBe(true);
    expect(secrets.includes("PRIVATE KEY")).toBe(true);
  });

  it("pulumi up with nothing changed changes nothing", async () => {
    const before = await vmState();
    const preview = await project.run(["preview", "--expect-no-changes", "--stack", STACK]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(new Set(r.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    expect(r.stdout).toContain("4 unchanged");
    expect(await vmState()).toEqual(before);
  });

  it("a new app image updates only the AppDeployment; the VM is untouched and serves the new version", async () => {
    const before = await vmState();
    await project.ok(["config", "set", "--stack", STACK, "--path", "berth:app.image", kit.appImages.v2]);
    const preview = await project.withEvents(["preview", "--stack", STACK]);
    // Pulumi hands the stack's config to the dynamic-provider plugin, so its provider resource
    // sees berth:app change too; of berth's resources only the AppDeployment changes.
    const changedOps = ["update pulumi-nodejs:dynamic/berth:AppDeployment", "update pulumi:providers:pulumi-nodejs"];
    expect(opsOf(preview.steps).filter((o) => !o.startsWith("same"))).toEqual(changedOps);
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps).filter((o) => !o.startsWith("same"))).toEqual(changedOps);
    expect(r.steps.find((s) => s.type.endsWith("berth:LocalVm"))?.op).toBe("same");
    const app = (await project.resources(STACK)).find((x) => x.type === "pulumi-nodejs:dynamic/berth:AppDeployment");
    expect((app?.outputs?.app as { image?: string } | undefined)?.image).toBe(kit.appImages.v2);
    expect(await vmState()).toEqual(before);
    expect(await httpBody(String(out.appUrl))).toBe("v2");
  });

  it("pulumi destroy removes the VM, its volumes and the app; the state is empty", async () => {
    const r = await project.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps).filter((o) => o.startsWith("delete"))).toEqual([
      "delete berth:index:DockerHost",
      "delete pulumi-nodejs:dynamic/berth:AppDeployment",
      "delete pulumi-nodejs:dynamic/berth:LocalVm",
      "delete pulumi:providers:pulumi-nodejs",
      "delete pulumi:pulumi:Stack",
    ]);
    const d = engine();
    expect(await d.listContainers({ all: true, filters: { label: [`${VM_LABEL}=${VM}`] } })).toEqual([]);
    expect((await d.listVolumes({ filters: { label: [`${VM_LABEL}=${VM}`] } })).Volumes ?? []).toEqual([]);
    // Whatever berth left on the engine is the shared lab kit (labelled berth.kit=1 and not a VM's).
    const leftovers = (await d.listContainers({ all: true })).filter((c) => c.Names.some((n) => n.startsWith("/berth-")) && !c.Labels["berth.kit"]);
    expect(leftovers).toEqual([]);
    const networks = (await d.listNetworks()).filter((n) => n.Name.startsWith("berth"));
    expect(networks.every((n) => n.Labels?.["berth.kit"] === "1" && !n.Labels?.[VM_LABEL])).toBe(true);
    expect(await project.resources(STACK)).toEqual([]);
  });
});
