// Secrets and hostile values on a real VM: a failing release that prints a secret shows
// [REDACTED] (library and CLI); the registry login and secret env leave nothing on the host's
// disk, after a success, a rollback and a delete; a value starting with `-` is never an option.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { appSchema } from "../../src/config/sections/app.js";
import { appDeploymentProvider, splitAppSecrets } from "../../src/components/app-deployment.js";
import { docker, lock as lockCmd } from "../../src/deploy/commands.js";
import { deploy, DeployError } from "../../src/deploy/deploy.js";
import { DeployLock } from "../../src/deploy/lock.js";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { Session } from "../../src/deploy/session.js";
import type { SshExecutor } from "../../src/deploy/ssh.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { KEYS, appPlan, bootDeployHost, executor, removeKnownHosts } from "./deploy-helpers.js";
import { sh, testVmName } from "./helpers.js";

const NAME = testVmName("deploy-secrets");
const SECRET = "sup3r-s3cret-v@lue";
const kit = kitInfo();
let vm: LocalVm;
let ex: SshExecutor;
const lines: string[] = [];
const log = (l: string) => lines.push(l);
const inVm = async (script: string) => (await sh(vm.containerId, script)).stdout;
/** Files under the login user's home and /tmp that hold `text`. */
const holding = (text: string) => inVm(`grep -rlF ${JSON.stringify(text)} ~debian /tmp 2>/dev/null || true`);

// `app echo` (the kit's sample app) prints its T_* environment as JSON and exits: a release
// that leaks a secret into its logs and then fails its check.
const leaky = { name: "leaky", image: kit.appImages.v1, ports: [], args: ["echo"], restart: "no", healthcheck: { type: "running", seconds: 2 } };

beforeAll(async () => {
  vm = await bootDeployHost(NAME);
  ex = executor(vm);
});
afterAll(async () => {
  await ex.close();
  await destroyVm(NAME);
  removeKnownHosts();
});

describe("secrets on the way out and on the host", () => {
  it("a failed release whose logs print a secret env value shows [REDACTED], and leaves no env-file or login behind", async () => {
    await inVm("install -d -m 700 -o debian ~debian/.berth ~debian/.berth/leaky && install -m 600 -o debian /dev/null ~debian/.berth/leaky/r0ld.env");
    const err = await deploy(ex, appPlan({ ...leaky, secretEnv: { T_SECRET: SECRET } }), { log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployError);
    expect((err as Error).message).toBe(`${ex.target}: health check failed: container leaky is exited after 2 s; rolled back to no container (first deploy)\nlast log lines of the failed release:\n{"args":[],"env":{"T_SECRET":"[REDACTED]"}}`);
    expect(lines.join("\n")).not.toContain(SECRET);
    expect(await inVm("ls -A ~debian/.berth/leaky")).toBe("");
    expect(await inVm("docker ps -a --filter label=berth.app=leaky --format '{{.Names}}'")).toBe("");
    expect(await holding(SECRET)).toBe("");
    expect(await holding(kit.registryPassword)).toBe("");
  });

  it("the same through berth deploy, the secret from BERTH_SECRET_ENV_*: stderr and the table say [REDACTED]", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-secrets-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true })); // holds a private key
    const identity = join(dir, "id");
    writeFileSync(identity, KEYS.private, { mode: 0o600 });
    const file = join(dir, "Pulumi.leaky.yaml");
    writeFileSync(file, stringify({ config: {
      "berth:host": { provider: "local" }, "berth:bootstrap": { mirror: { url: "http://mirror.berth.lab" }, conda: { enabled: false } },
      "berth:app": { ...leaky, registry: { server: kit.registry, username: kit.registryUser }, secretEnv: { T_SECRET: { secure: "v1:encrypted-by-pulumi" } } },
    } }));
    const r = spawnSync(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), "deploy", "--stack", file, "--host", ex.target, "--identity", identity, "--known-hosts", join(dir, "known_hosts")], {
      encoding: "utf8", env: { ...process.env, BERTH_REGISTRY_PASSWORD: kit.registryPassword, BERTH_SECRET_ENV_T_SECRET: SECRET },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`\n${ex.target}: health check failed: container leaky is exited after 2 s; rolled back to no container (first deploy)\nlast log lines of the failed release:\n{"args":[],"env":{"T_SECRET":"[REDACTED]"}}\n`);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(kit.registryPassword);
    expect(await holding(SECRET)).toBe("");
  });

  it("after a deploy, no registry credential is left in ~/.docker or anywhere in the login user's home", async () => {
    await inVm("rm -rf ~debian/.docker");
    await deploy(ex, appPlan({ secretEnv: { API_TOKEN: SECRET } }), { log });
    expect(await inVm("curl -s http://127.0.0.1:8080/")).toBe("v1\n");
    expect(await inVm("test -e ~debian/.docker/config.json; echo $?")).toBe("1\n");
    expect(await inVm("ls -A ~debian/.berth/app")).toBe("images\n");
    expect(await holding(kit.registryPassword)).toBe("");
    expect(await holding(SECRET)).toBe("");
  });

  it("AppDeployment.delete removes the app, berth's state for it, and a registry login an older berth left in ~/.docker", async () => {
    await inVm(`echo ${JSON.stringify(kit.registryPassword)} | su debian -c 'docker login --username ${kit.registryUser} --password-stdin ${kit.registry}' >/dev/null 2>&1 && install -m 600 -o debian /dev/null ~debian/.berth/app/r0ld.env`);
    expect(await inVm(`grep -c ${JSON.stringify(kit.registry)} ~debian/.docker/config.json`)).toBe("1\n");
    const split = splitAppSecrets(appSchema.parse({ image: kit.appImages.v1, registry: { server: kit.registry, username: kit.registryUser, password: kit.registryPassword }, ports: ["8080:8080"] }));
    await appDeploymentProvider.delete(`127.0.0.1:${vm.sshPort}/app`, {
      target: { host: "127.0.0.1", port: vm.sshPort, user: "debian", hostKeyFingerprint: vm.hostKeyFingerprint ?? "" },
      app: split.app, secrets: { privateKey: KEYS.private, secretEnv: {} }, release: "", imageId: "",
    });
    expect(await inVm("docker ps -a --filter label=berth.app=app --format '{{.Names}}'")).toBe("");
    expect(await inVm("test -e ~debian/.berth/app; echo $?")).toBe("1\n");
    expect(await inVm("find ~debian -name '*.env' | wc -l")).toBe("0\n");
    expect(await holding(kit.registryPassword)).toBe("");
    expect(await inVm(`grep -c ${JSON.stringify(kit.registry)} ~debian/.docker/config.json || true`)).toBe("0\n");
  });
});

describe("values starting with - are never options", () => {
  it("each builder's positional value reaches docker and curl as an operand", async () => {
    const s = new Session(ex, log);
    const run = async (c: { argv: readonly string[] }) => {
      const r = await ex.exec(c.argv);
      return { code: r.code, out: (r.stdout + r.stderr).trim() };
    };
    // Without `--` each of these would print usage (or a version) and exit 0.
    for (const c of [docker.inspect("--help"), docker.health("--help"), docker.logs("--help", false), docker.rename("--help", "x"), docker.stop("--help"), docker.start("--help")]) {
      const r = await run(c);
      expect(r.code, c.argv.join(" ")).not.toBe(0);
      expect(r.out, c.argv.join(" ")).toMatch(/No such container: --help/);
    }
    // rm --force exits 0 for a missing container: what shows it took --help as a name is its message.
    expect(await run(docker.remove("--help"))).toEqual({ code: 0, out: "Error: No such container: --help" });
    expect(await run(docker.imageId("--version"))).toEqual({ code: 1, out: "Error response from daemon: no such image: --version: invalid reference format" });
    expect(await run(docker.pull("--version"))).toEqual({ code: 1, out: "invalid reference format" });
    expect(await run(docker.run({ name: "x", image: "--rm", ports: [], env: {}, volumes: [], restart: "no", labels: {}, args: [] }))).toMatchObject({ code: 125, out: expect.stringContaining("invalid reference format") });
    const login = await s.try(docker.login(".berth/x/login-t", "--help", "u", new Sensitive("pw")));
    expect(login.code).not.toBe(0);
    expect(login.stdout + login.stderr).not.toContain("Usage:");
    // The HTTP check: curl takes --help as the URL (nothing answers), docker inspect as a container name.
    const held = new DeployLock(s, "x");
    expect(await held.tryAcquire()).toBeUndefined();
    expect(await s.try(lockCmd.launch(held.dir, held.token, { keep: 1, imageId: "sha256:0" }, { url: "--help", status: 200, timeoutSeconds: 5 }, "--help", { argv: ["true"] }))).toEqual({ code: 3, stdout: "state=missing\n", stderr: "" });
    await inVm("rm -rf ~debian/.berth/x");
  });

  it("a deploy of an image named like an option fails at the pull, naming the command", async () => {
    const err = await deploy(ex, { ...appPlan(), image: "--version", registry: undefined }, { log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployError);
    expect((err as Error).message).toBe(`${ex.target}: \`docker pull -- --version\` exited 1:\ninvalid reference format`);
  });
});
