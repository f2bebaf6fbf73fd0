// Where berth's dynamic providers find their code when they run. The serialized provider carries
// no path of the checkout that made it: run from another copy of the project it loads that
// copy's modules, and from a directory without berth it says what to do. A resource whose
// stored provider predates this (no providerFormat) gets a no-op update that runs nothing on the
// host, so its state carries the current provider. (The engine tier runs the same across copies:
// test/engine/cl-moved-checkout.test.ts.)
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { appDeploymentProvider, splitAppSecrets, type AppDeploymentOutputs } from "../../src/components/app-deployment.js";
import { existingHostProvider, type ExistingHostOutputs } from "../../src/components/existing-host.js";
import { localVmProvider, type LocalVmOutputs } from "../../src/components/local-vm.js";
import { PROVIDER_FORMAT } from "../../src/components/runtime-require.js";
import { appSchema } from "../../src/config/sections/app.js";
import { PROJECT_DIR } from "../helpers/config.js";

const root = mkdtempSync(join(tmpdir(), "berth-provider-code-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `code` against the serialized LocalVm provider `p` in a fresh node process with the given working directory. */
async function runSerialized(cwd: string, code: string): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => localVmProvider);
  const file = join(root, `provider-${Math.random().toString(16).slice(2)}.js`);
  writeFileSync(file, sf.text);
  // As Pulumi's dynamic provider host runs it: require-from-string, then handler(), in the project directory.
  const script = `
    const p = require(${JSON.stringify(join(PROJECT_DIR, "node_modules/require-from-string"))})(require("fs").readFileSync(${JSON.stringify(file)}, "utf8")).handler();
    (async () => { ${code} })().then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ error: e.message })));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd });
  return stdout.trim();
}

describe("the serialized provider finds berth where it runs", () => {
  it("loads the modules of the project it runs in, not of the checkout that serialized it", async () => {
    const copy = join(root, "moved-project");
    mkdirSync(copy);
    cpSync(join(PROJECT_DIR, "src"), join(copy, "src"), { recursive: true });
    symlinkSync(join(PROJECT_DIR, "node_modules"), join(copy, "node_modules"), "dir");
    // The copy's local/vm.ts answers differently from the real one, so the test sees which one ran.
    writeFileSync(join(copy, "src/local/vm.ts"), 'export async function listVms(): Promise<string[]> { return ["vm-of-the-copy"]; }\n');
    const out = await runSerialized(join(copy, "src"), 'return await p.read("vm-of-the-copy", { vmName: "vm-of-the-copy" });');
    expect(JSON.parse(out)).toEqual({ id: "vm-of-the-copy", props: { vmName: "vm-of-the-copy" } });
  });

  it("says what to do when run outside a berth project", async () => {
    const elsewhere = join(root, "elsewhere");
    mkdirSync(elsewhere);
    symlinkSync(join(PROJECT_DIR, "node_modules"), join(elsewhere, "node_modules"), "dir");
    const out = JSON.parse(await runSerialized(elsewhere, 'return await p.read("x", {});')) as { error: string };
    expect(out.error).toBe(
      `berth: cannot find its module src/local/vm.ts from ${elsewhere} (looked at ${join(elsewhere, "src/local/vm.ts")} and its parents) — run pulumi in the berth project directory, where Pulumi.yaml is, after npm ci`,
    );
  });
});

describe("a state written by an older berth gets the current provider through a no-op update", () => {
  // Unreachable targets: any SSH or Docker call would fail these tests.
  const split = splitAppSecrets(appSchema.parse({ image: "registry.lab:5000/team/web:v3" }));
  const appOlds: AppDeploymentOutputs = {
    target: { host: "127.0.0.1", port: 1, user: "root", hostKeyFingerprint: "" }, app: split.app, secrets: { privateKey: "k", secretEnv: {} },
    release: "r1", imageId: "sha256:1", seenHostKey: "SHA256:seen",
  };

  it("AppDeployment: an update without SSH, then no changes", async () => {
    const news = { target: appOlds.target, app: appOlds.app, secrets: appOlds.secrets };
    expect(await appDeploymentProvider.diff("id", appOlds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const { outs } = await appDeploymentProvider.update("id", appOlds, news);
    expect(outs).toEqual({ ...appOlds, providerFormat: PROVIDER_FORMAT });
    expect(await appDeploymentProvider.diff("id", outs!, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  it("ExistingHost: an update without SSH, then no changes", async () => {
    const inputs = { address: "127.0.0.1", port: 1, user: "root", hostKeyFingerprint: "", files: [], privateKey: "k" };
    const olds: ExistingHostOutputs = { ...inputs, phase: "ready", mirrors: {}, seenHostKey: "SHA256:seen" };
    expect(await existingHostProvider.diff("id", olds, inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const { outs } = await existingHostProvider.update("id", olds, inputs);
    expect(outs).toEqual({ ...olds, providerFormat: PROVIDER_FORMAT });
    expect((await existingHostProvider.diff("id", outs!, inputs)).changes).toBe(false);
  });

  it("LocalVm: an update that leaves the VM alone, then no changes", async () => {
    const inputs = { vmName: "cl-gone", userData: "#cloud-config\n", timeoutSeconds: 900 };
    const olds = { ...inputs, ip: "172.20.0.9", sshPort: 32999, hostKeyFingerprint: "SHA256:vm", containerId: "c0ffee", privateKey: "" } as LocalVmOutputs;
    expect(await localVmProvider.diff("cl-gone", olds, inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const { outs } = await localVmProvider.update("cl-gone", olds, inputs);
    expect(outs).toEqual({ ...olds, providerFormat: PROVIDER_FORMAT });
    expect((await localVmProvider.diff("cl-gone", outs!, inputs)).changes).toBe(false);
  });

  it("a change that would replace waits for the next run: first the update that stores the provider", async () => {
    // The old provider's delete may name a checkout that no longer exists; the current one can run it.
    const inputs = { vmName: "cl-gone", userData: "#cloud-config\n", timeoutSeconds: 900 };
    const olds = { ...inputs, ip: "172.20.0.9", sshPort: 32999, hostKeyFingerprint: "SHA256:vm", containerId: "c0ffee", privateKey: "" } as LocalVmOutputs;
    const news = { ...inputs, userData: "#cloud-config\n# a newer bootstrap\n" };
    expect(await localVmProvider.diff("cl-gone", olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const { outs } = await localVmProvider.update("cl-gone", olds, news);
    expect(outs).toEqual({ ...olds, providerFormat: PROVIDER_FORMAT });
    expect(await localVmProvider.diff("cl-gone", outs!, news)).toEqual({ changes: true, replaces: ["userData"], deleteBeforeReplace: true });

    const moved = { target: { ...appOlds.target, host: "127.0.0.2" }, app: appOlds.app, secrets: appOlds.secrets };
    expect(await appDeploymentProvider.diff("id", appOlds, moved)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const app = await appDeploymentProvider.update("id", appOlds, moved);
    expect(app.outs).toEqual({ ...appOlds, providerFormat: PROVIDER_FORMAT });
    expect((await appDeploymentProvider.diff("id", app.outs!, moved)).replaces).toEqual(["target"]);

    const server = { address: "127.0.0.1", port: 1, user: "root", hostKeyFingerprint: "", files: [], privateKey: "k" };
    const serverOlds: ExistingHostOutputs = { ...server, phase: "ready", mirrors: {}, seenHostKey: "SHA256:seen" };
    const elsewhere = { ...server, address: "127.0.0.2" };
    expect(await existingHostProvider.diff("id", serverOlds, elsewhere)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const host = await existingHostProvider.update("id", serverOlds, elsewhere);
    expect(host.outs).toEqual({ ...serverOlds, providerFormat: PROVIDER_FORMAT });
    expect((await existingHostProvider.diff("id", host.outs!, elsewhere)).replaces).toEqual(["address"]);
  });
});
