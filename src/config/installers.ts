/**
 * The sha256 of each Miniconda and Miniforge installer berth documents, per architecture, so
 * the bootstrap can check the installer it downloads before running it as root — from any
 * mirror, plain HTTP included. A version missing here is checked only when the stack gives
 * `conda.sha256`.
 *
 * Checked on INSTALLERS_CHECKED. repo.anaconda.com and GitHub cannot be reached from where
 * berth is developed, so each value was read from public files that publish it (named in
 * `source`); where two independent files agree, both are named.
 */
import type { MirrorUse, Problem } from "./plan.js";

export type Distribution = "miniconda" | "miniforge";
/** `uname -m` of the hosts the installers exist for (the bootstrap maps amd64/arm64 to these). */
export type InstallerArch = "x86_64" | "aarch64";
export const INSTALLER_ARCHES: readonly InstallerArch[] = ["x86_64", "aarch64"];

export interface InstallerRelease {
  readonly distribution: Distribution;
  readonly version: string;
  readonly sha256: Readonly<Record<InstallerArch, string>>;
  readonly source: string;
}

export const INSTALLERS_CHECKED = "2026-11-27";

export const INSTALLERS: readonly InstallerRelease[] = [
  {
    distribution: "miniconda",
    version: "py312_24.11.1-0",
    sha256: {
      x86_64: "636b209b00b6673471f846581829d4b96b9c3378679925a59a584257c3fef5a3",
      aarch64: "9180a2f1fab799fd76e9ef914643269dcf5bad9d455623b905b87f5d39ae140f",
    },
    source: "Anaconda's miniconda3 image (ContinuumIO/docker-images miniconda3/debian/Dockerfile, SHA256SUM_LINUX64 and SHA256SUM_AARCH64 for Miniconda3-py312_24.11.1-0); x86_64 also in Spack's miniconda3 package (version 24.11.1)",
  },
  {
    distribution: "miniforge",
    version: "24.11.3-0",
    sha256: {
      x86_64: "2e1ad2188fe69fcdd522c2b20c08c800a5c7411b775eca768318b1540ed32e53",
      aarch64: "d3f2b771857009ec804faeeef191352186194cb5737a831e55c6347a5f47cb8f",
    },
    source: "Arch Linux AUR miniforge PKGBUILD 24.11.3.0 (sha256sums_x86_64, sha256sums_aarch64, from the conda-forge/miniforge release); x86_64 also in a public install log that checked the downloaded file against it",
  },
];

/** The version a stack gets when it names none: the newest one in the table. */
export const DEFAULT_INSTALLER_VERSION: Readonly<Record<Distribution, string>> = {
  miniconda: "py312_24.11.1-0",
  miniforge: "24.11.3-0",
};

const LABEL: Record<Distribution, string> = { miniconda: "Miniconda", miniforge: "Miniforge" };

export function knownRelease(distribution: Distribution, version: string): InstallerRelease | undefined {
  return INSTALLERS.find((r) => r.distribution === distribution && r.version === version);
}

export function knownVersions(distribution: Distribution): string[] {
  return INSTALLERS.filter((r) => r.distribution === distribution).map((r) => r.version);
}

interface CondaChoice {
  readonly distribution: Distribution;
  readonly version: string;
  readonly sha256?: string | undefined;
}

/**
 * The sha256 the installer must have on each architecture: the stack's own `conda.sha256`
 * (for whatever architecture the host has), else the table's, else none.
 */
export function installerHashes(c: CondaChoice): Partial<Record<InstallerArch, string>> {
  if (c.sha256 !== undefined) return Object.fromEntries(INSTALLER_ARCHES.map((a) => [a, c.sha256]));
  return knownRelease(c.distribution, c.version)?.sha256 ?? {};
}

/** A plain-HTTP installer mirror with nothing to check the installer against is refused. */
export function installerProblems(c: CondaChoice, installers: readonly MirrorUse[]): Problem[] {
  if (Object.keys(installerHashes(c)).length > 0) return [];
  const http = installers.filter((m) => m.url.startsWith("http://"));
  if (http.length === 0) return [];
  const where = http.map((m) => `${m.name} (${m.url})`).join(", ");
  const known = knownVersions(c.distribution).join(", ");
  return [{
    path: ["bootstrap", "conda", "sha256"],
    message: `the ${LABEL[c.distribution]} installer "${c.version}" would be downloaded over plain HTTP from ${where} with no sha256 to check it, and it runs as root — give its sha256 here, pin a version berth knows (${known}), or use an https mirror`,
  }];
}
