// kit.ts — the offline lab kit: stand-in docker-ce/Miniconda mirror + private registry.
//
//   const kit = await kitUp();   // idempotent; a second call reuses images and containers
//   kit.mirrorUrl                // "http://mirror.berth.lab" (as VMs on berth-lab see it)
//   await kitDown();             // removes only containers/volumes/network labelled berth.kit=1
//                                // or berth.vm (by id); images and the password stay cached
//   await kitDown({ purge: true });  // also the berth-local/* images and rootfs/app caches
//
// Ports on the host: BERTH_KIT_MIRROR_PORT (18080), BERTH_KIT_REGISTRY_PORT (15000).
import { randomBytes, createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { ensureMirrorImage, ensureRegistryImage, ensureVmImage } from "./images.js";
import { cacheDir, engine, KIT_LABEL, removeContainer, VM_LABEL } from "./engine.js";
import { APP_TAGS, pushAppImages, type AppTag } from "./kit-app.js";
import { kitCacheUp } from "./kit-cache.js";
import { ensureLabNetwork, ensureService, LAB_NETWORK, waitHttp } from "./lab-net.js";

/**
 * Fingerprint of the kit mirror's throwaway signing key (images/kit-mirror/labkit-signing-key.asc).
 * The key is fixed so that a stack can pin it like any custom mirror's own key.
 */
export const KIT_MIRROR_KEY_FINGERPRINT = "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1";

export interface KitInfo {
  network: string;
  mirrorUrl: string;
  mirrorHostUrl: string;
  registry: string;
  registryHost: string;
  registryUser: string;
  registryPassword: string;
  appImages: Record<AppTag, string>;
}

const MIRROR_ALIAS = "mirror.berth.lab";
const REGISTRY_ALIAS = "registry.berth.lab";
const REGISTRY_USER = "berth";

function port(envName: string, fallback: number): number {
  const raw = process.env[envName];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${envName}=${raw}: not a TCP port`);
  return n;
}

/** The kit registry password: generated once, kept in ~/.cache/berth/kit/registry-password (0600). */
export function registryPasswordFile(): string {
  const file = cacheDir("kit", "registry-password");
  if (!existsSync(file)) {
    mkdirSync(cacheDir("kit"), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(18).toString("base64url"), { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return file;
}

/** What the kit looks like (does not start anything). */
export function kitInfo(): KitInfo {
  const registry = `${REGISTRY_ALIAS}:5000`;
  return {
    network: LAB_NETWORK,
    mirrorUrl: `http://${MIRROR_ALIAS}`,
    mirrorHostUrl: `http://127.0.0.1:${port("BERTH_KIT_MIRROR_PORT", 18080)}`,
    registry,
    registryHost: `127.0.0.1:${port("BERTH_KIT_REGISTRY_PORT", 15000)}`,
    registryUser: REGISTRY_USER,
    registryPassword: readFileSync(registryPasswordFile(), "utf8").trim(),
    appImages: Object.fromEntries(APP_TAGS.map((t) => [t, `${registry}/berth/app:${t}`])) as Record<AppTag, string>,
  };
}

export interface KitUpOptions {
  log?: (line: string) => void;
}

/** Build what is missing, start what is not running, push the sample app; returns KitInfo. */
export async function kitUp(opts: KitUpOptions = {}): Promise<KitInfo> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const step = (what: string) => log(`kit: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const info = kitInfo();
  await ensureLabNetwork();
  const mirrorImage = await ensureMirrorImage();
  step(`mirror image ${mirrorImage}`);
  const registryImage = await ensureRegistryImage();
  step(`registry image ${registryImage}`);
  step(`VM image ${await ensureVmImage()}`);

  await ensureService({
    name: "berth-kit-mirror",
    image: mirrorImage,
    alias: MIRROR_ALIAS,
    containerPort: 80,
    hostPort: Number(info.mirrorHostUrl.split(":").pop()),
  });
  const pwFile = registryPasswordFile();
  await ensureService({
    name: "berth-kit-registry",
    image: registryImage,
    alias: REGISTRY_ALIAS,
    containerPort: 5000,
    hostPort: Number(info.registryHost.split(":").pop()),
    env: [`BERTH_REGISTRY_USER=${REGISTRY_USER}`],
    binds: [`${pwFile}:/etc/berth-registry/secret/password:ro`],
    volumes: { "berth-kit-registry-data": "/var/lib/berth-registry" },
    revision: createHash("sha256").update(info.registryPassword).digest("hex").slice(0, 12),
  });
  await waitHttp(`${info.mirrorHostUrl}/docker-ce/linux/debian/gpg`, (s) => s === 200);
  await waitHttp(`http://${info.registryHost}/v2/`, (s) => s === 401);
  step("mirror and registry answer");

  await pushAppImages({ registryHost: info.registryHost, user: info.registryUser, password: info.registryPassword });
  step("sample app images in the registry");
  // Added beside the above, in separate containers: Docker Hub stand-in, Python mirror, cache (kit-cache.ts).
  await kitCacheUp(info, step);
  return info;
}

export interface KitDownOptions {
  /** Also remove berth-local/* images, the pushed app tags and the rootfs/app caches (not the password). */
  purge?: boolean;
}

/** Remove every container, volume and network labelled berth.kit=1 or berth.vm (by id). */
export async function kitDown(opts: KitDownOptions = {}): Promise<void> {
  const d = engine();
  for (const label of [KIT_LABEL, VM_LABEL]) {
    const filters = { label: [label === KIT_LABEL ? `${KIT_LABEL}=1` : VM_LABEL] };
    for (const c of await d.listContainers({ all: true, filters })) await removeContainer(c.Id);
  }
  for (const label of [`${KIT_LABEL}=1`, VM_LABEL]) {
    const { Volumes } = await d.listVolumes({ filters: { label: [label] } });
    for (const v of Volumes ?? []) await d.getVolume(v.Name).remove();
  }
  for (const n of await d.listNetworks({ filters: { label: [`${KIT_LABEL}=1`] } })) {
    await d.getNetwork(n.Id).remove();
  }
  rmSync(cacheDir("vms"), { recursive: true, force: true });
  if (opts.purge) await purgeImages();
}

async function purgeImages(): Promise<void> {
  const registryHost = kitInfo().registryHost;
  const ours = (tag: string) => tag.startsWith("berth-local/") || tag.startsWith(`${registryHost}/berth/app:`);
  for (const img of await engine().listImages()) {
    for (const tag of (img.RepoTags ?? []).filter(ours)) await engine().getImage(tag).remove({ noprune: false });
  }
  rmSync(cacheDir("base"), { recursive: true, force: true });
  for (const f of existsSync(cacheDir("kit")) ? readdirSync(cacheDir("kit")) : []) {
    if (f.startsWith("app-")) rmSync(cacheDir("kit", f), { recursive: true, force: true });
  }
}
