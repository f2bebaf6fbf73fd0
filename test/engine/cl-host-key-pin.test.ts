// Under the real Pulumi engine, the SSH host key berth saw when it created a host is kept in the
// state and pinned by later updates, even on a machine whose known_hosts is empty (a new CI
// runner): an existing server (a local VM named with this file's `cl-` prefix, its address in the
// stack, no hostKeyFingerprint) is bootstrapped and gets the app; then its host key changes and
// known_hosts is wiped, and the next updates — of the app, then of the bootstrap — are refused
// with both keys and the fix; pinning the new key as the message says lets the update through.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { kitInfo } from "../../src/local/kit.js";
import { createVm, destroyVm, listVms, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { sh } from "../integration/helpers.js";
import { opsOf, PulumiProject, withoutSecrets } from "./pulumi.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

const STACK = "clpin";
const VM = "cl-pin";
const kit = kitInfo();
const keys = ed25519KeyPair();
const project = new PulumiProject("cl-host-key-pin");
// This machine's own known_hosts is never touched: the runs get a home of their own.
const home = mkdtempSync(join(tmpdir(), "berth-engine-cl-pin-home-"));
const knownHosts = join(home, ".config/berth/known_hosts");
let vm: LocalVm | undefined;

async function vmFingerprints(): Promise<string[]> {
  const out = await sh(vm!.containerId, "for k in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf $k | cut -d' ' -f2; done");
  return out.stdout.trim().split("\n");
}

const appBody = async () => (await sh(vm!.containerId, "curl -s http://127.0.0.1:8080/")).stdout.trim();
const outputsOf = async (type: string) => (await project.resources(STACK)).find((r) => r.type === `pulumi-nodejs:dynamic/berth:${type}`)?.outputs ?? {};

beforeAll(async () => {
  expect(await listVms(), `a VM named ${VM} exists already; it is not this test's to touch`).not.toContain(VM);
  vm = await createVm({ name: VM, userData: "#cloud-config\n", sshPublicKey: keys.public, timeoutMs: 300_000 });
  Object.assign(project.env, {
    HOME: home,
    BERTH_KNOWN_HOSTS: knownHosts,
    BERTH_CACHE_DIR: process.env.BERTH_CACHE_DIR ?? join(homedir(), ".cache/berth"),
  });
  const doc = parse(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, Record<string, unknown>> };
  doc.config["berth:host"] = { provider: "existing", os: "debian-12", user: "debian", address: "127.0.0.1", port: vm.sshPort };
  doc.config["berth:bootstrap"] = { ...doc.config["berth:bootstrap"], conda: { enabled: false }, pip: {} };
  writeFileSync(join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), stringify(doc));
  await project.ok(["stack", "init", STACK]);
  await project.ok(["config", "set", "--stack", STACK, "--secret", "berth:sshPrivateKey"], { stdin: keys.private });
  await project.ok(["config", "set", "--stack", STACK, "--path", "berth:app.registry.password", "--secret"], { stdin: kit.registryPassword });
});

afterAll(async () => {
  try {
    if (vm) {
      const r = await project.run(["destroy", "--yes", "--stack", STACK]);
      if (r.code !== 0) console.error(r.stdout, r.stderr);
      await destroyVm(VM);
    }
  } finally {
    project.remove();
    rmSync(home, { recursive: true, force: true });
  }
});

describe.sequential("the host key recorded at create is pinned by later updates", () => {
  let first = "";

  it("pulumi up bootstraps the server and deploys the app; both resources record the key berth saw", async () => {
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await appBody()).toBe("v1");
    first = String((await outputsOf("ExistingHost")).seenHostKey);
    expect(await vmFingerprints()).toContain(first);
    expect((await outputsOf("AppDeployment")).seenHostKey).toBe(first);
    expect((await project.outputs(STACK)).hostKeyFingerprint).toBe(first);
  });

  let refusedWith = "";

  it("a new host key, on a runner with no known_hosts: the app update is refused with both keys and the fix", async () => {
    rmSync(knownHosts, { force: true });
    await sh(vm!.containerId, "rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh");
    const now = await vmFingerprints();
    expect(now).not.toContain(first);
    await project.ok(["config", "set", "--stack", STACK, "--path", "berth:app.image", kit.appImages.v2]);
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code).not.toBe(0);
    const text = r.stdout + r.stderr;
    const m = /debian@127\.0\.0\.1:\d+: the SSH host key is now (SHA256:\S+), but berth recorded (SHA256:\S+) in the Pulumi state when it first connected — refusing to connect \(something may be intercepting the connection\)\. If you rebuilt this server yourself, pin its new key: (pulumi config set --path berth:host\.hostKeyFingerprint SHA256:\S+)/.exec(text);
    expect(m, text).not.toBeNull();
    expect(now).toContain(m![1]);
    expect(m![2]).toBe(first);
    expect(opsOf(r.steps).filter((o) => !o.startsWith("same"))).toContain("update pulumi-nodejs:dynamic/berth:AppDeployment");
    expect(await appBody()).toBe("v1");
    expect(existsSync(knownHosts)).toBe(false);
    refusedWith = m![3]!;
  });

  it("an update of the bootstrap is refused the same way", async () => {
    await project.ok(["config", "set", "--stack", STACK, "--path", "berth:bootstrap.docker.users[1]", "root"]);
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`the SSH host key is now SHA256:\\S+, but berth recorded ${first.replace(/[+/]/g, "\\$&")} in the Pulumi state`));
    expect(opsOf(r.steps)).toContain("update pulumi-nodejs:dynamic/berth:ExistingHost");
    expect((await outputsOf("ExistingHost")).seenHostKey).toBe(first);
  });

  it("pinning the new key as the message says lets both updates through", async () => {
    const [, , , , path, value] = refusedWith.split(" ");
    await project.ok(["config", "set", "--stack", STACK, "--path", path!, value!]);
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await appBody()).toBe("v2");
    expect((await outputsOf("ExistingHost")).seenHostKey).toBe(value);
    expect((await outputsOf("AppDeployment")).seenHostKey).toBe(value);
    expect((await project.outputs(STACK)).hostKeyFingerprint).toBe(value);
  });
});
