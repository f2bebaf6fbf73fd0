/**
 * The berth cache's containers on a cache host, as a Pulumi dynamic resource driven over SSH
 * (deploy's Executor): wait for the host's bootstrap, get the cache image there — built on this
 * machine and streamed (`docker save | docker load`, no registry needed on the host) or pulled
 * when the stack names a prebuilt one — then start the containers of cache/containers.ts, each
 * kept while its spec hash matches, and check the front answers. Delete removes them, their
 * network and volumes. Methods load berth's modules when they run (see runtime-require).
 */
import * as pulumi from "@pulumi/pulumi";
import type { CacheLayout } from "../cache/containers.js";
import type { SshTargetInput } from "./app-deployment.js";
import { hostPin, pinRefusal, type HostPin } from "./host-pin.js";
import { berthRequire, PROVIDER_FORMAT, runtimeRequire, staleProvider } from "./runtime-require.js";

export interface CacheServicesInputs {
  target: SshTargetInput;
  secrets: { privateKey: string };
  layout: Omit<CacheLayout, "image">;
  /** A prebuilt berth cache image to pull on the host; "" to build it here and stream it. */
  image: string;
  /** A hash of the image's sources, so a berth upgrade that changes them updates the cache. */
  imageContext: string;
}

export interface CacheServicesOutputs extends CacheServicesInputs {
  /** The image the containers run (the tag built here, or the one pulled). */
  imageRef: string;
  containers: string[];
  seenHostKey?: string;
  providerFormat?: number;
}

type Executor = import("../deploy/ssh.js").SshExecutor;

function connectTo(inputs: CacheServicesInputs, pin: HostPin): Executor {
  const { SshExecutor } = berthRequire("deploy/ssh.ts") as typeof import("../deploy/ssh.js");
  const { KnownHosts } = berthRequire("deploy/known-hosts.ts") as typeof import("../deploy/known-hosts.js");
  const { Sensitive } = berthRequire("deploy/sensitive.ts") as typeof import("../deploy/sensitive.js");
  const t = inputs.target;
  return new SshExecutor({
    host: t.host, port: t.port, username: t.user, privateKey: new Sensitive(inputs.secrets.privateKey),
    ...(pin.fingerprint ? { hostKeyFingerprint: pin.fingerprint } : { knownHosts: new KnownHosts() }),
  });
}

async function apply(inputs: CacheServicesInputs, pin: HostPin): Promise<{ imageRef: string; containers: string[]; seenHostKey: string }> {
  const { Session } = berthRequire("deploy/session.ts") as typeof import("../deploy/session.js");
  const { waitForBootstrap } = berthRequire("deploy/wait.ts") as typeof import("../deploy/wait.js");
  const { cacheContainers, cacheVolumes } = berthRequire("cache/containers.ts") as typeof import("../cache/containers.js");
  const { cacheCommands } = berthRequire("cache/commands.ts") as typeof import("../cache/commands.js");
  const log = (runtimeRequire("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).log;
  const ex = connectTo(inputs, pin);
  const t = inputs.target;
  try {
    try {
      await ex.connect();
    } catch (e) {
      throw pinRefusal(e, `${t.user}@${t.host}:${t.port}`, pin, ex.hostKey) ?? e;
    }
    const s = new Session(ex, (l) => void log.info(l));
    await waitForBootstrap(s, 900);
    let imageRef = inputs.image;
    if (imageRef) await s.run({ argv: ["docker", "pull", imageRef] });
    else {
      const { ensureCacheImage } = berthRequire("local/cache-images.ts") as typeof import("../local/cache-images.js");
      const { localImageSource } = berthRequire("deploy/image-source.ts") as typeof import("../deploy/image-source.js");
      imageRef = await ensureCacheImage();
      const src = localImageSource();
      const id = await src.id(imageRef);
      if ((await s.try({ argv: ["docker", "image", "inspect", "--format", "{{.Id}}", id] })).code !== 0) {
        const tag = imageRef;
        await s.step(`stream ${tag}`, async () => s.run({ argv: ["docker", "load"] }, { stdin: await src.save(tag) }));
      }
    }
    const specs = cacheContainers({ ...inputs.layout, image: imageRef });
    if ((await s.try({ argv: cacheCommands.networkExists(inputs.layout.network) })).code !== 0) await s.run({ argv: cacheCommands.networkCreate(inputs.layout.network) });
    for (const v of cacheVolumes(specs)) await s.run({ argv: ["docker", "volume", "create", "--label", "berth.cache=1", v] });
    for (const spec of specs) {
      const now = await s.try({ argv: cacheCommands.specOf(spec.name) });
      const [hash, state] = now.stdout.trim().split(" ");
      if (now.code === 0 && hash === spec.hash) {
        if (state !== "running") await s.run({ argv: cacheCommands.start(spec.name) });
        continue;
      }
      if (now.code === 0) await s.run({ argv: cacheCommands.remove(spec.name) });
      await s.run({ argv: cacheCommands.run(spec, inputs.layout.network) });
    }
    let code = "";
    for (let i = 0; i < 60 && code !== "200"; i++) {
      code = (await s.try({ argv: cacheCommands.health() })).stdout.trim();
      if (code !== "200") await new Promise((r) => setTimeout(r, 1000));
    }
    if (code !== "200") throw new Error(`${ex.target}: the berth cache did not answer on port 80 (last HTTP status ${code || "none"}) — docker logs ${inputs.layout.prefix}-front says why`);
    return { imageRef, containers: specs.map((x) => x.name), seenHostKey: ex.hostKey ?? pin.fingerprint };
  } finally {
    await ex.close();
  }
}

export class CacheServicesProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: CacheServicesInputs): Promise<pulumi.dynamic.CreateResult<CacheServicesOutputs>> {
    const r = await apply(inputs, hostPin(inputs.target.hostKeyFingerprint, undefined));
    return { id: `${inputs.target.host}:${inputs.target.port}/${inputs.layout.prefix}`, outs: { ...inputs, ...r, providerFormat: PROVIDER_FORMAT } };
  }

  async diff(_id: string, olds: CacheServicesOutputs, news: CacheServicesInputs): Promise<pulumi.dynamic.DiffResult> {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const sameHost = olds.target.host === news.target.host && olds.target.port === news.target.port;
    const changes = !same(olds.layout, news.layout) || olds.image !== news.image || olds.imageContext !== news.imageContext || !same(olds.target, news.target) || !same(olds.secrets, news.secrets) || staleProvider(olds);
    return { changes, replaces: sameHost ? [] : ["target"], deleteBeforeReplace: true };
  }

  async update(_id: string, olds: CacheServicesOutputs, news: CacheServicesInputs): Promise<pulumi.dynamic.UpdateResult<CacheServicesOutputs>> {
    const r = await apply(news, hostPin(news.target.hostKeyFingerprint, olds.seenHostKey || undefined));
    return { outs: { ...news, ...r, providerFormat: PROVIDER_FORMAT } };
  }

  async delete(_id: string, props: CacheServicesOutputs): Promise<void> {
    const { cacheContainers, cacheVolumes } = berthRequire("cache/containers.ts") as typeof import("../cache/containers.js");
    const ex = connectTo(props, hostPin(props.target.hostKeyFingerprint, props.seenHostKey));
    try {
      const specs = cacheContainers({ ...props.layout, image: props.imageRef });
      await ex.exec(["docker", "rm", "--force", ...specs.map((x) => x.name)]);
      await ex.exec(["docker", "network", "rm", props.layout.network]);
      await ex.exec(["docker", "volume", "rm", ...cacheVolumes(specs)]);
    } catch (e) {
      // A host that is already gone has no cache left to remove.
      if (!/cannot connect/.test((e as Error).message)) throw e;
    } finally {
      await ex.close();
    }
  }
}

export const cacheServicesProvider = new CacheServicesProvider();

export interface CacheServicesArgs {
  target: pulumi.Input<SshTargetInput>;
  privateKey: pulumi.Input<string>;
  layout: Omit<CacheLayout, "image">;
  image?: string;
  imageContext: string;
}

export class CacheServices extends pulumi.dynamic.Resource {
  declare readonly imageRef: pulumi.Output<string>;
  declare readonly containers: pulumi.Output<string[]>;
  declare readonly seenHostKey: pulumi.Output<string>;

  constructor(name: string, args: CacheServicesArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(cacheServicesProvider, name, {
      target: args.target, secrets: pulumi.secret(pulumi.output(args.privateKey).apply((privateKey) => ({ privateKey }))),
      layout: args.layout, image: args.image ?? "", imageContext: args.imageContext,
      imageRef: undefined, containers: undefined, seenHostKey: undefined,
    }, opts, "berth", "CacheServices");
  }
}
