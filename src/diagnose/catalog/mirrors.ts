/** Known failures of package mirrors: docker-ce repositories and the conda installer. */
import { entry } from "../types.js";

const RERUN = "sudo bash /usr/local/lib/berth/bootstrap.sh";
/** The bootstrap's own line naming a mirror that failed its probe. */
const DID_NOT_ANSWER = /mirror (?<mirror>\S+) \((?<url>[^)\s]+)\) (?:did not answer|failed)/;

export const MIRROR_ENTRIES = [
  entry({
    id: "mirror-unreachable",
    severity: "fail",
    seen: "bootstrap: `no docker-ce mirror answered`, after `curl: (7) Failed to connect` or `curl: (28) … timed out`; `apt-get update could not fetch docker-ce's index`",
    patterns: [/no docker-ce mirror answered/, /curl: \((?:7|28)\) (?<detail>.+)/, /apt-get update could not fetch docker-ce's index from (?<mirror>\S+): W: Failed to fetch (?<url>\S+)/],
    context: [DID_NOT_ANSWER],
    key: "berth:bootstrap.mirror",
    command: RERUN,
    en: [
      "A mirror did not answer",
      "The bootstrap tries the mirrors of berth:bootstrap.mirror in order (5 s to connect), and none answered[[: {mirror} ({url})]]. Mirrors go down, some are slow from abroad, and an in-cloud mirror (tencent-internal) answers only inside its own cloud.",
      "Give the chain a fallback, e.g. berth:bootstrap.mirror: [aliyun, tuna, ustc], and run pulumi up again (or `" + RERUN + "` on the host).",
    ],
    zh: [
      "镜像源连不上",
      "bootstrap 按 berth:bootstrap.mirror 的顺序逐个尝试镜像源（连接超时 5 秒），结果一个都没连上[[：{mirror}（{url}）]]。镜像源可能宕机，从境外访问可能很慢，云厂商的内网源（如 tencent-internal）也只有在它自己的云里才能用。",
      "给镜像源列表加上备用，比如 berth:bootstrap.mirror: [aliyun, tuna, ustc]，然后重新 pulumi up（或者在主机上执行 `" + RERUN + "`）。",
    ],
  }),
  entry({
    id: "mirror-forbidden",
    severity: "fail",
    seen: "bootstrap: `curl: (22) The requested URL returned error: 403`, or apt's `403  Forbidden`",
    patterns: [/curl: \(22\) The requested URL returned error: 403/, /\b403\s+Forbidden\b/],
    context: [DID_NOT_ANSWER],
    outranks: ["mirror-unreachable"],
    key: "berth:bootstrap.mirror",
    en: [
      "A mirror answered 403 Forbidden",
      "The mirror[[ {mirror} ({url})]] refused the request. In-cloud mirrors (Aliyun's and Tencent's internal mirrors, per-account accelerators) answer 403 to machines outside their cloud, and some mirrors block whole regions.",
      "Use a public mirror for this host: berth:bootstrap.mirror: [tuna, ustc] (keep tencent-internal for hosts on Tencent Cloud only).",
    ],
    zh: [
      "镜像源返回 403 Forbidden",
      "镜像源[[ {mirror}（{url}）]]拒绝了请求。云厂商的内网源（阿里云、腾讯云的内网镜像，个人专属加速地址）对云外的机器一律返回 403，也有镜像源会屏蔽某些地区。",
      "这台主机请改用公共镜像源：berth:bootstrap.mirror: [tuna, ustc]（tencent-internal 只留给腾讯云上的主机）。",
    ],
  }),
  entry({
    id: "mirror-no-distro",
    severity: "fail",
    seen: "bootstrap: `curl: (22) The requested URL returned error: 404` probing a mirror",
    patterns: [/curl: \(22\) The requested URL returned error: 404/],
    context: [DID_NOT_ANSWER],
    outranks: ["mirror-unreachable"],
    key: "berth:bootstrap.mirror",
    en: [
      "The mirror has no docker-ce repository for this system",
      "The mirror[[ {mirror} ({url})]] answered 404 for this OS's docker-ce metadata: it does not carry this distribution or release, or a custom mirror URL points at the wrong directory.",
      "Check berth:bootstrap.mirror (a custom url is the directory that holds linux/<distro>/…), or choose a mirror that serves this OS.",
    ],
    zh: [
      "镜像源上没有这个系统的 docker-ce 仓库",
      "镜像源[[ {mirror}（{url}）]]对本系统的 docker-ce 元数据返回 404：它没有同步这个发行版或版本，或者自定义镜像源的 URL 指错了目录。",
      "检查 berth:bootstrap.mirror（自定义 url 应该是包含 linux/<发行版>/… 的那一层目录），或者换一个支持这个系统的镜像源。",
    ],
  }),
  entry({
    id: "apt-key-mismatch",
    severity: "fail",
    seen: "apt: `NO_PUBKEY …`, `BADSIG …` or `The repository … is not signed`; yum: `GPG check FAILED`",
    patterns: [/NO_PUBKEY (?<key>[0-9A-F]{8,})/, /BADSIG (?<key>[0-9A-F]{8,})/, /EXPKEYSIG (?<key>[0-9A-F]{8,})/, /The repository '(?<repo>[^']+)' is not signed/, /GPG check FAILED/, /Public key for \S+ is not installed/],
    key: "berth:bootstrap.mirror",
    command: RERUN,
    en: [
      "The mirror's signing key does not match its packages",
      "apt (or yum) refused the docker-ce repository: its index is signed with a key other than the one the mirror publishes[[ ({key})]]. This happens while a mirror re-syncs after Docker re-signs, or when it serves a stale key.",
      "Put another mirror first, e.g. berth:bootstrap.mirror: [tuna, aliyun], or wait for the mirror to finish syncing and run the bootstrap again (`" + RERUN + "`). For a custom mirror, check that <url>/linux/<distro>/gpg is the key that signs it.",
    ],
    zh: [
      "镜像源的签名密钥和软件包对不上",
      "apt（或 yum）拒绝了 docker-ce 仓库：仓库索引的签名密钥不是镜像源公布的那把[[（{key}）]]。Docker 更换签名后镜像源还在重新同步，或者镜像源给的是过期的密钥，都会出现这种情况。",
      "换一个镜像源放在最前面，比如 berth:bootstrap.mirror: [tuna, aliyun]；或者等镜像源同步完再运行一次 bootstrap（`" + RERUN + "`）。自定义镜像源请确认 <url>/linux/<发行版>/gpg 就是给仓库签名的那把密钥。",
    ],
  }),
  entry({
    id: "apt-hash-mismatch",
    severity: "fail",
    seen: "apt: `Hash Sum mismatch` or `File has unexpected size … Mirror sync in progress?`; yum: `checksum doesn't match`",
    patterns: [/Failed to fetch (?<url>\S+)\s+Hash Sum mismatch/, /Hash Sum mismatch/, /File has unexpected size/, /Mirror sync in progress\?/, /checksum doesn't match/i],
    key: "berth:bootstrap.mirror",
    command: RERUN,
    en: [
      "The mirror is in the middle of a sync (hash sum mismatch)",
      "A package index downloaded from the mirror does not match the checksums in its signed Release file[[ ({url})]]: the mirror is half-way through a sync, or a proxy or cache in between serves an old copy.",
      "Wait a few minutes and run the bootstrap again, or put another mirror first in berth:bootstrap.mirror. If it keeps happening behind a company or campus proxy, that proxy caches stale files.",
    ],
    zh: [
      "镜像源正在同步（Hash Sum mismatch）",
      "从镜像源下载的软件包索引和它签名的 Release 文件里的校验值不一致[[（{url}）]]：镜像源同步到一半，或者中间的代理、缓存给了旧文件。",
      "过几分钟再运行一次 bootstrap，或者在 berth:bootstrap.mirror 里把别的镜像源放到前面。如果在公司或校园网的代理后面一直这样，就是代理缓存了旧文件。",
    ],
  }),
  entry({
    id: "installer-missing",
    severity: "fail",
    seen: "bootstrap: `no mirror served the miniconda installer: …`",
    patterns: [/no mirror served the (?<distribution>\S+) installer/],
    context: [DID_NOT_ANSWER],
    outranks: ["mirror-unreachable", "mirror-no-distro"],
    key: "berth:bootstrap.conda.version",
    en: [
      "No mirror served the conda installer",
      "None of the mirrors for the {distribution} installer gave it[[ (last tried: {mirror}, {url})]]: this version is not on them, or they are down.",
      "Check berth:bootstrap.conda.version against the mirror's file list (or use latest), or set berth:bootstrap.conda.mirror to another mirror (tuna serves Miniconda and Miniforge).",
    ],
    zh: [
      "没有镜像源能提供 conda 安装包",
      "提供 {distribution} 安装包的镜像源都没有给出文件[[（最后尝试的是 {mirror}，{url}）]]：镜像源上没有这个版本，或者镜像源宕机了。",
      "对照镜像源的文件列表检查 berth:bootstrap.conda.version（或者改用 latest），或者把 berth:bootstrap.conda.mirror 换成别的镜像源（tuna 同时提供 Miniconda 和 Miniforge）。",
    ],
  }),
];
