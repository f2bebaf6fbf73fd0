// The state must not depend on where the checkout lives. Under the real Pulumi engine, with one
// file backend shared by several copies of the project (as a teammate's clone, a new CI runner
// or act's per-job directory share S3 state):
//  1. `pulumi up` from one copy, that copy deleted, then an update and `pulumi destroy` from
//     another copy;
//  2. a state written by berth before this change (commit 981e128, whose providers recorded
//     absolute module paths) from a copy that is then deleted: the current code updates it (a
//     no-op update that stores the current provider, the VM untouched) and destroys it.
// Each part boots a local VM named with this file's `cl-` prefix and removes it.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { engine } from "../../src/local/engine.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, listVms, vmContainerName } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { opsOf, PulumiProject, withoutSecrets } from "./pulumi.js";

/** The last commit whose dynamic providers serialized absolute paths of the checkout. */
const OLD_COMMIT = "981e128";
const kit = kitInfo();
const root = mkdtempSync(join(tmpdir(), "berth-engine-cl-moved-"));
const VMS = ["cl-moved", "cl-oldstate"];
/** VMs this run made (checked absent first), and so may remove. */
const owned = new Set<string>();

/** The local stack, conda off (faster), its VM named `vm`. */
/** The local stack of the project in `dir` (its own version of the file), for VM `vm`. */
function stackFile(vm: string, dir = PROJECT_DIR): string {
  const doc = parse(withoutSecrets(readFileSync(join(dir, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, Record<string, unknown>> };
  doc.config["berth:host"] = { ...doc.config["berth:host"], name: vm };
  doc.config["berth:bootstrap"] = { ...doc.config["berth:bootstrap"], conda: { enabled: false }, pip: {} };
  return stringify(doc);
}

async function newStack(p: PulumiProject, stack: string, vm: string, own = false): Promise<void> {
  writeFileSync(join(p.dir, "stacks", `Pulumi.${stack}.yaml`), stackFile(vm, own ? p.dir : PROJECT_DIR));
  await p.ok(["stack", "init", stack]);
  await p.ok(["config", "set", "--stack", stack, "--path", "berth:app.registry.password", "--secret"], { stdin: kit.registryPassword });
}

/** The stack file is part of the repository: a second clone has it, encryption salt and secrets included. */
function cloneStack(from: PulumiProject, to: PulumiProject, stack: string): void {
  copyFileSync(join(from.dir, "stacks", `Pulumi.${stack}.yaml`), join(to.dir, "stacks", `Pulumi.${stack}.yaml`));
}

const containerId = async (vm: string) => (await engine().getContainer(vmContainerName(vm)).inspect()).Id;
const appBody = async (url: unknown) => (await (await fetch(String(url))).text()).trim();

/** The providers' serialized code in the state, for what it names. */
async function storedProviders(p: PulumiProject, stack: string): Promise<string> {
  const resources = await p.resources(stack);
  return resources.map((r) => String(r.outputs?.__provider ?? "")).join("\n");
}

beforeAll(async () => {
  const present = await listVms();
  for (const vm of VMS) {
    expect(present, `a VM named ${vm} exists already; it is not this test's to touch`).not.toContain(vm);
    owned.add(vm);
  }
});

afterAll(async () => {
  for (const vm of owned) if ((await listVms()).includes(vm)) await destroyVm(vm);
  rmSync(root, { recursive: true, force: true });
});

describe.sequential("up from one copy, update and destroy from another", () => {
  const STACK = "clmoved";
  const backend = join(root, "shared-state-1");
  let first: PulumiProject | undefined;
  let second: PulumiProject | undefined;
  afterAll(async () => {
    if (second) await second.run(["destroy", "--yes", "--stack", STACK]);
    first?.remove();
    second?.remove();
  });

  it("pulumi up from the first copy; the state names no path of it", async () => {
    first = new PulumiProject("cl-moved-a", undefined, { stateDir: backend });
    await newStack(first, STACK, "cl-moved");
    const r = await first.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await appBody((await first.outputs(STACK)).appUrl)).toBe("v1");
    expect((await storedProviders(first, STACK)).includes(first.dir)).toBe(false);
  });

  it("with the first copy gone, an update and a destroy from the second copy work", async () => {
    second = new PulumiProject("cl-moved-b", undefined, { stateDir: backend });
    cloneStack(first!, second, STACK);
    const firstDir = first!.dir;
    first!.remove();
    first = undefined;
    const vmBefore = await containerId("cl-moved");

    await second.ok(["config", "set", "--stack", STACK, "--path", "berth:app.image", kit.appImages.v2]);
    const up = await second.withEvents(["up", "--yes", "--stack", STACK]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout + up.stderr).not.toContain(firstDir);
    expect(opsOf(up.steps).filter((o) => o.includes("berth:"))).toEqual([
      "same berth:index:DockerHost", "same pulumi-nodejs:dynamic/berth:LocalVm", "update pulumi-nodejs:dynamic/berth:AppDeployment",
    ]);
    expect(await containerId("cl-moved")).toBe(vmBefore);
    expect(await appBody((await second.outputs(STACK)).appUrl)).toBe("v2");

    // The LocalVm was last written from the first copy: its stored provider deletes it from here.
    const down = await second.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(opsOf(down.steps).filter((o) => o.includes("berth:"))).toEqual([
      "delete berth:index:DockerHost", "delete pulumi-nodejs:dynamic/berth:AppDeployment", "delete pulumi-nodejs:dynamic/berth:LocalVm",
    ]);
    expect(await listVms()).not.toContain("cl-moved");
    expect(await second.resources(STACK)).toEqual([]);
  });
});

describe.sequential(`a state written by berth at ${OLD_COMMIT}, from a checkout that no longer exists`, () => {
  const STACK = "cloldstate";
  const backend = join(root, "shared-state-2");
  let old: PulumiProject | undefined;
  let current: PulumiProject | undefined;
  afterAll(async () => {
    if (current) await current.run(["destroy", "--yes", "--stack", STACK]);
    old?.remove();
    current?.remove();
  });

  it(`pulumi up with the code of ${OLD_COMMIT}: its state names that checkout's paths`, async () => {
    const source = join(root, "old-checkout");
    mkdirSync(source);
    try {
      execFileSync("bash", ["-c", `git -C "${PROJECT_DIR}" archive ${OLD_COMMIT} | tar -x -C "${source}"`], { stdio: ["ignore", "ignore", "pipe"] });
    } catch (e) {
      throw new Error(`this test needs the repository's history (commit ${OLD_COMMIT}) to run the old code: ${String(e)}`);
    }
    old = new PulumiProject("cl-oldstate-old", undefined, { from: source, stateDir: backend });
    rmSync(source, { recursive: true, force: true });
    // That commit's code with that commit's local stack (today's names settings it did not know).
    await newStack(old, STACK, "cl-oldstate", true);
    const r = await old.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await appBody((await old.outputs(STACK)).appUrl)).toBe("v1");
    expect((await storedProviders(old, STACK)).includes(join(old.dir, "src/deploy/ssh.ts"))).toBe(true);
  });

  it("with that checkout gone, the current code updates the state (the VM untouched) and destroys it", async () => {
    current = new PulumiProject("cl-oldstate-new", undefined, { stateDir: backend });
    cloneStack(old!, current, STACK);
    const oldDir = old!.dir;
    old!.remove();
    old = undefined;
    const vmBefore = await containerId("cl-oldstate");

    const up = await current.withEvents(["up", "--yes", "--stack", STACK]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    // The stored providers are replaced by a no-op update of each berth resource.
    expect(opsOf(up.steps).filter((o) => o.includes("berth:"))).toEqual([
      "same berth:index:DockerHost", "update pulumi-nodejs:dynamic/berth:AppDeployment", "update pulumi-nodejs:dynamic/berth:LocalVm",
    ]);
    expect(await containerId("cl-oldstate")).toBe(vmBefore);
    expect(await appBody((await current.outputs(STACK)).appUrl)).toBe("v1");
    expect((await storedProviders(current, STACK)).includes(oldDir)).toBe(false);

    const down = await current.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(await listVms()).not.toContain("cl-oldstate");
    expect(await current.resources(STACK)).toEqual([]);
  });
});
