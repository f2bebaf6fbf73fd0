// A class behind one cache: four local VMs booted at once with the cache first in every chain.
// Counted from the upstreams' own access logs, each docker-ce package, wheel, installer and image
// layer crosses from the upstream once, not four times; the VMs end ready with docker-ce, the app
// (a Docker Hub image, through registry-mirrors) and the requirements. Then the cache is stopped
// and a fifth VM boots anyway, from the public chain, and says so in its status file.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { render } from "../../src/bootstrap/render.js";
import { cacheStats } from "../../src/cache/stats.js";
import { splitLogs, cacheCommands } from "../../src/cache/commands.js";
import { load } from "../../src/config/load.js";
import { appSchema } from "../../src/config/sections/app.js";
import { deployAll } from "../../src/deploy/hosts.js";
import { planApp } from "../../src/deploy/plan.js";
import { execIn } from "../../src/local/engine.js";
import { KIT_MIRROR_KEY_FINGERPRINT as KIT } from "../../src/local/kit.js";
import { createVm, destroyVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { containerLog, countGets, startTestCache, type TestCache } from "./cache-helpers.js";
import { executor, KEYS } from "./deploy-helpers.js";
import { testVmName } from "./helpers.js";

const TAG = randomBytes(3).toString("hex");
const PREFIX = `cache-t4-${TAG}`;
const VMS = [1, 2, 3, 4].map((i) => testVmName(`cache-lab-${TAG}-${i}`));
const FALLBACK_VM = testVmName(`cache-lab-${TAG}-fb`);
const STACK = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
const REQUIREMENTS = ["requests==2.32.3", "markupsafe==3.0.2"];

let cache: TestCache;

/** The local stack with the test cache first, the kit's own mirrors (and kit cache) after it. */
function userData(cacheUrl: string): string {
  const b = STACK.config["berth:bootstrap"] ?? {};
  const raw = { ...STACK.config, "berth:bootstrap": { ...b, cache: { url: cacheUrl, dockerCeKeyFingerprint: KIT }, pip: { ...(b.pip as object), requirements: REQUIREMENTS } } };
  const r = load(raw, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return render(r.config).userData;
}

async function out(vm: LocalVm, script: string): Promise<string> {
  const r = await execIn(vm.containerId, ["bash", "-c", script]);
  if (r.code !== 0) throw new Error(`${vm.name}: ${script}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

interface Status { phase: string; mirrors: Record<string, string>; unreachable: string[]; errors: string[] }
const status = async (vm: LocalVm) => JSON.parse(await out(vm, "cat /var/lib/berth/status.json")) as Status;
const boot = (name: string, data: string) => createVm({ name, userData: data, sshPublicKey: KEYS.public, waitForStatusFile: true, timeoutMs: 600_000 });

/** Paths matching RE and how often the upstream served each. */
const only = (counts: Map<string, number>, re: RegExp) => Object.fromEntries([...counts].filter(([p]) => re.test(p)));

beforeAll(async () => {
  cache = await startTestCache(PREFIX);
});

afterAll(async () => {
  for (const name of [...VMS, FALLBACK_VM]) await destroyVm(name);
  await cache?.cleanup();
});

describe("four VMs behind one cache", () => {
  let vms: LocalVm[] = [];

  it("boot at once to ready, every part from the cache", async () => {
    const data = userData(cache.url);
    vms = await Promise.all(VMS.map((n) => boot(n, data)));
    for (const vm of vms) {
      const s = await status(vm);
      expect(s).toMatchObject({ phase: "ready", errors: [], unreachable: [], mirrors: { "docker-ce": "cache", installer: "cache", conda: "cache", pypi: "cache", "docker-hub": "cache" } });
      expect(await out(vm, "dpkg-query -W -f='${Status} ${Version}' docker-ce")).toBe("install ok installed 5:20.10.24~3-0~debian-bookworm");
      expect(await out(vm, "cat /etc/apt/sources.list.d/docker.list")).toBe(`deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] ${cache.url}/docker-ce/linux/debian bookworm stable\n`);
      expect(await out(vm, "/opt/conda/bin/conda run -n lab python -c 'import requests, markupsafe, charset_normalizer; print(requests.__version__, markupsafe.__version__, charset_normalizer.md.__file__.endswith(\".so\"))'")).toBe("2.32.3 3.0.2 True\n");
    }
  });

  it("run the app, a Docker Hub image pulled through the cache", async () => {
    const plan = planApp(appSchema.parse({ image: "berth/app:v1", ports: ["8080:8080"], healthcheck: { type: "http", path: "/", timeoutSeconds: 30 } }));
    const outcomes = await deployAll(vms.map((vm) => executor(vm)), plan, { log: () => undefined, concurrency: 4 });
    expect(outcomes.map((o) => [o.ok, o.error ?? ""])).toEqual(vms.map(() => [true, ""]));
    for (const vm of vms) expect(await out(vm, "curl -fsS http://127.0.0.1:8080/")).toContain("v1");
  });

  it("cost the upstreams one download of each package, wheel, installer and image layer", async () => {
    const mirror = countGets(await containerLog(cache.upstream.mirror), "busybox");
    const python = countGets(await containerLog(cache.upstream.python), "nginx");
    const hub = countGets(await containerLog(cache.upstream.hub), "registry");
    const debs = only(mirror, /\.deb$/);
    const wheels = only(python, /\.whl$/);
    const installers = only(python, /\.sh$/);
    const layers = only(hub, /\/blobs\/sha256:/);
    expect(Object.keys(debs).map((p) => p.replace(/.*\//, "").replace(/_.*/, "")).sort()).toEqual(["containerd.io", "docker-buildx-plugin", "docker-ce", "docker-ce-cli", "docker-compose-plugin"]);
    expect(Object.keys(wheels).map((p) => p.replace(/.*\//, "").replace(/-.*/, "")).sort()).toEqual(["MarkupSafe", "certifi", "charset_normalizer", "idna", "requests", "urllib3"]);
    expect(Object.keys(installers)).toEqual(["/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh"]);
    expect(Object.keys(layers)).toHaveLength(2);
    expect(Object.values({ ...debs, ...wheels, ...installers, ...layers }).every((n) => n === 1), JSON.stringify({ debs, wheels, installers, layers })).toBe(true);
  });

  it("counts the same in berth cache status: one miss per download, the other three VMs' requests as hits", async () => {
    const r = await execIn(cache.front, cacheCommands.logs(cache.front).slice(3));
    const { access, egress } = splitLogs(r.stdout);
    const rows = Object.fromEntries(cacheStats(access, egress).map((x) => [x.cache, x]));
    const debLines = access.split("\n").filter((l) => l.includes('"route":"docker-ce"') && /\.deb"/.test(l));
    expect(debLines.length).toBe(5 * 4);
    expect(debLines.filter((l) => l.includes('"cache":"HIT"')).length).toBe(5 * 3);
    expect(rows.registry).toMatchObject({ misses: 2, hits: 2 * 3 });
    expect(rows.miniconda).toMatchObject({ requests: 4, misses: 1, hits: 3 });
    for (const k of ["docker-ce", "pypi", "registry", "miniconda"]) expect(rows[k]?.saved, k).toBeGreaterThan(0);
  });
});

describe("a dead cache", () => {
  it("costs a probe, not the boot: the VM ends ready from the stack's own mirrors and says what did not answer", async () => {
    await cache.stop();
    const vm = await boot(FALLBACK_VM, userData(cache.url));
    const s = await status(vm);
    expect(s).toMatchObject({ phase: "ready", errors: [], mirrors: { "docker-ce": "labkit", installer: "labkit-python", conda: "labkit-python", pypi: "labkit-python", "docker-hub": "cache.berth.lab" } });
    expect(s.unreachable).toEqual(["docker-ce cache", "docker-hub cache", "pypi cache", "installer cache", "conda cache"]);
    expect(await out(vm, "cat /etc/pip.conf")).toBe("[global]\nindex-url = http://python.berth.lab/pypi/simple\ntimeout = 60\ntrusted-host = python.berth.lab\n");
    expect(await out(vm, "/opt/conda/bin/conda run -n lab python -c 'import requests; print(requests.__version__)'")).toBe("2.32.3\n");
    // dockerd tries the dead cache first, then the kit's cache, the next registry mirror.
    expect(await out(vm, "docker pull -q busybox:1.35")).toBe("docker.io/library/busybox:1.35\n");
    await destroyVm(FALLBACK_VM);
  });
});
