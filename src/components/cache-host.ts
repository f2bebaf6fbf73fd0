/**
 * CacheHost (berth:index:CacheHost): a host that runs the berth cache for a lab — a DockerHost
 * booted like any other, whose port 80 the firewall / security group opens only to the lab's
 * private ranges (berth:cache.allowFrom), and the cache's containers on it (CacheServices).
 *
 *   const cache = new CacheHost("lab-cache", { config });      // config.cache is set
 *   cache.privateAddress   // 10.0.0.5: what the lab's hosts reach it at
 *   cache.clientCache      // { url: "http://10.0.0.5", name, dockerCeKeyFingerprint? }
 *   useCache(studentConfig, clientCache)   // (cache/client.ts) → the student's StackConfig
 *
 * The cache fetches from this stack's own mirrors (cache/client.ts cacheUpstreams).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Rendered } from "../bootstrap/render.js";
import { cacheUpstreams, cacheUseFor } from "../cache/client.js";
import { cacheImageContext } from "../cache/image-context.js";
import type { StackConfig } from "../config/load.js";
import type { CacheUse } from "../config/sections/cache.js";
import { CacheServices } from "./cache-services.js";
import type { CacheUpstreams } from "../cache/containers.js";
import { DockerHost, type DockerHostArgs, type LabHostArgs } from "./docker-host.js";

/** Names of the cache's containers, network and volumes on a cache host. */
export const CACHE_PREFIX = "berth-cache";

export interface CacheHostArgs {
  readonly config: StackConfig;
  readonly rendered?: Rendered;
  readonly sshPrivateKey?: pulumi.Input<string>;
  readonly tencent?: DockerHostArgs["tencent"];
  /** Where the cache fetches each part (default: from `config`'s own mirrors). */
  readonly upstreams?: CacheUpstreams;
  /** A lab's own cache: the lab's name, end and shared provider parts (no student logs in here). */
  readonly lab?: Omit<LabHostArgs, "studentKey" | "viaCache">;
}

export class CacheHost extends pulumi.ComponentResource {
  declare readonly host: DockerHost;
  declare readonly privateAddress: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;
  /** What a client stack needs to use this cache: berth:bootstrap.cache. */
  declare readonly clientCache: pulumi.Output<CacheUse>;
  declare readonly services: CacheServices;

  constructor(name: string, args: CacheHostArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("berth:index:CacheHost", name, {}, opts);
    const cfg = args.config;
    const cache = cfg.cache;
    if (!cache) throw new pulumi.RunError("berth:cache: not set — a CacheHost is a stack with a berth:cache section");
    this.host = new DockerHost(name, {
      config: cfg, ...(args.rendered ? { rendered: args.rendered } : {}), ...(args.sshPrivateKey !== undefined ? { sshPrivateKey: args.sshPrivateKey } : {}),
      ...(args.tencent ? { tencent: args.tencent } : {}), ...(args.lab ? { lab: args.lab } : {}), privatePorts: { ports: [80], from: cache.allowFrom },
    }, { parent: this });
    const key = this.host.sshKey;
    if (key === undefined) throw new pulumi.RunError("berth:sshPrivateKey: needed to start the cache over SSH — pulumi config set --secret berth:sshPrivateKey < ~/.ssh/id_ed25519");
    this.services = new CacheServices(`${name}-cache`, {
      target: this.host.sshTarget, privateKey: key,
      layout: { prefix: CACHE_PREFIX, network: CACHE_PREFIX, upstreams: args.upstreams ?? cacheUpstreams(cfg), publish: "80", maxSize: cache.maxSize },
      ...(cache.image ? { image: cache.image } : {}), imageContext: cacheImageContext(),
    }, { parent: this, dependsOn: [this.host.ready] });
    this.privateAddress = this.host.privateIp;
    this.url = pulumi.interpolate`http://${this.host.privateIp}`;
    this.clientCache = pulumi.all([this.host.privateIp, this.services.imageRef]).apply(([ip]) => cacheUseFor(cfg, ip));
    this.registerOutputs({ privateAddress: this.privateAddress, url: this.url, clientCache: this.clientCache });
  }
}
