/**
 * Known refusals of what the bootstrap trusts: docker-ce signing keys (by full fingerprint, never
 * swapped on a host), conda installers (by sha256), and downloads that a redirect would take off
 * TLS. Each is the bootstrap saying no on purpose; the fix is a decision, not a retry.
 */
import { entry } from "../types.js";

const RERUN = "sudo bash /usr/local/lib/berth/bootstrap.sh";
/** The bootstrap's own line naming a mirror that failed its probe or download. */
const DID_NOT_ANSWER = /mirror (?<mirror>\S+) \((?<url>[^)\s]+)\) (?:did not answer|failed)/;

export const TRUST_ENTRIES = [
  entry({
    id: "docker-key-unexpected",
    severity: "fail",
    seen: "bootstrap: `the docker-ce signing key from <mirror> (…/gpg) is X, not the expected Y`",
    patterns: [/the docker-ce signing key from (?<source>.+?) is (?<found>.+?), not the expected (?<want>[0-9A-F]{40})/],
    key: "berth:bootstrap.mirror",
    en: [
      "The mirror's docker-ce signing key is not the one pinned",
      "The key the bootstrap got from {source} is {found}, and the stack trusts {want} for it. berth installs a docker-ce signing key only by its full fingerprint, so nothing was installed from this mirror: it serves another key (a rebuild signed by its owner, a mirror that changed keys, or someone in between), or the file is not a single key.",
      "If the mirror's owner changed keys on purpose, pin the new fingerprint as dockerCeKeyFingerprint of that mirror in berth:bootstrap.mirror (gpg --show-keys on the key shows it); otherwise put another mirror first and ask the mirror's owner.",
    ],
    zh: [
      "镜像源的 docker-ce 签名密钥不是指定的那把",
      "bootstrap 从 {source} 拿到的密钥是 {found}，而 stack 为它指定信任的是 {want}。berth 只按完整指纹安装 docker-ce 的签名密钥，所以没有从这个镜像源安装任何东西：它给的是另一把密钥（镜像源维护者自己签名的重建仓库、换过密钥的镜像源，或者中间有人篡改），或者这个文件不是一把单独的密钥。",
      "如果是镜像源维护者有意换了密钥，就在 berth:bootstrap.mirror 里把那个镜像源的 dockerCeKeyFingerprint 改成新指纹（用 gpg --show-keys 查看密钥的指纹）；否则把别的镜像源放到前面，并联系镜像源的维护者。",
    ],
  }),
  entry({
    id: "docker-key-swap",
    severity: "fail",
    seen: "bootstrap: `docker-ce mirror <name> is signed with key X, but this host already trusts key Y in /etc/apt/keyrings/docker.gpg`",
    patterns: [/docker-ce mirror (?<mirror>\S+) is signed with key (?<want>[0-9A-F]{40}), but this host already trusts (?:key )?(?<have>.+?) in (?<keyring>\/\S+) — berth never replaces/],
    key: "berth:bootstrap.mirror",
    en: [
      "The host already trusts another docker-ce signing key, and berth will not swap it",
      "This run's docker-ce mirror {mirror} is signed with {want}, but the host trusts {have} in {keyring}, installed by an earlier run with another mirror. berth never replaces a trusted signing key by itself: a changed config (or someone who changed it) must not silently change whose packages the host installs as root. Nothing was changed.",
      "If the switch is intended, remove the old key on the host (sudo rm {keyring}) and run the bootstrap again (`" + RERUN + "`); otherwise keep a mirror signed with the key the host trusts first in berth:bootstrap.mirror.",
    ],
    zh: [
      "主机已经信任了另一把 docker-ce 签名密钥，berth 不会替换它",
      "这次用的 docker-ce 镜像源 {mirror} 的签名密钥是 {want}，但主机在 {keyring} 里信任的是 {have}，是之前用另一个镜像源运行时装上的。berth 不会自己替换已经信任的签名密钥：改了配置（或者有人改了配置）不能悄悄地改变主机以 root 身份安装谁的软件包。这次什么都没有改动。",
      "如果确实要换，就在主机上删掉旧密钥（sudo rm {keyring}），再运行一次 bootstrap（`" + RERUN + "`）；否则在 berth:bootstrap.mirror 里把用主机已信任的密钥签名的镜像源放到前面。",
    ],
  }),
  entry({
    id: "installer-checksum",
    severity: "fail",
    seen: "bootstrap: `the miniconda installer from <mirror> (…) has sha256 X, not the expected Y`",
    patterns: [
      /the (?<distribution>\S+) installer from (?<mirror>\S+) \((?<url>[^)\s]+)\) has sha256 (?<got>[0-9a-f]{64}), not the expected (?<want>[0-9a-f]{64})/,
      /the (?<distribution>\S+) installer from (?<mirror>\S+) \((?<url>[^)\s]+)\) does not match sha256/,
    ],
    key: "berth:bootstrap.conda.sha256",
    en: [
      "The conda installer does not match its sha256 (tampered with, or a moved `latest`)",
      "The installer downloaded from[[ {mirror} ({url})]] has[[ sha256 {got}, not {want}]]: it is not the installer the stack pins, so berth did not run it. Either the mirror serves another file under that name (tampered with, or a different build), or the stack pins `latest` with a sha256 and upstream has since published a newer `latest`.",
      "Pin a version berth knows in berth:bootstrap.conda.version (its sha256 comes with berth), or give the sha256 of the version you pin from its release's SHA256SUMS; if the mirror serves a file that is not the release, use another mirror (berth:bootstrap.conda.mirror).",
    ],
    zh: [
      "conda 安装包的 sha256 对不上（被篡改，或者 `latest` 已经更新）",
      "从[[ {mirror}（{url}）]]下载的安装包[[ sha256 是 {got}，不是 {want}]]：它不是 stack 指定的那个安装包，所以 berth 没有运行它。要么镜像源在这个文件名下给的是另一个文件（被篡改，或者是别的构建），要么 stack 给 `latest` 指定了 sha256，而上游之后又发布了新的 `latest`。",
      "在 berth:bootstrap.conda.version 里指定一个 berth 认识的版本（berth 自带它的 sha256），或者按发布页的 SHA256SUMS 填写所指定版本的 sha256；如果镜像源给的根本不是发布的文件，就换一个镜像源（berth:bootstrap.conda.mirror）。",
    ],
  }),
  entry({
    id: "installer-unverified",
    severity: "fail",
    seen: "bootstrap: `refusing the miniconda installer from <mirror> (http://…): plain HTTP and no sha256 to check it`",
    patterns: [/refusing the (?<distribution>\S+) installer from (?<mirror>\S+) \((?<url>[^)\s]+)\): plain HTTP and no sha256/],
    outranks: ["installer-missing"],
    key: "berth:bootstrap.conda.sha256",
    en: [
      "A plain-HTTP conda installer with no sha256 was refused",
      "The installer would come from {mirror} ({url}) over plain HTTP, and the host's inputs give no sha256 to check it: anyone on the path could replace what runs as root. berth's config refuses such a stack, so these inputs were not rendered by this berth (an older berth's, or edited by hand).",
      "Give berth:bootstrap.conda.sha256, pin a version berth knows (berth:bootstrap.conda.version), or use an https mirror for the installer (berth:bootstrap.conda.mirror: tuna); then deliver the rendered bootstrap again (pulumi up).",
    ],
    zh: [
      "拒绝了没有 sha256 的 HTTP conda 安装包",
      "安装包要从 {mirror}（{url}）通过明文 HTTP 下载，而主机上的输入文件里没有可以校验它的 sha256：传输路径上的任何人都能替换这个要以 root 运行的文件。berth 的配置检查会拒绝这样的 stack，所以这些输入文件不是这个版本的 berth 生成的（是旧版 berth 生成的，或者被手工改过）。",
      "设置 berth:bootstrap.conda.sha256，或者指定一个 berth 认识的版本（berth:bootstrap.conda.version），或者给安装包用 https 镜像源（berth:bootstrap.conda.mirror: tuna）；然后重新下发生成的 bootstrap（pulumi up）。",
    ],
  }),
  entry({
    id: "redirect-off-tls",
    severity: "fail",
    seen: "bootstrap: `curl: (1) Protocol \"http\" not supported` after an https URL redirected to plain HTTP",
    patterns: [/curl: \(1\) Protocol "(?<protocol>[^"]+)" not supported/],
    context: [DID_NOT_ANSWER],
    outranks: ["mirror-unreachable", "installer-missing"],
    key: "berth:bootstrap.mirror",
    en: [
      "A mirror redirected an https download off TLS, and berth refused it",
      "The mirror[[ {mirror} ({url})]] answered its https URL with a redirect to {protocol}://. berth follows redirects from https only to https: a redirect to plain HTTP would let anyone on the path serve the download.",
      "Use the mirror's https address that serves the files itself, or another mirror, in berth:bootstrap.mirror (berth:bootstrap.conda.mirror for the installer). If a mirror is plain HTTP on purpose, give its http:// URL: docker-ce is still checked by its signing key, and the installer by its sha256.",
    ],
    zh: [
      "镜像源把 https 下载重定向到了非 TLS 地址，berth 拒绝了",
      "镜像源[[ {mirror}（{url}）]]把 https 地址重定向到了 {protocol}://。berth 只允许从 https 重定向到 https：重定向到明文 HTTP 的话，传输路径上的任何人都能替换下载的内容。",
      "在 berth:bootstrap.mirror（安装包是 berth:bootstrap.conda.mirror）里改用镜像源直接提供文件的 https 地址，或者换一个镜像源。如果某个镜像源本来就只有 HTTP，就直接写它的 http:// 地址：docker-ce 仍然会按签名密钥校验，安装包仍然会按 sha256 校验。",
    ],
  }),
];
