/** Known states of a host as a whole: reaching it over SSH, where its bootstrap is, its app. */
import { entry } from "../types.js";

export const HOST_ENTRIES = [
  entry({
    id: "ssh-unreachable",
    severity: "fail",
    seen: "berth: `cannot connect over SSH … ECONNREFUSED / Timed out while waiting for handshake`",
    // The detail is ssh2's; berth's own hint after " — " is not repeated in the diagnosis.
    patterns: [/(?:(?<target>\S+): )?cannot connect over SSH after \d+ attempts?: (?<detail>.+?)(?: — .*)?$/],
    key: "berth:host.allowSsh",
    en: [
      "The host does not answer on its SSH port",
      "Connecting[[ to {target}]] failed[[ ({detail})]]: the host is down or still booting, the address or port is wrong, or a security group or firewall keeps your address away from its SSH port.",
      "Check the address (pulumi stack output ssh) and that the instance runs; allow your address in berth:host.allowSsh (the security group's SSH rule).",
    ],
    zh: [
      "主机的 SSH 端口没有响应",
      "连接[[ {target} ]]失败[[（{detail}）]]：主机关机了或者还在启动，地址或端口写错了，或者安全组、防火墙没有放行你的 IP 访问 SSH 端口。",
      "核对地址（pulumi stack output ssh），确认实例在运行；在 berth:host.allowSsh 里放行你的 IP（也就是安全组的 SSH 规则）。",
    ],
  }),
  entry({
    id: "ssh-auth-failed",
    severity: "fail",
    seen: "berth: `the server refused the key … for user …`, ssh2: `All configured authentication methods failed`",
    patterns: [/the server refused .+? for user (?<user>\S+) — /, /All configured authentication methods failed/],
    context: [/(?<user>[^@\s]+)@\S+: cannot connect over SSH/],
    outranks: ["ssh-unreachable"],
    key: "berth:host.sshPublicKey",
    en: [
      "The host refused the SSH login",
      "The host did not accept the key[[ for {user}]]: it was given another public key (berth:host.sshPublicKey), or the user name is not the image's (berth:host.user).",
      "Log in with the private half of berth:host.sshPublicKey (--identity FILE) as the image's user (ubuntu on Tencent's Ubuntu images, debian on local VMs, root on most others).",
    ],
    zh: [
      "主机拒绝了 SSH 登录",
      "主机不接受[[ {user} 的]]这把密钥：主机拿到的是另一把公钥（berth:host.sshPublicKey），或者用户名不是镜像里的那个（berth:host.user）。",
      "用 berth:host.sshPublicKey 对应的私钥登录（--identity FILE），用户名用镜像的默认用户（腾讯云 Ubuntu 镜像是 ubuntu，本地虚拟机是 debian，大多数其他镜像是 root）。",
    ],
  }),
  entry({
    id: "ssh-host-key-changed",
    severity: "fail",
    seen: "berth: `host key changed from SHA256:… to SHA256:…`, or `host key is SHA256:…, but <the pin> is SHA256:…`",
    patterns: [/host key changed from (?<old>\S+) to (?<new>\S+)/, /host key is (?<new>SHA256:\S+), but .+? is (?<old>SHA256:\S+) — refusing to connect/],
    outranks: ["ssh-unreachable"],
    key: "berth:host.hostKeyFingerprint",
    en: [
      "The host's SSH key changed",
      "The host shows a different host key[[ ({new})]] from the one berth knew[[ ({old})]]: it was rebuilt, or something sits in between.",
      "If you rebuilt it, remove its line from ~/.config/berth/known_hosts (or update berth:host.hostKeyFingerprint / --fingerprint); if you did not, do not connect.",
    ],
    zh: [
      "主机的 SSH 密钥变了",
      "主机出示的主机密钥[[（{new}）]]和 berth 之前记下的[[（{old}）]]不一样：主机被重建过，或者中间有别的东西。",
      "如果是你重建的，就从 ~/.config/berth/known_hosts 删掉它那一行（或者更新 berth:host.hostKeyFingerprint / --fingerprint）；如果不是，不要连接。",
    ],
  }),
  entry({
    id: "bootstrap-running",
    severity: "warn",
    seen: "doctor: the status file's phase is `docker`, `pip` or `conda`",
    patterns: [],
    en: [
      "The bootstrap is still running",
      "It is in phase {phase}[[ (last update {updatedAt})]]. A first boot takes a few minutes (docker-ce, conda).",
      "Wait and run berth doctor again; if the phase does not move for 15 minutes, read /var/log/berth/bootstrap.log on the host.",
    ],
    zh: [
      "bootstrap 还在运行",
      "当前阶段是 {phase}[[（最后更新于 {updatedAt}）]]。第一次启动要几分钟（安装 docker-ce、conda）。",
      "稍等再运行一次 berth doctor；如果 15 分钟阶段都没变化，就到主机上看 /var/log/berth/bootstrap.log。",
    ],
  }),
  entry({
    id: "cloud-init-running",
    severity: "warn",
    seen: "doctor: no status file yet, `cloud-init status` says running",
    patterns: [],
    en: [
      "The host is still in its first boot",
      "cloud-init is running; the bootstrap starts in its last stage.",
      "Wait a minute and run berth doctor again.",
    ],
    zh: [
      "主机还在第一次启动",
      "cloud-init 还在运行；bootstrap 在它的最后阶段才开始。",
      "等一分钟再运行一次 berth doctor。",
    ],
  }),
  entry({
    id: "bootstrap-not-run",
    severity: "fail",
    seen: "doctor: no `/var/lib/berth/status.json` and cloud-init finished (or absent)",
    patterns: [],
    command: "cloud-init status --long; sudo tail -n 50 /var/log/cloud-init-output.log",
    en: [
      "The bootstrap has not run on this host",
      "There is no /var/lib/berth/status.json[[, and cloud-init says {cloudInit}]]: the host was not created with berth's user-data, or cloud-init stopped before its last stage.",
      "On a cloud or local VM read cloud-init status --long and /var/log/cloud-init-output.log; an existing server gets the bootstrap over SSH from pulumi up.",
    ],
    zh: [
      "这台主机上没有运行过 bootstrap",
      "主机上没有 /var/lib/berth/status.json[[，cloud-init 的状态是 {cloudInit}]]：这台主机不是用 berth 的 user-data 创建的，或者 cloud-init 没跑到最后阶段就停了。",
      "云主机或本地虚拟机请查看 cloud-init status --long 和 /var/log/cloud-init-output.log；已有的服务器由 pulumi up 通过 SSH 运行 bootstrap。",
    ],
  }),
  entry({
    id: "app-not-deployed",
    severity: "warn",
    seen: "doctor: no container named after `berth:app.name`",
    patterns: [],
    en: [
      "The app is not deployed",
      "No container named {name} exists on the host.",
      "Deploy it: pulumi up, or berth deploy --stack FILE --host {target}.",
    ],
    zh: [
      "应用还没有部署",
      "主机上没有名为 {name} 的容器。",
      "部署它：pulumi up，或者 berth deploy --stack FILE --host {target}。",
    ],
  }),
  entry({
    id: "app-not-running",
    severity: "fail",
    seen: "doctor: the app's container is `exited` or `restarting`",
    patterns: [],
    key: "berth:app",
    en: [
      "The app's container is not running",
      "Container {name} is {state}[[ (exit code {exitCode})]]: it crashed or was stopped. Its last log lines are below.",
      "Fix the app or its berth:app.env / berth:app.args from what the log says (berth logs --stack FILE --host {target}), then deploy again.",
    ],
    zh: [
      "应用的容器没有在运行",
      "容器 {name} 的状态是 {state}[[（退出码 {exitCode}）]]：它崩溃了或者被停掉了。下面是它最后几行日志。",
      "根据日志修改应用或 berth:app.env / berth:app.args（berth logs --stack FILE --host {target}），然后重新部署。",
    ],
  }),
  entry({
    id: "app-unhealthy",
    severity: "fail",
    seen: "doctor: the app runs, but its health check fails from the host itself",
    patterns: [],
    key: "berth:app.healthcheck",
    en: [
      "The app fails its health check",
      "Container {name} runs, but GET {url} from the host itself answered {answer} (want {want}).",
      "Read its logs (berth logs --stack FILE --host {target}) and check berth:app.healthcheck (path, port) against what the app serves.",
    ],
    zh: [
      "应用没有通过健康检查",
      "容器 {name} 在运行，但在主机本机上 GET {url} 得到的是 {answer}（应为 {want}）。",
      "看一下它的日志（berth logs --stack FILE --host {target}），再对照应用实际提供的服务检查 berth:app.healthcheck（路径、端口）。",
    ],
  }),
  entry({
    id: "port-closed",
    severity: "fail",
    seen: "doctor: the app answers on the host, but its port does not answer from outside",
    patterns: [],
    key: "berth:app.ports",
    command: "sudo iptables -S DOCKER-USER; sudo ufw status",
    en: [
      "The app's port is closed from outside (security group or firewall)",
      "The app answers on the host itself, but {address}:{port} cannot be reached from here ({detail}). A security group, a cloud firewall or the host's own firewall (ufw, iptables DOCKER-USER) drops the traffic.",
      "Open TCP {port} inbound. berth opens berth:app.ports in the firewall or security group it creates; if the instance uses another security group, or a firewall of its own, add the rule there (`sudo iptables -S DOCKER-USER`, `sudo ufw status` show the host's side).",
    ],
    zh: [
      "应用端口从外面访问不到（安全组或防火墙）",
      "应用在主机本机上能正常响应，但从这里连不上 {address}:{port}（{detail}）。是安全组、云防火墙，或者主机自己的防火墙（ufw、iptables DOCKER-USER）把流量丢掉了。",
      "放行入方向 TCP {port}。berth 会在它创建的防火墙或安全组里放行 berth:app.ports；如果实例用的是别的安全组，或者另外开了防火墙，就到那里加规则（主机这一侧用 `sudo iptables -S DOCKER-USER`、`sudo ufw status` 查看）。",
    ],
  }),
];
