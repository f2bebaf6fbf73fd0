// A single-host Tencent host written by berth before labs (commit b17ca40's provider: its own key pair
// and security group, the provider's code serialized into the state), then run by this berth:
// `pulumi up` changes nothing (no replacement: the inputs labs added are absent, which means the
// old behaviour), and `pulumi destroy` removes the instance, group and key pair. Both copies share
// one file backend and one local Tencent API server, and run the same small program that makes
// one TencentInstance from each copy's own provider with a fixed user-data: what is tested is the
// provider's upgrade, not whether two berth versions render the same bootstrap (a new bootstrap
// replaces a host, as the README says).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../helpers/config.js";
import type { TencentApiServer } from "../tencent/server.js";
import { isEmpty, PUBLIC_KEY, SECRET_ID, SECRET_KEY, startServer } from "../tencent/helpers.js";
import { opsOf, PulumiProject } from "./pulumi.js";

const STACK = "tencent";
/** One host from the copy's own TencentInstance (the same arguments in both versions). */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { TencentInstance } from "./components/tencent/provider.js";
const tc = new pulumi.Config("tencentcloud");
const host = new TencentInstance("lt-upgrade-cvm", {
  region: "ap-guangzhou", zone: "ap-guangzhou-3", imageId: "img-487zeit5", instanceType: "S5.MEDIUM4",
  userData: "#cloud-config\\n# berth lt-upgrade\\n", publicKey: new pulumi.Config("berth").require("publicKey"),
  instanceName: "lt-upgrade", sshCidrs: ["203.0.113.0/24"], appPorts: [8080], bandwidthOut: 5,
  secretId: tc.requireSecret("secretId"), secretKey: tc.requireSecret("secretKey"), endpoint: tc.require("endpoint"),
});
export const instanceId = host.instanceId;
`;
/** The last commit before the lab work on the Tencent provider. */
const BEFORE_LABS = "b17ca40";
const root = mkdtempSync(join(tmpdir(), "berth-engine-lt-upgrade-"));
const backend = join(root, "state");
let server: TencentApiServer | undefined;
let older: PulumiProject | undefined;
let newer: PulumiProject | undefined;

const api = (): TencentApiServer => {
  if (!server) throw new Error("the Tencent API stand-in did not start");
  return server;
};

beforeAll(async () => {
  server = await startServer({ pendingPolls: 1, terminatingPolls: 1 });
  // That commit's files, as a checkout of berth before labs.
  const checkout = join(root, "main");
  mkdirSync(checkout);
  const tar = execFileSync("git", ["archive", BEFORE_LABS, "Pulumi.yaml", "package.json", "tsconfig.json", "src", "stacks"], { cwd: PROJECT_DIR, maxBuffer: 64 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", checkout], { input: tar });
  older = new PulumiProject("lt-upgrade-old", undefined, { from: checkout, stateDir: backend });
  writeFileSync(join(older.dir, "src", "index.ts"), PROGRAM);
  await older.ok(["stack", "init", STACK]);
  await older.ok(["config", "set", "--stack", STACK, "--secret", "tencentcloud:secretId"], { stdin: SECRET_ID });
  await older.ok(["config", "set", "--stack", STACK, "--secret", "tencentcloud:secretKey"], { stdin: SECRET_KEY });
  await older.ok(["config", "set", "--stack", STACK, "tencentcloud:endpoint", api().url]);
  await older.ok(["config", "set", "--stack", STACK, "berth:publicKey", PUBLIC_KEY]);
});

afterAll(async () => {
  try {
    for (const p of [newer, older]) {
      if (!p) continue;
      const r = await p.run(["destroy", "--yes", "--stack", STACK]);
      if (r.code === 0) break;
    }
    await server?.stop();
  } finally {
    older?.remove();
    newer?.remove();
    rmSync(root, { recursive: true, force: true });
  }
});

describe.sequential("a Tencent state written before labs", () => {
  it("berth before labs creates the host with its own key pair and security group", async () => {
    const r = await older!.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect([api().state.instances.size, api().state.securityGroups.size, api().state.keyPairs.size]).toEqual([1, 1, 1]);
  });

  it("this berth's `pulumi up` replaces nothing and calls no mutating API", async () => {
    newer = new PulumiProject("lt-upgrade-new", undefined, { stateDir: backend });
    writeFileSync(join(newer.dir, "src", "index.ts"), PROGRAM);
    copyFileSync(join(older!.dir, "stacks", `Pulumi.${STACK}.yaml`), join(newer.dir, "stacks", `Pulumi.${STACK}.yaml`));
    const instance = [...api().state.instances.keys()];
    const from = api().requests.length;
    const r = await newer.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps).filter((o) => o.includes("berth:"))).toEqual(["same pulumi-nodejs:dynamic/berth:TencentInstance"]);
    expect(api().requests.slice(from).filter((q) => !/^Describe/.test(q.action))).toEqual([]);
    expect([...api().state.instances.keys()]).toEqual(instance);
  });

  it("this berth's `pulumi destroy` removes the instance, its security group and key pair", async () => {
    const r = await newer!.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(isEmpty(api())).toBe(true);
    expect(await newer!.resources(STACK)).toEqual([]);
  });
});
