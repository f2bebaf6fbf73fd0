/** Known failures of the host itself while it bootstraps: DNS, locks, disk, versions, conda. */
import { entry } from "../types.js";

const RERUN = "sudo bash /usr/local/lib/berth/bootstrap.sh";

export const SYSTEM_ENTRIES = [
  entry({
    id: "dns-broken",
    severity: "fail",
    seen: "bootstrap: `curl: (6) Could not resolve host: …`, apt: `Temporary failure resolving '…'`; doctor: a mirror's name does not resolve on the host",
    patterns: [/curl: \(6\) Could not resolve host: (?<host>\S+)/, /Temporary failure resolving '(?<host>[^']+)'/, /Could not resolve host: (?<host>\S+)/],
    outranks: ["mirror-unreachable", "installer-missing"],
    command: "getent hosts {host}; cat /etc/resolv.conf",
    en: [
      "Names do not resolve on the host (DNS)",
      "The host could not resolve[[ {host}]]: its resolver (/etc/resolv.conf) does not answer, or the name does not exist. Every download the bootstrap makes needs DNS.",
      "Check the host's resolver: cat /etc/resolv.conf[[; getent hosts {host}]]. On a cloud VM keep the DNS servers the provider hands out (DHCP); if only one mirror's name fails, correct its URL in berth:bootstrap.mirror.",
    ],
    zh: [
      "主机上域名解析失败（DNS）",
      "主机解析不了[[ {host}]]：它的 DNS 服务器（/etc/resolv.conf）没有响应，或者这个域名不存在。bootstrap 的每一次下载都要用到 DNS。",
      "检查主机的 DNS：cat /etc/resolv.conf[[；getent hosts {host}]]。云主机请保留云厂商通过 DHCP 下发的 DNS；如果只有某个镜像源的域名解析不了，就改正 berth:bootstrap.mirror 里它的 URL。",
    ],
  }),
  entry({
    id: "dpkg-locked",
    severity: "fail",
    seen: "apt: `Could not get lock /var/lib/dpkg/lock-frontend. It is held by process … (unattended-upgr)`, `Waiting for cache lock`; bootstrap: `/var/lib/apt/lists/lock is still held by process … after 900 s`; doctor: the lock's holder on the host",
    patterns: [
      /Could not get lock (?<lock>\/\S+?)\.? It is held by process (?<pid>\d+) \((?<process>[^)]+)\)/, /Unable to acquire the dpkg frontend lock/, /Could not get lock (?<lock>\/\S+?)\.?$/,
      /Another app is currently holding the yum lock/, /Waiting for process with pid (?<pid>\d+) to finish/,
      /waiting for (?<lock>\/\S+), held by process (?<pid>\d+) \((?<process>[^)]+)\)/, /(?<lock>\/\S+) is still held by process (?<pid>\d+) \((?<process>[^)]+)\) after \d+ s/,
    ],
    command: "systemctl status unattended-upgrades apt-daily.service",
    en: [
      "Another program holds the package manager's lock",
      "apt/dpkg is locked[[ by process {pid} ({process})]]. On a fresh Ubuntu VM that is nearly always unattended-upgrades or apt-daily doing their first update. berth waits up to 15 minutes for apt's and dpkg's locks; a lock held longer than that stops the bootstrap.",
      "Let it finish (systemctl status unattended-upgrades apt-daily.service), then run the bootstrap again: `" + RERUN + "`. If that process hangs, stop it: sudo systemctl stop unattended-upgrades.",
    ],
    zh: [
      "包管理器的锁被别的程序占着",
      "apt/dpkg 被锁住了[[（占用的进程是 {pid}：{process}）]]。新开的 Ubuntu 云主机上，这几乎都是 unattended-upgrades 或 apt-daily 在做首次更新。berth 最多会等 15 分钟 apt 和 dpkg 的锁；锁被占用得比这还久，bootstrap 就会失败。",
      "等它跑完（systemctl status unattended-upgrades apt-daily.service），再运行一次 bootstrap：`" + RERUN + "`。如果那个进程卡死了，就停掉它：sudo systemctl stop unattended-upgrades。",
    ],
  }),
  entry({
    id: "disk-full",
    severity: "fail",
    seen: "`No space left on device` anywhere; apt: `You don't have enough free space`; doctor: a filesystem the bootstrap writes to is full",
    patterns: [/No space left on device/, /You don't have enough free space in (?<mount>\S+)/, /Disk quota exceeded/],
    command: "df -h; sudo du -xsh /var/lib/docker /opt /var/cache/apt",
    en: [
      "The disk is full",
      "A write failed for lack of space[[: {mount} is {use} full]]. Docker images, conda environments and apt's cache fill a small cloud disk quickly.",
      "Free space on the host (docker system prune -a removes unused images; conda clean -a; sudo apt-get clean), or give the host a bigger disk, then run the bootstrap again: `" + RERUN + "`.",
    ],
    zh: [
      "磁盘满了",
      "因为空间不够，写入失败了[[：{mount} 已用 {use}]]。Docker 镜像、conda 环境和 apt 缓存很快就会把小云盘占满。",
      "清理主机上的空间（docker system prune -a 删掉不用的镜像；conda clean -a；sudo apt-get clean），或者给主机换一块更大的磁盘，然后再运行一次 bootstrap：`" + RERUN + "`。",
    ],
  }),
  entry({
    id: "docker-version-missing",
    severity: "fail",
    seen: "bootstrap: `docker-ce 27.3.1 is not offered by the mirror`",
    patterns: [/docker-ce (?<version>\S+) is not offered by the mirror/, /docker-ce version (?<version>\S+): no single match on (?<mirror>\S+)/],
    key: "berth:bootstrap.docker.version",
    command: "apt-cache madison docker-ce",
    en: [
      "The pinned docker-ce version is not on the mirror",
      "berth:bootstrap.docker.version is {version}, and the mirror[[ {mirror}]] does not carry it[[ — it has {available}]]. A mirror has only what Docker publishes for this OS release; old and very new versions may be missing.",
      "Pin a version the mirror has (apt-cache madison docker-ce, or yum list docker-ce --showduplicates, on the host), or remove berth:bootstrap.docker.version to install the latest.",
    ],
    zh: [
      "镜像源上没有指定的 docker-ce 版本",
      "berth:bootstrap.docker.version 写的是 {version}，但镜像源[[ {mirror} ]]上没有这个版本[[——它有的是 {available}]]。镜像源只有 Docker 为这个系统版本发布过的那些版本，太旧或太新的可能都没有。",
      "改成镜像源上有的版本（在主机上用 apt-cache madison docker-ce 或 yum list docker-ce --showduplicates 查看），或者删掉 berth:bootstrap.docker.version，安装最新版。",
    ],
  }),
  entry({
    id: "docker-version-ambiguous",
    severity: "fail",
    seen: "bootstrap: `docker-ce 27.3 is ambiguous: … — pin the full version`",
    patterns: [/docker-ce (?<version>\S+) is ambiguous: (?<candidates>.+?) — pin the full version/],
    outranks: ["docker-version-missing"],
    key: "berth:bootstrap.docker.version",
    en: [
      "The docker-ce pin matches several versions",
      "berth:bootstrap.docker.version {version} matches more than one version on the mirror: {candidates}.",
      "Pin the full version, one of: {candidates}.",
    ],
    zh: [
      "docker-ce 版本号匹配到了多个版本",
      "berth:bootstrap.docker.version 写的 {version} 在镜像源上匹配到了不止一个版本：{candidates}。",
      "写上完整的版本号，从这几个里选一个：{candidates}。",
    ],
  }),
  entry({
    id: "conda-tos",
    severity: "fail",
    seen: "conda: `CondaToSNonInteractiveError: Terms of Service have not been accepted`",
    patterns: [/CondaToSNonInteractiveError/],
    key: "berth:bootstrap.conda.termsOfService",
    en: [
      "Anaconda's terms of service are not accepted (CondaToSNonInteractiveError)",
      "Since July 2025 conda refuses Anaconda's own channels (repo.anaconda.com) in a non-interactive run until their terms are accepted. Anaconda's channels also need a paid licence in organisations of over 200 people, universities included.",
      "Set berth:bootstrap.conda.termsOfService: accept, or use a conda mirror (berth:bootstrap.conda.mirror: tuna), or switch to berth:bootstrap.conda.distribution: miniforge (conda-forge, no terms).",
    ],
    zh: [
      "没有接受 Anaconda 的服务条款（CondaToSNonInteractiveError）",
      "从 2025 年 7 月起，非交互运行的 conda 要先接受服务条款，才能使用 Anaconda 官方频道（repo.anaconda.com）。另外，200 人以上的机构（包括高校）使用 Anaconda 官方频道需要付费授权。",
      "设置 berth:bootstrap.conda.termsOfService: accept；或者用 conda 镜像源（berth:bootstrap.conda.mirror: tuna）；或者改用 berth:bootstrap.conda.distribution: miniforge（conda-forge，没有条款限制）。",
    ],
  }),
  entry({
    id: "unsupported-os",
    severity: "fail",
    seen: "bootstrap: `unsupported operating system: …`",
    patterns: [/unsupported operating system: (?<os>.+?) \(ID=/],
    key: "berth:host.os",
    en: [
      "This operating system is not supported",
      "The bootstrap found {os}, which docker-ce's repositories do not serve.",
      "Boot a supported image (berth:host.os, berth:host.image): Ubuntu 20.04–24.04, Debian 11/12, CentOS/RHEL/Rocky/Alma 8/9, OpenCloudOS, TencentOS, Anolis, Alibaba Cloud Linux or openEuler.",
    ],
    zh: [
      "不支持这个操作系统",
      "bootstrap 检测到的系统是 {os}，docker-ce 的仓库不提供这个系统的软件包。",
      "换一个支持的镜像启动（berth:host.os、berth:host.image）：Ubuntu 20.04–24.04、Debian 11/12、CentOS/RHEL/Rocky/Alma 8/9、OpenCloudOS、TencentOS、Anolis、Alibaba Cloud Linux 或 openEuler。",
    ],
  }),
  entry({
    id: "docker-user-missing",
    severity: "fail",
    seen: "bootstrap: `cannot add … to the docker group: no such user`",
    patterns: [/cannot add (?<user>\S+) to the docker group: no such user/, /login user (?<user>\S+) does not exist/],
    key: "berth:bootstrap.docker.users",
    en: [
      "A user in the config does not exist on the host",
      "The bootstrap was asked to set up {user}, and the host has no such user.",
      "Name users that exist on the image in berth:bootstrap.docker.users and berth:host.user (ubuntu on Tencent's Ubuntu images, debian on Debian cloud images, root elsewhere).",
    ],
    zh: [
      "配置里的用户在主机上不存在",
      "bootstrap 要为 {user} 做设置，但主机上没有这个用户。",
      "在 berth:bootstrap.docker.users 和 berth:host.user 里写镜像上真实存在的用户（腾讯云 Ubuntu 镜像是 ubuntu，Debian 云镜像是 debian，其他一般是 root）。",
    ],
  }),
  entry({
    id: "docker-permission-denied",
    severity: "fail",
    seen: "docker: `permission denied while trying to connect to the Docker daemon socket`",
    patterns: [/permission denied while trying to connect to the Docker daemon socket/],
    key: "berth:bootstrap.docker.users",
    en: [
      "The user may not use Docker (permission denied on docker.sock)",
      "Only root and members of the docker group may talk to dockerd. The user is not in the group, or was added after this login began: group changes reach new logins only.",
      "Log out and in again (or run newgrp docker). If the user is still not in the group (id -nG), add it to berth:bootstrap.docker.users (berth:host.user is added by itself).",
    ],
    zh: [
      "这个用户没有使用 Docker 的权限（docker.sock permission denied）",
      "只有 root 和 docker 组的成员才能访问 dockerd。这个用户不在 docker 组里，或者是在这次登录之后才被加进组的——用户组的变化只对新的登录生效。",
      "退出再重新登录（或者执行 newgrp docker）。如果用户还是不在组里（看 id -nG），就把它加到 berth:bootstrap.docker.users（berth:host.user 会自动加入）。",
    ],
  }),
  entry({
    id: "docker-group-relogin",
    severity: "fail",
    seen: "doctor: a docker-group member's login sessions started before it joined the group",
    patterns: [],
    outranks: ["docker-permission-denied"],
    command: "newgrp docker",
    en: [
      "Sessions that logged in before joining the docker group",
      "{user} was added to the docker group after these sessions logged in[[ (processes {pids})]]. They still run without the group, so docker says \"permission denied\" in them.",
      "Log out and SSH in again (or run newgrp docker in that shell); new logins have the group already.",
    ],
    zh: [
      "这些会话是在加入 docker 组之前登录的",
      "{user} 是在这些会话登录之后才被加进 docker 组的[[（进程 {pids}）]]。它们仍然不带这个组在运行，所以在里面执行 docker 会报 \"permission denied\"。",
      "退出 SSH 再重新登录（或者在那个 shell 里执行 newgrp docker）；新的登录已经带上这个组了。",
    ],
  }),
];
