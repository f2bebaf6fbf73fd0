// The rendered bootstrap on a real boot: the local stack's user-data in a systemd + cloud-init
// VM container, installing docker-ce from the lab kit's signed mirror, the Miniconda stand-in
// and a pip requirement from the kit's Python mirror, with the kit's cache as registry mirror.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { render, type Rendered } from "../../src/bootstrap/render.js";
import { load } from "../../src/config/load.js";
import { KIT_MIRROR_KEY_FINGERPRINT } from "../../src/local/kit.js";
import { destroyVm, createVm, LocalVmError, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { sh, sshBanner, testVmName } from "./helpers.js";

const STACK = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthIntegrationTestKeyNoPrivateHalf00 test";
const DOWN = { url: "http://mirror.berth.lab:81", name: "labkit-down" };
const LABKIT = { url: "http://mirror.berth.lab", name: "labkit", dockerCeKeyFingerprint: KIT_MIRROR_KEY_FINGERPRINT };
const created: string[] = [];

/** The local stack with `bootstrap` keys replaced, rendered. */
function renderLocal(bootstrap: Record<string, unknown>): Rendered {
  const raw = { ...STACK.config, "berth:bootstrap": { ...STACK.config["berth:bootstrap"], ...bootstrap } };
  const r = load(raw, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return render(r.config);
}

function file(rendered: Rendered, name: string): string {
  const f = rendered.files.find((x) => x.path === `/etc/berth/${name}`);
  if (!f) throw new Error(`no ${name} rendered`);
  return f.content;
}

async function boot(name: string, userData: string, keepOnFailure = false): Promise<LocalVm> {
  created.push(name);
  return createVm({ name, userData, sshPublicKey: KEY, waitForStatusFile: true, keepOnFailure, timeoutMs: 480_000 });
}

async function out(vm: LocalVm, script: string): Promise<string> {
  const r = await sh(vm.containerId, script);
  if (r.code !== 0) throw new Error(`${script}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

interface Status { phase: string; mirrors: Record<string, string>; docker: { version: string; registryMirrors: string[] }; conda: { prefix: string; env: string }; changed: string[]; errors: string[] }
const status = async (vm: LocalVm) => JSON.parse(await out(vm, "cat /var/lib/berth/status.json")) as Status;

afterAll(async () => {
  for (const name of created) await destroyVm(name);
});

describe("the local stack's rendered bootstrap on a real boot", () => {
  const rendered = renderLocal({});
  let vm: LocalVm;

  it("boots to ready with docker-ce from the kit mirror, daemon.json, users, Miniconda, .condarc, pip.conf and the requirement", async () => {
    vm = await boot(testVmName("bootstrap"), rendered.userData);
    expect(await out(vm, "cloud-init status")).toMatch(/status: done/);
    const policy = await out(vm, "apt-cache policy docker-ce");
    expect(policy).toMatch(/Installed: 5:20\.10\.24~3-0~debian-bookworm/);
    expect(policy).toMatch(/\*\*\* 5:20\.10\.24~3-0~debian-bookworm 500\n\s+500 http:\/\/mirror\.berth\.lab\/docker-ce\/linux\/debian bookworm\/stable amd64 Packages/);
    expect(await out(vm, "gpg --no-autostart --batch --show-keys --with-colons /etc/apt/keyrings/docker.gpg | awk -F: '$1 == \"fpr\" { print $10 }'")).toBe(`${KIT_MIRROR_KEY_FINGERPRINT}\n`);
    expect(await out(vm, "cat /etc/apt/sources.list.d/docker.list")).toBe("deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] http://mirror.berth.lab/docker-ce/linux/debian bookworm stable\n");
    expect(await out(vm, "cat /etc/docker/daemon.json")).toBe(file(rendered, "daemon.json"));
    expect(await out(vm, "docker info --format '{{json .RegistryConfig.Mirrors}}'")).toBe('["http://cache.berth.lab/"]\n');
    expect((await out(vm, "id -nG debian")).split(/\s+/)).toContain("docker");
    expect(await out(vm, "/opt/conda/bin/conda --version")).toBe("conda 24.11.3\n");
    expect(await out(vm, "cat /opt/conda/.condarc")).toBe(file(rendered, "condarc"));
    expect(await out(vm, "cat /etc/pip.conf")).toBe("[global]\nindex-url = http://python.berth.lab/pypi/simple\ntimeout = 60\ntrusted-host = python.berth.lab\n");
    // pip really installed the requirement (MarkupSafe's compiled wheel) into the environment.
    expect(await out(vm, "/opt/conda/bin/conda run -n lab python -c 'import markupsafe; print(markupsafe.__version__, markupsafe.__file__)'")).toBe("3.0.2 /opt/conda/envs/lab/lib/python3.11/site-packages/markupsafe/__init__.py\n");
    expect(await out(vm, "test -d /opt/conda/envs/lab && grep -c 'env create -n lab -f /etc/berth/environment.yml' /opt/conda/.berth-standin/calls.log")).toBe("1\n");
    expect(await out(vm, "grep -c '>>> conda initialize >>>' ~debian/.bashrc")).toBe("1\n");
    const s = await status(vm);
    expect(s).toMatchObject({ phase: "ready", errors: [], unreachable: [], mirrors: { "docker-ce": "labkit", installer: "labkit-python", conda: "labkit-python", pypi: "labkit-python", "docker-hub": "cache.berth.lab" }, docker: { version: "5:20.10.24~3-0~debian-bookworm", registryMirrors: ["http://cache.berth.lab"] }, conda: { prefix: "/opt/conda", env: "lab" } });
    expect(s.changed).toEqual(expect.arrayContaining(["/etc/docker/daemon.json", "docker-ce", "miniconda", "conda env: lab", "pip requirements"]));
  });

  it("runs a second time changing nothing and without restarting docker", async () => {
    const before = await out(vm, "systemctl show docker -p MainPID -p ActiveEnterTimestampMonotonic");
    const r = await sh(vm.containerId, "bash /usr/local/lib/berth/bootstrap.sh");
    expect(r.code).toBe(0);
    expect(await out(vm, "systemctl show docker -p MainPID -p ActiveEnterTimestampMonotonic")).toBe(before);
    const s = await status(vm);
    expect(s.phase).toBe("ready");
    expect(s.changed).toEqual([]);
    expect(await out(vm, "tail -n 1 /var/log/berth/bootstrap.log")).toMatch(/bootstrap ready; changed: \n$/);
  });
});

describe("mirror fallback and version pinning", () => {
  it("skips an unreachable first mirror, records the one used, and installs the pinned version", async () => {
    const rendered = renderLocal({ mirror: [DOWN, LABKIT], docker: { version: "20.10.23", users: ["debian"] }, conda: { enabled: false }, pip: {} });
    const vm = await boot(testVmName("fallback"), rendered.userData);
    const s = await status(vm);
    expect(s.phase).toBe("ready");
    expect(s.mirrors["docker-ce"]).toBe("labkit");
    expect(await out(vm, "dpkg-query -W -f='${Version}' docker-ce")).toBe("5:20.10.23~3-0~debian-bookworm");
    expect(await out(vm, "cat /var/log/berth/bootstrap.log")).toContain("mirror labkit-down (http://mirror.berth.lab:81/docker-ce) did not answer for debian 12; trying the next");
    await destroyVm(testVmName("fallback"));
  });
});

describe("a dpkg lock held at boot", () => {
  it("waits for the lock instead of failing", async () => {
    const rendered = renderLocal({ conda: { enabled: false }, pip: {} });
    const doc = parse(rendered.userData) as Record<string, unknown>;
    const holder = "import fcntl, time; f = open('/var/lib/dpkg/lock-frontend', 'w'); fcntl.lockf(f, fcntl.LOCK_EX); open('/run/lock-held', 'w').write(str(time.time())); time.sleep(30); open('/run/lock-released', 'w').write(str(time.time()))";
    doc.bootcmd = [["sh", "-c", `nohup python3 -c "${holder}" >/dev/null 2>&1 &`]];
    const vm = await boot(testVmName("dpkg-lock"), `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`);
    expect((await status(vm)).phase).toBe("ready");
    const released = Number(await out(vm, "cat /run/lock-released"));
    const held = Number(await out(vm, "cat /run/lock-held"));
    expect(released - held).toBeGreaterThanOrEqual(29);
    // dpkg.log also holds the image build's installs: look at this boot's docker-ce install.
    const installed = await out(vm, "grep ' install docker-ce:' /var/log/dpkg.log | tail -n 1 | cut -d' ' -f1-2");
    expect(new Date(installed.trim().replace(" ", "T") + "Z").getTime() / 1000).toBeGreaterThanOrEqual(Math.floor(released) - 1);
    expect(await out(vm, "cat /var/log/berth/bootstrap.log")).toMatch(/Waiting for cache lock|Could not get lock/);
    await destroyVm(testVmName("dpkg-lock"));
  });
});

describe("a broken bootstrap", () => {
  it("ends failed, names the mirror, and leaves the VM reachable over SSH", async () => {
    const rendered = renderLocal({ mirror: DOWN, conda: { enabled: false }, pip: {} });
    const err = await boot(testVmName("broken"), rendered.userData, true).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LocalVmError);
    const vmAt = (err as LocalVmError).vm;
    expect(vmAt).toBeDefined();
    expect((err as Error).message).toContain("no docker-ce mirror answered for debian 12: labkit-down (http://mirror.berth.lab:81/docker-ce)");
    const s = JSON.parse((await sh(vmAt?.containerId ?? "", "cat /var/lib/berth/status.json")).stdout) as Status;
    expect(s.phase).toBe("failed");
    expect(s.errors).toEqual(["no docker-ce mirror answered for debian 12: labkit-down (http://mirror.berth.lab:81/docker-ce)"]);
    expect((await sh(vmAt?.containerId ?? "", "cloud-init status")).stdout).toMatch(/status: error/);
    expect(await sshBanner(vmAt?.sshPort ?? 0)).toMatch(/^SSH-2\.0-OpenSSH/);
  });
});
