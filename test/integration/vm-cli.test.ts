// `berth local up` on a machine without SSH keys (HOME is an empty directory): the VM gets a
// key of its own, the printed ssh command logs in, and the printed deploy line deploys.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { cacheDir } from "../../src/local/engine.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { testVmName } from "./helpers.js";

const NAME = testVmName("cli");
const root = mkdtempSync(join(tmpdir(), "berth-cli-home-"));
const home = join(root, "home");
mkdirSync(home);
// The local stack without conda (faster); everything else as the README's user runs it.
const stack = join(root, "stacks", "Pulumi.cli.yaml");
const local = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
local.config["berth:bootstrap"] = { ...local.config["berth:bootstrap"], conda: { enabled: false } };
mkdirSync(join(root, "stacks"));
writeFileSync(stack, stringify(local));

// An empty HOME, but the kit's cache (its registry password) stays the machine's.
const env = { ...process.env, HOME: home, BERTH_CACHE_DIR: cacheDir() };
const berth = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), ...args], { cwd: PROJECT_DIR, env: { ...env, ...extra }, encoding: "utf8" });

afterAll(async () => {
  await destroyVm(NAME);
  rmSync(root, { recursive: true, force: true });
});

describe("berth local up with no SSH key on the machine", () => {
  let sshLine = "";
  let deployLine = "";

  it("boots the VM with a key of its own and prints how to log in and deploy", () => {
    expect(existsSync(join(home, ".ssh"))).toBe(false);
    const up = berth(["local", "up", "--stack", stack, "--name", NAME]);
    expect(up.status, up.stderr).toBe(0);
    const key = join(cacheDir("vms", NAME), "id_ed25519");
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const m = /^  ssh      (ssh -i (\S+) -p (\d+) debian@127\.0\.0\.1)$/m.exec(up.stdout);
    expect(m?.[2]).toBe(key);
    sshLine = m?.[1] ?? "";
    const fp = /^  host key (SHA256:\S+)$/m.exec(up.stdout)?.[1];
    const port = m?.[3];
    deployLine = /^  deploy   (.*)$/m.exec(up.stdout)?.[1] ?? "";
    expect(deployLine).toBe(`BERTH_REGISTRY_PASSWORD=… npx berth deploy --stack ${stack} --host debian@127.0.0.1:${port} --identity ${key} --fingerprint ${fp}`);
    expect(up.stdout).toContain(`  remove   npx berth local down --stack ${stack} --name ${NAME}\n`);
  });

  it("the printed ssh command logs in as debian", () => {
    const [, ...args] = sshLine.split(" ");
    const out = execFileSync("ssh", ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "-o", `UserKnownHostsFile=${join(root, "known_hosts")}`, ...args, "id -un"], { env, encoding: "utf8" });
    expect(out).toBe("debian\n");
  });

  it("the printed deploy line deploys the stack's app", () => {
    const argv = deployLine.replace(/^BERTH_REGISTRY_PASSWORD=… npx berth /, "").split(" ");
    const r = berth(argv, { BERTH_REGISTRY_PASSWORD: kitInfo().registryPassword });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^debian@127\.0\.0\.1:\d+ +deployed +r[0-9a-f]{12} /m);
  });

  it("local down removes the VM and its key", () => {
    const down = berth(["local", "down", "--stack", stack, "--name", NAME]);
    expect(down.status, down.stderr).toBe(0);
    expect(existsSync(cacheDir("vms", NAME))).toBe(false);
  });
});
