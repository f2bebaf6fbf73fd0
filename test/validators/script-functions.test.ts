import { readFileSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EL_RELEASE, OS_TABLE, SUPPORTED_OS } from "../../src/config/os.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { removeTempDirs, sh, shAsync } from "../helpers/script.js";

const FIXTURES = join(PROJECT_DIR, "test/fixtures/os-release");
afterAll(removeTempDirs);
const detect = (fixture: string) =>
  sh(`detect_os && printf '%s|%s|%s|%s|%s|%s' "$OS_ID" "$OS_VERSION" "$OS_FAMILY" "$DOCKER_REPO" "$OS_CODENAME" "$EL_RELEASE"`, { OS_RELEASE: join(FIXTURES, fixture) });

describe("bootstrap.sh OS detection (os-release of every supported distro)", () => {
  it("has a fixture for every OS the config accepts", () => {
    const fixtures = readdirSync(FIXTURES).filter((f) => !f.startsWith("unsupported-"));
    expect(fixtures.sort()).toEqual([...SUPPORTED_OS].sort());
  });

  it.each(SUPPORTED_OS)("%s: family, docker-ce repo and release agree with the config's OS table", (os) => {
    const r = detect(os);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
    const [id, version, family, repo, codename, el] = r.stdout.split("|");
    const entry = OS_TABLE.find((e) => e.id === id);
    expect(entry, `no table entry for ${id}`).toBeDefined();
    expect(`${id}-${version}`.startsWith(os) || os === `${id}-${version?.split(".")[0]}`).toBe(true);
    expect(family).toBe(entry?.family);
    expect(repo).toBe(entry?.repo);
    if (family === "apt") {
      expect(codename).toBe(readFileSync(join(FIXTURES, os), "utf8").match(/^VERSION_CODENAME=(\S+)$/m)?.[1]);
      expect(el).toBe("");
    } else {
      const short = os.slice(os.lastIndexOf("-") + 1);
      expect(el).toBe(EL_RELEASE[id ?? ""]?.[short] ?? short);
    }
  });

  it.each([
    ["unsupported-ubuntu-18.04", "unsupported operating system: Ubuntu 18.04.6 LTS (ID=ubuntu VERSION_ID=18.04)"],
    ["unsupported-fedora-40", "unsupported operating system: Fedora Linux 40 (Server Edition) (ID=fedora VERSION_ID=40)"],
    ["unsupported-alpine-3.20", "unsupported operating system: Alpine Linux v3.20 (ID=alpine VERSION_ID=3.20.3)"],
  ])("%s fails naming the OS, and the status file says so", (fixture, message) => {
    const r = detect(fixture);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: ${message} — berth supports Ubuntu 20.04/22.04/24.04, Debian 11/12`);
    const status = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { phase: string; errors: string[] };
    expect(status.phase).toBe("failed");
    expect(status.errors[0]).toContain(message);
  });
});

describe("bootstrap.sh repository lines", () => {
  it("apt: keyring + signed-by, Docker's layout", () => {
    const r = sh(`detect_os; apt_source_line amd64 https://mirrors.aliyun.com/docker-ce`, { OS_RELEASE: join(FIXTURES, "ubuntu-24.04") });
    expect(r.stdout).toBe("deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] https://mirrors.aliyun.com/docker-ce/linux/ubuntu noble stable\n");
  });

  it("rpm: a .repo whose baseurl points at the mirror and whose key is berth's verified copy, with the EL release a Chinese image follows", () => {
    const r = sh(`detect_os; yum_repo_file https://mirrors.tuna.tsinghua.edu.cn/docker-ce`, { OS_RELEASE: join(FIXTURES, "tencentos-3") });
    expect(r.stdout).toBe(`[docker-ce-stable]
name=Docker CE Stable - $basearch
baseurl=https://mirrors.tuna.tsinghua.edu.cn/docker-ce/linux/centos/8/$basearch/stable
enabled=1
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/berth-docker-ce.asc
`);
  });
});

describe("bootstrap.sh version pinning", () => {
  const madison = ["5:27.3.1-1~ubuntu.24.04~noble", "5:27.3.0-1~ubuntu.24.04~noble", "5:27.2.1-1~ubuntu.24.04~noble", "5:26.1.4-1~ubuntu.24.04~noble", "5:27.3.1-1~ubuntu.24.04~noble"].join("\n") + "\n";
  const rpm = ["3:27.3.1-1.el9", "3:27.3.0-1.el9", "3:26.1.4-1.el9"].join("\n") + "\n";
  const match = (pin: string, list: string) => sh(`match_version ${pin}`, {}, list);

  it.each([
    ["27.3.1", madison, "5:27.3.1-1~ubuntu.24.04~noble"],
    ["26.1", madison, "5:26.1.4-1~ubuntu.24.04~noble"],
    ["5:27.3.0-1~ubuntu.24.04~noble", madison, "5:27.3.0-1~ubuntu.24.04~noble"],
    ["27.3.1", rpm, "3:27.3.1-1.el9"],
  ])("%s picks exactly one version", (pin, list, want) => {
    const r = match(pin, list);
    expect([r.code, r.stdout]).toEqual([0, `${want}\n`]);
  });

  it("refuses an ambiguous pin, naming the candidates", () => {
    const r = match("27.3", madison);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("docker-ce 27.3 is ambiguous: 5:27.3.1-1~ubuntu.24.04~noble 5:27.3.0-1~ubuntu.24.04~noble — pin the full version");
  });

  it("reports a version the mirror does not have", () => {
    const r = match("25.0.5", madison);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("docker-ce 25.0.5 is not offered by the mirror");
  });

  it("does not let 27.3.1 match 27.3.10", () => {
    const r = match("27.3.1", "5:27.3.10-1~debian.12~bookworm\n5:27.3.1-1~debian.12~bookworm\n");
    expect(r.stdout).toBe("5:27.3.1-1~debian.12~bookworm\n");
  });
});

describe("bootstrap.sh mirror fallback (real curl against local HTTP servers)", () => {
  let good: Server;
  let base = "";
  let dead = "";
  beforeAll(async () => {
    good = createServer((req, res) => {
      res.statusCode = req.url === "/docker-ce/linux/debian/dists/bookworm/Release" ? 200 : 404;
      res.end("ok");
    });
    await new Promise<void>((r) => good.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(good.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
  });
  afterAll(() => new Promise<void>((r) => good.close(() => r())));

  const pick = (lines: string[]) => {
    const r = shAsync(`printf '%s\\n' ${lines.map((l) => JSON.stringify(l)).join(" ")} >"$BERTH_ETC/mirrors.list"; detect_os; pick_docker_mirror; printf '%s %s' "$PICKED_NAME" "$PICKED_URL"`, { OS_RELEASE: join(FIXTURES, "debian-12"), BERTH_PROBE_TIMEOUT: "2" });
    return r;
  };

  it("skips a mirror that does not answer and one without this distro, and takes the next", async () => {
    const r = await pick([`docker-ce down ${dead}/docker-ce`, `docker-ce wrongdistro ${base}/other`, `docker-ce good ${base}/docker-ce`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`good ${base}/docker-ce`);
    expect(r.stderr).toContain(`mirror down (${dead}/docker-ce) did not answer for debian 12; trying the next`);
    expect(r.stderr).toContain(`mirror wrongdistro (${base}/other) did not answer for debian 12; trying the next`);
  });

  it("fails naming every mirror tried when none answers", async () => {
    const r = await pick([`docker-ce down ${dead}/docker-ce`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: no docker-ce mirror answered for debian 12: down (${dead}/docker-ce)`);
  });
});

describe("bootstrap.sh state helpers", () => {
  it("install_if_changed copies only when the content differs", () => {
    const r = sh(`echo a >"$BERTH_STATE/src"; install_if_changed "$BERTH_STATE/src" "$BERTH_STATE/d/dest" && echo first; install_if_changed "$BERTH_STATE/src" "$BERTH_STATE/d/dest" || echo second-unchanged; printf '%s\\n' "\${CHANGED[@]}"`);
    expect(r.stdout).toBe(`first\nsecond-unchanged\n${r.state}/d/dest\n`);
  });

  it("writes a status file that is valid JSON whatever the error text", () => {
    const r = sh(`ERRORS+=($'quote " back\\\\slash\\ttab\\nnewline'); USED[docker-ce]=tuna; CHANGED+=(x); PHASE=docker; write_status`);
    const status = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as Record<string, unknown>;
    expect(status).toMatchObject({ phase: "docker", mirrors: { "docker-ce": "tuna" }, changed: ["x"], errors: ['quote " back\\slash\ttab\nnewline'] });
  });
});
