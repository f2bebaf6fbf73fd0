// Doctor's reading of a host, replayed over evidence.sh sections recorded on a real local VM.
import { describe, expect, it } from "vitest";
import { describe as describeFinding } from "../../src/diagnose/explain.js";
import { analyseHost, doctorHost } from "../../src/doctor/host.js";
import type { Check } from "../../src/doctor/report.js";
import { PROBED } from "./recorded.js";
import { facts, HEALTHY_SECTIONS } from "./sections.js";

const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);
const ids = (checks: Check[]) => checks.flatMap((c) => c.findings.map((f) => f.id));

describe("a healthy host", () => {
  it("passes every check and has no finding", () => {
    const checks = analyseHost(facts());
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["ssh", "ok"], ["bootstrap", "ok"], ["cloud-init", "ok"], ["disk", "ok"], ["dns", "ok"], ["docker", "ok"],
      ["hub-mirrors", "ok"], ["pulls", "ok"], ["docker-group", "ok"], ["registry-login", "ok"], ["app", "ok"], ["app-port", "ok"],
    ]);
    expect(ids(checks)).toEqual([]);
  });
});

/** One recorded variation per entry doctor's own checks report. */
const CASES: [string, Partial<Record<string, string>>, Parameters<typeof facts>[1]?][] = [
  ["docker-group-relogin", { groups: "student 4847 sshd\nstudent 4850 bash" }],
  ["docker-storage-vfs", { docker: "20.10.24+dfsg1|vfs|" }],
  ["bootstrap-running", { status: '{"phase":"conda","errors":[],"updatedAt":"2026-11-27T15:46:55Z"}' }],
  ["cloud-init-running", { status: "", log: "", "cloud-init": "running" }],
  ["bootstrap-not-run", { status: "", log: "", "cloud-init": 'result { "v1": { "errors": [] }}', "cloud-init-output": "Cloud-init v. 22.4.2 finished" }],
  ["app-not-deployed", { app: "Error: No such container: app", "app-http": "000" }],
  ["app-not-running", { app: "exited 1 0 none", "app-http": "000", "app-logs": "panic: listen tcp :8080: bind: address already in use" }],
  ["app-unhealthy", { "app-http": "500" }],
  ["port-closed", {}, { outside: [{ port: 8080, open: false, detail: "no answer in 4 s" }] }],
];

describe("findings from doctor's own checks", () => {
  it("covers every entry that has no text pattern and is read from a host", () => {
    expect(CASES.map(([id]) => id).sort()).toEqual(Object.entries(PROBED).filter(([, where]) => where === "analyse").map(([id]) => id).sort());
  });

  it.each(CASES)("%s", (id, sections, extra) => {
    const checks = analyseHost(facts(sections, extra));
    expect(ids(checks)).toEqual([id]);
    const f = checks.flatMap((c) => c.findings)[0];
    if (!f) throw new Error("no finding");
    for (const lang of ["en", "zh"] as const) {
      const t = describeFinding(f, lang);
      for (const s of [t.title, t.why, t.fix]) expect(s).not.toMatch(/\{\w+\}|\[\[|\]\]/);
    }
  });

  it("names the stale sessions of a docker-group member", () => {
    const f = byId(analyseHost(facts({ groups: "student 4847 sshd\nstudent 4850 bash" })), "docker-group")?.findings[0];
    expect(f?.params).toEqual({ user: "student", pids: "4847 sshd, 4850 bash" });
    expect(f && describeFinding(f, "en").why).toBe('student was added to the docker group after these sessions logged in (processes 4847 sshd, 4850 bash). They still run without the group, so docker says "permission denied" in them.');
    expect(f && describeFinding(f, "zh").why).toBe('student 是在这些会话登录之后才被加进 docker 组的（进程 4847 sshd, 4850 bash）。它们仍然不带这个组在运行，所以在里面执行 docker 会报 "permission denied"。');
  });

  it("a port closed from outside is not blamed when the app does not answer on the host either", () => {
    const checks = analyseHost(facts({ "app-http": "000", "ports-inside": "8080 closed" }, { outside: [{ port: 8080, open: false, detail: "connection refused" }] }));
    expect(ids(checks)).toEqual(["app-unhealthy"]);
    expect(byId(checks, "app-port")?.status).toBe("skip");
  });
});

describe("a failed bootstrap", () => {
  const failed = (errors: string[], log: string, more: Partial<Record<string, string>> = {}) =>
    analyseHost(facts({ status: JSON.stringify({ phase: "failed", errors }), log, ...more }));

  it("is diagnosed from its last run, with the versions the mirror does offer", () => {
    const checks = failed(["docker-ce version 99.0.1: no single match on labkit (apt-cache madison docker-ce lists what it has)"], "2026-11-27T15:46:54Z berth: bootstrap starting\n2026-11-27T15:46:54Z berth: docker-ce 99.0.1 is not offered by the mirror", { versions: "5:20.10.24~3-0~debian-bookworm\n5:20.10.23~3-0~debian-bookworm" });
    const f = byId(checks, "bootstrap")?.findings[0];
    expect(f?.id).toBe("docker-version-missing");
    expect(f && describeFinding(f, "en").why).toBe("berth:bootstrap.docker.version is 99.0.1, and the mirror labkit does not carry it — it has 5:20.10.24~3-0~debian-bookworm, 5:20.10.23~3-0~debian-bookworm. A mirror has only what Docker publishes for this OS release; old and very new versions may be missing.");
  });

  it("shows the log's end, and no diagnosis, for a failure it does not know", () => {
    const log = "2026-11-27T16:00:00Z berth: bootstrap starting\n2026-11-27T16:00:01Z berth: phase: conda\nfrobnicator: quantum flux misaligned (E42)\n2026-11-27T16:00:01Z berth: FAILED: command failed (exit 3) at line 340: \"$conda\" env update";
    const c = byId(failed(['command failed (exit 3) at line 340: "$conda" env update'], log), "bootstrap");
    expect(c?.status).toBe("fail");
    expect(c?.findings).toEqual([]);
    expect(c?.unrecognised).toContain("frobnicator: quantum flux misaligned (E42)");
    expect(c?.unrecognised?.[0]).toBe('status.json: command failed (exit 3) at line 340: "$conda" env update');
  });

  it("a running bootstrap stuck on apt's lock names the holder", () => {
    const checks = analyseHost(facts({ status: '{"phase":"docker","errors":[]}', log: "2026-11-27T16:00:00Z berth: bootstrap starting\nWaiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1950 (unattended-upgr)...", locks: "/var/lib/dpkg/lock-frontend 1950 unattended-upgr" }));
    const f = byId(checks, "bootstrap")?.findings[0];
    expect(f?.id).toBe("dpkg-locked");
    expect(f?.params).toMatchObject({ pid: "1950", process: "unattended-upgr" });
  });
});

describe("a host where the bootstrap failed before installing docker", () => {
  it("does not blame the app or the login for docker's absence", () => {
    const status = JSON.stringify({ phase: "failed", errors: ["no docker-ce mirror answered for debian 12: labkit (http://mirror.berth.lab:9/docker-ce)"] });
    const checks = analyseHost(facts({ status, log: "curl: (7) Failed to connect to mirror.berth.lab port 9 after 1 ms: Couldn't connect to server", "docker-access": "absent", docker: "", app: "", "app-http": "", "ports-inside": "8080 closed" }, { login: { code: 127, output: "sh: 1: docker: not found" } }));
    expect(ids(checks)).toEqual(["mirror-unreachable"]);
    expect(checks.map((c) => [c.id, c.status]).filter(([, s]) => s !== "ok")).toEqual([
      ["bootstrap", "fail"], ["docker", "skip"], ["hub-mirrors", "skip"], ["pulls", "skip"], ["docker-group", "skip"], ["registry-login", "skip"], ["app", "skip"], ["app-port", "skip"],
    ]);
  });
});

describe("disk and DNS", () => {
  it("a full filesystem is named with its use", () => {
    const c = byId(analyseHost(facts({ df: `${HEALTHY_SECTIONS.df}\ntmpfs 1024 1024 0 100% /opt` })), "disk");
    expect(c?.findings[0]?.params).toEqual({ mount: "/opt", use: "100%" });
    expect(c?.params.list).toBe("/ 27%, /var/lib/docker 27%, /opt 100%");
  });

  it("names that do not resolve are named, with the resolver", () => {
    const c = byId(analyseHost(facts({ dns: "fail mirror.berth.lab\nfail registry.berth.lab", resolv: "nameserver 127.0.0.1" })), "dns");
    expect(c?.findings[0]?.params).toEqual({ host: "mirror.berth.lab, registry.berth.lab" });
    expect(c?.findings[0]?.evidence).toEqual(["/etc/resolv.conf: nameserver 127.0.0.1", "getent hosts mirror.berth.lab: no answer", "getent hosts registry.berth.lab: no answer"]);
  });
});

describe("Docker, pulls and the registry", () => {
  it("reads dockerd's journal for the pull limit and a closed accelerator", () => {
    const journal = [
      '2026-11-27T15:47:03+0000 doc-scratch dockerd[4554]: time="2026-11-27T15:47:03.782183775Z" level=error msg="Not continuing with pull after error: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"',
      '2026-11-27T15:47:03+0000 doc-scratch dockerd[4554]: time="2026-11-27T15:47:03.852480998Z" level=info msg="Attempting next endpoint for pull after error: denied: this mirror is closed"',
      '2026-11-27T15:47:03+0000 doc-scratch dockerd[4554]: time="2026-11-27T15:47:03.854942077Z" level=error msg="Handler for POST /v1.41/images/create returned error: Get \\"https://registry-1.docker.io/v2/\\": dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: no such host"',
    ].join("\n");
    const c = byId(analyseHost(facts({ journal })), "pulls");
    expect(c?.findings.map((f) => f.id)).toEqual(["hub-rate-limit", "hub-mirror-closed"]);
    expect(c?.findings[0]?.evidence[0]).toBe("2026-11-27T15:47:03+0000 Not continuing with pull after error: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit");
  });

  it("a registry mirror the bootstrap configured that docker info does not list is not active", () => {
    const status = HEALTHY_SECTIONS.status?.replace('"registryMirrors":[]', '"registryMirrors":["https://mirror.ccs.tencentyun.com"]');
    const c = byId(analyseHost(facts({ status })), "hub-mirrors");
    expect(c?.findings.map((f) => [f.id, f.params.mirror])).toEqual([["registry-mirror-inactive", "https://mirror.ccs.tencentyun.com"]]);
    expect(byId(analyseHost(facts({ status, docker: "20.10.24+dfsg1|overlay2|https://mirror.ccs.tencentyun.com/ ", "hub-mirrors": "https://mirror.ccs.tencentyun.com/ 200" })), "hub-mirrors")?.status).toBe("ok");
  });

  it("a refused login in the journal is history once doctor's own login works", () => {
    const journal = '2026-11-27T16:06:06+0000 doc-scratch dockerd[4554]: time="2026-11-27T16:06:06.061000718Z" level=error msg="Handler for POST /v1.41/auth returned error: login attempt to http://registry.berth.lab:5000/v2/ failed with status: 401 Unauthorized"';
    expect(byId(analyseHost(facts({ journal })), "pulls")).toMatchObject({ status: "ok", findings: [] });
    const unchecked = byId(analyseHost(facts({ journal }, { login: { skipped: "no-password" } })), "pulls");
    expect(unchecked?.findings.map((f) => f.id)).toEqual(["registry-login-failed"]);
  });

  it("probes each accelerator: 403 or no answer is a closed one", () => {
    const c = byId(analyseHost(facts({ "hub-mirrors": "http://doc-standin.berth.lab:5001/ 403\nhttps://mirror.ccs.tencentyun.com/ 000" })), "hub-mirrors");
    expect(c?.findings.map((f) => f.params)).toEqual([
      { mirror: "http://doc-standin.berth.lab:5001/", answer: "HTTP 403" },
      { mirror: "https://mirror.ccs.tencentyun.com/", answer: "no answer" },
    ]);
  });

  it("a refused login is the registry-login entry; an unknown answer is shown, not guessed", () => {
    const bad = byId(analyseHost(facts({}, { login: { code: 1, output: "Error response from daemon: login attempt to http://registry.berth.lab:5000/v2/ failed with status: 401 Unauthorized" } })), "registry-login");
    expect(bad?.findings.map((f) => f.id)).toEqual(["registry-login-failed"]);
    expect(bad?.findings[0]?.params.registry).toBe("registry.berth.lab:5000");
    const odd = byId(analyseHost(facts({}, { login: { code: 1, output: "Error: the flux capacitor is not charged" } })), "registry-login");
    expect(odd?.unrecognised).toEqual(["Error: the flux capacitor is not charged"]);
  });

  it("a user who may not use docker, and doctor had to use sudo", () => {
    const c = byId(analyseHost(facts({ "docker-access": "sudo permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/info\": dial unix /var/run/docker.sock: connect: permission denied" })), "docker");
    expect(c?.status).toBe("warn");
    expect(c?.findings.map((f) => f.id)).toEqual(["docker-permission-denied"]);
  });
});

describe("a host whose evidence run did not finish", () => {
  it("says so with what the host printed, instead of reading half an answer", async () => {
    const ex = {
      target: "root@203.0.113.9:22",
      exec: async () => ({ code: 127, stdout: "", stderr: "sh: 1: bash: not found\n" }),
      upload: async () => undefined,
      close: async () => undefined,
    };
    const r = await doctorHost(ex, { user: "root", host: "203.0.113.9", port: 22 });
    expect(r.reachable).toBe(true);
    expect(r.checks).toEqual([{ id: "ssh", status: "fail", summary: "ssh.partial", params: { user: "root" }, findings: [], unrecognised: ["exit 127", "sh: 1: bash: not found"] }]);
  });
});

describe("dockerd refusing its configuration, from its journal", () => {
  // Recorded on a local VM: daemon.json with hosts written by hand, next to the unit's -H fd://.
  const JOURNAL = "2026-11-27T17:17:22+0000 d2-scratch dockerd[3449]: unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///var/run/docker.sock tcp://0.0.0.0:2375])";
  const DOWN = { "docker-access": "none Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", docker: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" };

  it("explains why dockerd is down, in the docker check", () => {
    const checks = analyseHost(facts({ ...DOWN, journal: JOURNAL }));
    expect(byId(checks, "docker")?.findings.map((f) => [f.id, f.params])).toEqual([["daemon-hosts-conflict", { flag: "fd://", file: "unix:///var/run/docker.sock tcp://0.0.0.0:2375" }]]);
    expect(byId(checks, "pulls")?.status).not.toBe("fail");
    expect(byId(checks, "pulls")?.unrecognised).toBeUndefined();
  });

  it("is history once dockerd runs (a first boot with hosts fails the package's own start before berth's drop-in)", () => {
    const checks = analyseHost(facts({ journal: JOURNAL }));
    expect(ids(checks)).toEqual([]);
    expect(checks.filter((c) => c.status !== "ok").map((c) => c.id)).toEqual([]);
  });
});
