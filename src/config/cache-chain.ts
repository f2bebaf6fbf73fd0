/**
 * A host that uses a cache gets it first in every mirror chain — docker-ce, the conda
 * installer, conda channels, PyPI and registry-mirrors — with the stack's own mirrors after it,
 * so a dead cache costs the bootstrap one probe, not the boot. The cache serves TUNA's layout
 * (/docker-ce, /anaconda/miniconda, /github-release/conda-forge/miniforge, /anaconda,
 * /pypi/simple) and the registry API (/v2/) on one address.
 */
import type { DockerCeMirror, MirrorUse, RegistryMirror } from "./plan.js";
import type { CacheUse } from "./sections/cache.js";
import { DOCKER_CE_KEY_FINGERPRINT } from "./signing-keys.js";

export interface Chains {
  readonly dockerCe: readonly DockerCeMirror[];
  readonly installer: readonly MirrorUse[];
  readonly condaChain: readonly MirrorUse[];
  readonly pypiChain: readonly MirrorUse[];
  readonly registryMirrors: readonly RegistryMirror[];
}

/** Where the cache serves each part, under its address. */
export function cachePaths(url: string, distribution: "miniconda" | "miniforge") {
  return {
    dockerCe: `${url}/docker-ce`,
    installer: distribution === "miniconda" ? `${url}/anaconda/miniconda` : `${url}/github-release/conda-forge/miniforge`,
    conda: `${url}/anaconda`,
    pypi: `${url}/pypi/simple`,
  };
}

/** The chains with the cache in front of each (conda parts only when conda is on). */
export function cacheFirst(chains: Chains, cache: CacheUse, conda: { enabled: boolean; distribution: "miniconda" | "miniforge" }): Chains {
  const p = cachePaths(cache.url, conda.distribution);
  const name = cache.name;
  const registry: RegistryMirror = { url: cache.url, insecure: cache.url.startsWith("http://"), name };
  return {
    dockerCe: [{ name, url: p.dockerCe, key: cache.dockerCeKeyFingerprint ?? DOCKER_CE_KEY_FINGERPRINT }, ...chains.dockerCe],
    installer: conda.enabled ? [{ name, url: p.installer }, ...chains.installer] : chains.installer,
    condaChain: conda.enabled ? [{ name, url: p.conda }, ...chains.condaChain] : chains.condaChain,
    pypiChain: [{ name, url: p.pypi }, ...chains.pypiChain],
    registryMirrors: [registry, ...chains.registryMirrors.filter((m) => m.url !== cache.url)],
  };
}
