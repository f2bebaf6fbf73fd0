/**
 * Lab (berth:index:Lab): one DockerHost per student of the roster, all from one template, the
 * bootstrap rendered once and shared; each host gets its student's key (from the roster, or a
 * LabKey berth makes) in its user-data. What a provider lets hosts share, they share: on
 * DigitalOcean one SSH key and one firewall (by tag) for the lab, on Tencent Cloud one security
 * group and key pair (TencentLabNetwork, lab-tencent.ts). Hosts are named from student ids, so a
 * row's position in the roster never matters: adding or removing a student creates or deletes
 * exactly that student's host. With berth:cache the lab has its own cache host, made first; each
 * student's bootstrap then puts it first in every mirror chain (rendered once per cache address).
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { render, type Rendered } from "../bootstrap/render.js";
import { cacheUpstreams, labCacheHostConfig, useCache } from "../cache/client.js";
import type { LabConfig, Student } from "../config/lab.js";
import type { StackConfig } from "../config/load.js";
import { CacheHost } from "./cache-host.js";
import { firewallRules } from "./digitalocean.js";
import { DockerHost, type LabHostArgs } from "./docker-host.js";
import { bootstrapDigest, bootstrapOf } from "./lab-bootstrap.js";
import { LabKey } from "./lab-key.js";
import { labNetworkRules, tencentLabParts, type TencentLabParts } from "./lab-tencent.js";
import { studentUserData } from "./lab-user-data.js";

export interface LabArgs {
  readonly config: StackConfig & { readonly lab: LabConfig };
  readonly rendered: Rendered;
  /** When the lab ends, ISO-8601 UTC (for a duration: from the lab's LabStart). */
  readonly expiresAt: pulumi.Input<string>;
  readonly sshPrivateKey?: pulumi.Input<string>;
  readonly tencent?: { secretId?: pulumi.Input<string>; secretKey?: pulumi.Input<string>; endpoint?: string };
  /** The Tencent lab layer (default: the connected one, lab-tencent.ts). */
  readonly tencentParts?: TencentLabParts;
}

/** One student's host, as handouts and the instructor's table show it. No secrets. */
export interface StudentHost {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly hostName: string;
  readonly host: string;
  readonly user: string;
  readonly port: number;
  readonly ssh: string;
  readonly hostKeyFingerprint: string;
  readonly appUrl: string;
  /** `roster`: the student's own key; `berth`: a key berth made (its private half is in the secret output). */
  readonly keySource: "roster" | "berth";
  readonly publicKey: string;
  /** The digest of the lab bootstrap the host was made with (lab-bootstrap.ts); `unknown`, `older` where it cannot be read. */
  readonly bootstrap?: string;
}

/** DigitalOcean tags (letters, digits, `:`, `-`, `_`): the lab and its end. */
export function doLabTags(lab: string, expiresAt: string): string[] {
  return [`berth-lab:${lab}`, `berth-expires:${expiresAt.replace(/\.\d+Z$/, "Z").replace(/:/g, "-")}`];
}

export class Lab extends pulumi.ComponentResource {
  declare readonly students: pulumi.Output<Record<string, StudentHost>>;
  /** Private keys berth made, by student id (a secret). */
  declare readonly privateKeys: pulumi.Output<Record<string, string>>;
  /** The lab's own cache (berth:cache), at its private address; undefined without one. */
  declare readonly cacheUrl: pulumi.Output<string> | undefined;
  /** By student id, the URN of the student's host resource (for `pulumi up --replace`). */
  readonly hostUrns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: LabArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("berth:index:Lab", name, {}, opts);
    const cfg = args.config;
    const shared = this.#shared(name, args);
    // A lab with its own cache (berth:cache): the cache host first, then every student's bootstrap
    // through it, rendered once for its address and shared by all of them.
    const cache = cfg.cache ? this.#cache(name, args, shared) : undefined;
    const viaCache = cache?.clientCache.apply((use) => {
      const config = useCache(cfg, use);
      return { config, rendered: render(config) };
    });
    // What a student's host would be made with now: through the cache when the lab has one.
    const now = viaCache ?? pulumi.output({ rendered: args.rendered });
    const current = now.apply((v) => bootstrapDigest(v.rendered.userData));
    const hosts: pulumi.Output<[string, StudentHost]>[] = [];
    const keys: pulumi.Output<[string, string]>[] = [];
    for (const s of [...cfg.lab.students].sort((a, b) => a.hostName.localeCompare(b.hostName))) {
      const made = s.sshPublicKey ? undefined : new LabKey(`${s.hostName}-key`, { comment: `berth-${s.hostName}` }, { parent: this });
      const publicKey = made ? made.publicKey : pulumi.output(s.sshPublicKey ?? "");
      const host = new DockerHost(s.hostName, {
        config: cfg, rendered: args.rendered,
        ...(args.sshPrivateKey !== undefined ? { sshPrivateKey: args.sshPrivateKey } : {}),
        ...(args.tencent ? { tencent: args.tencent } : {}),
        lab: { lab: name, studentKey: publicKey, expiresAt: args.expiresAt, ...shared, ...(viaCache ? { viaCache } : {}) },
      }, { parent: this });
      const expected = pulumi.all([publicKey, now]).apply(([k, v]) => studentUserData(v.rendered, cfg.host.provider, k).userData);
      const bootstrap = pulumi.all([host.madeWith, expected, current]).apply(([u, e, c]) => bootstrapOf(u, e, c));
      hosts.push(studentHost(s, host, publicKey, made !== undefined, bootstrap));
      this.hostUrns[s.id] = host.machineUrn;
      if (made) keys.push(made.privateKey.apply((k) => [s.id, k] as [string, string]));
    }
    this.students = pulumi.all(hosts).apply((e) => Object.fromEntries(e));
    this.privateKeys = pulumi.secret(pulumi.all(keys).apply((e) => Object.fromEntries(e)));
    if (cache) this.cacheUrl = cache.url;
    this.registerOutputs({ students: this.students, privateKeys: this.privateKeys, ...(cache ? { cacheUrl: cache.url } : {}) });
  }

  /**
   * The lab's cache host (`<lab>-cache`): the template's provider and mirrors, the cache alone on
   * it. On DigitalOcean it shares the lab's SSH key but not the lab firewall's tag (that firewall
   * opens the students' app ports to everyone): its own firewall opens port 80 to the private
   * ranges only. On Tencent Cloud it has a security group of its own for the same reason.
   */
  #cache(name: string, args: LabArgs, shared: Pick<LabHostArgs, "digitalocean" | "tencent">): CacheHost {
    const template = args.config;
    const tags = pulumi.output(args.expiresAt).apply((e) => [`berth-lab-cache:${name}`, doLabTags(name, e)[1] ?? ""]);
    const digitalocean = shared.digitalocean ? { sshKeys: shared.digitalocean.sshKeys, tags } : undefined;
    return new CacheHost(`${name}-cache`, {
      config: labCacheHostConfig(template), upstreams: cacheUpstreams(template),
      ...(args.sshPrivateKey !== undefined ? { sshPrivateKey: args.sshPrivateKey } : {}),
      ...(args.tencent ? { tencent: args.tencent } : {}),
      lab: { lab: name, expiresAt: args.expiresAt, ...(digitalocean ? { digitalocean } : {}) },
    }, { parent: this });
  }

  /** What every host of the lab shares on its provider. */
  #shared(name: string, args: LabArgs): Pick<LabHostArgs, "digitalocean" | "tencent"> {
    const h = args.config.host;
    const parent = this;
    if (h.provider === "digitalocean") {
      const key = h.sshPublicKey ? new digitalocean.SshKey(`${name}-key`, { name: `${name}-berth`, publicKey: h.sshPublicKey }, { parent }) : undefined;
      const tags = pulumi.output(args.expiresAt).apply((e) => doLabTags(name, e));
      const rules = firewallRules(args.config);
      new digitalocean.Firewall(`${name}-firewall`, { name: `${name}-berth`, tags: [`berth-lab:${name}`], inboundRules: rules.inbound, outboundRules: rules.outbound }, { parent });
      return { digitalocean: { sshKeys: key ? [key.fingerprint] : [], tags } };
    }
    if (h.provider === "tencentcloud") {
      const parts = args.tencentParts ?? tencentLabParts;
      const t = args.tencent ?? {};
      const net = parts.network(`${name}-net`, {
        region: h.region ?? "ap-guangzhou", name, publicKey: h.sshPublicKey ?? "", ...labNetworkRules(args.config),
        ...(t.secretId !== undefined ? { secretId: t.secretId } : {}), ...(t.secretKey !== undefined ? { secretKey: t.secretKey } : {}), ...(t.endpoint ? { endpoint: t.endpoint } : {}),
      }, { parent });
      return { tencent: { parts, securityGroupId: net.securityGroupId, keyId: net.keyId } };
    }
    return {};
  }
}

function studentHost(s: Student, host: DockerHost, publicKey: pulumi.Output<string>, made: boolean, bootstrap: pulumi.Output<string>): pulumi.Output<[string, StudentHost]> {
  return pulumi.all([host.sshHost, host.sshUser, host.sshPort, host.ssh, host.hostKeyFingerprint, host.appUrl, publicKey, bootstrap]).apply(([addr, user, port, ssh, fp, appUrl, key, boot]): [string, StudentHost] => [
    s.id,
    { id: s.id, name: s.name ?? "", email: s.email ?? "", hostName: s.hostName, host: addr, user, port, ssh, hostKeyFingerprint: fp, appUrl, keySource: made ? "berth" : "roster", publicKey: key, bootstrap: boot },
  ]);
}
