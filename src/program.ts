/**
 * The Pulumi program as a function: read the stack's config, validate it (every problem at
 * once, before any resource), build the DockerHost, return its outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { RenderError, render } from "./bootstrap/render.js";
import { load } from "./config/load.js";
import { CacheHost } from "./components/cache-host.js";
import { DockerHost } from "./components/docker-host.js";

export function program(baseDir: string = process.cwd()) {
  const all = pulumi.runtime.allConfig();
  const loaded = load(all, { baseDir });
  if (!loaded.ok) throw new pulumi.RunError(`the stack config has ${loaded.errors.length} problem(s):\n  ${loaded.errors.join("\n  ")}`);
  const cfg = loaded.config;
  let rendered;
  try {
    rendered = render(cfg);
  } catch (e) {
    if (e instanceof RenderError) throw new pulumi.RunError(e.message);
    throw e;
  }
  const berth = new pulumi.Config("berth");
  const tencent = new pulumi.Config("tencentcloud");
  const sshPrivateKey = berth.getSecret("sshPrivateKey");
  const secretId = tencent.getSecret("secretId");
  const secretKey = tencent.getSecret("secretKey");
  const endpoint = tencent.get("endpoint");
  const hostArgs = {
    config: cfg,
    rendered,
    ...(sshPrivateKey ? { sshPrivateKey } : {}),
    tencent: { ...(secretId ? { secretId } : {}), ...(secretKey ? { secretKey } : {}), ...(endpoint ? { endpoint } : {}) },
  };
  // A stack with berth:cache is a lab's cache host: the same host, running the cache.
  const cache = cfg.cache ? new CacheHost(cfg.host.name ?? pulumi.getStack(), hostArgs) : undefined;
  const host = cache?.host ?? new DockerHost(cfg.host.name ?? pulumi.getStack(), hostArgs);
  return {
    ...(cache ? { cacheUrl: cache.url, cacheClient: cache.clientCache } : {}),
    publicIp: host.publicIp,
    sshUser: host.sshUser,
    sshPort: host.sshPort,
    ssh: host.ssh,
    appUrl: host.appUrl,
    hostKeyFingerprint: host.hostKeyFingerprint,
    mirrors: host.mirrors,
  };
}
