// lab-net.ts — the `berth-lab` Docker network and labelled service containers.
//
//   await ensureLabNetwork();
//   const id = await ensureService({ name: "berth-kit-mirror", image, alias: "mirror.berth.lab", … });
//
// Everything made here carries the label berth.kit=1; a service container is reused when
// its berth.hash label (image + settings) still matches, else replaced by id.
import type { ContainerCreateOptions } from "dockerode";
import { contentHash, engine, HASH_LABEL, KIT_LABEL, removeContainer } from "./engine.js";

export const LAB_NETWORK = "berth-lab";

export async function ensureLabNetwork(): Promise<string> {
  const nets = await engine().listNetworks({ filters: { name: [LAB_NETWORK] } });
  const found = nets.find((n) => n.Name === LAB_NETWORK);
  if (found) return found.Id;
  const net = await engine().createNetwork({
    Name: LAB_NETWORK,
    Driver: "bridge",
    CheckDuplicate: true,
    Labels: { [KIT_LABEL]: "1" },
  });
  return net.id;
}

export async function ensureVolume(name: string, labels: Record<string, string> = {}): Promise<void> {
  try {
    await engine().getVolume(name).inspect();
  } catch {
    await engine().createVolume({ Name: name, Labels: { [KIT_LABEL]: "1", ...labels } });
  }
}

export interface ServiceSpec {
  name: string;
  image: string;
  alias: string;
  containerPort: number;
  hostPort: number;
  env?: string[];
  binds?: string[];
  volumes?: Record<string, string>; // volume name -> mount path
  revision?: string; // extra input to the reuse hash (e.g. a hash of a mounted secret)
}

/** Create or reuse a kit service container; returns its id. */
export async function ensureService(spec: ServiceSpec): Promise<string> {
  await ensureLabNetwork();
  const hash = contentHash([{ text: JSON.stringify(spec) }]);
  const existing = await engine().listContainers({ all: true, filters: { name: [spec.name] } });
  const mine = existing.find((c) => c.Names.includes(`/${spec.name}`));
  if (mine) {
    if (mine.Labels[HASH_LABEL] === hash) {
      if (mine.State !== "running") await engine().getContainer(mine.Id).start();
      return mine.Id;
    }
    await removeContainer(mine.Id);
  }
  for (const vol of Object.keys(spec.volumes ?? {})) await ensureVolume(vol);
  const port = `${spec.containerPort}/tcp`;
  const opts: ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Env: spec.env,
    Labels: { [KIT_LABEL]: "1", [HASH_LABEL]: hash },
    ExposedPorts: { [port]: {} },
    HostConfig: {
      RestartPolicy: { Name: "unless-stopped" },
      PortBindings: { [port]: [{ HostIp: "127.0.0.1", HostPort: String(spec.hostPort) }] },
      Binds: [
        ...(spec.binds ?? []),
        ...Object.entries(spec.volumes ?? {}).map(([vol, path]) => `${vol}:${path}`),
      ],
    },
    NetworkingConfig: { EndpointsConfig: { [LAB_NETWORK]: { Aliases: [spec.alias] } } },
  };
  const c = await engine().createContainer(opts);
  await c.start();
  return c.id;
}

/** Poll an HTTP URL until `ok(status)` holds (bounded). */
export async function waitHttp(url: string, ok: (status: number) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      await res.arrayBuffer();
      if (ok(res.status)) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms (last: ${last})`);
}
