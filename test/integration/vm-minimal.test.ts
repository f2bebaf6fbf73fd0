// A local VM booted with a minimal #cloud-config, then used as a client of the lab kit:
// signed apt mirror (both docker-ce versions), a docker-ce install, the Miniconda stand-in.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kitUp, type KitInfo } from "../../src/local/kit.js";
import { createVm, destroyVm, type LocalVm } from "../../src/local/vm.js";
import { dockerAptLine, sh, sshBanner, testVmName } from "./helpers.js";

const NAME = testVmName("minimal");
const USER_DATA = `#cloud-config
write_files:
  - path: /etc/berth-it/hello.txt
    content: hello from cloud-init
runcmd:
  - [ sh, -c, "echo runcmd-ran > /etc/berth-it/runcmd.txt" ]
`;

describe("local VM with a minimal cloud-config", () => {
  let kit: KitInfo;
  let vm: LocalVm;
  const keyDir = mkdtempSync(join(tmpdir(), "berth-it-key-"));
  const keyFile = join(keyDir, "id_ed25519");

  beforeAll(async () => {
    kit = await kitUp();
    await destroyVm(NAME);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile]);
    const sshPublicKey = readFileSync(`${keyFile}.pub`, "utf8");
    vm = await createVm({ name: NAME, userData: USER_DATA, sshPublicKey, timeoutMs: 300_000 });
    console.log(`${NAME}: container start -> cloud-init ${vm.cloudInitStatus} in ${vm.bootMs} ms`);
  });
  afterAll(async () => {
    await destroyVm(NAME);
    rmSync(keyDir, { recursive: true, force: true });
  });

  it("reaches cloud-init done and ran write_files + runcmd", async () => {
    expect(vm.cloudInitStatus).toBe("done");
    expect((await sh(vm.containerId, "cat /etc/berth-it/hello.txt")).stdout).toBe("hello from cloud-init");
    expect((await sh(vm.containerId, "cat /etc/berth-it/runcmd.txt")).stdout.trim()).toBe("runcmd-ran");
    expect((await sh(vm.containerId, "hostname")).stdout.trim()).toBe(NAME);
  });

  it("answers SSH on the published port and on berth-lab", async () => {
    expect(vm.sshPort).toBeGreaterThan(0);
    expect(await sshBanner(vm.sshPort)).toMatch(/^SSH-2\.0-OpenSSH/);
    expect(vm.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(vm.hostKeyFingerprint).toMatch(/^SHA256:/);
  });

  it("lets the key's owner in as `debian` with sudo, and the host key matches", async () => {
    const known = join(keyDir, "known_hosts");
    const scan = execFileSync("ssh-keyscan", ["-t", "ed25519", "-p", String(vm.sshPort), "127.0.0.1"], { encoding: "utf8" });
    const seen = execFileSync("ssh-keygen", ["-lf", "-"], { input: scan, encoding: "utf8" });
    expect(seen.split(/\s+/)[1]).toBe(vm.hostKeyFingerprint);
    const out = execFileSync(
      "ssh",
      ["-i", keyFile, "-p", String(vm.sshPort), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
        "-o", `UserKnownHostsFile=${known}`, "debian@127.0.0.1", "sudo -n id -u"],
      { encoding: "utf8" },
    );
    expect(out.trim()).toBe("0");
  });

  it("apt sees both docker-ce versions from the signed stand-in mirror", async () => {
    const key = "/etc/apt/keyrings/docker.asc";
    const r = await sh(
      vm.containerId,
      `set -e; install -m 0755 -d /etc/apt/keyrings
       curl -fsSL ${kit.mirrorUrl}/docker-ce/linux/debian/gpg -o ${key}; chmod a+r ${key}
       echo "${dockerAptLine(kit.mirrorUrl, key)}" > /etc/apt/sources.list.d/docker.list
       apt-get update 2>&1; apt-cache madison docker-ce`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/NO_PUBKEY|not signed|W: GPG/);
    expect(r.stdout).toContain("docker-ce | 5:20.10.24~3-0~debian-bookworm | http://mirror.berth.lab/docker-ce/linux/debian");
    expect(r.stdout).toContain("docker-ce | 5:20.10.23~3-0~debian-bookworm | http://mirror.berth.lab/docker-ce/linux/debian");
  });

  it("installs a pinned docker-ce from the mirror and gets a running engine", async () => {
    const v = "5:20.10.23~3-0~debian-bookworm";
    const r = await sh(
      vm.containerId,
      `set -e; export DEBIAN_FRONTEND=noninteractive
       apt-get install -y -q docker-ce=${v} docker-ce-cli=${v} containerd.io docker-buildx-plugin docker-compose-plugin
       dpkg-query -W -f='\${Version}' docker-ce; echo
       for i in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
       docker info --format 'server={{.ServerVersion}} driver={{.Driver}}'`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(v);
    expect(r.stdout).toMatch(/server=20\.10\.\S+ driver=overlay2/);
  });

  it("installs the Miniconda stand-in after checking SHA256SUMS", async () => {
    const r = await sh(
      vm.containerId,
      `set -e; cd /tmp; base=${kit.mirrorUrl}/anaconda/miniconda
       curl -fsSLO $base/Miniconda3-latest-Linux-x86_64.sh; curl -fsSLO $base/SHA256SUMS
       sha256sum -c SHA256SUMS
       bash Miniconda3-latest-Linux-x86_64.sh -b -p /opt/conda
       /opt/conda/bin/conda --version
       printf 'name: lab\\ndependencies: [python=3.11]\\n' > env.yml
       /opt/conda/bin/conda env create -f env.yml >/dev/null
       /opt/conda/bin/conda env list --json`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Miniconda3-latest-Linux-x86_64.sh: OK");
    expect(r.stdout).toContain("conda 24.11.3");
    expect(r.stdout).toContain('"/opt/conda/envs/lab"');
  });
});
