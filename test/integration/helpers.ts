// Shared helpers for integration tests: run shell in a local VM, read an sshd banner.
import { connect } from "node:net";
import { execIn, type ExecResult } from "../../src/local/engine.js";

/**
 * A test VM's name: BERTH_TEST_VM_PREFIX (default "it-") + base, so that runs of the same
 * files by several people on one Docker engine never remove each other's VMs.
 */
export function testVmName(base: string): string {
  return `${process.env.BERTH_TEST_VM_PREFIX ?? "it-"}${base}`;
}

/** bash -c SCRIPT inside the VM container (as root). */
export function sh(containerId: string, script: string): Promise<ExecResult> {
  return execIn(containerId, ["bash", "-c", script]);
}

/** The first line an SSH server sends on 127.0.0.1:port. */
export function sshBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let buf = "";
    sock.setTimeout(15_000, () => sock.destroy(new Error("no banner")));
    sock.on("data", (d) => {
      buf += d.toString();
      if (buf.includes("\n")) {
        sock.end();
        resolve(buf.split(/\r?\n/)[0] ?? "");
      }
    });
    sock.on("error", reject);
  });
}

/** The apt source line Docker documents, pointed at the lab kit mirror. */
export function dockerAptLine(mirrorUrl: string, keyFile: string): string {
  return `deb [arch=amd64 signed-by=${keyFile}] ${mirrorUrl}/docker-ce/linux/debian bookworm stable`;
}

/** #cloud-config that adds the kit mirror with cloud-init's own apt module and installs docker-ce. */
export async function dockerCeCloudConfig(mirrorHostUrl: string, mirrorUrl: string): Promise<string> {
  const key = await (await fetch(`${mirrorHostUrl}/docker-ce/linux/debian/gpg`)).text();
  const indented = key.trim().split("\n").map((l) => `        ${l}`).join("\n");
  return `#cloud-config
apt:
  sources:
    docker.list:
      source: "deb [arch=amd64 signed-by=$KEY_FILE] ${mirrorUrl}/docker-ce/linux/debian bookworm stable"
      key: |
${indented}
package_update: true
packages: [docker-ce, docker-ce-cli, containerd.io]
`;
}
