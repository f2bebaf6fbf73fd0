/** Known failures of Docker on the host: Docker Hub, accelerators, registries, storage. */
import { entry } from "../types.js";

export const DOCKER_ENTRIES = [
  entry({
    id: "hub-rate-limit",
    severity: "fail",
    seen: "docker pull: `toomanyrequests: You have reached your pull rate limit`",
    patterns: [/toomanyrequests/i, /You have reached your pull rate limit/],
    key: "berth:bootstrap.docker.registryMirrors",
    en: [
      "Docker Hub's pull limit was reached (toomanyrequests)",
      "Docker Hub allows about 100 anonymous pulls per 6 hours per IP address; a class behind one NAT, or a CI runner, uses that up at once.",
      "Log in to Docker Hub on the host (docker login; an account raises the limit), put a pull-through cache in berth:bootstrap.docker.registryMirrors, or push your images to your own registry (berth:app.registry).",
    ],
    zh: [
      "触发了 Docker Hub 的拉取次数限制（toomanyrequests）",
      "Docker Hub 对匿名拉取的限制大约是每个 IP 每 6 小时 100 次；整个班级共用一个 NAT 出口，或者 CI 机器，一下子就用完了。",
      "在主机上登录 Docker Hub（docker login，登录后额度更高）；或者在 berth:bootstrap.docker.registryMirrors 里配置一个自建的拉取缓存（pull-through cache）；或者把镜像推到你自己的镜像仓库（berth:app.registry）。",
    ],
  }),
  entry({
    id: "hub-mirror-closed",
    severity: "fail",
    seen: "dockerd: `Attempting next endpoint for pull after error: denied: …`; doctor: a registry mirror's `/v2/` does not answer 200 or 401",
    patterns: [/Attempting next endpoint for pull after error: (?<answer>(?:denied|forbidden|unauthorized): .+)/],
    outranks: ["hub-unreachable"],
    key: "berth:bootstrap.docker.registryMirrors",
    en: [
      "A Docker Hub accelerator does not work",
      "The registry mirror[[ {mirror}]] answered[[ {answer}]] instead of serving images. Public Hub accelerators closed in 2024 (USTC, SJTU, …), and Aliyun's and Tencent's work only inside their own cloud; Docker then falls back to Docker Hub, which is slow or unreachable from mainland China.",
      "Remove it from berth:bootstrap.docker.registryMirrors; use tencent-internal on Tencent Cloud, your own Aliyun accelerator URL on Aliyun, or a pull-through cache you run ({ url, insecure: true }).",
    ],
    zh: [
      "Docker Hub 加速地址不能用",
      "镜像加速地址[[ {mirror} ]]返回的是[[ {answer}]]，没有提供镜像。公共的 Docker Hub 加速器在 2024 年都关了（中科大、上交大……），阿里云和腾讯云的加速地址也只在各自的云里能用；Docker 接着会回退到 Docker Hub，而在国内访问 Docker Hub 很慢，甚至连不上。",
      "把它从 berth:bootstrap.docker.registryMirrors 里删掉；腾讯云上用 tencent-internal，阿里云上用你自己的阿里云加速地址，或者用自建的拉取缓存（{ url, insecure: true }）。",
    ],
  }),
  entry({
    id: "hub-unreachable",
    severity: "fail",
    seen: "docker pull: `Get \"https://registry-1.docker.io/v2/\": … timeout` (or `no such host`)",
    patterns: [/Get "?https:\/\/registry-1\.docker\.io\/v2\/"?: (?<detail>.+)/],
    key: "berth:bootstrap.docker.registryMirrors",
    en: [
      "Docker Hub cannot be reached from the host",
      "Pulls from Docker Hub (registry-1.docker.io) fail[[: {detail}]]. From mainland China Docker Hub is slow or blocked, and no working accelerator is configured.",
      "Add an accelerator that works where the host is to berth:bootstrap.docker.registryMirrors (tencent-internal on Tencent Cloud, or a pull-through cache of your own), or pull your app from your own registry (berth:app.registry).",
    ],
    zh: [
      "主机连不上 Docker Hub",
      "从 Docker Hub（registry-1.docker.io）拉取失败[[：{detail}]]。在国内访问 Docker Hub 很慢或者被墙，而这里又没有配置能用的加速地址。",
      "在 berth:bootstrap.docker.registryMirrors 里加一个主机所在网络能用的加速地址（腾讯云上用 tencent-internal，或者自建的拉取缓存），或者把应用镜像放到你自己的镜像仓库（berth:app.registry）。",
    ],
  }),
  entry({
    id: "image-not-found",
    severity: "fail",
    seen: "docker pull: `manifest for … not found`, `manifest unknown`, `pull access denied for …, repository does not exist`",
    patterns: [/manifest for (?<image>\S+) not found/, /manifest unknown/, /pull access denied for (?<image>[^,\s]+), repository does not exist/],
    key: "berth:app.image",
    en: [
      "The image or its tag does not exist",
      "The registry has no[[ {image}]]: the name or tag is mistyped, the image was never pushed, or it is private and needs a login (berth:app.registry).",
      "Check berth:app.image against what the registry holds (the tag you pushed), and give berth:app.registry for a private image.",
    ],
    zh: [
      "镜像或它的标签不存在",
      "镜像仓库里没有[[ {image}]]：名字或标签写错了，镜像没有推送上去，或者它是私有镜像、需要登录（berth:app.registry）。",
      "对照镜像仓库里实际有的内容（你推送的标签）检查 berth:app.image；私有镜像请配置 berth:app.registry。",
    ],
  }),
  entry({
    id: "registry-login-failed",
    severity: "fail",
    seen: "docker login / pull: `login attempt to … failed with status: 401 Unauthorized`, `unauthorized: authentication required`, `no basic auth credentials`",
    patterns: [/unauthorized: (?:incorrect username or password|authentication required)/, /login attempt to (?<url>\S+) failed with status: 401/, /(?:Get|Head) "?https?:\/\/(?<registry>[^/"\s]+)\/v2\/[^"\s]*"?: (?:unauthorized|no basic auth credentials)/, /no basic auth credentials/],
    key: "berth:app.registry.password",
    en: [
      "The registry rejected the login",
      "The registry[[ {registry}]] did not accept the username and password (401 unauthorized).",
      "Set the right password: pulumi config set --path 'berth:app.registry.password' --secret (for pulumi up), or BERTH_REGISTRY_PASSWORD (for berth deploy); check berth:app.registry.username. Temporary passwords of Aliyun's and Tencent's registries expire: make a new one.",
    ],
    zh: [
      "镜像仓库拒绝了登录",
      "镜像仓库[[ {registry} ]]不接受这个用户名和密码（401 unauthorized）。",
      "填上正确的密码：pulumi config set --path 'berth:app.registry.password' --secret（用 pulumi up 时），或者设置环境变量 BERTH_REGISTRY_PASSWORD（用 berth deploy 时）；再核对 berth:app.registry.username。阿里云、腾讯云镜像仓库的临时密码会过期，过期了要重新生成。",
    ],
  }),
  entry({
    id: "registry-insecure",
    severity: "fail",
    seen: "docker: `http: server gave HTTP response to HTTPS client`",
    patterns: [/Get "?https:\/\/(?<registry>[^/"\s]+)\/v2\/"?: http: server gave HTTP response to HTTPS client/, /server gave HTTP response to HTTPS client/],
    key: "berth:bootstrap.docker.insecureRegistries",
    en: [
      "A plain-HTTP registry is not marked insecure",
      "Docker speaks HTTPS to a registry unless told otherwise, and[[ {registry}]] answers plain HTTP.",
      "Add it to berth:bootstrap.docker.insecureRegistries (host:port), or serve the registry over HTTPS.",
    ],
    zh: [
      "HTTP 镜像仓库没有标记为 insecure",
      "除非另外说明，Docker 总是用 HTTPS 访问镜像仓库，而[[ {registry} ]]只提供 HTTP。",
      "把它加到 berth:bootstrap.docker.insecureRegistries（host:port），或者给这个仓库配上 HTTPS。",
    ],
  }),
  entry({
    id: "docker-storage-vfs",
    severity: "warn",
    seen: "doctor: `docker info` shows the `vfs` storage driver",
    patterns: [],
    en: [
      "Docker uses the slow vfs storage driver",
      "dockerd fell back to vfs, which copies every image layer in full: slow, and it fills the disk. /var/lib/docker is on a filesystem overlay2 cannot use.",
      "Give /var/lib/docker an ext4 or xfs filesystem (a local VM gets its own volume from berth local up), then restart docker.",
    ],
    zh: [
      "Docker 用的是很慢的 vfs 存储驱动",
      "dockerd 退回到了 vfs，它会把每一层镜像完整复制一遍：又慢又占磁盘。原因是 /var/lib/docker 所在的文件系统 overlay2 用不了。",
      "给 /var/lib/docker 换成 ext4 或 xfs 文件系统（本地虚拟机由 berth local up 分配独立的卷），然后重启 docker。",
    ],
  }),
];
