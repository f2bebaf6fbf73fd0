// A 2-student lab with its own cache (berth:cache in the lab stack) on local VMs under the real
// Pulumi engine: `up` makes the cache host first (its VM booted without conda, the cache image
// streamed to it over SSH, its containers started), then each student's host boots with that
// cache's private address first in every mirror chain and ends ready from it, with the app; the
// cache's own logs show it served the second student from what the first fetched; `destroy`
// leaves no container, volume or network of the lab, the cache host's included.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { cacheCommands, splitLogs } from "../../src/cache/commands.js";
import { cacheStats } from "../../src/cache/stats.js";
import { engine, execIn, VM_LABEL } from "../../src/local/engine.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, listVms, vmContainerName } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { opsOf, PulumiProject, withoutSecrets } from "./pulumi.js";

const STACK = `${process.env.BERTH_TEST_VM_PREFIX ?? "it-"}labc`;
const IDS = ["s001", "s002"];
const CACHE_VM = `${STACK}-cache`;
const kit = kitInfo();
const project = new PulumiProject(STACK);
let owns = false;

interface Status { phase: string; mirrors: Record<string, string>; unreachable: string[] }
async function inVm(vm: string, argv: string[]): Promise<string> {
  const r = await execIn(vmContainerName(vm), argv);
  if (r.code !== 0) throw new Error(`${vm}: ${argv.join(" ")}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  const clash = (await listVms()).filter((v) => v.startsWith(`${STACK}-`));
  expect(clash, "local VMs of this test's lab exist already; remove them first").toEqual([]);
  owns = true;
  const local = parse(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, unknown> };
  const config = { ...local.config, "berth:lab": { roster: `rosters/${STACK}.csv`, expires: "2d", namePrefix: STACK }, "berth:cache": { maxSize: "2g" } };
  writeFileSync(join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), stringify({ config }));
  mkdirSync(join(project.dir, "rosters"), { recursive: true });
  writeFileSync(join(project.dir, "rosters", `${STACK}.csv`), `id,name\n${IDS.map((id) => `${id},Student ${id}`).join("\n")}\n`);
  await project.ok(["stack", "init", STACK]);
  await project.ok(["config", "set", "--stack", STACK, "--path", "berth:app.registry.password", "--secret"], { stdin: kit.registryPassword });
});

afterAll(async () => {
  try {
    if (!owns) return;
    const r = await project.run(["destroy", "--yes", "--stack", STACK]);
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    for (const vm of (await listVms()).filter((v) => v.startsWith(`${STACK}-`))) await destroyVm(vm);
  } finally {
    project.remove();
  }
});

describe.sequential("a local lab with its own cache", () => {
  it("pulumi up makes the cache host, then boots each student's host through it, ready with the app", async () => {
    const r = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps).filter((o) => o.startsWith("create") && /Cache/.test(o))).toEqual(["create berth:index:CacheHost", "create pulumi-nodejs:dynamic/berth:CacheServices"]);
    const out = await project.outputs(STACK) as { cacheUrl: string; students: Record<string, { appUrl: string }> };
    const ip = (await engine().getContainer(vmContainerName(CACHE_VM)).inspect()).NetworkSettings.Networks["berth-lab"]?.IPAddress;
    expect(out.cacheUrl).toBe(`http://${ip}`);
    // The cache host runs the cache and nothing else: no conda, no app.
    expect(await inVm(CACHE_VM, ["bash", "-c", "docker ps --format '{{.Names}}' | sort; test -e /opt/conda && echo conda || true"])).toBe("berth-cache-front\nberth-cache-pypi\nberth-cache-registry\n");
    for (const id of IDS) {
      const s = JSON.parse(await inVm(`${STACK}-${id}`, ["cat", "/var/lib/berth/status.json"])) as Status;
      expect(s).toMatchObject({ phase: "ready", unreachable: [], mirrors: { "docker-ce": "cache", installer: "cache", conda: "cache", pypi: "cache", "docker-hub": "cache" } });
      expect(await inVm(`${STACK}-${id}`, ["cat", "/etc/pip.conf"])).toContain(`index-url = ${out.cacheUrl}/pypi/simple`);
      expect(await (await fetch(out.students[id]!.appUrl)).text()).toMatch(/v1/);
    }
  });

  it("the cache served the class: every part fetched from upstream once, the rest hits", async () => {
    const { access, egress } = splitLogs(await inVm(CACHE_VM, cacheCommands.logs("berth-cache-front")));
    const rows = Object.fromEntries(cacheStats(access, egress).map((r) => [r.cache, r]));
    // Two hosts, one download from upstream of each package and installer: as many hits as misses.
    for (const part of ["docker-ce", "miniconda"]) {
      expect(rows[part]!.misses, part).toBeGreaterThan(0);
      expect(rows[part]!.hits, part).toBeGreaterThanOrEqual(rows[part]!.misses);
    }
  });

  it("pulumi destroy leaves no container, volume or network of the lab or its cache", async () => {
    const r = await project.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const d = engine();
    const mine = (labels: Record<string, string> | undefined) => (labels?.[VM_LABEL] ?? "").startsWith(`${STACK}-`) || labels?.["berth.lab"] === STACK;
    expect((await d.listContainers({ all: true })).filter((c) => mine(c.Labels) || c.Names.some((n) => n.includes(STACK)))).toEqual([]);
    expect(((await d.listVolumes()).Volumes ?? []).filter((v) => mine(v.Labels) || v.Name.includes(STACK))).toEqual([]);
    expect(await project.resources(STACK)).toEqual([]);
  });
});
