// vm.ts — local "VMs": systemd + cloud-init containers on the berth-lab network.
//
//   const vm = await createVm({ name: "s1", userData: "#cloud-config\n…", timeoutMs: 300_000 });
//   // vm.sshPort on 127.0.0.1, vm.ip on berth-lab; cloud-init has finished
//   await destroyVm("s1");   // container, its volumes and its seed directory
//
// The NoCloud seed (user-data, meta-data) is written to ~/.cache/berth/vms/<name>/seed and
// mounted read-only at /var/lib/cloud/seed/nocloud. sshPublicKey goes into meta-data
// `public-keys`: cloud-init gives it to the distro's default user `debian` (passwordless
// sudo, root login disabled), as on a Debian cloud image. Containers and
// volumes carry berth.kit=1 and berth.vm=<name>.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { cacheDir, engine, execIn, KIT_LABEL, removeContainer, VM_LABEL } from "./engine.js";
import { ensureVmImage } from "./images.js";
import { ensureLabNetwork, ensureVolume, LAB_NETWORK } from "./lab-net.js";
import { vmFailure, waitForCloudInit, waitForStatusFile } from "./vm-wait.js";

export interface CreateVmOptions {
  name: string;
  userData: string;
  metaData?: Record<string, unknown>;
  /** Public key line(s) for the default user (meta-data `public-keys`). */
  sshPublicKey?: string | string[];
  /** Extra container labels (a lab's name and expiry); berth's own labels win. */
  labels?: Record<string, string>;
  waitForStatusFile?: boolean;
  /** Leave a VM whose boot or bootstrap failed running, for diagnosis over SSH. */
  keepOnFailure?: boolean;
  timeoutMs: number;
}

/** A boot that failed; `vm` says where the VM is when it was kept for diagnosis. */
export class LocalVmError extends Error {
  override readonly name = "LocalVmError";
  constructor(
    message: string,
    readonly vm?: { name: string; containerId: string; ip: string; sshPort: number },
  ) {
    super(message);
  }
}

export interface LocalVm {
  name: string;
  containerId: string;
  ip: string;
  sshPort: number;
  hostKeyFingerprint?: string;
  cloudInitStatus: "done" | "error";
  /** Milliseconds from container start until cloud-init reported done/error. */
  bootMs: number;
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,50}[a-z0-9])?$/;
export const vmContainerName = (name: string): string => `berth-vm-${name}`;

/**
 * What a VM container is granted: the least this machine has shown systemd, cloud-init, sshd
 * and a Docker engine inside the VM (overlay2, bridge networking, containers of its own) to
 * need, and no more. It is still near-root on the host — root in the VM can mount, change its
 * own cgroup's device list and create device nodes — so a local VM is for someone who may
 * have the machine (see the README). Not --privileged, which also fails on hosts lacking
 * CAP_SYS_RESOURCE.
 */
export const VM_HOST_CONFIG = {
  // Docker's default capabilities, plus: SYS_ADMIN for mounts and namespaces (systemd's own
  // mounts, the inner dockerd's overlay2 mounts and its containers' namespaces), NET_ADMIN for
  // the inner dockerd's bridge, veth pairs and iptables rules. Everything else stays dropped
  // (SYS_MODULE, SYS_TIME, SYS_RAWIO, SYS_PTRACE, SYS_BOOT, SYSLOG, MAC_ADMIN, BPF, …).
  CapAdd: ["SYS_ADMIN", "NET_ADMIN"],
  // Docker's default seccomp profile refuses the nested container runtime's syscalls, and an
  // AppArmor profile would refuse its mounts. (This machine's engine enforces neither, so a
  // narrower profile could not be proved here.)
  SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
  // systempaths=unconfined: the inner runtime mounts a fresh /proc for each container, which
  // the kernel refuses while parts of the VM's /proc are masked or read-only.
  MaskedPaths: [] as string[],
  ReadonlyPaths: [] as string[],
  // No extra devices: Docker's default list (null, zero, full, random, urandom, tty, console,
  // ptmx, pts, tun, and mknod) is what systemd and the inner containers use.
  DeviceCgroupRules: [] as string[],
  Tmpfs: { "/run": "", "/run/lock": "" },
  // The VM's own cgroup namespace: systemd and the inner dockerd see the VM's cgroup as the
  // root and manage only what is below it, instead of the host's whole cgroup tree.
  CgroupnsMode: "private",
};

/**
 * PID 1 of a VM container: make the VM's own cgroup hierarchies writable (the engine mounts
 * them read-only; systemd and the inner dockerd create cgroups below them), then exec systemd.
 * cgroup v2 has one hierarchy at /sys/fs/cgroup; cgroup v1 one per controller below it.
 */
const VM_ENTRYPOINT = [
  "/bin/sh",
  "-c",
  'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then mount -o remount,rw /sys/fs/cgroup || exit 1; ' +
    'else for c in /sys/fs/cgroup/*/; do mount -o remount,bind,rw "$c" || exit 1; done; fi; exec /sbin/init',
];

function writeSeed(opts: CreateVmOptions): string {
  const dir = cacheDir("vms", opts.name, "seed");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = [opts.sshPublicKey ?? []].flat().map((k) => k.trim()).filter(Boolean);
  const meta: Record<string, unknown> = {
    "instance-id": `i-berth-${opts.name}-${randomBytes(4).toString("hex")}`,
    "local-hostname": opts.name,
    ...(keys.length > 0 ? { "public-keys": keys } : {}),
    ...opts.metaData,
  };
  writeFileSync(join(dir, "user-data"), opts.userData, { mode: 0o600 });
  writeFileSync(join(dir, "meta-data"), YAML.stringify(meta), { mode: 0o600 });
  return dir;
}

/** Boot a VM container and wait for cloud-init (and optionally berth's status file). */
export async function createVm(opts: CreateVmOptions): Promise<LocalVm> {
  if (!NAME_RE.test(opts.name)) throw new Error(`VM name "${opts.name}": use lowercase letters, digits and "-" (a hostname)`);
  const d = engine();
  const cname = vmContainerName(opts.name);
  const clash = await d.listContainers({ all: true, filters: { name: [cname] } });
  if (clash.some((c) => c.Names.includes(`/${cname}`))) {
    throw new Error(`local VM "${opts.name}" already exists (container ${cname}); destroy it first`);
  }
  const image = await ensureVmImage();
  await ensureLabNetwork();
  const labels = { ...opts.labels, [KIT_LABEL]: "1", [VM_LABEL]: opts.name };
  const dockerVolume = `${cname}-docker`;
  const deadline = Date.now() + opts.timeoutMs;
  let where: LocalVmError["vm"];
  try {
    await ensureVolume(dockerVolume, { [VM_LABEL]: opts.name });
    const seed = writeSeed(opts);
    const c = await d.createContainer({
      name: cname,
      Hostname: opts.name,
      Image: image,
      Labels: labels,
      ExposedPorts: { "22/tcp": {} },
      Entrypoint: VM_ENTRYPOINT,
      Cmd: [],
      HostConfig: {
        ...VM_HOST_CONFIG,
        Binds: [`${seed}:/var/lib/cloud/seed/nocloud:ro`, `${dockerVolume}:/var/lib/docker`],
        PortBindings: { "22/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      },
      NetworkingConfig: { EndpointsConfig: { [LAB_NETWORK]: {} } },
    });
    await c.start();
    const started = Date.now();
    const info = await c.inspect();
    const ip = info.NetworkSettings.Networks[LAB_NETWORK]?.IPAddress ?? "";
    const sshPort = Number(info.NetworkSettings.Ports["22/tcp"]?.[0]?.HostPort ?? 0);
    where = { name: opts.name, containerId: c.id, ip, sshPort };
    const cloudInitStatus = await waitForCloudInit(c.id, opts.name, deadline);
    const bootMs = Date.now() - started;
    if (cloudInitStatus === "error" && !opts.waitForStatusFile) {
      throw await vmFailure(c.id, opts.name, "cloud-init finished with status: error");
    }
    if (opts.waitForStatusFile) await waitForStatusFile(c.id, opts.name, deadline);
    const hostKeyFingerprint = await fingerprint(c.id);
    return { name: opts.name, containerId: c.id, ip, sshPort, hostKeyFingerprint, cloudInitStatus, bootMs };
  } catch (e) {
    const keep = opts.keepOnFailure === true || process.env.BERTH_KEEP_FAILED_VMS === "1";
    if (!keep) await destroyVm(opts.name);
    throw new LocalVmError((e as Error).message, keep ? where : undefined);
  }
}

async function fingerprint(id: string): Promise<string | undefined> {
  const r = await execIn(id, ["ssh-keygen", "-lf", "/etc/ssh/ssh_host_ed25519_key.pub"]);
  return r.code === 0 ? r.stdout.split(/\s+/)[1] : undefined;
}

/** Remove a VM's container (by id), its volumes and its seed directory. */
export async function destroyVm(name: string): Promise<void> {
  const d = engine();
  const filters = { label: [`${VM_LABEL}=${name}`] };
  for (const c of await d.listContainers({ all: true, filters })) await removeContainer(c.Id);
  const { Volumes } = await d.listVolumes({ filters });
  for (const v of Volumes ?? []) await d.getVolume(v.Name).remove();
  rmSync(cacheDir("vms", name), { recursive: true, force: true });
}

/** Names of the local VMs that exist now. */
export async function listVms(): Promise<string[]> {
  const cs = await engine().listContainers({ all: true, filters: { label: [VM_LABEL] } });
  return cs.map((c) => c.Labels[VM_LABEL] ?? "").filter(Boolean);
}
