/**
 * The mirror catalog: one typed entry per mirror, saying what it serves and where it works.
 * Adding a mirror is one entry here; every consumer switches over `MirrorPart`.
 */

/** The things a bootstrap fetches from a mirror. */
export const MIRROR_PARTS = ["dockerCe", "dockerHub", "miniconda", "miniforge", "conda", "pypi"] as const;
export type MirrorPart = (typeof MIRROR_PARTS)[number];

/** Human words for each part, used in messages and the README. */
export const PART_LABEL: Record<MirrorPart, string> = {
  dockerCe: "docker-ce packages (apt/yum)",
  dockerHub: "a Docker Hub accelerator",
  miniconda: "Miniconda installers",
  miniforge: "Miniforge installers",
  conda: "conda channels",
  pypi: "a PyPI index",
};

/** Where a mirror answers: from anywhere, or only from inside one cloud's network. */
export type Reach = "public" | "tencentcloud" | "aliyun";

export interface MirrorEntry {
  readonly title: string;
  readonly reach: Reach;
  /** Base URLs per part; a missing part is not served. */
  readonly serves: Partial<Record<MirrorPart, string>>;
  /** Why a part people look for here is missing (closed, per-account, …). */
  readonly notes?: Partial<Record<MirrorPart, string>>;
}

export const MIRRORS = {
  official: {
    title: "Upstream (Docker, Anaconda, PyPI)",
    reach: "public",
    serves: {
      dockerCe: "https://download.docker.com",
      miniconda: "https://repo.anaconda.com/miniconda",
      miniforge: "https://github.com/conda-forge/miniforge/releases",
      conda: "https://repo.anaconda.com",
      pypi: "https://pypi.org/simple",
    },
    notes: { dockerHub: "Docker Hub itself needs no accelerator entry" },
  },
  aliyun: {
    title: "Alibaba Cloud open-source mirror",
    reach: "public",
    serves: {
      dockerCe: "https://mirrors.aliyun.com/docker-ce",
      miniconda: "https://mirrors.aliyun.com/anaconda/miniconda",
      conda: "https://mirrors.aliyun.com/anaconda",
      pypi: "https://mirrors.aliyun.com/pypi/simple/",
    },
    notes: { dockerHub: "Aliyun's accelerator is per account and works only from Aliyun: give its URL" },
  },
  tuna: {
    title: "Tsinghua University TUNA",
    reach: "public",
    serves: {
      dockerCe: "https://mirrors.tuna.tsinghua.edu.cn/docker-ce",
      miniconda: "https://mirrors.tuna.tsinghua.edu.cn/anaconda/miniconda",
      miniforge: "https://mirrors.tuna.tsinghua.edu.cn/github-release/conda-forge/miniforge",
      conda: "https://mirrors.tuna.tsinghua.edu.cn/anaconda",
      pypi: "https://pypi.tuna.tsinghua.edu.cn/simple",
    },
  },
  ustc: {
    title: "USTC open-source mirror",
    reach: "public",
    serves: {
      dockerCe: "https://mirrors.ustc.edu.cn/docker-ce",
      pypi: "https://mirrors.ustc.edu.cn/pypi/simple",
    },
    notes: { dockerHub: "USTC's Docker Hub accelerator closed in 2024", conda: "USTC no longer mirrors Anaconda" },
  },
  tencent: {
    title: "Tencent Cloud public mirror",
    reach: "public",
    serves: {
      dockerCe: "https://mirrors.cloud.tencent.com/docker-ce",
      miniconda: "https://mirrors.cloud.tencent.com/anaconda/miniconda",
      conda: "https://mirrors.cloud.tencent.com/anaconda",
      pypi: "https://mirrors.cloud.tencent.com/pypi/simple",
    },
    notes: { dockerHub: "Tencent's accelerator works only inside Tencent Cloud: use tencent-internal" },
  },
  "tencent-internal": {
    title: "Tencent Cloud in-cloud mirror (only from Tencent Cloud VMs)",
    reach: "tencentcloud",
    serves: {
      dockerCe: "http://mirrors.tencentyun.com/docker-ce",
      dockerHub: "https://mirror.ccs.tencentyun.com",
      miniconda: "http://mirrors.tencentyun.com/anaconda/miniconda",
      conda: "http://mirrors.tencentyun.com/anaconda",
      pypi: "http://mirrors.tencentyun.com/pypi/simple",
    },
  },
  huawei: {
    title: "Huawei Cloud mirror",
    reach: "public",
    serves: {
      dockerCe: "https://repo.huaweicloud.com/docker-ce",
      miniconda: "https://repo.huaweicloud.com/anaconda/miniconda",
      conda: "https://repo.huaweicloud.com/anaconda",
      pypi: "https://repo.huaweicloud.com/repository/pypi/simple",
    },
    notes: { dockerHub: "Huawei's SWR accelerator is per account: give its URL" },
  },
  "azure-china": {
    title: "Azure China mirror",
    reach: "public",
    serves: {
      dockerCe: "https://mirror.azure.cn/docker-ce",
      pypi: "https://mirror.azure.cn/pypi/simple",
    },
    notes: { dockerHub: "Azure China's Docker Hub proxy closed to the public in 2020" },
  },
} as const satisfies Record<string, MirrorEntry>;

export type MirrorName = keyof typeof MIRRORS;
export const MIRROR_NAMES = Object.keys(MIRRORS) as MirrorName[];

export function isMirrorName(name: string): name is MirrorName {
  return Object.hasOwn(MIRRORS, name);
}

export function mirrorEntry(name: MirrorName): MirrorEntry {
  return MIRRORS[name];
}

/** Catalog names that serve `part`, in catalog order. */
export function namesServing(part: MirrorPart): MirrorName[] {
  return MIRROR_NAMES.filter((n) => mirrorEntry(n).serves[part] !== undefined);
}

/**
 * Layout a custom mirror is assumed to follow unless told otherwise: TUNA's, which most
 * Chinese university mirrors and the offline lab kit share.
 */
export const CUSTOM_LAYOUT: Record<MirrorPart, string | undefined> = {
  dockerCe: "/docker-ce",
  dockerHub: undefined,
  miniconda: "/anaconda/miniconda",
  miniforge: "/github-release/conda-forge/miniforge",
  conda: "/anaconda",
  pypi: "/pypi/simple",
};
