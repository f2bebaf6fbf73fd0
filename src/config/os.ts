/**
 * Target operating systems: what `/etc/os-release` says, which package family it is, and
 * which docker-ce repository serves it. Chinese cloud images that docker-ce does not list
 * are mapped to the Enterprise Linux release they follow.
 */

export type Family = "apt" | "rpm";

export interface OsEntry {
  /** `ID` in /etc/os-release. */
  readonly id: string;
  /** `VERSION_ID` values accepted (major versions match by prefix for rpm distros). */
  readonly versions: readonly string[];
  readonly family: Family;
  /** docker-ce repository directory under `<mirror>/linux/`. */
  readonly repo: "ubuntu" | "debian" | "centos" | "rhel";
  readonly title: string;
}

export const OS_TABLE: readonly OsEntry[] = [
  { id: "ubuntu", versions: ["20.04", "22.04", "24.04"], family: "apt", repo: "ubuntu", title: "Ubuntu" },
  { id: "debian", versions: ["11", "12"], family: "apt", repo: "debian", title: "Debian" },
  { id: "centos", versions: ["7", "8", "9"], family: "rpm", repo: "centos", title: "CentOS / CentOS Stream" },
  { id: "rhel", versions: ["8", "9"], family: "rpm", repo: "rhel", title: "Red Hat Enterprise Linux" },
  { id: "rocky", versions: ["8", "9"], family: "rpm", repo: "centos", title: "Rocky Linux" },
  { id: "almalinux", versions: ["8", "9"], family: "rpm", repo: "centos", title: "AlmaLinux" },
  { id: "opencloudos", versions: ["8", "9"], family: "rpm", repo: "centos", title: "OpenCloudOS" },
  { id: "tencentos", versions: ["2", "3", "4"], family: "rpm", repo: "centos", title: "TencentOS Server" },
  { id: "anolis", versions: ["7", "8"], family: "rpm", repo: "centos", title: "Anolis OS" },
  { id: "alinux", versions: ["2", "3"], family: "rpm", repo: "centos", title: "Alibaba Cloud Linux" },
  { id: "openEuler", versions: ["20.03", "22.03", "24.03"], family: "rpm", repo: "centos", title: "openEuler" },
];

/** The Enterprise Linux major a Chinese cloud image follows (docker-ce's centos/<N> tree). */
export const EL_RELEASE: Record<string, Record<string, string>> = {
  tencentos: { "2": "7", "3": "8", "4": "9" },
  alinux: { "2": "7", "3": "8" },
  openEuler: { "20.03": "8", "22.03": "8", "24.03": "9" },
};

export const SUPPORTED_OS: readonly string[] = OS_TABLE.flatMap((e) => e.versions.map((v) => `${e.id}-${v}`));

export interface TargetOs {
  readonly id: string;
  readonly version: string;
  readonly entry: OsEntry;
}

/** Parse `ubuntu-24.04` style names; undefined when not supported. */
export function parseOs(name: string): TargetOs | undefined {
  const dash = name.lastIndexOf("-");
  if (dash <= 0) return undefined;
  const id = name.slice(0, dash);
  const version = name.slice(dash + 1);
  const entry = OS_TABLE.find((e) => e.id === id);
  if (!entry || !entry.versions.includes(version)) return undefined;
  return { id, version, entry };
}
