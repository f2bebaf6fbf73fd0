// kit-python.ts — the lab kit's Python mirror: a PyPI simple index of pinned wheels and the
// conda stand-in installers whose environments run real pip (images/kit-python/).
//
//   const tag = await ensurePythonImage();   // "berth-local/kit-python:<hash>", built once
//   standinInstaller("Miniconda3", pipWheelBytes)  // the installer text, byte-deterministic
//
// The tree is built here, from the wheels fetched from PyPI (wheels.ts), and copied into the
// image; the installers' sha256 is fixed by the template and pip's pinned wheel, so a stack can
// pin it (stacks/Pulumi.local.yaml does).
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureBaseImage } from "./base.js";
import { buildImage, cacheDir, contentHash, imageExists, imagesDir } from "./engine.js";
import { fetchWheels, KIT_WHEELS, PIP_WHEEL, type Wheel } from "./wheels.js";

export interface TreeFile {
  readonly path: string;
  readonly content: string | Buffer;
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/** PEP 503 pages: /pypi/simple/ lists the projects, /pypi/simple/<project>/ links each file with its sha256. */
export function simpleIndex(wheels: readonly Wheel[]): TreeFile[] {
  const page = (title: string, links: string[]) =>
    `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0"><title>${escape(title)}</title></head><body>\n${links.join("<br>\n")}\n</body></html>\n`;
  const projects = [...new Set(wheels.map((w) => w.project))].sort();
  const files: TreeFile[] = [{ path: "pypi/simple/index.html", content: page("Simple index", projects.map((p) => `<a href="${p}/">${p}</a>`)) }];
  for (const p of projects) {
    const links = wheels.filter((w) => w.project === p).map((w) => `<a href="../../packages/${w.file}#sha256=${w.sha256}">${escape(w.file)}</a>`);
    files.push({ path: `pypi/simple/${p}/index.html`, content: page(`Links for ${p}`, links) });
  }
  return files;
}

const TEMPLATE = () => readFileSync(imagesDir("kit-python", "conda-standin-pip.sh"), "utf8");

/** The stand-in installer for PRODUCT (Miniconda3, Miniforge3) with pip's wheel as payload. */
export function standinInstaller(product: string, pipWheel: Buffer): string {
  const b64 = pipWheel.toString("base64").replace(/(.{76})/g, "$1\n");
  return TEMPLATE().replaceAll("__PRODUCT__", product).replaceAll("__PIP_WHEEL_FILE__", PIP_WHEEL.file) + b64 + (b64.endsWith("\n") ? "" : "\n");
}

export const sha256hex = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");

/** The installers, where TUNA keeps them, with SHA256SUMS beside each. */
export function installerFiles(pipWheel: Buffer): TreeFile[] {
  const out: TreeFile[] = [];
  const put = (dir: string, file: string, product: string) => {
    const text = standinInstaller(product, pipWheel);
    out.push({ path: `${dir}/${file}`, content: text }, { path: `${dir}/SHA256SUMS`, content: `${sha256hex(text)}  ${file}\n` });
  };
  put("anaconda/miniconda", "Miniconda3-latest-Linux-x86_64.sh", "Miniconda3");
  put("github-release/conda-forge/miniforge/LatestRelease", "Miniforge3-Linux-x86_64.sh", "Miniforge3");
  return out;
}

/** The whole tree served under http://python.berth.lab. */
export async function pythonTree(): Promise<TreeFile[]> {
  const paths = await fetchWheels(KIT_WHEELS);
  const pip = readFileSync(paths.get(PIP_WHEEL.file) ?? "");
  return [
    { path: "index.html", content: "berth lab kit: Python mirror (PyPI index, conda stand-ins; see README)\n" },
    { path: "anaconda/index.html", content: "berth lab kit: conda channel root (the conda stand-in fetches no packages)\n" },
    ...simpleIndex(KIT_WHEELS),
    ...KIT_WHEELS.map((w) => ({ path: `pypi/packages/${w.file}`, content: readFileSync(paths.get(w.file) ?? "") })),
    ...installerFiles(pip),
  ];
}

/** Build (if needed) the kit's Python mirror image. */
export async function ensurePythonImage(): Promise<string> {
  const base = await ensureBaseImage();
  const dir = imagesDir("kit-python");
  const hash = contentHash([
    { text: base },
    ...["Dockerfile", "nginx.conf", "conda-standin-pip.sh"].map((f) => ({ file: join(dir, f) })),
    { text: KIT_WHEELS.map((w) => `${w.file} ${w.sha256}`).join("\n") },
  ]);
  const tag = `berth-local/kit-python:${hash}`;
  if (await imageExists(tag)) return tag;
  const ctx = cacheDir("kit", `python-${hash}`);
  rmSync(ctx, { recursive: true, force: true });
  const files = ["Dockerfile", "nginx.conf"];
  mkdirSync(ctx, { recursive: true });
  for (const f of files) copyFileSync(join(dir, f), join(ctx, f));
  for (const f of await pythonTree()) {
    const p = join(ctx, "tree", f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    files.push(`tree/${f.path}`);
  }
  try {
    await buildImage({ dir: ctx, files, tag, buildargs: { BASE: base }, labels: { "berth.image": "kit-python" } });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return tag;
}
