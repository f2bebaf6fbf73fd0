// A cache host the way a cloud lab gets one, on local VMs: a VM booted with berth's bootstrap, the
// cache image built here and streamed to it over SSH by CacheServices' provider, its containers
// started; then a client VM whose config is useCache(…, the cache VM's address) boots through it,
// and berth cache status reads the host's numbers over SSH.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { render } from "../../src/bootstrap/render.js";
import { cacheUpstreams, cacheUseFor, useCache } from "../../src/cache/client.js";
import { cacheImageContext } from "../../src/cache/image-context.js";
import { cacheStatusCommand } from "../../src/cli/cache.js";
import { cacheServicesProvider, type CacheServicesInputs, type CacheServicesOutputs } from "../../src/components/cache-services.js";
import { load, type StackConfig } from "../../src/config/load.js";
import { execIn } from "../../src/local/engine.js";
import { createVm, destroyVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { KEYS } from "./deploy-helpers.js";
import { testVmName } from "./helpers.js";

const CACHE_VM = testVmName("cache-host-srv");
const CLIENT_VM = testVmName("cache-host-client");
const STACK = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
const dir = mkdtempSync(join(tmpdir(), "cache-host-"));

function config(extra: Record<string, unknown>): StackConfig {
  const { "berth:app": _app, ...rest } = STACK.config;
  const r = load({ ...rest, ...extra }, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
}

const hostCfg = config({ "berth:cache": { maxSize: "2g" }, "berth:bootstrap": { ...STACK.config["berth:bootstrap"], pip: { mirror: (STACK.config["berth:bootstrap"]?.pip as { mirror: unknown }).mirror } } });
let cacheVm: LocalVm;
let inputs: CacheServicesInputs;
let outs: CacheServicesOutputs;

async function out(vm: LocalVm, script: string): Promise<string> {
  const r = await execIn(vm.containerId, ["bash", "-c", script]);
  if (r.code !== 0) throw new Error(`${vm.name}: ${script}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}
const ids = (vm: LocalVm) => out(vm, "docker ps --filter label=berth.cache=1 --format '{{.Names}} {{.ID}}' | sort");

beforeAll(async () => {
  cacheVm = await createVm({ name: CACHE_VM, userData: render(hostCfg).userData, sshPublicKey: KEYS.public, waitForStatusFile: true, timeoutMs: 480_000 });
});

afterAll(async () => {
  for (const n of [CLIENT_VM, CACHE_VM]) await destroyVm(n);
  rmSync(dir, { recursive: true, force: true });
});

describe("a cache host", () => {
  it("gets the cache image streamed over SSH and runs the cache's containers", async () => {
    inputs = {
      target: { host: "127.0.0.1", port: cacheVm.sshPort, user: "debian", hostKeyFingerprint: cacheVm.hostKeyFingerprint ?? "" },
      secrets: { privateKey: KEYS.private },
      layout: { prefix: "berth-cache", network: "berth-cache", upstreams: cacheUpstreams(hostCfg), publish: "80", maxSize: "2g" },
      image: "",
      imageContext: cacheImageContext(),
    };
    expect(inputs.layout.upstreams).toEqual({
      dockerCe: "http://mirror.berth.lab/docker-ce", miniconda: "http://python.berth.lab/anaconda/miniconda", conda: "http://python.berth.lab/anaconda",
      pypi: "http://python.berth.lab/pypi/simple", dockerHub: "http://cache.berth.lab",
    });
    const created = await cacheServicesProvider.create(inputs);
    outs = created.outs as CacheServicesOutputs;
    expect(outs.containers).toEqual(["berth-cache-front", "berth-cache-registry", "berth-cache-pypi"]);
    expect(outs.imageRef).toMatch(/^berth-local\/cache:[0-9a-f]{16}$/);
    expect(await out(cacheVm, "docker image ls --format '{{.Repository}}:{{.Tag}}' berth-local/cache")).toBe(`${outs.imageRef}\n`);
    expect(await out(cacheVm, "curl -fsS http://127.0.0.1/_berth/health")).toBe("ok\n");
  });

  it("serves a client VM that uses it first in every chain", async () => {
    const use = cacheUseFor(hostCfg, cacheVm.ip);
    expect(use).toEqual({ url: `http://${cacheVm.ip}`, name: "cache", dockerCeKeyFingerprint: "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1" });
    const client = useCache(config({}), use);
    const vm = await createVm({ name: CLIENT_VM, userData: render(client).userData, sshPublicKey: KEYS.public, waitForStatusFile: true, timeoutMs: 480_000 });
    const s = JSON.parse(await out(vm, "cat /var/lib/berth/status.json")) as { phase: string; mirrors: Record<string, string>; unreachable: string[] };
    expect(s).toMatchObject({ phase: "ready", unreachable: [], mirrors: { "docker-ce": "cache", installer: "cache", conda: "cache", pypi: "cache", "docker-hub": "cache" } });
    expect(await out(vm, "/opt/conda/bin/conda run -n lab python -c 'import markupsafe; print(markupsafe.__version__)'")).toBe("3.0.2\n");
    expect(await out(vm, "docker pull -q busybox:1.35")).toBe("docker.io/library/busybox:1.35\n");
  });

  it("shows its numbers to berth cache status over SSH", async () => {
    const key = join(dir, "id");
    writeFileSync(key, KEYS.private, { mode: 0o600 });
    let text = "";
    const code = await cacheStatusCommand({ host: `debian@127.0.0.1:${cacheVm.sshPort}`, identity: key, fingerprint: cacheVm.hostKeyFingerprint ?? "" }, { stdout: (x) => void (text += x), stderr: (x) => void (text += x) });
    expect(code, text).toBe(0);
    expect(text.split("\n")[0]).toBe(`cache at debian@127.0.0.1:${cacheVm.sshPort}`);
    for (const row of ["docker-ce packages", "Miniconda installers", "PyPI", "Docker Hub images"]) expect(text).toMatch(new RegExp(`^${row}\\s+[1-9]\\d*\\s+\\d+\\s+[1-9]\\d*\\s`, "m"));
  });

  it("keeps the running containers on an update with the same spec, and removes them on delete", async () => {
    const before = await ids(cacheVm);
    expect((await cacheServicesProvider.diff("x", outs, inputs)).changes).toBe(false);
    await cacheServicesProvider.update("x", outs, inputs);
    expect(await ids(cacheVm)).toBe(before);
    await cacheServicesProvider.delete("x", outs);
    expect(await ids(cacheVm)).toBe("");
    expect(await out(cacheVm, "docker volume ls -q --filter label=berth.cache=1; docker network ls -q --filter name=berth-cache")).toBe("");
  });
});
