/**
 * A healthy host, and failures around Docker and the app on a bootstrapped host: a refused
 * registry password, a session older than its docker group, a port a firewall drops, Docker
 * Hub's pull limit and a closed accelerator (last: dockerd's journal keeps them for doctor's
 * 6-hour window).
 */
import { expect } from "vitest";
import { appDeploymentProvider, splitAppSecrets } from "../../src/components/app-deployment.js";
import { appSchema } from "../../src/config/sections/app.js";
import { deploy } from "../../src/deploy/deploy.js";
import { explain } from "../../src/diagnose/explain.js";
import { app, cli, finding, kit, PASSWORD, problems, says, ssh } from "./doctor-assert.js";
import { KEYS, localConfig, STANDIN_HOST, type Lab } from "./doctor-lab.js";

export const HOST_CASES: [string, (lab: Lab) => Promise<void>][] = [
  ["a healthy host gives a clean report (and `berth doctor` says so in Chinese under a Chinese locale)", async (lab) => {
    const h = await lab.doctor(PASSWORD);
    expect(problems(h)).toEqual([]);
    expect(h.checks.filter((c) => c.status !== "ok").map((c) => c.id)).toEqual([]);
    const r = await cli(lab, [], { LANG: "zh_CN.UTF-8" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  正常  bootstrap     已完成——docker-ce ");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("没有发现问题");
  }],
  ["a registry that refuses the password — doctor's login check and berth deploy's error", async (lab) => {
    const f = finding(await lab.doctor({ BERTH_REGISTRY_PASSWORD: "not-the-password" }), "registry-login", "registry-login-failed");
    expect(f.params.registry).toBe(kit.registry);
    says(f, { title: "The registry rejected the login" }, { title: "镜像仓库拒绝了登录" });
    const ex = ssh(lab);
    const msg = await deploy(ex, app({ registry: { server: kit.registry, username: kit.registryUser, password: "not-the-password" } }), { log: () => undefined }).then(() => "", (e: Error) => e.message).finally(() => ex.close());
    expect(msg).toContain("failed with status: 401 Unauthorized");
    expect(explain(msg, "en")).toContain("  [registry-login-failed] The registry rejected the login\n");
  }],
  ["a user added to the docker group whose session logged in before", async (lab) => {
    await lab.root("useradd -m -s /bin/bash student && install -d -m 700 -o student -g student /home/student/.ssh && install -m 600 -o student -g student /home/debian/.ssh/authorized_keys /home/student/.ssh/");
    const old = ssh(lab, "student");
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
  }],
  ["the app healthy inside but its port closed outside (the VM's firewall standing in for a security group)", async (lab) => {
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
  }],
  ["hosts written into daemon.json by hand: dockerd does not start, and doctor says why (and forgets it once dockerd runs)", async (lab) => {
    const hosts = ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"];
    await lab.root(`cp /etc/docker/daemon.json /root/daemon.json.kept && python3 -c 'import json, sys; p = "/etc/docker/daemon.json"; d = json.load(open(p)); d["hosts"] = sys.argv[1:]; open(p, "w").write(json.dumps(d, indent=2))' ${hosts.join(" ")}; systemctl restart docker; true`);
    try {
      const h = await lab.doctor(PASSWORD);
      expect(h.checks.find((c) => c.id === "docker")?.findings.map((x) => x.id)).toEqual(["daemon-hosts-conflict"]);
      const f = finding(h, "docker", "daemon-hosts-conflict");
      expect(f.params).toEqual({ flag: "fd://", file: hosts.join(" ") });
      says(f,
        { title: "dockerd refuses hosts in daemon.json next to the unit's -H fd://", fix: "Set the listeners in berth:bootstrap.docker.daemon.hosts (with berth:bootstrap.docker.allowUnauthenticatedTcp or TLS for tcp://) and run the bootstrap again: it adds the drop-in. Or by hand: remove hosts from /etc/docker/daemon.json, then sudo systemctl restart docker." },
        { title: "dockerd 不接受 daemon.json 里的 hosts 和 systemd 单元的 -H fd:// 同时存在", fix: "把监听地址写到 berth:bootstrap.docker.daemon.hosts 里（tcp:// 需要 berth:bootstrap.docker.allowUnauthenticatedTcp 或 TLS），再运行一次 bootstrap：它会加上那个 drop-in。或者手工处理：从 /etc/docker/daemon.json 删掉 hosts，然后 sudo systemctl restart docker。" });
    } finally {
      await lab.root("cp /root/daemon.json.kept /etc/docker/daemon.json && systemctl reset-failed docker && systemctl restart docker");
    }
    // The app comes back with dockerd (restart: unless-stopped); the refused starts stay in the journal.
    let left = problems(await lab.doctor(PASSWORD));
    for (let i = 0; i < 20 && left.length > 0; i++) left = (await new Promise((r) => setTimeout(r, 500)), problems(await lab.doctor(PASSWORD)));
    expect(left).toEqual([]);
    expect((await lab.root("journalctl -u docker --since -10min --no-pager | grep -c 'specified both as a flag and in the configuration file: hosts'")).stdout.trim()).not.toBe("0");
  }],
  ["Docker Hub's pull limit (a stand-in answering 429 toomanyrequests) and a closed accelerator", async (lab) => {
    await lab.apply(localConfig({ docker: { insecureRegistries: ["registry.berth.lab:5000", `${STANDIN_HOST}:5000`], registryMirrors: [{ url: `http://${STANDIN_HOST}:5001`, insecure: true }] } }));
    try {
      expect(await lab.bootstrap()).toBe(0);
      const ex = ssh(lab);
      const msg = await deploy(ex, app({ image: `${STANDIN_HOST}:5000/library/python:3.12`, registry: undefined }), { log: () => undefined }).then(() => "", (e: Error) => e.message).finally(() => ex.close());
      expect(msg).toContain("toomanyrequests: You have reached your pull rate limit.");
      expect(explain(msg, "zh")).toContain("  [hub-rate-limit] 触发了 Docker Hub 的拉取次数限制（toomanyrequests）\n");
      // The same deploy under pulumi up: AppDeployment's create fails with the same diagnosis.
      const spec = splitAppSecrets(appSchema.parse({ image: `${STANDIN_HOST}:5000/library/python:3.12`, ports: ["8080:8080"] }));
      const target = { host: lab.vm.ip, port: 22, user: "debian", hostKeyFingerprint: lab.vm.hostKeyFingerprint ?? "" };
      const viaPulumi = await appDeploymentProvider.create({ target, app: spec.app, secrets: { privateKey: KEYS.private, secretEnv: {} } }).then(() => "", (e: Error) => e.message);
      expect(viaPulumi).toContain("toomanyrequests: You have reached your pull rate limit.");
      expect(viaPulumi).toMatch(/\n {2}\[hub-rate-limit\] /);
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
  }],
];
