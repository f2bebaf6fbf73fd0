/**
 * What `berth doctor` prints besides the catalogue's findings: check names, statuses and the
 * one-line summary of each check, in English and Chinese side by side.
 */
import type { Lang } from "../diagnose/lang.js";

type Both = Readonly<Record<Lang, string>>;

export const CHECK_LABELS = {
  node: { en: "Node.js", zh: "Node.js" },
  pulumi: { en: "Pulumi CLI", zh: "Pulumi CLI" },
  backend: { en: "Pulumi backend", zh: "Pulumi 后端" },
  passphrase: { en: "passphrase", zh: "加密口令" },
  stack: { en: "stack config", zh: "stack 配置" },
  secrets: { en: "secrets", zh: "密钥" },
  engine: { en: "Docker engine", zh: "Docker 引擎" },
  kit: { en: "lab kit", zh: "实验套件" },
  "ssh-key": { en: "SSH key", zh: "SSH 密钥" },
  ssh: { en: "SSH", zh: "SSH" },
  bootstrap: { en: "bootstrap", zh: "bootstrap" },
  "cloud-init": { en: "cloud-init", zh: "cloud-init" },
  disk: { en: "disk", zh: "磁盘" },
  dns: { en: "DNS", zh: "DNS" },
  docker: { en: "Docker", zh: "Docker" },
  "hub-mirrors": { en: "Hub accelerators", zh: "Hub 加速地址" },
  pulls: { en: "image pulls", zh: "镜像拉取" },
  "docker-group": { en: "docker group", zh: "docker 组" },
  "registry-login": { en: "registry login", zh: "仓库登录" },
  app: { en: "app", zh: "应用" },
  "app-port": { en: "app port", zh: "应用端口" },
} as const satisfies Record<string, Both>;

export type CheckId = keyof typeof CHECK_LABELS;

export const STATUS_LABELS = {
  ok: { en: "ok", zh: "正常" },
  warn: { en: "warn", zh: "注意" },
  fail: { en: "FAIL", zh: "问题" },
  skip: { en: "skip", zh: "跳过" },
} as const satisfies Record<string, Both>;

export type Status = keyof typeof STATUS_LABELS;

export const SUMMARIES = {
  "node.ok": { en: "Node.js {node}, berth {berth}", zh: "Node.js {node}，berth {berth}" },
  "node.old": { en: "Node.js {node} (berth {berth} needs 20 or newer)", zh: "Node.js {node}（berth {berth} 需要 20 或更新）" },
  "pulumi.found": { en: "{version} — {where}", zh: "{version} —— {where}" },
  "pulumi.missing": { en: "no pulumi {want} found", zh: "没有找到 {want} 版本的 pulumi" },
  "backend.ok": { en: "{url}", zh: "{url}" },
  "backend.unchecked": { en: "{url} (reachability not checked for this kind of backend)", zh: "{url}（这类后端不检查能否连通）" },
  "backend.bad": { en: "{url}", zh: "{url}" },
  "backend.none": { en: "none chosen", zh: "没有选定" },
  "passphrase.ok": { en: "from {source}; it opens the stack's secrets", zh: "来自 {source}；能解开 stack 的密钥" },
  "passphrase.set": { en: "from {source} (the stack has no encryptionsalt yet)", zh: "来自 {source}（stack 还没有 encryptionsalt）" },
  "passphrase.bad": { en: "from {source}", zh: "来自 {source}" },
  "passphrase.missing": { en: "not set", zh: "没有设置" },
  "passphrase.cloud": { en: "not needed (Pulumi Cloud keeps the secrets key)", zh: "不需要（Pulumi Cloud 管理加密密钥）" },
  "stack.ok": { en: "{file}: valid, provider {provider}", zh: "{file}：有效，provider 是 {provider}" },
  "stack.bad": { en: "{file}: {count} problem(s)", zh: "{file}：{count} 个问题" },
  "stack.none": { en: "no --stack given", zh: "没有指定 --stack" },
  "secrets.ok": { en: "set: {list}", zh: "已设置：{list}" },
  "secrets.none": { en: "none needed", zh: "不需要" },
  "secrets.bad": { en: "missing or in plain text: {list}", zh: "缺少或是明文：{list}" },
  "engine.ok": { en: "Docker {version} answers", zh: "Docker {version} 正常响应" },
  "engine.down": { en: "no answer", zh: "没有响应" },
  "engine.na": { en: "not needed by a {provider} stack", zh: "{provider} stack 不需要" },
  "kit.ok": { en: "mirror and registry running", zh: "镜像源和镜像仓库都在运行" },
  "kit.down": { en: "{missing} not running", zh: "{missing} 没有运行" },
  "sshkey.ok": { en: "{path} ({type})", zh: "{path}（{type}）" },
  "sshkey.matches": { en: "{path} ({type}), matches berth:host.sshPublicKey", zh: "{path}（{type}），与 berth:host.sshPublicKey 配对" },
  "sshkey.bad": { en: "{path}", zh: "{path}" },
  "ssh.ok": { en: "logged in as {user}, host key {fingerprint}", zh: "已用 {user} 登录，主机密钥 {fingerprint}" },
  "ssh.fail": { en: "cannot log in", zh: "登录不了" },
  "ssh.partial": { en: "logged in as {user}, but doctor's evidence script did not finish", zh: "已用 {user} 登录，但 doctor 的检查脚本没有跑完" },
  "bootstrap.ready": { en: "ready — docker-ce {version} from {mirror}", zh: "已完成——docker-ce {version}，来自 {mirror}" },
  "bootstrap.failed": { en: "failed: {error}", zh: "失败：{error}" },
  "bootstrap.running": { en: "running, phase {phase}", zh: "运行中，阶段 {phase}" },
  "bootstrap.none": { en: "no /var/lib/berth/status.json", zh: "没有 /var/lib/berth/status.json" },
  "cloudinit.done": { en: "done", zh: "已完成" },
  "cloudinit.errors": { en: "done, with errors: {errors}", zh: "已完成，但有错误：{errors}" },
  "cloudinit.running": { en: "running", zh: "运行中" },
  "cloudinit.absent": { en: "not installed (a server berth bootstraps over SSH)", zh: "没有安装（由 berth 通过 SSH 运行 bootstrap 的服务器）" },
  "cloudinit.not-started": { en: "installed, has not run", zh: "已安装，但没有运行过" },
  "disk.ok": { en: "{list}", zh: "{list}" },
  "disk.full": { en: "{list}", zh: "{list}" },
  "dns.ok": { en: "{count} name(s) resolve (nameserver {ns})", zh: "{count} 个域名都能解析（DNS 服务器 {ns}）" },
  "dns.fail": { en: "{failed} do(es) not resolve (nameserver {ns})", zh: "{failed} 解析失败（DNS 服务器 {ns}）" },
  "dns.none": { en: "no names to check", zh: "没有要检查的域名" },
  "docker.ok": { en: "{version}, storage driver {driver}", zh: "{version}，存储驱动 {driver}" },
  "docker.absent": { en: "not installed", zh: "没有安装" },
  "docker.down": { en: "not answering", zh: "没有响应" },
  "docker.denied": { en: "{user} may not use docker (doctor used sudo)", zh: "{user} 没有权限使用 docker（doctor 改用了 sudo）" },
  "hubmirrors.ok": { en: "{list} answer", zh: "{list} 正常" },
  "hubmirrors.none": { en: "none configured", zh: "没有配置" },
  "hubmirrors.bad": { en: "{list} do(es) not work", zh: "{list} 不能用" },
  "pulls.ok": { en: "no pull errors in the last 6 hours", zh: "最近 6 小时没有拉取错误" },
  "pulls.bad": { en: "pull errors in the last 6 hours", zh: "最近 6 小时有拉取错误" },
  "pulls.unknown": { en: "pull errors in the last 6 hours, not recognised", zh: "最近 6 小时有认不出的拉取错误" },
  "group.ok": { en: "no session predates its docker group", zh: "没有在加入 docker 组之前登录的会话" },
  "group.stale": { en: "{users}: sessions from before joining the docker group", zh: "{users}：有加入 docker 组之前登录的会话" },
  "login.ok": { en: "{user} logs in to {registry}", zh: "{user} 能登录 {registry}" },
  "login.fail": { en: "{user} cannot log in to {registry}", zh: "{user} 登录 {registry} 失败" },
  "login.nopass": { en: "no password at hand (set BERTH_REGISTRY_PASSWORD to check the login)", zh: "没有可用的密码（设置 BERTH_REGISTRY_PASSWORD 后可以检查登录）" },
  "login.none": { en: "no berth:app.registry", zh: "没有 berth:app.registry" },
  "login.nodocker": { en: "not checked: docker does not answer on the host", zh: "未检查：主机上的 docker 没有响应" },
  "app.ok": { en: "{name} running[[, {health}]]", zh: "{name} 在运行[[，{health}]]" },
  "app.none": { en: "no berth:app (give --stack)", zh: "没有 berth:app（请指定 --stack）" },
  "app.missing": { en: "{name} is not deployed", zh: "{name} 还没有部署" },
  "app.nodocker": { en: "{name} not checked: docker does not answer on the host", zh: "{name} 未检查：主机上的 docker 没有响应" },
  "app.bad": { en: "{name} is {state}", zh: "{name} 的状态是 {state}" },
  "port.ok": { en: "{address}:{ports} reachable from here", zh: "从这里能访问 {address}:{ports}" },
  "port.closed": { en: "{address}:{ports} not reachable from here", zh: "从这里访问不到 {address}:{ports}" },
  "port.skip": { en: "the app does not answer on the host itself", zh: "应用在主机本机上就没有响应" },
  "port.none": { en: "no published TCP ports", zh: "没有对外发布的 TCP 端口" },
} as const satisfies Record<string, Both>;

export type SummaryKey = keyof typeof SUMMARIES;

/** How a failure not in the catalogue is reported: honestly, with the log instead of a guess. */
export const UNRECOGNISED = {
  en: { title: "A failure berth does not recognise", why: "It matches nothing in berth's catalogue of known failures, so here is the end of the log instead of a guess." },
  zh: { title: "berth 认不出的故障", why: "它和 berth 已知故障目录里的条目都对不上，所以这里直接给出日志末尾，不做猜测。" },
} as const satisfies Record<Lang, { title: string; why: string }>;

export const HEADINGS = {
  machine: { en: "this machine", zh: "本机" },
  ok: { en: "no problems found", zh: "没有发现问题" },
  problems: { en: "{count} problem(s) found", zh: "发现 {count} 个问题" },
  tail: { en: "end of the log", zh: "日志末尾" },
} as const satisfies Record<string, Both>;
