/**
 * apt on the lab VM: its locks held by another program (as unattended-upgrades holds them on a
 * fresh VM: POSIX locks, the kind apt takes — `flock(1)` takes another kind, which apt ignores),
 * and a mirror that fails apt-get update after berth wrote its source list. Each case restores
 * the host before the next.
 */
import { expect } from "vitest";
import { KIT_MIRROR_KEY_FINGERPRINT as KIT } from "../../src/local/kit.js";
import { finding, PASSWORD, says } from "./doctor-assert.js";
import { dockerCeFrom, localConfig, STANDIN_HOST, type Lab } from "./doctor-lab.js";

const LISTS = "/var/lib/apt/lists/lock";
/** The bootstrap's record of the last apt-get update that fetched docker-ce's lists. */
const MARK = "/var/lib/berth/docker-apt-lists.sha256";

/** A unit holding LOCKS for SECONDS, once it holds them; its pid. */
async function holdLock(lab: Lab, unit: string, seconds: number, locks: string[]): Promise<string> {
  const opens = locks.map((l, i) => `f${i} = open("${l}", "w"); fcntl.lockf(f${i}, fcntl.LOCK_EX)`).join("\n");
  const held = await lab.root(`rm -f /run/${unit}.held && systemd-run --unit ${unit} python3 -c 'import fcntl, time
${opens}
open("/run/${unit}.held", "w").close()
time.sleep(${seconds})' && for i in $(seq 1 100); do test -e /run/${unit}.held && exit 0; sleep 0.2; done; exit 1`);
  expect(held.code).toBe(0);
  return (await lab.root(`systemctl show -p MainPID --value ${unit}`)).stdout.trim();
}

export const APT_CASES: [string, (lab: Lab) => Promise<void>][] = [
  ["apt's package lists locked for a few seconds: the bootstrap waits, names the holder, and ends ready", async (lab) => {
    // docker-ce's lists due for an update, as after an update that did not complete.
    await lab.root(`rm ${MARK}`);
    const pid = await holdLock(lab, "doc-lists-brief", 8, [LISTS]);
    try {
      expect(await lab.bootstrap()).toBe(0);
      expect(await lab.phase()).toBe("ready");
      const log = (await lab.root("sed -n '/ berth: bootstrap starting$/h; //!H; $!d; x; p' /var/log/berth/bootstrap.log")).stdout;
      expect(log).toMatch(new RegExp(` berth: waiting for ${LISTS}, held by process ${pid} \\(python3\\)\\n`));
      expect(log).not.toContain("Could not get lock");
      expect((await lab.root("systemctl is-active doc-lists-brief || true")).stdout.trim()).not.toBe("active");
    } finally {
      await lab.root("systemctl stop doc-lists-brief 2>/dev/null; systemctl reset-failed doc-lists-brief 2>/dev/null; true");
      await lab.restore();
    }
  }],
  ["apt's package lists locked past the wait: the bootstrap fails naming the holder, and doctor explains it", async (lab) => {
    await lab.root(`rm ${MARK}`);
    const pid = await holdLock(lab, "doc-lists-held", 600, ["/var/lib/dpkg/lock-frontend", LISTS]);
    try {
      // The wait is 15 minutes; the test shortens it.
      expect(await lab.bootstrap({ BERTH_APT_LOCK_TIMEOUT: "6" })).toBe(1);
      expect((await lab.status()).errors).toEqual([`${LISTS} is still held by process ${pid} (python3) after 6 s`]);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "dpkg-locked");
      expect(f.params).toMatchObject({ lock: LISTS, pid, process: "python3" });
      says(f,
        { title: "Another program holds the package manager's lock", fix: "Let it finish (systemctl status unattended-upgrades apt-daily.service), then run the bootstrap again: `sudo bash /usr/local/lib/berth/bootstrap.sh`. If that process hangs, stop it: sudo systemctl stop unattended-upgrades." },
        { title: "包管理器的锁被别的程序占着", fix: "等它跑完（systemctl status unattended-upgrades apt-daily.service），再运行一次 bootstrap：`sudo bash /usr/local/lib/berth/bootstrap.sh`。如果那个进程卡死了，就停掉它：sudo systemctl stop unattended-upgrades。" });
    } finally {
      await lab.root("systemctl stop doc-lists-held");
      await lab.restore();
    }
  }],
  ["a mirror that fails apt-get update after berth wrote its source list: the next run updates again", async (lab) => {
    // The stand-in answers berth's probe (its Release file) and then fails the update: mid-sync
    // on the first run, down (503) on the second; on the third it serves the kit's repository.
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/flaky`, "flaky", KIT)));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    const repo = `http://${STANDIN_HOST}/flaky/docker-ce/linux/debian`;
    try {
      await lab.standin("echo stale > /tmp/flaky");
      expect(await lab.bootstrap()).toBe(1);
      expect((await lab.status()).errors).toEqual([`apt-get update failed (exit 100): E: Failed to fetch ${repo}/dists/bookworm/stable/binary-amd64/Packages.gz  Hash Sum mismatch`]);
      expect((await lab.root("cat /etc/apt/sources.list.d/docker.list")).stdout).toBe(`deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] ${repo} bookworm stable\n`);

      await lab.standin("echo down > /tmp/flaky");
      expect(await lab.bootstrap()).toBe(1);
      const errors = (await lab.status()).errors;
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^apt-get update could not fetch docker-ce's index from flaky: W: Failed to fetch ${repo.replace(/[.]/g, "\\.")}/dists/bookworm/InRelease  503  Service Unavailable`));
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "mirror-unreachable");
      expect(f.params).toMatchObject({ mirror: "flaky", url: `${repo}/dists/bookworm/InRelease` });
      says(f, { title: "A mirror did not answer" }, { title: "镜像源连不上" });

      await lab.standin("rm -f /tmp/flaky");
      expect(await lab.bootstrap()).toBe(0);
      const last = (await lab.root("sed -n '/ berth: bootstrap starting$/h; //!H; $!d; x; p' /var/log/berth/bootstrap.log")).stdout;
      expect(last).toMatch(new RegExp(`^Get:\\d+ ${repo.replace(/[.]/g, "\\.")} bookworm InRelease`, "m"));
      expect((await lab.root("apt-cache policy docker-ce")).stdout).toContain(`500 ${repo} bookworm/stable amd64 Packages`);
    } finally {
      await lab.standin("rm -f /tmp/flaky");
      await lab.restore();
    }
  }],
  ["apt's lock held while the bootstrap waits to install: doctor names the holder while it waits", async (lab) => {
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
  }],
];
