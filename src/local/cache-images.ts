// cache-images.ts — the berth cache image (images/cache/) and the library images of the kit's
// Docker Hub stand-in (images/hub-library/), built on the kit's base image.
//
//   const tag = await ensureCacheImage();   // "berth-local/cache:<hash>": front, registry, pypi, hub
//   const lib = await ensureHubLibrary();    // { "library/busybox:1.35": "berth-local/hub-busybox:<hash>", … }
//
// The cache image is the one a cloud cache host runs too (streamed from here, see
// components/cache-services.ts), so the kit exercises the same bytes.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureBaseImage } from "./base.js";
import { buildImage, cacheDir, contentHash, engine, imageExists, imagesDir } from "./engine.js";
import { fetchWheels, PROXPI_WHEEL } from "./wheels.js";

/** The tag ensureCacheImage builds, without building it. */
export async function cacheImageTag(): Promise<{ tag: string; base: string }> {
  const base = await ensureBaseImage();
  const dir = imagesDir("cache");
  const hash = contentHash([{ text: base }, { file: join(dir, "Dockerfile") }, { file: join(dir, "berth-cache") }, { text: PROXPI_WHEEL.sha256 }]);
  return { tag: `berth-local/cache:${hash}`, base };
}

/** Untag older builds of REPO; the engine refuses (and we skip) ones a container still uses. */
async function dropStaleTags(repo: string, keep: string): Promise<void> {
  for (const img of await engine().listImages({ filters: { reference: [`${repo}:*`] } })) {
    for (const t of img.RepoTags ?? []) if (t !== keep) await engine().getImage(t).remove().catch(() => undefined);
  }
}

/** Build (if needed) the berth cache image; returns its tag. */
export async function ensureCacheImage(): Promise<string> {
  const { tag, base } = await cacheImageTag();
  if (await imageExists(tag)) return tag;
  await dropStaleTags("berth-local/cache", tag);
  const wheel = (await fetchWheels([PROXPI_WHEEL])).get(PROXPI_WHEEL.file) ?? "";
  const ctx = cacheDir("kit", `cache-${tag.split(":")[1]}`);
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  try {
    for (const f of ["Dockerfile", "berth-cache"]) copyFileSync(imagesDir("cache", f), join(ctx, f));
    copyFileSync(wheel, join(ctx, PROXPI_WHEEL.file));
    await buildImage({ dir: ctx, files: ["Dockerfile", "berth-cache", PROXPI_WHEEL.file], tag, buildargs: { BASE: base }, labels: { "berth.image": "cache" } });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return tag;
}

/** Docker Hub names the kit's Hub stand-in holds, and the local images behind them. */
export async function ensureHubLibrary(): Promise<Record<string, string>> {
  const base = await ensureBaseImage();
  const dir = imagesDir("hub-library");
  const hash = contentHash([{ text: base }, { file: join(dir, "Dockerfile") }]);
  const busybox = `berth-local/hub-busybox:${hash}`;
  if (!(await imageExists(busybox))) await buildImage({ dir, files: ["Dockerfile"], tag: busybox, buildargs: { BASE: base }, labels: { "berth.image": "hub-busybox" } });
  // hello-world: the same static busybox with a greeting as its command (a second image, one shared layer).
  const hello = `berth-local/hub-hello:${hash}`;
  if (!(await imageExists(hello))) {
    const c = await engine().createContainer({ Image: busybox, Cmd: ["true"] });
    try {
      await c.commit({ repo: "berth-local/hub-hello", tag: hash, changes: 'CMD ["echo","Hello from the berth lab kit\'s Docker Hub stand-in (library/hello-world)."]' });
    } finally {
      await c.remove({ force: true });
    }
  }
  return { "library/busybox:1.35": busybox, "library/busybox:latest": busybox, "library/hello-world:latest": hello };
}
