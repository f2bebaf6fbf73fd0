/**
 * Resolving mirror references into the URLs each bootstrap part uses, and the cross-field
 * rules that go with it (a mirror that does not serve a part, one that only works inside
 * another cloud, plain-HTTP registry mirrors, Anaconda's terms).
 */
import { cacheFirst, type Chains } from "./cache-chain.js";
import { isHttpUrl } from "./fields.js";
import { listNames, unknownName, type ConfigPath } from "./messages.js";
import { CUSTOM_LAYOUT, MIRROR_NAMES, MIRROR_PARTS, PART_LABEL, isMirrorName, mirrorEntry, namesServing, type MirrorPart, type Reach } from "./mirrors.js";
import type { BootstrapInput } from "./sections/bootstrap.js";
import type { Provider } from "./sections/host.js";
import type { MirrorRef } from "./sections/mirror-ref.js";
import { DOCKER_CE_KEY_FINGERPRINT } from "./signing-keys.js";

export interface ResolvedMirror {
  readonly name: string;
  readonly reach: Reach;
  readonly serves: Partial<Record<MirrorPart, string>>;
  readonly notes: Partial<Record<MirrorPart, string>>;
  /** Fingerprint of the key that signs its docker-ce repository (Docker's unless it re-signs). */
  readonly dockerCeKey: string;
}

/** A mirror chosen for a part: its name (for logs and status) and the part's base URL. */
export interface MirrorUse {
  readonly name: string;
  readonly url: string;
}

/** A docker-ce repository base and the fingerprint of the key its metadata must be signed with. */
export interface DockerCeMirror extends MirrorUse {
  readonly key: string;
}

export interface RegistryMirror {
  readonly url: string;
  readonly insecure: boolean;
  /** How the status file names it (a cache's name; else the URL's host). */
  readonly name?: string;
}

export interface MirrorPlan {
  /** docker-ce repository bases, tried in order at boot. */
  readonly dockerCe: readonly DockerCeMirror[];
  /** Miniconda/Miniforge installer bases, tried in order at boot (empty when conda is off). */
  readonly installer: readonly MirrorUse[];
  /** Channel base for .condarc; `official` means the distribution's own channels. */
  readonly conda: MirrorUse | undefined;
  readonly pypi: MirrorUse;
  readonly registryMirrors: readonly RegistryMirror[];
  /**
   * Channel bases and PyPI indexes in fallback order (the first is `conda` / `pypi`): more than
   * one when a cache goes first, and then the bootstrap uses the first that answers.
   */
  readonly condaChain: readonly MirrorUse[];
  readonly pypiChain: readonly MirrorUse[];
}

export interface Problem {
  readonly path: ConfigPath;
  readonly message: string;
}

export function resolveMirror(ref: MirrorRef): ResolvedMirror {
  if (typeof ref === "string") {
    const e = mirrorEntry(ref);
    return { name: ref, reach: e.reach, serves: e.serves, notes: e.notes ?? {}, dockerCeKey: DOCKER_CE_KEY_FINGERPRINT };
  }
  const serves: Partial<Record<MirrorPart, string>> = {};
  for (const part of MIRROR_PARTS) {
    const override = ref.paths?.[part];
    const path = override === undefined ? CUSTOM_LAYOUT[part] : override;
    if (path !== null && path !== undefined) serves[part] = ref.url + path.replace(/\/+$/, "");
  }
  return { name: ref.name ?? new URL(ref.url).host, reach: "public", serves, notes: {}, dockerCeKey: ref.dockerCeKeyFingerprint ?? DOCKER_CE_KEY_FINGERPRINT };
}

const REACH_TEXT: Record<Exclude<Reach, "public">, string> = { tencentcloud: "Tencent Cloud", aliyun: "Alibaba Cloud" };

function reachProblem(m: ResolvedMirror, host: Reachable): string | undefined {
  if (m.reach === "public" || m.reach === host.provider) return undefined;
  return `"${m.name}" works only inside ${REACH_TEXT[m.reach]}, but berth:host.provider is "${host.provider}" — pick a mirror that works from anywhere ${listNames(MIRROR_NAMES.filter((n) => mirrorEntry(n).reach === "public"))}`;
}

function notServed(m: ResolvedMirror, part: MirrorPart): string {
  const why = m.notes[part] ? ` (${m.notes[part]})` : "";
  return `"${m.name}" does not serve ${PART_LABEL[part]}${why} — names that do: ${listNames(namesServing(part), 10)}`;
}

type Reachable = { readonly provider: Provider };

/** The fallback chain and the docker-ce bases in it. */
export function planChain(host: Reachable, mirror: BootstrapInput["mirror"], problems: Problem[]): { chain: ResolvedMirror[]; dockerCe: DockerCeMirror[] } {
  const chain = mirror.map(resolveMirror);
  chain.forEach((m, i) => {
    const reach = reachProblem(m, host);
    if (reach) problems.push({ path: ["bootstrap", "mirror", i], message: reach });
  });
  const dockerCe = chain.flatMap((m) => (m.serves.dockerCe ? [{ name: m.name, url: m.serves.dockerCe, key: m.dockerCeKey }] : []));
  if (dockerCe.length === 0) problems.push({ path: ["bootstrap", "mirror"], message: `no mirror in the chain serves ${PART_LABEL.dockerCe} — add one of ${listNames(namesServing("dockerCe"), 10)}` });
  return { chain, dockerCe };
}

/** The PyPI index: pip.mirror, else the first mirror in the chain that serves one. */
export function planPypi(host: Reachable, b: Pick<BootstrapInput, "mirror" | "pip">, problems: Problem[]): MirrorUse {
  const chain = b.mirror.map(resolveMirror);
  const pypi = pickOne(b.pip.mirror, chain, "pypi", ["bootstrap", "pip", "mirror"], host, problems);
  return pypi ?? { name: "official", url: mirrorEntry("official").serves.pypi ?? "" };
}

/** Installer bases and the channel mirror for conda (nothing when conda is off). */
export function planConda(host: Reachable, b: Pick<BootstrapInput, "mirror" | "conda">, problems: Problem[]): { installer: MirrorUse[]; conda: MirrorUse | undefined } {
  let installer: MirrorUse[] = [];
  let conda: MirrorUse | undefined;
  if (!b.conda.enabled) return { installer, conda };
  const chain = b.mirror.map(resolveMirror);
  const part: MirrorPart = b.conda.distribution;
  if (b.conda.mirror !== undefined) {
    const m = resolveMirror(b.conda.mirror);
    const path = ["bootstrap", "conda", "mirror"];
    const reach = reachProblem(m, host);
    if (reach) problems.push({ path, message: reach });
    if (m.serves[part]) installer = [{ name: m.name, url: m.serves[part] }];
    else problems.push({ path, message: notServed(m, part) });
    if (m.serves.conda) conda = { name: m.name, url: m.serves.conda };
    else if (m.serves[part]) problems.push({ path, message: notServed(m, "conda") });
  } else {
    installer = chain.flatMap((m) => (m.serves[part] ? [{ name: m.name, url: m.serves[part] }] : []));
    const c = chain.find((m) => m.serves.conda);
    if (c?.serves.conda) conda = { name: c.name, url: c.serves.conda };
    if (installer.length === 0 || !conda) {
      const missing = installer.length === 0 ? part : "conda";
      problems.push({ path: ["bootstrap", "conda", "mirror"], message: `no mirror in berth:bootstrap.mirror serves ${PART_LABEL[missing]} — set conda.mirror to one that does: ${listNames(namesServing(missing), 10)}` });
    }
  }
  return { installer, conda };
}

export function planMirrors(host: Reachable, b: BootstrapInput): { plan: MirrorPlan; problems: Problem[] } {
  const problems: Problem[] = [];
  const { dockerCe } = planChain(host, b.mirror, problems);
  const pypi = planPypi(host, b, problems);
  const { installer, conda } = planConda(host, b, problems);
  const registryMirrors = planRegistryMirrors(host, b.docker, problems);
  let chains: Chains = { dockerCe, installer, condaChain: conda ? [conda] : [], pypiChain: [pypi], registryMirrors };
  if (b.cache) chains = cacheFirst(chains, b.cache, b.conda);
  return { plan: { ...chains, conda: chains.condaChain[0], pypi: chains.pypiChain[0] ?? pypi }, problems };
}

function pickOne(ref: MirrorRef | undefined, chain: readonly ResolvedMirror[], part: MirrorPart, path: ConfigPath, host: Reachable, problems: Problem[]): MirrorUse | undefined {
  if (ref !== undefined) {
    const m = resolveMirror(ref);
    const reach = reachProblem(m, host);
    if (reach) problems.push({ path, message: reach });
    const url = m.serves[part];
    if (url) return { name: m.name, url };
    problems.push({ path, message: notServed(m, part) });
    return undefined;
  }
  const m = chain.find((c) => c.serves[part]);
  if (m?.serves[part]) return { name: m.name, url: m.serves[part] };
  problems.push({ path, message: `no mirror in berth:bootstrap.mirror serves ${PART_LABEL[part]} — set it to one that does: ${listNames(namesServing(part), 10)}` });
  return undefined;
}

export function planRegistryMirrors(host: Reachable, docker: BootstrapInput["docker"], problems: Problem[]): RegistryMirror[] {
  const out: RegistryMirror[] = [];
  const insecureHosts = new Set(docker.insecureRegistries);
  docker.registryMirrors.forEach((entry, i) => {
    const path = ["bootstrap", "docker", "registryMirrors", i];
    let url: string;
    let insecure = false;
    if (typeof entry === "string") {
      if (isHttpUrl(entry)) url = entry.replace(/\/+$/, "");
      else if (isMirrorName(entry)) {
        const m = resolveMirror(entry);
        const reach = reachProblem(m, host);
        if (reach) problems.push({ path, message: reach });
        if (!m.serves.dockerHub) return void problems.push({ path, message: notServed(m, "dockerHub") });
        url = m.serves.dockerHub;
      } else return void problems.push({ path, message: `${unknownName("mirror", entry, namesServing("dockerHub"))} — or give the accelerator's URL (https://…)` });
    } else {
      url = entry.url;
      insecure = entry.insecure;
    }
    const u = new URL(url);
    if (u.protocol === "http:" && !insecure && !insecureHosts.has(u.host)) {
      problems.push({ path, message: `"${url}" is plain HTTP and dockerd refuses it unless marked insecure — write { url: "${url}", insecure: true } or add "${u.host}" to berth:bootstrap.docker.insecureRegistries` });
    }
    out.push({ url, insecure });
  });
  return out;
}
