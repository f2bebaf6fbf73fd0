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
  sshPublicKey?: string;
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

/** What a VM needs without --privileged (fails on hosts lacking CAP_SYS_RESOURCE); see FIELD-NOTES. */
const VM_HOST_CONFIG = {
  CapAdd: ["ALL"],
  CapDrop: ["SYS_RESOURCE"],
  SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
  MaskedPaths: [] as string[], // systempaths=unconfined
  ReadonlyPaths: [] as string[],
  DeviceCgroupRules: ["a *:* rwm"],
  Tmpfs: { "/run": "", "/run/lock": "" },
};

function writeSeed(opts: CreateVmOptions): string {
  const dir = cacheDir("vms", opts.name, "seed");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const meta: Record<string, unknown> = {
    "instance-id": `i-berth-${opts.name}-${randomBytes(4).toString("hex")}`,
    "local-hostname": opts.name,
    ...(opts.sshPublicKey ? { "public-keys": [opts.sshPublicKey.trim()] } : {}),
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
      HostConfig: {
        ...VM_HOST_CONFIG,
        Binds: ["/sys/fs/cgroup:/sys/fs/cgroup:rw", `${seed}:/var/lib/cloud/seed/nocloud:ro`, `${dockerVolume}:/var/lib/docker`],
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
