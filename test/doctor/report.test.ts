// The language of the report, its exit codes, its text in English and Chinese, and its JSON.
import { describe, expect, it } from "vitest";
import { langFromEnv, pickLang } from "../../src/diagnose/lang.js";
import { analyseHost } from "../../src/doctor/host.js";
import { check, exitCode, renderText, toJson, type DoctorResult } from "../../src/doctor/report.js";
import { facts } from "./sections.js";

describe("the language", () => {
  it("follows --lang, else LC_ALL, LC_MESSAGES, LANG in that order", () => {
    expect(langFromEnv({ LANG: "zh_CN.UTF-8" })).toBe("zh");
    expect(langFromEnv({ LANG: "zh_TW.UTF-8" })).toBe("zh");
    expect(langFromEnv({ LANG: "en_US.UTF-8", LC_MESSAGES: "zh_CN.UTF-8" })).toBe("zh");
    expect(langFromEnv({ LC_ALL: "C.UTF-8", LC_MESSAGES: "zh_CN.UTF-8" })).toBe("en");
    expect(langFromEnv({ LC_ALL: "", LANG: "zh_CN" })).toBe("zh");
    expect(langFromEnv({})).toBe("en");
    expect(pickLang("en", { LANG: "zh_CN.UTF-8" })).toBe("en");
    expect(() => pickLang("fr")).toThrow("--lang fr: choose en or zh");
  });
});

const healthy: DoctorResult = { hosts: [{ target: "debian@172.18.0.5:22", reachable: true, checks: analyseHost(facts()) }] };
const closed: DoctorResult = { hosts: [{ target: "debian@172.18.0.5:22", reachable: true, checks: analyseHost(facts({}, { outside: [{ port: 8080, open: false, detail: "no answer in 4 s" }] })) }] };

describe("exit codes", () => {
  it("0 clean, 1 problems, 2 unrecognised, 3 unreachable; the highest applies", () => {
    const unknown = check("bootstrap", "bootstrap.failed", { error: "x" }, [], { unrecognised: ["x"] });
    const down: DoctorResult = { hosts: [{ target: "t", reachable: false, checks: [check("ssh", "ssh.fail", {}, [{ id: "ssh-unreachable", params: {}, evidence: [] }])] }] };
    expect(exitCode(healthy)).toBe(0);
    expect(exitCode(closed)).toBe(1);
    expect(exitCode({ hosts: [{ target: "t", reachable: true, checks: [unknown] }] })).toBe(2);
    expect(exitCode({ hosts: [...down.hosts, { target: "u", reachable: true, checks: [unknown] }] })).toBe(3);
    expect(exitCode({ machine: [check("kit", "kit.down", { missing: "x" }, [{ id: "kit-down", params: { missing: "x" }, evidence: [] }])], hosts: [] })).toBe(0);
  });
});

describe("the text report", () => {
  it("a clean host, in English", () => {
    expect(renderText(healthy, "en")).toBe(`berth doctor — debian@172.18.0.5:22
  ok    SSH               logged in as debian, host key SHA256:BtPFP2awf6xh8HovdDTXGAVkYpQoFuQ2iPor9lt3avQ
  ok    bootstrap         ready — docker-ce 5:20.10.24~3-0~debian-bookworm from labkit
  ok    cloud-init        done
  ok    disk              / 27%, /var/lib/docker 27%
  ok    DNS               2 name(s) resolve (nameserver 127.0.0.11)
  ok    Docker            20.10.24+dfsg1, storage driver overlay2
  ok    Hub accelerators  none configured
  ok    image pulls       no pull errors in the last 6 hours
  ok    docker group      no session predates its docker group
  ok    registry login    berth logs in to registry.berth.lab:5000
  ok    app               app running, GET http://127.0.0.1:8080/ → 200
  ok    app port          172.18.0.5:8080 reachable from here

no problems found
`);
  });

  it("a closed port, in Chinese, aligned for CJK", () => {
    const text = renderText(closed, "zh");
    expect(text).toContain("  正常  Hub 加速地址  没有配置\n");
    expect(text).toContain(`  问题  应用端口      从这里访问不到 172.18.0.5:8080
        [port-closed] 应用端口从外面访问不到（安全组或防火墙）
          原因：应用在主机本机上能正常响应，但从这里连不上 172.18.0.5:8080（no answer in 4 s）。是安全组、云防火墙，或者主机自己的防火墙（ufw、iptables DOCKER-USER）把流量丢掉了。
          解决：放行入方向 TCP 8080。`);
    expect(text.trimEnd().split("\n").at(-1)).toBe("发现 1 个问题");
  });
});

describe("the JSON report (schema berth-doctor/1)", () => {
  it("has a stable shape: ids, statuses, problems with key, command and evidence", () => {
    const j = toJson(closed, "en", "0.1.0");
    expect(Object.keys(j)).toEqual(["schema", "berth", "lang", "exitCode", "machine", "hosts"]);
    expect(j).toMatchObject({ schema: "berth-doctor/1", berth: "0.1.0", lang: "en", exitCode: 1, machine: null });
    const port = j.hosts[0]?.checks.find((c) => c.id === "app-port");
    expect(port).toEqual({
      id: "app-port",
      status: "fail",
      summary: "172.18.0.5:8080 not reachable from here",
      problems: [{
        id: "port-closed",
        severity: "fail",
        title: "The app's port is closed from outside (security group or firewall)",
        why: "The app answers on the host itself, but 172.18.0.5:8080 cannot be reached from here (no answer in 4 s). A security group, a cloud firewall or the host's own firewall (ufw, iptables DOCKER-USER) drops the traffic.",
        fix: "Open TCP 8080 inbound. berth opens berth:app.ports in the firewall or security group it creates; if the instance uses another security group, or a firewall of its own, add the rule there (`sudo iptables -S DOCKER-USER`, `sudo ufw status` show the host's side).",
        key: "berth:app.ports",
        command: "sudo iptables -S DOCKER-USER; sudo ufw status",
        params: { address: "172.18.0.5", port: "8080", detail: "no answer in 4 s" },
        evidence: ["on the host: 127.0.0.1:8080 open", "from here: 172.18.0.5:8080 no answer in 4 s"],
      }],
    });
  });
});
