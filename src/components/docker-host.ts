/**
 * DockerHost (berth:index:DockerHost): one host from the validated stack config, through one
 * provider, booted with the rendered user-data (or the same bootstrap over SSH for an existing
 * server), and the app deployed on it when berth:app is set.
 */
import * as pulumi from "@pulumi/pulumi";
import { render, type Rendered } from "../bootstrap/render.js";
import type { StackConfig } from "../config/load.js";
import { AppDeployment, splitAppSecrets, type SshTargetInput } from "./app-deployment.js";
import { digitalOceanHost, type PrivatePorts } from "./digitalocean.js";
import { ExistingHost } from "./existing-host.js";
import { LocalVm } from "./local-vm.js";
import { publishedPorts } from "./ports.js";
import { studentUserData, userDataParts } from "./lab-user-data.js";
import { keyBody, USER_DATA_INPUTS, userDataSha1 } from "./lab-bootstrap.js";
import type { TencentLabParts } from "./lab-tencent.js";
import { TencentInstance } from "./tencent/index.js";

export interface DockerHostArgs {
  readonly config: StackConfig;
  /** The rendered bootstrap, when the caller has it already. */
  readonly rendered?: Rendered;
  /** The private key berth logs in with (a secret); local VMs make their own when absent. */
  readonly sshPrivateKey?: pulumi.Input<string>;
  readonly tencent?: { secretId?: pulumi.Input<string>; secretKey?: pulumi.Input<string>; endpoint?: string };
  /** A student's host in a lab (the Lab component): named by the roster, sharing the lab's network and admin key. */
  readonly lab?: LabHostArgs;
  /** TCP ports the firewall / security group opens only to some ranges (a cache host's port 80 to the VPC). */
  readonly privatePorts?: PrivatePorts;
}

export interface LabHostArgs {
  /** The lab's name, in every host's tags or labels. */
  readonly lab: string;
  /**
   * The student's public key, added to the login user's authorized keys by the user-data. Absent
   * for a host of the lab that is no student's (its cache).
   */
  readonly studentKey?: pulumi.Input<string>;
  /**
   * The host's config and bootstrap through the lab's own cache, known once the cache host has its
   * address: rendered once for the lab and shared by every student's host (replaces `rendered`).
   */
  readonly viaCache?: pulumi.Output<{ readonly config: StackConfig; readonly rendered: Rendered }>;
  /** When the lab ends, ISO-8601 UTC: a tag or label on the host, Tencent's scheduled termination. */
  readonly expiresAt: pulumi.Input<string>;
  /** DigitalOcean: the lab's SSH keys (shared by every droplet) and its tags (the lab's firewall applies by tag). */
  readonly digitalocean?: { readonly sshKeys: pulumi.Input<string>[]; readonly tags: pulumi.Input<string[]> };
  /** Tencent Cloud: the lab layer and the lab's shared security group and key pair. */
  readonly tencent?: { readonly parts: TencentLabParts; readonly securityGroupId: pulumi.Input<string>; readonly keyId: pulumi.Input<string> };
}

interface Reached {
  ip: pulumi.Output<string>;
  privateIp: pulumi.Output<string>;
  sshHost: pulumi.Output<string>;
  sshPort: pulumi.Output<number>;
  /** The pin the stack gives (or the local VM's own key); "" when berth records the key it sees. */
  hostKey: pulumi.Output<string>;
  /** The key berth saw when it bootstrapped the host over SSH (an existing server). */
  seenHostKey?: pulumi.Output<string>;
  privateKey?: pulumi.Input<string>;
  ready: pulumi.Resource;
  /** The user-data the host resource recorded (a lab host's is the one it was made with). */
  userData?: pulumi.Output<string | undefined>;
}

export class DockerHost extends pulumi.ComponentResource {
  declare readonly publicIp: pulumi.Output<string>;
  /** The address to SSH to (127.0.0.1 for a local VM, whose port is mapped here). */
  declare readonly sshHost: pulumi.Output<string>;
  declare readonly sshUser: pulumi.Output<string>;
  declare readonly sshPort: pulumi.Output<number>;
  declare readonly ssh: pulumi.Output<string>;
  declare readonly appUrl: pulumi.Output<string>;
  declare readonly hostKeyFingerprint: pulumi.Output<string>;
  declare readonly mirrors: pulumi.Output<Record<string, string[]>>;
  /** The host's address on the provider's private network (VPC; the lab network for local VMs). */
  declare readonly privateIp: pulumi.Output<string>;
  /** How berth reaches the host over SSH, and the key it logs in with (a secret), for SSH-driven children. */
  declare readonly sshTarget: pulumi.Output<SshTargetInput>;
  declare readonly sshKey: pulumi.Output<string> | undefined;
  /** The resource that is done when the host is up (its bootstrap may still run). */
  declare readonly ready: pulumi.Resource;
  /** A lab host: the user-data its resource was made with, and that resource's URN (`pulumi up --replace` takes it). */
  declare readonly madeWith: pulumi.Output<string | undefined>;
  declare readonly machineUrn: pulumi.Output<string>;

  constructor(name: string, args: DockerHostArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("berth:index:DockerHost", name, {}, opts);
    const cfg = args.config;
    const h = cfg.host;
    const rendered = args.rendered ?? render(cfg);
    const reached = this.#host(name, args, rendered);
    const user = h.user;
    const app = cfg.app;
    let seenHostKey = reached.seenHostKey;
    if (app) {
      const privateKey = reached.privateKey ?? args.sshPrivateKey;
      if (privateKey === undefined) throw new pulumi.RunError("berth:sshPrivateKey: needed to deploy berth:app over SSH — pulumi config set --secret berth:sshPrivateKey < ~/.ssh/id_ed25519");
      const split = splitAppSecrets(app);
      const deployment = new AppDeployment(`${name}-app`, {
        target: pulumi.all([reached.sshHost, reached.sshPort, reached.hostKey]).apply(([host, port, fp]) => ({ host, port, user, hostKeyFingerprint: fp })),
        app: split.app,
        secrets: pulumi.output(privateKey).apply((k) => ({ privateKey: k, ...(split.registryPassword !== undefined ? { registryPassword: split.registryPassword } : {}), secretEnv: split.secretEnv })),
      }, { parent: this, dependsOn: [reached.ready] });
      seenHostKey ??= deployment.seenHostKey;
    }
    const port = publishedPorts(app?.ports ?? []).find((p) => p.protocol === "tcp")?.port;
    this.privateIp = reached.privateIp;
    this.sshTarget = pulumi.all([reached.sshHost, reached.sshPort, reached.hostKey]).apply(([host, port, fp]) => ({ host, port, user, hostKeyFingerprint: fp }));
    const key = reached.privateKey ?? args.sshPrivateKey;
    this.sshKey = key === undefined ? undefined : pulumi.secret(key);
    this.ready = reached.ready;
    this.publicIp = reached.ip;
    this.sshHost = reached.sshHost;
    this.sshUser = pulumi.output(user);
    this.sshPort = reached.sshPort;
    this.ssh = pulumi.interpolate`ssh -p ${reached.sshPort} ${user}@${reached.sshHost}`;
    this.appUrl = port === undefined ? pulumi.output("") : pulumi.interpolate`http://${reached.ip}:${port}/`;
    // The pin when there is one, else the key berth saw and keeps in the state.
    this.hostKeyFingerprint = seenHostKey === undefined ? reached.hostKey : pulumi.all([reached.hostKey, seenHostKey]).apply(([pin, seen]) => pin || seen || "");
    const viaCache = args.lab?.viaCache;
    this.mirrors = (viaCache ? viaCache.apply((v) => mirrorNames(v.config)) : pulumi.output(mirrorNames(cfg))) as pulumi.Output<Record<string, string[]>>;
    this.madeWith = reached.userData ?? pulumi.output(undefined);
    this.machineUrn = reached.ready.urn;
    this.registerOutputs({ publicIp: this.publicIp, sshUser: this.sshUser, sshPort: this.sshPort, ssh: this.ssh, appUrl: this.appUrl, hostKeyFingerprint: this.hostKeyFingerprint, mirrors: this.mirrors });
  }

  #host(name: string, args: DockerHostArgs, rendered: Rendered): Reached {
    const cfg = args.config;
    const h = cfg.host;
    const parent = this;
    const lab = args.lab;
    const studentKey = lab?.studentKey;
    const shared = lab?.viaCache ?? pulumi.output({ rendered });
    const student = studentKey !== undefined ? pulumi.all([shared, studentKey]).apply(([v, k]) => studentUserData(v.rendered, h.provider, k)) : undefined;
    const userData: pulumi.Input<string> = student ? student.userData : rendered.userData;
    // A lab host keeps the user-data it was made with; its student's key alone replaces it (lab-bootstrap.ts).
    const keep: pulumi.CustomResourceOptions = lab && studentKey !== undefined ? { ignoreChanges: USER_DATA_INPUTS[h.provider], replacementTrigger: pulumi.output(studentKey).apply(keyBody) } : {};
    switch (h.provider) {
      case "digitalocean": {
        warnOpenSsh(cfg, this);
        if (pulumi.runtime.isDryRun() && !lab) pulumi.log.warn("DigitalOcean replaces a droplet when its user-data or SSH keys change; berth renders the same bytes for the same config, so only a config change (or a berth upgrade that changes bootstrap.sh) does that.", this);
        const d = digitalOceanHost(name, cfg, userData, parent, lab?.digitalocean, args.privatePorts, keep);
        return { ip: d.ip, privateIp: d.privateIp, sshHost: d.ip, sshPort: pulumi.output(22), hostKey: pulumi.output(h.hostKeyFingerprint ?? ""), ready: d.droplet, userData: d.droplet.userData };
      }
      case "tencentcloud": {
        warnOpenSsh(cfg, this);
        const ports = publishedPorts(cfg.app?.ports ?? []);
        if (student) {
          if (!lab?.tencent) throw new Error(`DockerHost ${name}: a Tencent lab host needs the lab's Tencent parts`);
          // The user-data as parts the provider rebuilds it from (or, when it cannot, the bytes), and the text's
          // digest: each student's share of the state stays small (lab-user-data.ts).
          const parts = pulumi.all([shared, studentKey ?? ""]).apply(([v, k]) => userDataParts(v.rendered, k));
          const bytes = pulumi.all([parts, student]).apply(([p, s]) => (p ? undefined : s.userDataBase64));
          const t = lab.tencent.parts.instance(`${name}-cvm`, {
            region: h.region ?? "ap-guangzhou", zone: h.zone ?? "", imageId: h.image ?? "", instanceType: h.size ?? "S5.MEDIUM4",
            userData: student.apply((s) => userDataSha1(s.userData)), userDataParts: parts, userDataBase64: bytes,
            publicKey: h.sshPublicKey ?? "", instanceName: name, sshCidrs: [...h.allowSsh],
            appPorts: ports.filter((p) => p.protocol === "tcp").map((p) => p.port), appUdpPorts: ports.filter((p) => p.protocol === "udp").map((p) => p.port),
            bandwidthOut: h.bandwidth, securityGroupId: lab.tencent.securityGroupId, keyId: lab.tencent.keyId, expiresAt: lab.expiresAt,
            ...(args.tencent?.secretId !== undefined ? { secretId: args.tencent.secretId } : {}),
            ...(args.tencent?.secretKey !== undefined ? { secretKey: args.tencent.secretKey } : {}),
            ...(args.tencent?.endpoint ? { endpoint: args.tencent.endpoint } : {}),
          }, { parent, ...keep });
          return { ip: t.publicIp, privateIp: t.privateIp ?? pulumi.output(""), sshHost: t.publicIp, sshPort: pulumi.output(22), hostKey: pulumi.output(h.hostKeyFingerprint ?? ""), ready: t, userData: t.userData };
        }
        const t = new TencentInstance(`${name}-cvm`, {
          region: h.region ?? "ap-guangzhou", zone: h.zone ?? "", imageId: h.image ?? "", instanceType: h.size ?? "S5.MEDIUM4",
          userData: rendered.userData, ...(rendered.compressed ? { userDataBase64: rendered.userDataBase64 } : {}),
          publicKey: h.sshPublicKey ?? "", instanceName: h.name ?? name, sshCidrs: [...h.allowSsh],
          appPorts: ports.filter((p) => p.protocol === "tcp").map((p) => p.port),
          appUdpPorts: ports.filter((p) => p.protocol === "udp").map((p) => p.port),
          ...(args.privatePorts ? { privatePorts: [...args.privatePorts.ports], privateCidrs: [...args.privatePorts.from] } : {}),
          bandwidthOut: h.bandwidth,
          // A lab's own host (its cache) has its own security group and ends with the lab.
          ...(lab ? { expiresAt: lab.expiresAt } : {}),
          ...(args.tencent?.secretId !== undefined ? { secretId: args.tencent.secretId } : {}),
          ...(args.tencent?.secretKey !== undefined ? { secretKey: args.tencent.secretKey } : {}),
          ...(args.tencent?.endpoint ? { endpoint: args.tencent.endpoint } : {}),
        }, { parent });
        return { ip: t.publicIp, privateIp: t.privateIp, sshHost: t.publicIp, sshPort: pulumi.output(22), hostKey: pulumi.output(h.hostKeyFingerprint ?? ""), ready: t };
      }
      case "local": {
        const labels = lab ? { labels: { "berth.lab": lab.lab, "berth.expires": lab.expiresAt } } : {};
        const vm = new LocalVm(`${name}-vm`, { vmName: h.name ?? name, userData, ...(h.sshPublicKey ? { sshPublicKey: h.sshPublicKey } : {}), ...labels }, { parent, ...keep });
        return { ip: vm.ip, privateIp: vm.ip, sshHost: pulumi.output("127.0.0.1"), sshPort: vm.sshPort, hostKey: vm.hostKeyFingerprint, ...(h.sshPublicKey ? {} : { privateKey: vm.privateKey }), ready: vm, userData: vm.userData };
      }
      case "existing": {
        if (args.sshPrivateKey === undefined) throw new pulumi.RunError("berth:sshPrivateKey: needed to bootstrap an existing server over SSH — pulumi config set --secret berth:sshPrivateKey < ~/.ssh/id_ed25519");
        const files = rendered.files.map((f) => ({ ...f }));
        const e = new ExistingHost(`${name}-server`, { address: h.address ?? "", port: h.port, user: h.user, ...(h.hostKeyFingerprint ? { hostKeyFingerprint: h.hostKeyFingerprint } : {}), files, privateKey: args.sshPrivateKey }, { parent });
        return { ip: pulumi.output(h.address ?? ""), privateIp: pulumi.output(h.address ?? ""), sshHost: pulumi.output(h.address ?? ""), sshPort: pulumi.output(h.port), hostKey: pulumi.output(h.hostKeyFingerprint ?? ""), seenHostKey: e.seenHostKey, ready: e };
      }
    }
  }
}

/** The mirrors of each part, by name, in the order the bootstrap tries them. */
function mirrorNames(cfg: StackConfig): Record<string, string[]> {
  return {
    dockerCe: cfg.mirrors.dockerCe.map((m) => m.name),
    installer: cfg.mirrors.installer.map((m) => m.name),
    conda: cfg.mirrors.conda ? [cfg.mirrors.conda.name] : [],
    pypi: [cfg.mirrors.pypi.name],
  };
}

const ANYWHERE = new Set(["0.0.0.0/0", "::/0"]);

/** Said at preview: SSH open to the whole internet is the default, and rarely what anyone wants. */
function warnOpenSsh(cfg: StackConfig, resource: pulumi.Resource): void {
  const open = cfg.host.allowSsh.filter((c) => ANYWHERE.has(c));
  if (open.length === 0 || !pulumi.runtime.isDryRun()) return;
  pulumi.log.warn(
    `berth:host.allowSsh lets the whole internet (${open.join(", ")}) reach SSH (port 22) on this host. ` +
      `Limit it to the addresses you connect from: set allowSsh in stacks/Pulumi.${pulumi.getStack()}.yaml, e.g. allowSsh: ["203.0.113.7/32"] (your address, or your CI's ranges).`,
    resource,
  );
}
