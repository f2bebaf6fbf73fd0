// base.ts — the Debian bookworm base image every local image builds on.
//
//   const tag = await ensureBaseImage();   // e.g. "berth-local/base:3f2a…"
//
// Uses `debian:bookworm` when it is present or can be pulled. Otherwise (no Docker Hub)
// it builds a minbase rootfs with debootstrap on the host (root; installs the Debian
// package if missing) from the mirror in /etc/apt/sources.list.d/debian.sources, adds
// bookworm-updates and bookworm-security, and `docker import`s it. The rootfs tarball
// is kept in ~/.cache/berth/ so a wiped Docker store re-imports in seconds.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, contentHash, engine, followProgress, imageExists } from "./engine.js";

const SUITE = "bookworm";
const RECIPE = "minbase-v1";
const DEFAULT_MIRROR = "http://deb.debian.org/debian";
const DEFAULT_SECURITY = "http://deb.debian.org/debian-security";

/** Mirror URIs from a deb822 sources file: the main archive and the security archive. */
export function debianMirrors(sourcesText: string): { main: string; security: string } {
  let main = DEFAULT_MIRROR;
  let security = DEFAULT_SECURITY;
  for (const stanza of sourcesText.split(/\n\s*\n/)) {
    const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
    const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
    if (!uri) continue;
    if (suites.includes(`${SUITE}-security`)) security = uri;
    else if (suites.includes(SUITE)) main = uri;
  }
  return { main, security };
}

function hostMirrors(): { main: string; security: string } {
  const file = "/etc/apt/sources.list.d/debian.sources";
  return debianMirrors(existsSync(file) ? readFileSync(file, "utf8") : "");
}

function sourcesFor(m: { main: string; security: string }): string {
  const keyring = "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg";
  return [
    `Types: deb\nURIs: ${m.main}\nSuites: ${SUITE} ${SUITE}-updates\nComponents: main\n${keyring}\n`,
    `Types: deb\nURIs: ${m.security}\nSuites: ${SUITE}-security\nComponents: main\n${keyring}\n`,
  ].join("\n");
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
}

function debootstrapTarball(tarball: string, mirrors: { main: string; security: string }): void {
  if (process.getuid?.() !== 0) throw new Error("building the base image needs root (debootstrap); or load debian:bookworm");
  if (!existsSync("/usr/sbin/debootstrap")) {
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "debootstrap"]);
  }
  const rootfs = `${tarball}.rootfs`;
  rmSync(rootfs, { recursive: true, force: true });
  try {
    run("debootstrap", ["--variant=minbase", SUITE, rootfs, mirrors.main]);
    writeFileSync(join(rootfs, "etc/apt/sources.list"), "");
    writeFileSync(join(rootfs, "etc/apt/sources.list.d/debian.sources"), sourcesFor(mirrors));
    rmSync(join(rootfs, "var/cache/apt/archives"), { recursive: true, force: true });
    mkdirSync(join(rootfs, "var/cache/apt/archives/partial"), { recursive: true });
    rmSync(join(rootfs, "var/lib/apt/lists"), { recursive: true, force: true });
    mkdirSync(join(rootfs, "var/lib/apt/lists/partial"), { recursive: true });
    run("tar", ["--numeric-owner", "--xattrs", "-C", rootfs, "-cf", `${tarball}.tmp`, "."]);
    renameSync(`${tarball}.tmp`, tarball);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

async function tryPull(ref: string): Promise<boolean> {
  if (await imageExists(ref)) return true;
  try {
    const stream = await engine().pull(ref);
    await followProgress(stream, `docker pull ${ref}`);
    return imageExists(ref);
  } catch {
    return false;
  }
}

/** Ensure the base image exists; returns its tag. */
export async function ensureBaseImage(): Promise<string> {
  const mirrors = hostMirrors();
  const hash = contentHash([{ text: RECIPE }, { text: SUITE }, { text: sourcesFor(mirrors) }]);
  const tag = `berth-local/base:${hash}`;
  if (await imageExists(tag)) return tag;

  if (process.env.BERTH_BASE_NO_PULL !== "1" && (await tryPull("debian:bookworm"))) {
    await engine().getImage("debian:bookworm").tag({ repo: "berth-local/base", tag: hash });
    return tag;
  }
  const dir = cacheDir("base");
  mkdirSync(dir, { recursive: true });
  const tarball = join(dir, `bookworm-${hash}.tar`);
  if (!existsSync(tarball)) debootstrapTarball(tarball, mirrors);
  const stream = await engine().importImage(tarball, {
    repo: "berth-local/base",
    tag: hash,
  });
  await followProgress(stream, `docker import ${tarball}`);
  if (!(await imageExists(tag))) throw new Error(`docker import ${tarball} did not produce ${tag}`);
  return tag;
}
