// What the bootstrap trusts, on a real VM: a mirror that serves another signing key, a tampered
// installer, a pinned custom key, a second run that would swap the key, and gzip-compressed
// user-data as Tencent hosts get it. One VM for all of it (each docker-ce install costs ~30 s
// of dpkg), driven the way berth drives hosts: cloud-init first, then the same files and
// script again, as the SSH delivery to an existing server does.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gzipUserData, render, type Rendered } from "../../src/bootstrap/render.js";
import { load } from "../../src/config/load.js";
import { cacheDir, engine, removeContainer } from "../../src/local/engine.js";
import { ensureMirrorImage } from "../../src/local/images.js";
import { KIT_MIRROR_KEY_FINGERPRINT as KIT } from "../../src/local/kit.js";
import { LAB_NETWORK, waitHttp } from "../../src/local/lab-net.js";
import { createVm, destroyVm, LocalVmError } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { sh, testVmName } from "./helpers.js";

const STACK = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
const STANDIN_SHA = "42aca7fa84fa53c539176e2a276982020f16f95ff415a9e2bc75bf4cf2bbe3a5";
// The local stack with conda from the kit mirror's own stand-in installer (the one tampered with below).
const { mirror: _python, ...KIT_CONDA } = (STACK.config["berth:bootstrap"]?.conda ?? {}) as Record<string, unknown>;
const LOCAL = { ...STACK.config["berth:bootstrap"], conda: { ...KIT_CONDA, sha256: STANDIN_SHA } };
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthIntegrationTestKeyNoPrivateHalf00 test";
/** A throwaway key (test/fixtures/keys) that the rogue mirror serves in place of the kit's. */
const OTHER = "06C92374F8B865AE4F6F96EBFE845030FE2327F8";
const VM_NAME = testVmName("bs-trust");
const ROGUE = { name: testVmName("bs-rogue"), alias: `${testVmName("bs-rogue")}.berth.lab` };
const ROGUE_URL = `http://${ROGUE.alias}`;
const KIT_MIRROR = { url: "http://mirror.berth.lab", name: "labkit", dockerCeKeyFingerprint: KIT };
const ROGUE_MIRROR = (key: string) => ({ url: ROGUE_URL, name: "bs-rogue", dockerCeKeyFingerprint: key });

/** The local stack with `bootstrap` keys replaced, rendered. */
function renderLocal(bootstrap: Record<string, unknown>): Rendered {
  const r = load({ ...STACK.config, "berth:bootstrap": { ...LOCAL, ...bootstrap } }, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return render(r.config);
}

interface Status { phase: string; mirrors: Record<string, string>; errors: string[]; changed: string[] }

let vmId = "";
let dir = "";
let rogueId = "";

async function out(script: string): Promise<string> {
  const r = await sh(vmId, script);
  if (r.code !== 0) throw new Error(`${script}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}
const status = async () => JSON.parse(await out("cat /var/lib/berth/status.json")) as Status;
const keyringFingerprint = () => out("gpg --no-autostart --batch --show-keys --with-colons /etc/apt/keyrings/docker.gpg | awk -F: '$1 == \"fpr\" { print $10; exit }'");

/** Writes the rendered files on the VM and runs the script, as the SSH delivery does. */
async function rerun(rendered: Rendered): Promise<number> {
  for (const f of rendered.files) {
    await out(`mkdir -p "$(dirname ${f.path})" && echo ${Buffer.from(f.content).toString("base64")} | base64 -d >${f.path} && chmod ${f.permissions} ${f.path}`);
  }
  return (await sh(vmId, "bash /usr/local/lib/berth/bootstrap.sh")).code;
}

beforeAll(async () => {
  // The rogue mirror: the kit's own tree and server, but another key at /linux/debian/gpg and
  // an installer with one extra line under the stand-in's name.
  dir = mkdtempSync(join(tmpdir(), "bs-rogue-"));
  writeFileSync(join(dir, "gpg"), readFileSync(join(PROJECT_DIR, "test/fixtures/keys/throwaway-a.asc")), { mode: 0o644 });
  const standin = readFileSync(join(PROJECT_DIR, "src/local/images/kit-mirror/conda-standin-installer.sh"), "utf8").replace(/__PRODUCT__/g, "Miniconda3");
  writeFileSync(join(dir, "installer.sh"), standin.replace("set -euo pipefail\n", "set -euo pipefail\ntouch /tmp/berth-tampered-installer-ran\n"), { mode: 0o644 });
  const c = await engine().createContainer({
    name: ROGUE.name,
    Image: await ensureMirrorImage(),
    Labels: { "berth.test": "bootstrap-trust" },
    HostConfig: {
      Binds: [
        `${join(dir, "gpg")}:/srv/mirror/docker-ce/linux/debian/gpg:ro`,
        `${join(dir, "installer.sh")}:/srv/mirror/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh:ro`,
      ],
    },
    NetworkingConfig: { EndpointsConfig: { [LAB_NETWORK]: { Aliases: [ROGUE.alias] } } },
  });
  rogueId = c.id;
  await c.start();
  const ip = (await c.inspect()).NetworkSettings.Networks[LAB_NETWORK]?.IPAddress ?? "";
  await waitHttp(`http://${ip}/docker-ce/linux/debian/gpg`, (s) => s === 200);
});

afterAll(async () => {
  await destroyVm(VM_NAME);
  if (rogueId) await removeContainer(rogueId);
  rmSync(dir, { recursive: true, force: true });
});

describe("what the bootstrap trusts, on one VM", () => {
  it("fails the boot when the mirror serves another key than the one pinned, naming the mirror and both fingerprints", async () => {
    const rendered = renderLocal({ mirror: ROGUE_MIRROR(KIT) });
    const err = await createVm({ name: VM_NAME, userData: rendered.userData, sshPublicKey: KEY, waitForStatusFile: true, keepOnFailure: true, timeoutMs: 480_000 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LocalVmError);
    vmId = (err as LocalVmError).vm?.containerId ?? "";
    expect(vmId).not.toBe("");
    const message = `the docker-ce signing key from bs-rogue (${ROGUE_URL}/docker-ce/linux/debian/gpg) is ${OTHER}, not the expected ${KIT} — berth trusts no other key for this mirror and installed nothing from it (if its key changed on purpose, pin the new fingerprint in dockerCeKeyFingerprint)`;
    expect((err as Error).message).toContain(message);
    const s = await status();
    expect(s.phase).toBe("failed");
    expect(s.errors).toEqual([message]);
    expect(await out("ls /etc/apt/keyrings/ /etc/apt/sources.list.d/; dpkg-query -W -f='${Status}' docker-ce 2>&1 || true")).not.toMatch(/docker\.gpg|docker\.list|install ok installed/);
  });

  it("installs docker-ce with the pinned custom key, then refuses a tampered installer without running it", async () => {
    const code = await rerun(renderLocal({ mirror: KIT_MIRROR, conda: { ...(LOCAL.conda as object), mirror: ROGUE_MIRROR(KIT) } }));
    expect(code).toBe(1);
    expect(await keyringFingerprint()).toBe(`${KIT}\n`);
    expect(await out("dpkg-query -W -f='${Status} ${Version}' docker-ce")).toBe("install ok installed 5:20.10.24~3-0~debian-bookworm");
    const tampered = createHash("sha256").update(readFileSync(join(dir, "installer.sh"))).digest("hex");
    const message = `the miniconda installer from bs-rogue (${ROGUE_URL}/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh) has sha256 ${tampered}, not the expected ${STANDIN_SHA} — it is not the installer the stack pins (tampered with, or another upload under the same name); berth did not run it`;
    const s = await status();
    expect(s).toMatchObject({ phase: "failed", errors: [message] });
    expect(s.mirrors["docker-ce"]).toBe("labkit");
    expect(await out("test -e /tmp/berth-tampered-installer-ran && echo ran; test -e /opt/conda && echo conda; echo checked")).toBe("checked\n");
  });

  it("refuses a second run whose mirror is signed with a different key, leaving the trusted keyring as it was", async () => {
    const before = await out("sha256sum /etc/apt/keyrings/docker.gpg /etc/apt/sources.list.d/docker.list");
    const code = await rerun(renderLocal({ mirror: ROGUE_MIRROR(OTHER), conda: { enabled: false }, pip: {} }));
    expect(code).toBe(1);
    const message = `docker-ce mirror bs-rogue is signed with key ${OTHER}, but this host already trusts key ${KIT} in /etc/apt/keyrings/docker.gpg — berth never replaces a trusted signing key; if the new key is intended, remove /etc/apt/keyrings/docker.gpg on the host and run the bootstrap again`;
    expect((await status()).errors).toEqual([message]);
    expect(await out("sha256sum /etc/apt/keyrings/docker.gpg /etc/apt/sources.list.d/docker.list")).toBe(before);
    expect(await keyringFingerprint()).toBe(`${KIT}\n`);
  });

  it("gets to ready again from gzip-compressed user-data, as Tencent hosts receive it, verifying the kit's installer", async () => {
    const rendered = renderLocal({});
    // A fresh cloud-init instance from a gzip seed: cloud-init unpacks it, writes the files, runs the script.
    writeFileSync(join(cacheDir("vms", VM_NAME, "seed"), "user-data"), gzipUserData(rendered.userData), { mode: 0o600 });
    await out("rm -rf /etc/berth && cloud-init clean --logs >/dev/null && cloud-init init --local >/dev/null 2>&1 && cloud-init init >/dev/null 2>&1 && cloud-init modules --mode=config >/dev/null 2>&1 && cloud-init modules --mode=final >/dev/null 2>&1");
    expect(await out("head -c 2 /var/lib/cloud/seed/nocloud/user-data | od -An -tx1")).toBe(" 1f 8b\n");
    const mirrors = rendered.files.find((f) => f.path === "/etc/berth/mirrors.list")?.content;
    expect(await out("cat /etc/berth/mirrors.list")).toBe(mirrors);
    const s = await status();
    expect(s).toMatchObject({ phase: "ready", errors: [], mirrors: { "docker-ce": "labkit", installer: "labkit" } });
    expect(await out("/opt/conda/bin/conda --version")).toBe("conda 24.11.3\n");
    expect(await out("cat /var/log/berth/bootstrap.log")).toContain(`miniconda installer from labkit: sha256 ${STANDIN_SHA} verified`);
    expect(await keyringFingerprint()).toBe(`${KIT}\n`);
  });
});
