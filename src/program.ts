/**
 * The Pulumi program as a function: read the stack's config, validate it (every problem at
 * once, before any resource), build the DockerHost — or, for a lab stack (berth:lab), one host
 * per student (lab/program.ts) — and return the outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { RenderError, render, type Rendered } from "./bootstrap/render.js";
import { loadPulumiConfig } from "./config/pulumi-config.js";
import type { StackConfig } from "./config/load.js";
import { CacheHost } from "./components/cache-host.js";
import { DockerHost } from "./components/docker-host.js";
import { labProgram, type LabSummary } from "./lab/program.js";
import type { StudentHost } from "./components/lab.js";

interface Prepared {
  cfg: StackConfig;
  rendered: Rendered;
  sshPrivateKey: pulumi.Output<string> | undefined;
  tencent: { secretId?: pulumi.Output<string>; secretKey?: pulumi.Output<string>; endpoint?: string };
}

function prepare(baseDir: string): Prepared {
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
  const secretId = tencent.getSecret("secretId");
  const secretKey = tencent.getSecret("secretKey");
  const endpoint = tencent.get("endpoint");
  return {
    cfg, rendered, sshPrivateKey: berth.getSecret("sshPrivateKey"),
    tencent: { ...(secretId ? { secretId } : {}), ...(secretKey ? { secretKey } : {}), ...(endpoint ? { endpoint } : {}) },
  };
}

function hostOutputs(p: Prepared) {
  const name = p.cfg.host.name ?? pulumi.getStack();
  const hostArgs = { config: p.cfg, rendered: p.rendered, ...(p.sshPrivateKey ? { sshPrivateKey: p.sshPrivateKey } : {}), tencent: p.tencent };
  // A stack with berth:cache (and no berth:lab) is a cache host: a DockerHost running the cache.
  const cache = p.cfg.cache ? new CacheHost(name, hostArgs) : undefined;
  const host = cache?.host ?? new DockerHost(name, hostArgs);
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

/** The single-host program (a stack without berth:lab). */
export function program(baseDir: string = process.cwd()) {
  const p = prepare(baseDir);
  if (p.cfg.lab) throw new pulumi.RunError("berth:lab: a lab stack runs through main()");
  return hostOutputs(p);
}

/** Every output a stack can have; a lab stack has `lab`, `students` and `studentKeys`, a single host the rest. */
export interface StackOutputs extends Partial<ReturnType<typeof hostOutputs>> {
  lab?: pulumi.Output<LabSummary>;
  students?: pulumi.Output<Record<string, StudentHost>>;
  studentKeys?: pulumi.Output<Record<string, string>>;
  /** A cache host's (or a lab's own cache's) private address. */
  cacheUrl?: pulumi.Output<string>;
}

/** The program `pulumi up` runs: one host, or a lab. */
export async function main(baseDir: string = process.cwd()): Promise<StackOutputs> {
  const p = prepare(baseDir);
  const cfg = p.cfg;
  if (!cfg.lab) return hostOutputs(p);
  return labProgram({
    config: { ...cfg, lab: cfg.lab },
    rendered: p.rendered,
    ...(p.sshPrivateKey ? { sshPrivateKey: p.sshPrivateKey } : {}),
    tencent: p.tencent,
  });
}
