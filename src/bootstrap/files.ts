/**
 * One pure function per file the bootstrap reads: daemon.json, pip.conf, .condarc, the mirror
 * list and bootstrap.conf. Output is deterministic: sorted keys, no timestamps.
 */
import { stringify } from "yaml";
import type { StackConfig } from "../config/load.js";
import { installerHashes } from "../config/installers.js";
import { MIRRORS } from "../config/mirrors.js";
import type { MirrorUse } from "../config/plan.js";
import { shQuote } from "../util/shell.js";

/** JSON with keys sorted at every level, two-space indented, newline-terminated. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + "\n";
}

/** The socket the docker CLI, berth's deploy and the bootstrap's own checks talk to. */
export const LOCAL_DOCKER_SOCKET = "unix:///var/run/docker.sock";
const LOCAL_SOCKETS = [LOCAL_DOCKER_SOCKET, "unix:///run/docker.sock", "fd://"];

/** `daemon.hosts`, keeping the local socket when the stack lists only other listeners. */
export function daemonHosts(cfg: StackConfig): string[] {
  const hosts = Array.isArray(cfg.bootstrap.docker.daemon.hosts) ? (cfg.bootstrap.docker.daemon.hosts as string[]) : [];
  if (hosts.length === 0 || hosts.some((h) => LOCAL_SOCKETS.includes(h))) return hosts;
  return [LOCAL_DOCKER_SOCKET, ...hosts];
}

export function daemonJson(cfg: StackConfig): string {
  const d = cfg.bootstrap.docker;
  const mirrors = cfg.mirrors.registryMirrors;
  const insecure = [...new Set([...d.insecureRegistries, ...mirrors.filter((m) => m.insecure).map((m) => new URL(m.url).host)])].sort();
  const out: Record<string, unknown> = { ...d.daemon };
  const hosts = daemonHosts(cfg);
  if (hosts.length > 0) out.hosts = hosts;
  if (mirrors.length > 0) out["registry-mirrors"] = mirrors.map((m) => m.url);
  if (insecure.length > 0) out["insecure-registries"] = insecure;
  if (d.logRotation !== false) {
    out["log-driver"] = "json-file";
    out["log-opts"] = { "max-file": String(d.logRotation.maxFile), "max-size": d.logRotation.maxSize };
  }
  return canonicalJson(out);
}

/** /etc/pip.conf for the first PyPI index in the chain; pipConfFor gives the one for any index. */
export function pipConf(cfg: StackConfig): string {
  return pipConfFor(cfg.mirrors.pypi.url);
}

export function pipConfFor(index: string): string {
  const url = new URL(index);
  const lines = ["[global]", `index-url = ${index}`, "timeout = 60"];
  if (url.protocol === "http:") lines.push(`trusted-host = ${url.hostname}`);
  return lines.join("\n") + "\n";
}

/** .condarc for the prefix, in the shape TUNA documents for its Anaconda mirror. */
export function condarc(cfg: StackConfig, ep: string | undefined = cfg.mirrors.conda?.url): string {
  const c = cfg.bootstrap.conda;
  const official = ep === undefined || ep === MIRRORS.official.serves.conda;
  const doc: Record<string, unknown> = { show_channel_urls: true };
  if (c.distribution === "miniforge") {
    doc.channels = ["conda-forge"];
    if (!official) doc.custom_channels = { "conda-forge": `${ep}/cloud` };
  } else {
    doc.channels = ["defaults"];
    if (!official) {
      doc.default_channels = [`${ep}/pkgs/main`, `${ep}/pkgs/r`, `${ep}/pkgs/msys2`];
      doc.custom_channels = { "conda-forge": `${ep}/cloud`, pytorch: `${ep}/cloud` };
    }
  }
  return stringify(doc, { sortMapEntries: true, lineWidth: 0 });
}

const MINIFORGE_OFFICIAL = MIRRORS.official.serves.miniforge;

/** The installer's URL on one mirror; `@ARCH@` is filled in at boot (x86_64, aarch64). */
export function installerUrl(cfg: StackConfig, m: MirrorUse): string {
  const v = cfg.bootstrap.conda.version;
  if (cfg.bootstrap.conda.distribution === "miniconda") return `${m.url}/Miniconda3-${v}-Linux-@ARCH@.sh`;
  const file = v === "latest" ? "Miniforge3-Linux-@ARCH@.sh" : `Miniforge3-${v}-Linux-@ARCH@.sh`;
  if (m.url === MINIFORGE_OFFICIAL) return v === "latest" ? `${m.url}/latest/download/${file}` : `${m.url}/download/${v}/${file}`;
  return `${m.url}/${v === "latest" ? "LatestRelease" : v}/${file}`;
}

/**
 * `<part> <name> <url>` lines in fallback order; the script reads them with `read`. docker-ce
 * lines add the fingerprint of the key the repository must be signed with.
 */
export function mirrorsList(cfg: StackConfig): string {
  const lines = cfg.mirrors.dockerCe.map((m) => `docker-ce ${m.name} ${m.url} ${m.key}`);
  if (cfg.bootstrap.conda.enabled) {
    lines.push(...cfg.mirrors.installer.map((m) => `installer ${m.name} ${installerUrl(cfg, m)}`));
    lines.push(...cfg.mirrors.condaChain.map((m) => `conda ${m.name} ${m.url}`));
  }
  lines.push(...cfg.mirrors.pypiChain.map((m) => `pypi ${m.name} ${m.url}`));
  lines.push(...cfg.mirrors.registryMirrors.map((m) => `registry ${registryName(m)} ${m.url}`));
  return lines.join("\n") + "\n";
}

/** A registry mirror's name in logs and the status file: its own, else its host. */
export function registryName(m: { url: string; name?: string | undefined }): string {
  return m.name ?? new URL(m.url).host;
}

/**
 * The pip.conf and condarc of the fallbacks after the first entry of each chain, as
 * `pip.conf.N` and `condarc.N` (N = its place in the chain, from 1): the bootstrap installs the
 * one of the first index or channel that answers.
 */
export function fallbackFiles(cfg: StackConfig): { name: string; content: string }[] {
  const out = cfg.mirrors.pypiChain.slice(1).map((m, i) => ({ name: `pip.conf.${i + 1}`, content: pipConfFor(m.url) }));
  if (cfg.bootstrap.conda.enabled) out.push(...cfg.mirrors.condaChain.slice(1).map((m, i) => ({ name: `condarc.${i + 1}`, content: condarc(cfg, m.url) })));
  return out;
}

export function bootstrapConf(cfg: StackConfig): string {
  const d = cfg.bootstrap.docker;
  const c = cfg.bootstrap.conda;
  const users = [...new Set([...d.users, ...(cfg.host.user === "root" ? [] : [cfg.host.user])])];
  const arr = (xs: readonly string[]) => `(${xs.map(shQuote).join(" ")})`;
  const vars: [string, string][] = [
    ["BERTH_OS_EXPECTED", shQuote(cfg.host.os)],
    ["BERTH_LOGIN_USER", shQuote(cfg.host.user)],
    ["DOCKER_VERSION_PIN", shQuote(d.version ?? "")],
    ["DOCKER_USERS", arr(users)],
    ["REGISTRY_MIRRORS", arr(cfg.mirrors.registryMirrors.map((m) => m.url))],
    // daemon.json sets hosts: dockerd must start without the unit's -H fd:// (a systemd drop-in).
    ...(daemonHosts(cfg).length > 0 ? [["DOCKER_HOSTS_SET", "1"] as [string, string]] : []),
    ["CONDA_ENABLED", c.enabled ? "1" : "0"],
    ["CONDA_DISTRIBUTION", shQuote(c.distribution)],
    ["CONDA_SHA256_X86_64", shQuote(installerHashes(c).x86_64 ?? "")],
    ["CONDA_SHA256_AARCH64", shQuote(installerHashes(c).aarch64 ?? "")],
    ["CONDA_PREFIX_DIR", shQuote(c.prefix)],
    ["CONDA_ENV_NAME", shQuote(cfg.files.condaEnv?.name ?? "")],
    ["CONDA_TOS", shQuote(c.termsOfService)],
  ];
  const header = [
    "# shellcheck shell=bash disable=SC2034",
    "# berth bootstrap settings, rendered from the stack config and sourced by bootstrap.sh",
  ];
  return [...header, ...vars.map(([k, v]) => `${k}=${v}`)].join("\n") + "\n";
}
