// berth doctor against the failures users hit, each produced for real on one local VM: the
// real bootstrap re-run with changed inputs (rendered from a changed config where a config
// change causes it), stand-in servers on berth-lab answering like a bad mirror or Docker Hub
// (doctor-standin.py), a held apt lock, a full tmpfs, a dead resolver, a firewall rule in the
// VM standing in for a cloud security group. Each case restores the host before the next.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appSchema } from "../../src/config/sections/app.js";
import { deploy } from "../../src/deploy/deploy.js";
import { KnownHosts } from "../../src/deploy/known-hosts.js";
import { planApp } from "../../src/deploy/plan.js";
import { Session } from "../../src/deploy/session.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { waitForBootstrap } from "../../src/deploy/wait.js";
import { describe as describeFinding, explain } from "../../src/diagnose/explain.js";
import type { Finding } from "../../src/diagnose/types.js";
import type { HostResult } from "../../src/doctor/report.js";
import { kitInfo } from "../../src/local/kit.js";
import { waitForStatusFile } from "../../src/local/vm-wait.js";
import { destroyVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { dockerCeFrom, IDENTITY, KEYS, KNOWN_HOSTS, Lab, localConfig, STACK_FILE, STANDIN_HOST } from "./doctor-lab.js";

const run = promisify(execFile);
const kit = kitInfo();
const PASSWORD = { BERTH_REGISTRY_PASSWORD: kit.registryPassword };
let lab: Lab;

const ssh = (user = "debian") => new SshExecutor({ host: lab.vm.ip, port: 22, username: user, privateKey: Buffer.from(KEYS.private), knownHosts: new KnownHosts(KNOWN_HOSTS) });
const app = (over: Record<string, unknown> = {}) =>
  planApp(appSchema.parse({ image: kit.appImages.v1, registry: { server: kit.registry, username: kit.registryUser, password: kit.registryPassword }, ports: ["8080:8080"], healthcheck: { type: "http", path: "/", timeoutSeconds: 30 }, ...over }));

function problems(h: HostResult): string[] {
  return h.checks.flatMap((c) => [...c.findings.map((f) => `${c.id}:${f.id}`), ...(c.unrecognised ? [`${c.id}:unrecognised`] : [])]);
}

function finding(h: HostResult, check: string, id: string): Finding {
  const f = h.checks.find((c) => c.id === check)?.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no ${id} in ${check}: ${JSON.stringify(problems(h))}`);
  return f;
}

/** The diagnosis as the user reads it, in both languages. */
function says(f: Finding, en: { title: string; fix?: string }, zh: { title: string; fix?: string }): void {
  const e = describeFinding(f, "en");
  const z = describeFinding(f, "zh");
  expect(e.title).toBe(en.title);
  expect(z.title).toBe(zh.title);
  if (en.fix) expect(e.fix).toBe(en.fix);
  if (zh.fix) expect(z.fix).toBe(zh.fix);
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  try {
    const r = await run(join(PROJECT_DIR, "node_modules/.bin/tsx"), [join(PROJECT_DIR, "src/cli/main.ts"), "doctor", "--stack", STACK_FILE, "--host", `debian@${lab.vm.ip}`, "--identity", IDENTITY, "--known-hosts", KNOWN_HOSTS, ...args], { env: { ...process.env, LANG: "", LC_ALL: "", LC_MESSAGES: "", ...PASSWORD, ...env } });
    return { code: 0, stdout: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}

beforeAll(async () => {
  lab = await Lab.up("doc-failures");
  const ex = ssh();
  try {
    await deploy(ex, app(), { log: () => undefined });
  } finally {
    await ex.close();
  }
});

afterAll(async () => {
  await Lab.down(lab, destroyVm);
});

describe("berth doctor on a host", () => {
  it("a healthy host gives a clean report (and `berth doctor` says so in Chinese under a Chinese locale)", async () => {
    const h = await lab.doctor(PASSWORD);
    expect(problems(h)).toEqual([]);
    expect(h.checks.filter((c) => c.status !== "ok").map((c) => c.id)).toEqual([]);
    const r = await cli([], { LANG: "zh_CN.UTF-8" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  正常  bootstrap     已完成——docker-ce ");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("没有发现问题");
  });

  it("a failure it does not know: the log's end, and no diagnosis", async () => {
    await lab.root(`mv /opt/conda/bin/conda /opt/conda/bin/conda.real && printf '#!/bin/bash\\necho "frobnicator: quantum flux misaligned (E42)" >&2\\nexit 3\\n' > /opt/conda/bin/conda && chmod 755 /opt/conda/bin/conda && rm -f /var/lib/berth/conda-env.sha256`);
    try {
      expect(await lab.bootstrap()).toBe(1);
      const h = await lab.doctor(PASSWORD);
      expect(problems(h)).toEqual(["bootstrap:unrecognised"]);
      expect(h.checks.find((c) => c.id === "bootstrap")?.unrecognised).toContain("frobnicator: quantum flux misaligned (E42)");
    } finally {
      await lab.root("mv -f /opt/conda/bin/conda.real /opt/conda/bin/conda");
      await lab.restore();
    }
  });

  it("an unreachable mirror — and pulumi up's and berth local up's waits carry the same diagnosis", async () => {
    await lab.apply(localConfig(dockerCeFrom("http://mirror.berth.lab:9", "labkit-down")));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "mirror-unreachable");
      expect(f.params).toMatchObject({ mirror: "labkit-down", url: "http://mirror.berth.lab:9/docker-ce" });
      says(f,
        { title: "A mirror did not answer", fix: "Give the chain a fallback, e.g. berth:bootstrap.mirror: [aliyun, tuna, ustc], and run pulumi up again (or `sudo bash /usr/local/lib/berth/bootstrap.sh` on the host)." },
        { title: "镜像源连不上", fix: "给镜像源列表加上备用，比如 berth:bootstrap.mirror: [aliyun, tuna, ustc]，然后重新 pulumi up（或者在主机上执行 `sudo bash /usr/local/lib/berth/bootstrap.sh`）。" });
      const ex = ssh();
      const waited = await waitForBootstrap(new Session(ex, () => undefined), 10).then(() => "", (e: Error) => e.message).finally(() => ex.close());
      expect(waited).toContain("  [mirror-unreachable] A mirror did not answer\n");
      const local = await waitForStatusFile(lab.vm.containerId, lab.vm.name, Date.now() + 10_000).then(() => "", (e: Error) => e.message);
      expect(local).toContain("  [mirror-unreachable] A mirror did not answer\n");
    } finally {
      await lab.restore();
    }
  });

  it("a mirror answering 403 (an in-cloud mirror from outside), as --json from the command", async () => {
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/forbidden`, "aliyun-vpc")));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      const r = await cli(["--json", "--lang", "zh"], {});
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout) as { exitCode: number; lang: string; hosts: { checks: { id: string; problems: { id: string; title: string; key: string; params: Record<string, string> }[] }[] }[] };
      expect(j.exitCode).toBe(1);
      const p = j.hosts[0]?.checks.find((c) => c.id === "bootstrap")?.problems;
      expect(p?.map((x) => [x.id, x.title, x.key])).toEqual([["mirror-forbidden", "镜像源返回 403 Forbidden", "berth:bootstrap.mirror"]]);
      expect(p?.[0]?.params).toMatchObject({ mirror: "aliyun-vpc", url: `http://${STANDIN_HOST}/forbidden/docker-ce` });
      says(finding(await lab.doctor(PASSWORD), "bootstrap", "mirror-forbidden"),
        { title: "A mirror answered 403 Forbidden", fix: "Use a public mirror for this host: berth:bootstrap.mirror: [tuna, ustc] (keep tencent-internal for hosts on Tencent Cloud only)." },
        { title: "镜像源返回 403 Forbidden", fix: "这台主机请改用公共镜像源：berth:bootstrap.mirror: [tuna, ustc]（tencent-internal 只留给腾讯云上的主机）。" });
    } finally {
      await lab.restore();
    }
  });

  it("a mirror whose published key did not sign its index", async () => {
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/resigned`, "resynced")));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "apt-key-mismatch");
      expect(f.params.key).toBe("22BDA605CDEF55B1");
      says(f, { title: "The mirror's signing key does not match its packages" }, { title: "镜像源的签名密钥和软件包对不上" });
    } finally {
      await lab.restore();
    }
  });

  it("a mirror caught mid-sync (hash sum mismatch)", async () => {
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/stale`, "syncing")));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      says(finding(await lab.doctor(PASSWORD), "bootstrap", "apt-hash-mismatch"),
        { title: "The mirror is in the middle of a sync (hash sum mismatch)" }, { title: "镜像源正在同步（Hash Sum mismatch）" });
    } finally {
      await lab.restore();
    }
  });

  it("a docker-ce version the mirror does not carry, with the versions it does", async () => {
    await lab.apply(localConfig({ docker: { version: "99.0.1" } }));
    try {
      expect(await lab.bootstrap()).toBe(1);
      const offered = (await lab.root("apt-cache madison docker-ce | awk -F'|' '{ gsub(/ /, \"\", $2); print $2 }'")).stdout.trim().split("\n").join(", ");
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "docker-version-missing");
      expect(f.params).toMatchObject({ version: "99.0.1", mirror: "labkit", available: offered });
      says(f,
        { title: "The pinned docker-ce version is not on the mirror", fix: "Pin a version the mirror has (apt-cache madison docker-ce, or yum list docker-ce --showduplicates, on the host), or remove berth:bootstrap.docker.version to install the latest." },
        { title: "镜像源上没有指定的 docker-ce 版本", fix: "改成镜像源上有的版本（在主机上用 apt-cache madison docker-ce 或 yum list docker-ce --showduplicates 查看），或者删掉 berth:bootstrap.docker.version，安装最新版。" });
    } finally {
      await lab.restore();
    }
  });

  it("DNS that resolves nothing", async () => {
    await lab.root("echo 'nameserver 127.0.0.1' > /etc/resolv.conf && rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      const h = await lab.doctor(PASSWORD);
      expect(finding(h, "bootstrap", "dns-broken").params.host).toBe("mirror.berth.lab");
      const f = finding(h, "dns", "dns-broken");
      expect(f.evidence[0]).toBe("/etc/resolv.conf: nameserver 127.0.0.1");
      says(f, { title: "Names do not resolve on the host (DNS)" }, { title: "主机上域名解析失败（DNS）" });
    } finally {
      await lab.restore();
    }
  });

  it("apt's lock held by another program: the bootstrap fails on apt-get update", async () => {
    await lab.root(`systemd-run --unit doc-apt-holder python3 -c 'import fcntl, time
f = open("/var/lib/dpkg/lock-frontend", "w"); fcntl.lockf(f, fcntl.LOCK_EX)
g = open("/var/lib/apt/lists/lock", "w"); fcntl.lockf(g, fcntl.LOCK_EX)
time.sleep(600)' && sleep 1 && rm /etc/apt/sources.list.d/docker.list`);
    try {
      const pid = (await lab.root("systemctl show -p MainPID --value doc-apt-holder")).stdout.trim();
      expect(await lab.bootstrap()).toBe(1);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "dpkg-locked");
      expect(f.params).toMatchObject({ lock: "/var/lib/apt/lists/lock", pid, process: "python3" });
      says(f, { title: "Another program holds the package manager's lock" }, { title: "包管理器的锁被别的程序占着" });
    } finally {
      await lab.root("systemctl stop doc-apt-holder");
      await lab.restore();
    }
  });

  it("apt's lock held while the bootstrap waits to install: doctor names the holder while it waits", async () => {
    const other = (await lab.root("apt-cache madison docker-ce | awk -F'|' '{ gsub(/ /, \"\", $2); print $2 }' | grep -vxF \"$(dpkg-query -W -f='${Version}' docker-ce)\" | head -n 1")).stdout.trim();
    expect(other).toMatch(/^5:/);
    await lab.apply(localConfig({ docker: { version: other } }));
    await lab.root(`systemd-run --unit doc-dpkg-holder python3 -c 'import fcntl, time
f = open("/var/lib/dpkg/lock-frontend", "w"); fcntl.lockf(f, fcntl.LOCK_EX)
time.sleep(600)' && sleep 1 && systemd-run --unit doc-bootstrap bash /usr/local/lib/berth/bootstrap.sh`);
    try {
      const pid = (await lab.root("systemctl show -p MainPID --value doc-dpkg-holder")).stdout.trim();
      const waiting = await lab.root("for i in $(seq 1 120); do grep -q 'Waiting for cache lock' /var/log/berth/bootstrap.log && exit 0; sleep 0.5; done; exit 1");
      expect(waiting.code).toBe(0);
      const h = await lab.doctor(PASSWORD);
      expect(h.checks.find((c) => c.id === "bootstrap")?.summary).toBe("bootstrap.running");
      const f = finding(h, "bootstrap", "dpkg-locked");
      expect(f.params).toMatchObject({ lock: "/var/lib/dpkg/lock-frontend", pid, process: "python3" });
      await lab.root("systemctl stop doc-dpkg-holder");
      expect((await lab.root("for i in $(seq 1 240); do systemctl is-active -q doc-bootstrap || exit 0; sleep 0.5; done; exit 1")).code).toBe(0);
      expect(await lab.phase()).toBe("ready");
    } finally {
      await lab.root("systemctl stop doc-dpkg-holder doc-bootstrap 2>/dev/null; systemctl reset-failed doc-bootstrap 2>/dev/null; true");
      await lab.restore();
    }
  });

  it("a full disk", async () => {
    await lab.root("mount -t tmpfs -o size=1m doc-full /opt && (dd if=/dev/zero of=/opt/fill bs=64k 2>/dev/null; true)");
    try {
      expect(await lab.bootstrap()).toBe(1);
      const h = await lab.doctor(PASSWORD);
      finding(h, "bootstrap", "disk-full");
      const f = finding(h, "disk", "disk-full");
      expect(f.params).toEqual({ mount: "/opt", use: "100%" });
      says(f, { title: "The disk is full" }, { title: "磁盘满了" });
    } finally {
      await lab.root("umount /opt");
      await lab.restore();
    }
  });

  it("Anaconda's terms of service, from a stand-in conda that gates like conda 25.5 — and the fix works", async () => {
    // STAND-IN: conda refuses repo.anaconda.com channels until the terms are accepted
    // (`conda tos accept` or CONDA_PLUGINS_AUTO_ACCEPT_TOS=yes), as conda-anaconda-tos does.
    const gate = `#!/bin/bash
prefix=$(cd "$(dirname "$0")/.." && pwd)
if [[ \${1:-} == tos && \${2:-} == accept ]]; then mkdir -p "$prefix/.berth-standin" && touch "$prefix/.berth-standin/tos-accepted"; fi
if [[ \${1:-} =~ ^(create|install|update|env)$ ]] && ! grep -q default_channels "$prefix/.condarc" && [[ ! -e $prefix/.berth-standin/tos-accepted && \${CONDA_PLUGINS_AUTO_ACCEPT_TOS:-} != yes ]]; then
  echo "CondaToSNonInteractiveError: Terms of Service have not been accepted for the following channels. Please accept or remove them before proceeding:" >&2
  echo "    • https://repo.anaconda.com/pkgs/main" >&2
  echo "    • https://repo.anaconda.com/pkgs/r" >&2
  exit 1
fi
exec "$prefix/bin/conda.real" "$@"
`;
    await lab.root(`mv /opt/conda/bin/conda /opt/conda/bin/conda.real && base64 -d > /opt/conda/bin/conda <<<"${Buffer.from(gate).toString("base64")}" && chmod 755 /opt/conda/bin/conda && printf 'channels:\\n  - defaults\\nshow_channel_urls: true\\n' > /etc/berth/condarc && rm -f /var/lib/berth/conda-env.sha256`);
    try {
      expect(await lab.bootstrap()).toBe(1);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "conda-tos");
      says(f,
        { title: "Anaconda's terms of service are not accepted (CondaToSNonInteractiveError)", fix: "Set berth:bootstrap.conda.termsOfService: accept, or use a conda mirror (berth:bootstrap.conda.mirror: tuna), or switch to berth:bootstrap.conda.distribution: miniforge (conda-forge, no terms)." },
        { title: "没有接受 Anaconda 的服务条款（CondaToSNonInteractiveError）", fix: "设置 berth:bootstrap.conda.termsOfService: accept；或者用 conda 镜像源（berth:bootstrap.conda.mirror: tuna）；或者改用 berth:bootstrap.conda.distribution: miniforge（conda-forge，没有条款限制）。" });
      // The fix, as the config change it names: termsOfService: accept.
      await lab.apply(localConfig({ conda: { termsOfService: "accept" } }), ["/etc/berth/bootstrap.conf"]);
      expect(await lab.bootstrap()).toBe(0);
    } finally {
      await lab.root("mv -f /opt/conda/bin/conda.real /opt/conda/bin/conda && rm -rf /opt/conda/.berth-standin/tos-accepted");
      await lab.restore();
    }
  });

  it("a registry that refuses the password — doctor's login check and berth deploy's error", async () => {
    const f = finding(await lab.doctor({ BERTH_REGISTRY_PASSWORD: "not-the-password" }), "registry-login", "registry-login-failed");
    expect(f.params.registry).toBe(kit.registry);
    says(f, { title: "The registry rejected the login" }, { title: "镜像仓库拒绝了登录" });
    const ex = ssh();
    const msg = await deploy(ex, app({ registry: { server: kit.registry, username: kit.registryUser, password: "not-the-password" } }), { log: () => undefined }).then(() => "", (e: Error) => e.message).finally(() => ex.close());
    expect(msg).toContain("failed with status: 401 Unauthorized");
    expect(explain(msg, "en")).toContain("  [registry-login-failed] The registry rejected the login\n");
  });

  it("a user added to the docker group whose session logged in before", async () => {
    await lab.root("useradd -m -s /bin/bash student && install -d -m 700 -o student -g student /home/student/.ssh && install -m 600 -o student -g student /home/debian/.ssh/authorized_keys /home/student/.ssh/");
    const old = ssh("student");
    try {
      expect((await old.exec(["id", "-nG"])).stdout.trim()).toBe("student");
      await lab.apply(localConfig({ docker: { users: ["debian", "student"] } }), ["/etc/berth/bootstrap.conf"]);
      expect(await lab.bootstrap()).toBe(0);
      const denied = await old.exec(["docker", "ps"]);
      expect(denied.stderr).toContain("permission denied while trying to connect to the Docker daemon socket");
      const f = finding(await lab.doctor(PASSWORD), "docker-group", "docker-group-relogin");
      expect(f.params.user).toBe("student");
      expect(f.params.pids).toMatch(/^\d+ sshd/);
      says(f,
        { title: "Sessions that logged in before joining the docker group", fix: "Log out and SSH in again (or run newgrp docker in that shell); new logins have the group already." },
        { title: "这些会话是在加入 docker 组之前登录的", fix: "退出 SSH 再重新登录（或者在那个 shell 里执行 newgrp docker）；新的登录已经带上这个组了。" });
      await old.close();
      // Once that session is gone (sshd's process for it exits), nothing is left to report.
      let left = problems(await lab.doctor(PASSWORD));
      for (let i = 0; i < 10 && left.length > 0; i++) left = (await new Promise((r) => setTimeout(r, 300)), problems(await lab.doctor(PASSWORD)));
      expect(left).toEqual([]);
    } finally {
      await old.close();
      await lab.root("userdel -r student 2>/dev/null; true");
      await lab.restore();
    }
  });

  it("the app healthy inside but its port closed outside (the VM's firewall standing in for a security group)", async () => {
    const rule = "DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP";
    await lab.root(`iptables -I ${rule}`);
    try {
      const h = await lab.doctor(PASSWORD);
      expect(problems(h)).toEqual(["app-port:port-closed"]);
      const f = finding(h, "app-port", "port-closed");
      expect(f.params).toEqual({ address: lab.vm.ip, port: "8080", detail: "no answer in 4 s" });
      says(f,
        { title: "The app's port is closed from outside (security group or firewall)" },
        { title: "应用端口从外面访问不到（安全组或防火墙）", fix: "放行入方向 TCP 8080。berth 会在它创建的防火墙或安全组里放行 berth:app.ports；如果实例用的是别的安全组，或者另外开了防火墙，就到那里加规则（主机这一侧用 `sudo iptables -S DOCKER-USER`、`sudo ufw status` 查看）。" });
    } finally {
      await lab.root(`iptables -D ${rule}`);
    }
    expect(problems(await lab.doctor(PASSWORD))).toEqual([]);
  });

  // Last: dockerd's journal keeps these for doctor's 6-hour window.
  it("Docker Hub's pull limit (a stand-in answering 429 toomanyrequests) and a closed accelerator", async () => {
    await lab.apply(localConfig({ docker: { insecureRegistries: ["registry.berth.lab:5000", `${STANDIN_HOST}:5000`], registryMirrors: [{ url: `http://${STANDIN_HOST}:5001`, insecure: true }] } }));
    try {
      expect(await lab.bootstrap()).toBe(0);
      const ex = ssh();
      const msg = await deploy(ex, app({ image: `${STANDIN_HOST}:5000/library/python:3.12`, registry: undefined }), { log: () => undefined }).then(() => "", (e: Error) => e.message).finally(() => ex.close());
      expect(msg).toContain("toomanyrequests: You have reached your pull rate limit.");
      expect(explain(msg, "zh")).toContain("  [hub-rate-limit] 触发了 Docker Hub 的拉取次数限制（toomanyrequests）\n");
      await lab.root("su debian -c 'docker pull python:3.12' >/dev/null 2>&1; true");
      const h = await lab.doctor(PASSWORD);
      expect(h.checks.find((c) => c.id === "pulls")?.findings.map((f) => f.id)).toEqual(["hub-rate-limit", "hub-mirror-closed"]);
      const closed = finding(h, "hub-mirrors", "hub-mirror-closed");
      expect(closed.params).toEqual({ mirror: `http://${STANDIN_HOST}:5001/`, answer: "HTTP 403" });
      says(finding(h, "pulls", "hub-rate-limit"),
        { title: "Docker Hub's pull limit was reached (toomanyrequests)" },
        { title: "触发了 Docker Hub 的拉取次数限制（toomanyrequests）", fix: "在主机上登录 Docker Hub（docker login，登录后额度更高）；或者在 berth:bootstrap.docker.registryMirrors 里配置一个自建的拉取缓存（pull-through cache）；或者把镜像推到你自己的镜像仓库（berth:app.registry）。" });
      says(closed, { title: "A Docker Hub accelerator does not work" }, { title: "Docker Hub 加速地址不能用" });
    } finally {
      await lab.restore();
    }
  });
});
