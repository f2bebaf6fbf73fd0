// Deploying the sample app over real SSH to a real VM: real sshd, real dockerd, the kit's
// registry with auth.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { deploy, DeployError } from "../../src/deploy/deploy.js";
import type { Executor } from "../../src/deploy/executor.js";
import { localImageSource } from "../../src/deploy/image-source.js";
import { HostKeyError, type SshExecutor } from "../../src/deploy/ssh.js";
import { engine } from "../../src/local/engine.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { KEYS, appPlan, bootDeployHost, executor, removeKnownHosts } from "./deploy-helpers.js";
import { sh, testVmName } from "./helpers.js";

const NAME = testVmName("deploy");
let vm: LocalVm;
let ex: SshExecutor;
const lines: string[] = [];
const log = (l: string) => lines.push(l);
const kit = kitInfo();

async function inVm(script: string): Promise<string> {
  return (await sh(vm.containerId, script)).stdout;
}
const answer = () => inVm("curl -s http://127.0.0.1:8080/");
const containerId = () => inVm("docker inspect --format '{{.Id}}' app");

beforeAll(async () => {
  vm = await bootDeployHost(NAME);
  ex = executor(vm);
});
afterAll(async () => {
  await ex.close();
  await destroyVm(NAME);
  removeKnownHosts();
});

describe("deploy over SSH", () => {
  it("deploys v1, then v2, and each answers over HTTP", async () => {
    const first = await deploy(ex, appPlan(), { log });
    expect(first.changed).toBe(true);
    expect(await answer()).toBe("v1\n");
    await deploy(ex, appPlan({ image: kit.appImages.v2 }), { log });
    expect(await answer()).toBe("v2\n");
    expect(await inVm("docker ps -a --format '{{.Names}}' | sort")).toBe("app\n");
    expect(lines.some((l) => /^debian@127\.0\.0\.1:\d+ pull \d+\.\d\d s$/.test(l))).toBe(true);
  });

  it("a redeploy with nothing changed touches no container", async () => {
    const before = await containerId();
    const r = await deploy(ex, appPlan({ image: kit.appImages.v2 }), { log });
    expect(r.changed).toBe(false);
    expect(await containerId()).toBe(before);
  });

  it("rolls back a release that fails its health check, naming the host and the check", async () => {
    const err = await deploy(ex, appPlan({ image: kit.appImages.broken }), { log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployError);
    expect((err as Error).message).toMatch(new RegExp(`^debian@127\\.0\\.0\\.1:${vm.sshPort}: health check failed: GET http://127\\.0\\.0\\.1:8080/ answered 500, want 200 \\(gave up after 20 s\\); rolled back to the previous release\\nlast log lines of the failed release:\\n.*berth sample app broken listening on :8080 \\(broken=true\\)`));
    expect(await answer()).toBe("v2\n");
    expect(await inVm("docker ps -a --format '{{.Names}} {{.Status}}'")).toMatch(/^app Up /);
  });

  it("keeps the registry password out of remote argv, logs, shell history and the host's disk; secret env never touches the disk", async () => {
    await inVm("rm -f ~debian/.docker/config.json; (for i in $(seq 1 4000); do cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '; echo; done) > /tmp/cmdlines 2>/dev/null &");
    await deploy(ex, appPlan({ image: kit.appImages.v1, secretEnv: { API_TOKEN: "tok-s3cret-value" } }), { log });
    await inVm("sleep 1; pkill -f 'seq 1 4000' || true");
    const sampled = await inVm("cat /tmp/cmdlines");
    expect(sampled).toContain(`login --username berth --password-stdin -- ${kit.registry}`);
    expect(sampled).not.toContain(kit.registryPassword);
    expect(sampled).not.toContain("tok-s3cret-value");
    expect(lines.join("\n")).not.toContain(kit.registryPassword);
    expect(await inVm("cat ~debian/.bash_history ~root/.bash_history 2>/dev/null | grep -c -F " + JSON.stringify(kit.registryPassword) + " || true")).toBe("0\n");
    // Logged in with a throwaway config directory, removed after the release: nothing in ~/.docker.
    expect(await inVm("test -e ~debian/.docker/config.json; echo $?")).toBe("1\n");
    expect(await inVm("ls -A ~debian/.berth/app")).toBe("images\n");
    expect(await inVm(`grep -rlF ${JSON.stringify(kit.registryPassword)} ~debian /tmp 2>/dev/null || true`)).toBe("");
    expect(await inVm("grep -rlF tok-s3cret-value ~debian /tmp 2>/dev/null || true")).toBe("");
    expect(await inVm("docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' app | grep API_TOKEN")).toBe("API_TOKEN=tok-s3cret-value\n");
  });

  it("streams an image the registry does not have (transfer: stream)", async () => {
    // A distinct image (its own id) that exists only in this machine's engine.
    const base = await engine().createContainer({ Image: kit.appImages.v2.replace(kit.registry, kit.registryHost) });
    await base.commit({ repo: "berth-local/streamed", tag: "only-here", changes: [`LABEL berth.test.streamed=${Date.now()}`] });
    await base.remove();
    onTestFinished(() => engine().getImage("berth-local/streamed:only-here").remove().then(() => undefined)); // no image left, tagged or dangling
    const r = await deploy(ex, appPlan({ image: "berth-local/streamed:only-here", transfer: "stream", registry: undefined }), { log, imageSource: localImageSource() });
    expect(r.changed).toBe(true);
    expect(await answer()).toBe("v2\n");
    expect(lines.some((l) => /stream berth-local\/streamed:only-here: \d+\.\d MiB sent/.test(l))).toBe(true);
  });

  it("retries a pull whose SSH connection is cut, and the deploy succeeds", async () => {
    await inVm("docker image rm -f " + kit.appImages.v1 + " >/dev/null 2>&1 || true");
    let cut = false;
    const cutting: Executor = {
      target: ex.target,
      exec: (argv, opts) => {
        if (!cut && argv[3] === "berth-pull") {
          cut = true;
          setTimeout(() => ex.destroy(), 50);
        }
        return ex.exec(argv, opts);
      },
      upload: (p, c, m) => ex.upload(p, c, m),
      close: () => ex.close(),
    };
    await deploy(cutting, appPlan({ image: kit.appImages.v1 }), { log });
    expect(cut).toBe(true);
    expect(lines.some((l) => l.includes("connection lost; retrying"))).toBe(true);
    expect(await answer()).toBe("v1\n");
  });

  it("a connection cut while the host starts and checks the release: the host finishes it, or it is rolled back", async () => {
    const cutDuringLaunch = (): Executor => {
      let cut = false;
      return {
        target: ex.target,
        exec: (argv, opts) => {
          if (!cut && argv[3] === "berth-launch") {
            cut = true;
            setTimeout(() => ex.destroy(), 150);
          }
          return ex.exec(argv, opts);
        },
        upload: (p, c, m) => ex.upload(p, c, m),
        close: () => ex.close(),
      };
    };
    const passed = await deploy(cutDuringLaunch(), appPlan({ image: kit.appImages.v2, env: { CUT: "1" } }), { log });
    expect(passed.changed).toBe(true);
    expect(lines.some((l) => l.endsWith("connection lost during the health check; asking the host how it ended"))).toBe(true);
    expect(await answer()).toBe("v2\n");
    expect(await inVm("docker ps -a --format '{{.Names}}'; ls -A ~debian/.berth/app")).toBe("app\nimages\n");
    const err = await deploy(cutDuringLaunch(), appPlan({ image: kit.appImages.broken, healthcheck: { type: "http", path: "/", timeoutSeconds: 3 } }), { log }).catch((e: unknown) => e);
    expect((err as Error).message.split("\n")[0]).toBe(`${ex.target}: the connection dropped during the health check, and the release did not pass it; rolled back to the previous release`);
    expect(await answer()).toBe("v2\n");
    expect(await inVm("docker ps -a --format '{{.Names}}'; ls -A ~debian/.berth/app")).toBe("app\nimages\n");
  });

  it("delivers env values and container args byte-exact into the container (200 generated values, real deploys)", async () => {
    const special = fc.constantFrom("'", '"', "$(id)", "`id`", "\n", "*", "?", "[a]", "\\", " ", "~", ";", "|", "&", "$HOME", "\t", "中文", "é", "😀", "--", "-e");
    const value = fc.array(fc.oneof(special, fc.string({ unit: "binary", maxLength: 6 })), { maxLength: 6 }).map((parts) => parts.join("")).filter((v) => !/\p{Cs}/u.test(v) && !v.includes("\0"));
    const values = fc.sample(value, { numRuns: 200, seed: 2026 });
    for (let batch = 0; batch < values.length; batch += 20) {
      const chunk = values.slice(batch, batch + 20);
      const env = Object.fromEntries(chunk.slice(0, 10).map((v, i) => [`T_${i}`, v]));
      const args = ["echo", ...chunk.slice(10)];
      await deploy(ex, appPlan({ name: "echo", image: kit.appImages.v1, ports: [], env, args, restart: "no", healthcheck: false }), { log });
      const printed = JSON.parse(await inVm("docker logs echo")) as { args: string[]; env: Record<string, string> };
      expect(printed).toEqual({ args: args.slice(1), env });
    }
    await inVm("docker rm -f echo >/dev/null");
  });

  it("berth deploy, status and logs on the command line: exit codes, the result table, the failing host", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-cli-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true })); // holds a private key
    const identity = join(dir, "id");
    writeFileSync(identity, KEYS.private, { mode: 0o600 });
    const stack = (image: string) => {
      const file = join(dir, `Pulumi.${image.split(":").pop()}.yaml`);
      writeFileSync(file, stringify({ config: { "berth:host": { provider: "local" }, "berth:bootstrap": { mirror: { url: "http://mirror.berth.lab" }, conda: { enabled: false } }, "berth:app": { image, registry: { server: kit.registry, username: kit.registryUser }, ports: ["8080:8080"], healthcheck: { type: "http", timeoutSeconds: 15 } } } }));
      return file;
    };
    const berth = (args: string[]) => spawnSync(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), ...args, "--host", `debian@127.0.0.1:${vm.sshPort}`, "--identity", identity, "--known-hosts", join(dir, "known_hosts")], { encoding: "utf8", env: { ...process.env, BERTH_REGISTRY_PASSWORD: kit.registryPassword } });
    const ok = berth(["deploy", "--stack", stack(kit.appImages.v2)]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(String.raw`^host +result +release / error +seconds\ndebian@127\.0\.0\.1:${vm.sshPort} +deployed +r[0-9a-f]{12} +\d+\.\d\n$`));
    expect(await answer()).toBe("v2\n");
    const status = berth(["status", "--stack", stack(kit.appImages.v2)]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(new RegExp(String.raw`^debian@127\.0\.0\.1:${vm.sshPort}  bootstrap: ready  mirrors: .*docker-ce=labkit.*  app: running r[0-9a-f]{12}\n$`));
    const logs = berth(["logs", "--stack", stack(kit.appImages.v2), "--lines", "5"]);
    expect(logs.status).toBe(0);
    expect(logs.stdout + logs.stderr).toContain("berth sample app v2 listening on :8080");
    const bad = berth(["deploy", "--stack", stack(kit.appImages.broken)]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`debian@127.0.0.1:${vm.sshPort}: health check failed: GET http://127.0.0.1:8080/ answered 500, want 200`);
    expect(bad.stdout).toMatch(/ FAILED +health check failed: GET http:\/\/127\.0\.0\.1:8080\/ answered 500, want 200/);
    expect(bad.stderr + bad.stdout).not.toContain(kit.registryPassword);
    expect(await answer()).toBe("v2\n");
  });

  it("refuses a host whose key changed", async () => {
    await inVm("rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh");
    const again = executor(vm);
    const err = await deploy(again, appPlan(), { log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as Error).message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${vm.sshPort}: host key changed from SHA256:\\S+ to SHA256:\\S+ — refusing to connect`));
  });
});
