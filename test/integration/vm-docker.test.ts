// A local VM whose user-data only installs docker-ce from the lab kit mirror, the way a
// rendered bootstrap does it with cloud-init's own apt sources + packages modules — with the
// narrowed grants of VM_HOST_CONFIG: the inner engine still runs containers of its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kitUp } from "../../src/local/kit.js";
import { createVm, destroyVm, type LocalVm } from "../../src/local/vm.js";
import { dockerCeCloudConfig, sh, testVmName } from "./helpers.js";

const NAME = testVmName("docker");

/** Linux capability numbers (linux/capability.h), for reading CapBnd. */
const CAPS = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"];
const capNames = (hex: string) => CAPS.filter((_, bit) => (BigInt(`0x${hex}`) >> BigInt(bit)) & 1n);

describe("local VM whose user-data installs docker-ce from the mirror", () => {
  let vm: LocalVm;

  beforeAll(async () => {
    const kit = await kitUp();
    await destroyVm(NAME);
    vm = await createVm({ name: NAME, userData: await dockerCeCloudConfig(kit.mirrorHostUrl, kit.mirrorUrl), timeoutMs: 480_000 });
    console.log(`${NAME}: container start -> cloud-init ${vm.cloudInitStatus} in ${vm.bootMs} ms`);
  });
  afterAll(async () => {
    await destroyVm(NAME);
  });

  it("finishes cloud-init with a running docker engine on overlay2", async () => {
    expect(vm.cloudInitStatus).toBe("done");
    const r = await sh(vm.containerId, "systemctl is-active docker && docker info --format '{{.Driver}}'");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe("active\noverlay2\n");
    const src = await sh(vm.containerId, "apt-cache policy docker-ce | sed -n 2,3p");
    expect(src.stdout).toContain("5:20.10.24~3-0~debian-bookworm");
  });

  it("boots systemd with no failed unit", async () => {
    const r = await sh(vm.containerId, "systemctl is-system-running; systemctl --failed --no-legend --plain");
    expect(r.stdout).toBe("running\n");
  });

  it("runs the inner engine's own containers, with a published port", async () => {
    // An image made inside the VM (no registry needed): dash and the two libraries it loads.
    const r = await sh(
      vm.containerId,
      `set -e; r=$(mktemp -d); mkdir -p $r/usr/bin $r/lib/x86_64-linux-gnu $r/lib64
       cp /usr/bin/dash $r/usr/bin/; cp /lib/x86_64-linux-gnu/libc.so.6 $r/lib/x86_64-linux-gnu/; cp /lib64/ld-linux-x86-64.so.2 $r/lib64/
       tar -C $r -c . | docker import - inner:probe >/dev/null; rm -rf $r
       docker run --rm inner:probe /usr/bin/dash -c 'echo inner container ran'
       docker run --rm -p 18099:80 inner:probe /usr/bin/dash -c 'echo with a published port'`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe("inner container ran\nwith a published port\n");
  });

  it("is granted Docker's default capabilities plus SYS_ADMIN and NET_ADMIN, in a cgroup namespace of its own", async () => {
    const status = (await sh(vm.containerId, "cat /proc/1/status")).stdout;
    const bounding = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? "";
    expect(capNames(bounding)).toEqual(["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "NET_BIND_SERVICE", "NET_ADMIN", "NET_RAW", "SYS_CHROOT", "SYS_ADMIN", "MKNOD", "AUDIT_WRITE", "SETFCAP"]);
    // The VM's own cgroup is the root of what it sees (not the host's /docker/<container id>),
    // and the host's cgroup tree is not mounted into it.
    const cgroups = (await sh(vm.containerId, "cat /proc/self/cgroup")).stdout;
    expect(cgroups).toMatch(/^\d+:memory:\/$/m);
    expect(cgroups).not.toContain(vm.containerId);
    expect((await sh(vm.containerId, "mount | grep -c ' /sys/fs/cgroup/memory type cgroup (rw'")).stdout).toBe("1\n");
  });
});
