// The deploy lock on a real VM: two deploys at once end one after the other in a consistent
// release; the lock outlives a dropped connection; a lock whose holder vanished (a killed
// `berth deploy`) is reported with holder and age, refused by the next deploy, and broken.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { deploy } from "../../src/deploy/deploy.js";
import type { Executor } from "../../src/deploy/executor.js";
import type { SshExecutor } from "../../src/deploy/ssh.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { KEYS, appPlan, bootDeployHost, executor, removeKnownHosts } from "./deploy-helpers.js";
import { sh, testVmName } from "./helpers.js";

const NAME = testVmName("deploy-lock");
const kit = kitInfo();
let vm: LocalVm;
const opened: SshExecutor[] = [];
const inVm = async (script: string) => (await sh(vm.containerId, script)).stdout;
const answer = () => inVm("curl -s http://127.0.0.1:8080/");

interface Call { who: string; what: string; start: number; end: number }
/** An executor that records when each command of one deploy ran. */
function recording(who: string, calls: Call[], onExec?: (argv: readonly string[], ex: SshExecutor) => void): Executor {
  const ex = executor(vm);
  opened.push(ex);
  return {
    target: ex.target,
    exec: async (argv, opts) => {
      onExec?.(argv, ex);
      const call = { who, what: argv[3]?.startsWith("berth-") ? `${argv[3]} ${argv.slice(6, 9).join(" ")}` : argv.slice(0, 3).join(" "), start: performance.now(), end: Infinity };
      calls.push(call);
      try {
        return await ex.exec(argv, opts);
      } finally {
        call.end = performance.now();
      }
    },
    upload: (p, c, m) => ex.upload(p, c, m),
    close: () => ex.close(),
  };
}

/** The commands that change the host: every one runs through the lock's guard, or is the final bookkeeping. */
const mutating = (calls: Call[], who: string) => calls.filter((c) => c.who === who && /^berth-(guard|finish)/.test(c.what));

function expectOneAfterTheOther(calls: Call[], first: string, second: string): void {
  const a = mutating(calls, first);
  const b = mutating(calls, second);
  expect(a.length).toBeGreaterThan(0);
  expect(b.length).toBeGreaterThan(0);
  expect(Math.max(...a.map((c) => c.end))).toBeLessThan(Math.min(...b.map((c) => c.start)));
}

beforeAll(async () => {
  vm = await bootDeployHost(NAME);
  await deploy(executor(vm), appPlan(), { log: () => undefined });
});
afterAll(async () => {
  for (const ex of opened) await ex.close();
  await destroyVm(NAME);
  removeKnownHosts();
});

describe("the deploy lock on a real VM", () => {
  it("two deploys started together run one after the other: the second waits, then its image runs, no -prev left", async () => {
    const calls: Call[] = [];
    const logs: Record<string, string[]> = { v1: [], v2: [] };
    // Each its own env, so neither is a no-op against what runs already.
    const run = (v: "v1" | "v2") => deploy(recording(v, calls), appPlan({ image: kit.appImages[v], env: { RUN: v } }), { log: (l) => logs[v]?.push(l) });
    const [r1, r2] = await Promise.all([run("v1"), run("v2")]);
    expect([r1.changed, r2.changed]).toEqual([true, true]);
    const waited = (["v1", "v2"] as const).filter((v) => logs[v]?.some((l) => l.includes("waiting for the deploy lock of app: held by")));
    expect(waited).toHaveLength(1);
    const second = waited[0] as "v1" | "v2";
    const first = second === "v1" ? "v2" : "v1";
    expectOneAfterTheOther(calls, first, second);
    expect(await answer()).toBe(`${second}\n`);
    expect(await inVm("docker ps -a --format '{{.Names}} {{.Image}}'")).toBe(`app ${(second === "v1" ? r1 : r2).imageId.slice(7, 19)}\n`);
    expect(await inVm("ls -A ~debian/.berth/app")).toBe("images\n");
  });

  it("the lock stays the first deploy's while its connection drops and comes back: the second still waits", async () => {
    await inVm(`docker image rm -f ${kit.appImages.v1} >/dev/null 2>&1 || true`);
    const calls: Call[] = [];
    const logs: string[] = [];
    let cut = false;
    let startSecond = () => undefined as void;
    const secondMayStart = new Promise<void>((r) => (startSecond = r));
    const a = recording("a", calls, (argv, ex) => {
      if (!cut && argv[3] === "berth-pull") {
        cut = true;
        setTimeout(() => (ex.destroy(), startSecond()), 50);
      }
    });
    // Its own env, so it is a new release whichever image the last test left running.
    const first = deploy(a, appPlan({ image: kit.appImages.v1, env: { RUN: "a" } }), { log: (l) => logs.push(`a ${l}`) });
    await secondMayStart;
    const second = deploy(recording("b", calls), appPlan({ image: kit.appImages.v2 }), { log: (l) => logs.push(`b ${l}`) });
    await Promise.all([first, second]);
    expect(logs.some((l) => /^a .* connection lost; retrying/.test(l))).toBe(true);
    expect(logs.some((l) => /^b .* waiting for the deploy lock of app: held by /.test(l))).toBe(true);
    expectOneAfterTheOther(calls, "a", "b");
    expect(await answer()).toBe("v2\n");
    expect(await inVm("docker ps -a --format '{{.Names}}'")).toBe("app\n");
  });

  it("a lock whose holder was killed is reported with holder and age, stops the next deploy, and berth lock break removes it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-lock-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true })); // holds a private key
    const identity = join(dir, "id");
    writeFileSync(identity, KEYS.private, { mode: 0o600 });
    const stack = (image: string) => {
      const file = join(dir, `Pulumi.${image.split(":").pop()}.yaml`);
      writeFileSync(file, stringify({ config: { "berth:host": { provider: "local" }, "berth:bootstrap": { mirror: { url: "http://mirror.berth.lab" }, conda: { enabled: false } }, "berth:app": { image, registry: { server: kit.registry, username: kit.registryUser }, ports: ["8080:8080"], healthcheck: { type: "http", timeoutSeconds: 120 } } } }));
      return file;
    };
    const where = `debian@127.0.0.1:${vm.sshPort}`;
    const common = ["--host", where, "--identity", identity, "--known-hosts", join(dir, "known_hosts")];
    const env = { ...process.env, BERTH_REGISTRY_PASSWORD: kit.registryPassword };
    const berth = (args: string[]) => spawnSync(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), ...args, ...common], { encoding: "utf8", env });

    // A deploy of the broken image holds the lock for its 120 s health check: kill it once the
    // release runs.
    const child = spawn(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), "deploy", "--stack", stack(kit.appImages.broken), ...common], { env });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    let started = "";
    for (let i = 0; i < 300 && started === "" && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 200));
      started = await inVm(`docker ps --filter label=berth.image=${kit.appImages.broken} --format '{{.Names}}'`);
    }
    expect(started, `berth deploy did not start the release:\n${err}`).toBe("app\n");
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const pid = child.pid;
    const holder = `${userInfo().username} on ${hostname()} \\(pid ${pid}\\) since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d+ s ago\\), last heartbeat \\d+ s ago`;

    const status = berth(["lock", "status", "--stack", stack(kit.appImages.v2)]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^${where}  app: locked by ${holder} — stale: process ${pid} is not running on this machine; berth lock break removes it\\n$`));

    const blocked = berth(["deploy", "--stack", stack(kit.appImages.v2), "--lock-timeout", "2"]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toMatch(new RegExp(`\\n${where}: the deploy lock of app \\(~/\\.berth/app/lock\\) is held by ${holder}; gave up waiting after 2 s — it looks stale \\(process ${pid} is not running on this machine\\): if that deploy is gone, remove the lock with \`berth lock break\` for this host\\n$`));
    expect(await inVm("ls ~debian/.berth/app | grep -c '^login-'")).toBe("1\n");

    const broke = berth(["lock", "break", "--stack", stack(kit.appImages.v2)]);
    expect(broke.status).toBe(0);
    expect(broke.stdout).toMatch(new RegExp(`^${where}  app: removed the lock held by ${holder} \\(process ${pid} is not running on this machine\\)\\n$`));
    expect(await inVm("ls -A ~debian/.berth/app")).toBe("images\n");
    expect(berth(["lock", "status", "--stack", stack(kit.appImages.v2)]).stdout).toBe(`${where}  app: not locked\n`);

    const ok = berth(["deploy", "--stack", stack(kit.appImages.v2)]);
    expect(ok.status).toBe(0);
    expect(await answer()).toBe("v2\n");
    expect(await inVm("docker ps -a --format '{{.Names}}'")).toBe("app\n");
  });
});
