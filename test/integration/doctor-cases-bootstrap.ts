/**
 * Failures of the bootstrap itself, each produced for real on the lab VM by re-running the real
 * bootstrap with changed inputs (rendered from a changed config where a config change causes
 * it); each case restores the host before the next.
 */
import { expect } from "vitest";
import { KIT_MIRROR_KEY_FINGERPRINT as KIT } from "../../src/local/kit.js";
import { Session } from "../../src/deploy/session.js";
import { waitForBootstrap } from "../../src/deploy/wait.js";
import { waitForStatusFile } from "../../src/local/vm-wait.js";
import { cli, finding, PASSWORD, problems, says, ssh } from "./doctor-assert.js";
import { dockerCeFrom, localConfig, STANDIN_HOST, type Lab } from "./doctor-lab.js";

export const BOOTSTRAP_CASES: [string, (lab: Lab) => Promise<void>][] = [
  ["a failure it does not know: the log's end, and no diagnosis", async (lab) => {
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
  }],
  ["an unreachable mirror — and pulumi up's and berth local up's waits carry the same diagnosis", async (lab) => {
    await lab.apply(localConfig(dockerCeFrom("http://mirror.berth.lab:9", "labkit-down")));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "mirror-unreachable");
      expect(f.params).toMatchObject({ mirror: "labkit-down", url: "http://mirror.berth.lab:9/docker-ce" });
      says(f,
        { title: "A mirror did not answer", fix: "Give the chain a fallback, e.g. berth:bootstrap.mirror: [aliyun, tuna, ustc], and run pulumi up again (or `sudo bash /usr/local/lib/berth/bootstrap.sh` on the host)." },
        { title: "镜像源连不上", fix: "给镜像源列表加上备用，比如 berth:bootstrap.mirror: [aliyun, tuna, ustc]，然后重新 pulumi up（或者在主机上执行 `sudo bash /usr/local/lib/berth/bootstrap.sh`）。" });
      const ex = ssh(lab);
      const waited = await waitForBootstrap(new Session(ex, () => undefined), 10).then(() => "", (e: Error) => e.message).finally(() => ex.close());
      expect(waited).toContain("  [mirror-unreachable] A mirror did not answer\n");
      const local = await waitForStatusFile(lab.vm.containerId, lab.vm.name, Date.now() + 10_000).then(() => "", (e: Error) => e.message);
      expect(local).toContain("  [mirror-unreachable] A mirror did not answer\n");
    } finally {
      await lab.restore();
    }
  }],
  ["a mirror answering 403 (an in-cloud mirror from outside), as --json from the command", async (lab) => {
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/forbidden`, "aliyun-vpc")));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      const r = await cli(lab, ["--json", "--lang", "zh"], {});
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
  }],
  ["a mirror caught mid-sync (hash sum mismatch)", async (lab) => {
    // It re-serves the kit's repository: pinned to the kit's key, as its user would pin it.
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/stale`, "syncing", KIT)));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      expect((await lab.status()).errors).toEqual([`apt-get update failed (exit 100): E: Failed to fetch http://${STANDIN_HOST}/stale/docker-ce/linux/debian/dists/bookworm/stable/binary-amd64/Packages.gz  Hash Sum mismatch`]);
      says(finding(await lab.doctor(PASSWORD), "bootstrap", "apt-hash-mismatch"),
        { title: "The mirror is in the middle of a sync (hash sum mismatch)" }, { title: "镜像源正在同步（Hash Sum mismatch）" });
    } finally {
      await lab.restore();
    }
  }],
  ["a docker-ce version the mirror does not carry, with the versions it does", async (lab) => {
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
  }],
  ["DNS that resolves nothing", async (lab) => {
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
  }],
  ["a full disk", async (lab) => {
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
  }],
  ["Anaconda's terms of service, from a stand-in conda that gates like conda 25.5 — and the fix works", async (lab) => {
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
  }],
];
