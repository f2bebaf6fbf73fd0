/** Known failures of dockerd itself on the host: its configuration, starting it, its mirrors. */
import { entry } from "../types.js";

export const DAEMON_ENTRIES = [
  entry({
    id: "daemon-json-invalid",
    severity: "fail",
    seen: "dockerd: `unable to configure the Docker daemon with file /etc/docker/daemon.json: …`",
    patterns: [/unable to configure the Docker daemon with file (?<file>\S+): (?<detail>.+)/],
    outranks: ["docker-start-failed", "registry-mirror-inactive"],
    key: "berth:bootstrap.docker.daemon",
    command: "sudo dockerd --validate --config-file /etc/docker/daemon.json",
    en: [
      "dockerd rejects /etc/docker/daemon.json",
      "dockerd would not start with its configuration file[[: {detail}]].",
      "Fix the key the message names in berth:bootstrap.docker.daemon (or registryMirrors, insecureRegistries); `sudo dockerd --validate --config-file /etc/docker/daemon.json` checks the file on the host.",
    ],
    zh: [
      "dockerd 不接受 /etc/docker/daemon.json",
      "dockerd 因为配置文件的问题启动不了[[：{detail}]]。",
      "按报错里提到的键修改 berth:bootstrap.docker.daemon（或 registryMirrors、insecureRegistries）；在主机上用 `sudo dockerd --validate --config-file /etc/docker/daemon.json` 可以检查这个文件。",
    ],
  }),
  entry({
    id: "daemon-hosts-conflict",
    severity: "fail",
    seen: "dockerd: `the following directives are specified both as a flag and in the configuration file: hosts`",
    patterns: [/the following directives are specified both as a flag and in the configuration file: hosts(?:: \(from flag: \[(?<flag>[^\]]*)\], from file: \[(?<file>[^\]]*)\]\))?/],
    outranks: ["daemon-json-invalid", "docker-down", "docker-start-failed"],
    key: "berth:bootstrap.docker.daemon",
    command: "sudo systemctl cat docker; sudo journalctl -u docker -n 20 --no-pager",
    en: [
      "dockerd refuses hosts in daemon.json next to the unit's -H fd://",
      "/etc/docker/daemon.json sets hosts[[ ({file})]], and docker-ce's systemd unit starts dockerd with -H[[ {flag}]]; dockerd will not start with both. berth writes hosts itself only together with a systemd drop-in that starts dockerd without -H, so this daemon.json was changed by hand (or the drop-in removed).",
      "Set the listeners in berth:bootstrap.docker.daemon.hosts (with berth:bootstrap.docker.allowUnauthenticatedTcp or TLS for tcp://) and run the bootstrap again: it adds the drop-in. Or by hand: remove hosts from /etc/docker/daemon.json, then sudo systemctl restart docker.",
    ],
    zh: [
      "dockerd 不接受 daemon.json 里的 hosts 和 systemd 单元的 -H fd:// 同时存在",
      "/etc/docker/daemon.json 设置了 hosts[[（{file}）]]，而 docker-ce 的 systemd 单元用 -H[[ {flag}]] 启动 dockerd；两个同时存在时 dockerd 不会启动。berth 只会在同时写入一个不带 -H 启动 dockerd 的 systemd drop-in 时才写 hosts，所以这个 daemon.json 是被手工改过的（或者那个 drop-in 被删了）。",
      "把监听地址写到 berth:bootstrap.docker.daemon.hosts 里（tcp:// 需要 berth:bootstrap.docker.allowUnauthenticatedTcp 或 TLS），再运行一次 bootstrap：它会加上那个 drop-in。或者手工处理：从 /etc/docker/daemon.json 删掉 hosts，然后 sudo systemctl restart docker。",
    ],
  }),
  entry({
    id: "docker-start-failed",
    severity: "fail",
    seen: "bootstrap: `docker did not answer 60 s after start`",
    patterns: [/docker did not answer \d+ s after start/],
    command: "sudo journalctl -u docker -n 50 --no-pager",
    en: [
      "Docker did not start",
      "dockerd did not answer within 60 s of starting.",
      "Read why on the host: `sudo journalctl -u docker -n 50 --no-pager`; then run the bootstrap again.",
    ],
    zh: [
      "Docker 没有启动起来",
      "dockerd 启动后 60 秒内一直没有响应。",
      "在主机上查看原因：`sudo journalctl -u docker -n 50 --no-pager`，处理后再运行一次 bootstrap。",
    ],
  }),
  entry({
    id: "docker-down",
    severity: "fail",
    seen: "docker: `Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?`",
    patterns: [/Cannot connect to the Docker daemon at (?<socket>\S+?)\.? Is the docker daemon running/],
    outranks: ["docker-start-failed"],
    command: "sudo systemctl start docker; sudo journalctl -u docker -n 50 --no-pager",
    en: [
      "Docker is not running on the host",
      "The docker command finds no daemon[[ at {socket}]]: dockerd stopped, crashed, or never started.",
      "Start it and read why it stopped: `sudo systemctl start docker; sudo journalctl -u docker -n 50 --no-pager`.",
    ],
    zh: [
      "主机上的 Docker 没有运行",
      "docker 命令找不到守护进程[[（{socket}）]]：dockerd 停了、崩溃了，或者从来没启动过。",
      "启动它，并查看它为什么停了：`sudo systemctl start docker; sudo journalctl -u docker -n 50 --no-pager`。",
    ],
  }),
  entry({
    id: "registry-mirror-inactive",
    severity: "fail",
    seen: "bootstrap: `registry mirror … is not active in docker info`",
    patterns: [/registry mirror (?<mirror>\S+) is not active in docker info/],
    key: "berth:bootstrap.docker.registryMirrors",
    command: "sudo dockerd --validate --config-file /etc/docker/daemon.json",
    en: [
      "A registry mirror is not active in Docker",
      "After /etc/docker/daemon.json was written, docker info does not list {mirror}: dockerd did not load the file (invalid JSON or an unknown key) or was not restarted.",
      "Check the file on the host (`sudo dockerd --validate --config-file /etc/docker/daemon.json`) and correct berth:bootstrap.docker.registryMirrors or berth:bootstrap.docker.daemon.",
    ],
    zh: [
      "镜像加速地址没有在 Docker 里生效",
      "写好 /etc/docker/daemon.json 之后，docker info 里没有 {mirror}：dockerd 没有加载这个文件（JSON 格式错误或含有不认识的键），或者没有重启。",
      "在主机上检查这个文件（`sudo dockerd --validate --config-file /etc/docker/daemon.json`），再改正 berth:bootstrap.docker.registryMirrors 或 berth:bootstrap.docker.daemon。",
    ],
  }),
];
