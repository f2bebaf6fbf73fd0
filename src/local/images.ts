// images.ts — the images built from src/local/images/<name>/ on top of the base image.
//
//   const vm = await ensureVmImage();        // "berth-local/vm:<content hash>", built once
//   const mirror = await ensureMirrorImage();
//
// A tag is a hash of the base image tag and the build context, so an unchanged
// Dockerfile reuses the image and any edit rebuilds it.
import { ensureBaseImage } from "./base.js";
import { buildImage, contentHash, engine, imageExists, imagesDir } from "./engine.js";

/** Build (if needed) an image from src/local/images/<name>/ on top of the base image. */
export async function ensureImageFromDir(name: string, files: string[], extra: string[] = []): Promise<string> {
  const base = await ensureBaseImage();
  const dir = imagesDir(name);
  const hash = contentHash([
    { text: base },
    ...extra.map((text) => ({ text })),
    ...files.flatMap((f) => [{ text: f }, { file: `${dir}/${f}` }]),
  ]);
  const tag = `berth-local/${name}:${hash}`;
  if (!(await imageExists(tag))) {
    await buildImage({ dir, files, tag, buildargs: { BASE: base }, labels: { "berth.image": name } });
    await dropStaleTags(`berth-local/${name}`, tag);
  }
  return tag;
}

/** Untag older builds of the same image; the engine refuses (and we skip) ones still in use. */
async function dropStaleTags(repo: string, keep: string): Promise<void> {
  for (const img of await engine().listImages({ filters: { reference: [`${repo}:*`] } })) {
    for (const t of img.RepoTags ?? []) {
      if (t !== keep) await engine().getImage(t).remove().catch(() => undefined);
    }
  }
}

export function ensureVmImage(): Promise<string> {
  return ensureImageFromDir("vm", ["Dockerfile", "99-berth.cfg"]);
}

export function ensureMirrorImage(): Promise<string> {
  return ensureImageFromDir("kit-mirror", ["Dockerfile", "build-mirror.sh", "conda-standin-installer.sh", "labkit-signing-key.asc"]);
}

export function ensureRegistryImage(): Promise<string> {
  return ensureImageFromDir("kit-registry", ["Dockerfile", "config.yml", "entrypoint.sh"]);
}
