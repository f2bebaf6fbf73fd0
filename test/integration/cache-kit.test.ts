// The kit's cache side on the local default stack: the Python mirror serves what the stack pins,
// `docker pull busybox` on a VM works only through the registry mirror (the kit's cache in front
// of its Docker Hub stand-in), and `berth cache status` counts that pull.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { render } from "../../src/bootstrap/render.js";
import type { CacheStats } from "../../src/cache/stats.js";
import { cacheStatusCommand } from "../../src/cli/cache.js";
import { loadStackFile } from "../../src/config/stackfile.js";
import { execIn } from "../../src/local/engine.js";
import { kitCacheInfo } from "../../src/local/kit-cache.js";
import { KIT_WHEELS } from "../../src/local/wheels.js";
import { createVm, destroyVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR, stackConfig } from "../helpers/config.js";
import { testVmName } from "./helpers.js";

const VM = testVmName(`cache-kit-${randomBytes(3).toString("hex")}`);
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthIntegrationTestKeyNoPrivateHalf00 test";
const kit = kitCacheInfo();
let vm: LocalVm;

async function run(script: string): Promise<{ code: number; out: string }> {
  const r = await execIn(vm.containerId, ["bash", "-c", script]);
  return { code: r.code, out: r.stdout + r.stderr };
}

async function stats(): Promise<Record<string, CacheStats>> {
  let out = "";
  const code = await cacheStatusCommand({ json: true }, { stdout: (s) => void (out += s), stderr: () => undefined });
  expect(code).toBe(0);
  return Object.fromEntries((JSON.parse(out) as CacheStats[]).map((r) => [r.cache, r]));
}

beforeAll(async () => {
  const loaded = loadStackFile(`${PROJECT_DIR}/stacks/Pulumi.local.yaml`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  vm = await createVm({ name: VM, userData: render(loaded.config).userData, sshPublicKey: KEY, waitForStatusFile: true, timeoutMs: 480_000 });
});

afterAll(async () => {
  await destroyVm(VM);
});

describe("the kit's Python mirror", () => {
  it("serves the stand-in installer the local stack pins, with its SHA256SUMS", async () => {
    const sums = await (await fetch(`${kit.pythonHostUrl}/anaconda/miniconda/SHA256SUMS`)).text();
    const installer = Buffer.from(await (await fetch(`${kit.pythonHostUrl}/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh`)).arrayBuffer());
    const sha = createHash("sha256").update(installer).digest("hex");
    expect(sums).toBe(`${sha}  Miniconda3-latest-Linux-x86_64.sh\n`);
    expect(stackConfig("local").bootstrap.conda.sha256).toBe(sha);
  });

  it("lists every pinned wheel in the simple-index layout, with its sha256, and serves its bytes", async () => {
    for (const w of KIT_WHEELS) {
      const page = await (await fetch(`${kit.pythonHostUrl}/pypi/simple/${w.project}/`)).text();
      expect(page).toContain(`<a href="../../packages/${w.file}#sha256=${w.sha256}">${w.file}</a>`);
    }
    const six = KIT_WHEELS.find((w) => w.project === "six");
    const body = Buffer.from(await (await fetch(`${kit.pythonHostUrl}/pypi/packages/${six?.file}`)).arrayBuffer());
    expect(createHash("sha256").update(body).digest("hex")).toBe(six?.sha256);
  });
});

describe("Docker Hub on a local VM", () => {
  it("pulls busybox with no registry prefix through the kit's cache, and berth cache status counts it", async () => {
    const before = await stats();
    const pull = await run("docker pull busybox:1.35 && docker run --rm busybox:1.35 echo hello-from-hub");
    expect(pull.code, pull.out).toBe(0);
    expect(pull.out).toContain("hello-from-hub");
    expect((await run("docker info --format '{{json .RegistryConfig.Mirrors}}'")).out).toBe('["http://cache.berth.lab/"]\n');
    const after = await stats();
    const [b, a] = [before.registry, after.registry];
    // busybox:1.35 is one config blob and one layer: two layer requests, each a hit or a miss.
    expect((a?.hits ?? 0) + (a?.misses ?? 0) - ((b?.hits ?? 0) + (b?.misses ?? 0))).toBe(2);
    expect((a?.served ?? 0) - (b?.served ?? 0)).toBeGreaterThan(1_000_000);
  });

  it("fails the same pull once the registry mirror is gone from daemon.json", async () => {
    const drop = await run(`docker rmi busybox:1.35 >/dev/null && python3 -c 'import json; p="/etc/docker/daemon.json"; d=json.load(open(p)); d.pop("registry-mirrors"); json.dump(d, open(p, "w"))' && systemctl restart docker && docker info --format '{{json .RegistryConfig.Mirrors}}'`);
    expect(drop.code, drop.out).toBe(0);
    expect(drop.out).toBe("[]\n");
    const pull = await run("docker pull busybox:1.35");
    expect(pull.code).not.toBe(0);
    expect(pull.out).toMatch(/registry-1\.docker\.io/);
  });
});

describe("berth cache status", () => {
  it("prints a row per cache with hits, misses and bytes saved", async () => {
    let out = "";
    expect(await cacheStatusCommand({}, { stdout: (s) => void (out += s), stderr: () => undefined })).toBe(0);
    const lines = out.split("\n");
    expect(lines[0]).toBe("cache at berth-kit-cache-front (this machine)");
    expect(lines[1]).toMatch(/^cache\s+requests\s+hits\s+misses\s+served\s+from upstream\s+saved$/);
    expect(lines.find((l) => l.startsWith("Docker Hub images"))).toMatch(/^Docker Hub images\s+\d+\s+\d+\s+\d+\s+[\d.]+ \w+\s+[\d.]+ \w+\s+[\d.]+ \w+$/);
  });

  it("names the fix when no cache runs where it looks", async () => {
    let err = "";
    expect(await cacheStatusCommand({ prefix: `cache-none-${randomBytes(2).toString("hex")}` }, { stdout: () => undefined, stderr: (s) => void (err += s) })).toBe(1);
    expect(err).toMatch(/^no cache-none-[0-9a-f]{4}-front container on this machine's Docker engine — start the lab kit \(berth kit up\), or name a cache host with --host\n$/);
  });
});
