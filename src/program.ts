/**
 * The Pulumi program as a function: read the stack's config, validate it (every problem at
 * once, before any resource), build the DockerHost, return its outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { RenderError, render } from "./bootstrap/render.js";
import { loadPulumiConfig } from "./config/pulumi-config.js";
import { DockerHost } from "./components/docker-host.js";

export function program(baseDir: string = process.cwd()) {
  const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
  const isKeySecret = (key: string) => runtime.isConfigSecret?.(key) ?? false;
  const loaded = loadPulumiConfig({ projectDir: baseDir, stack: pulumi.getStack(), values: pulumi.runtime.allConfig(), isKeySecret });
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
  const host = new DockerHost(cfg.host.name ?? pulumi.getStack(), {
    config: cfg,
    rendered,
    ...(sshPrivateKey ? { sshPrivateKey } : {}),
    tencent: { ...(secretId ? { secretId } : {}), ...(secretKey ? { secretKey } : {}), ...(endpoint ? { endpoint } : {}) },
  });
  return {
    publicIp: host.publicIp,
    sshUser: host.sshUser,
    sshPort: host.sshPort,
    ssh: host.ssh,
    appUrl: host.appUrl,
    hostKeyFingerprint: host.hostKeyFingerprint,
    mirrors: host.mirrors,
  };
}
