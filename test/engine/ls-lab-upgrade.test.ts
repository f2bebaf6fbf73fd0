// A Tencent lab and a single Tencent host made by berth before lab hosts carried their user-data
// once (commit c7ee33c: a lab host kept its user-data as text and gzip, in its inputs and again in
// its outputs), then run by this berth through its real program, on one file backend and one local
// Tencent API server:
//   - `pulumi up` replaces nothing, creates nothing and calls no mutating API, and the lab's outputs
//     (each student's host, key and bootstrap) stay as they were;
//   - a student added to the roster gets a host whose state holds its user-data as parts (the lab's
//     files without berth's script, the student's key) in its inputs and the text's SHA-1 in its
//     inputs and outputs, a fraction of an older host's share; RunInstances gets the whole text,
//     and the host's bootstrap reads as today's, like the older hosts';
//   - `pulumi destroy` leaves the account empty.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { PROJECT_DIR } from "../helpers/config.js";
import type { RecordedRequest, TencentApiServer } from "../tencent/server.js";
import { isEmpty, PUBLIC_KEY, SECRET_ID, SECRET_KEY, startServer } from "../tencent/helpers.js";
import { opsOf, PulumiProject } from "./pulumi.js";

/** The last commit whose lab hosts kept their user-data as text and gzip, in inputs and outputs. */
const BEFORE = "c7ee33c";
const LAB = "ls-lab";
const SINGLE = "tencent";
const INSTANCE = "pulumi-nodejs:dynamic/berth:TencentInstance";
const roster = (ids: string[]) => `id,name\n${ids.map((id) => `${id},Student ${id}`).join("\n")}\n`;
const LAB_CONFIG = {
  "berth:host": { provider: "tencentcloud", region: "ap-guangzhou", zone: "ap-guangzhou-3", image: "img-487zeit5", size: "S5.MEDIUM4", sshPublicKey: PUBLIC_KEY, allowSsh: ["203.0.113.0/24"], bandwidth: 5 },
  "berth:bootstrap": { mirror: ["tencent-internal", "tencent"], pip: { mirror: "tencent" } },
  "berth:lab": { roster: `rosters/${LAB}.csv`, expires: "14d", namePrefix: LAB },
};

const root = mkdtempSync(join(tmpdir(), "berth-engine-ls-lab-upgrade-"));
const backend = join(root, "state");
let server: TencentApiServer | undefined;
let older: PulumiProject | undefined;
let newer: PulumiProject | undefined;
const api = (): TencentApiServer => {
  if (!server) throw new Error("the Tencent API stand-in did not start");
  return server;
};
const mutating = (list: RecordedRequest[]) => list.filter((r) => !/^(Describe|InquiryPrice)/.test(r.action)).map((r) => r.action);
const sent = (q: RecordedRequest) => gunzipSync(Buffer.from(String((q.params as { UserData?: string }).UserData), "base64")).toString("utf8");
type Res = { type: string; urn: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
async function hosts(p: PulumiProject, stack: string): Promise<Map<string, Res>> {
  const d = JSON.parse(await p.exportText(stack)) as { deployment: { resources?: Res[] } };
  return new Map((d.deployment.resources ?? []).filter((r) => r.type === INSTANCE).map((r) => [r.urn.split("::").pop()!, r]));
}

beforeAll(async () => {
  server = await startServer({ pendingPolls: 0, terminatingPolls: 0 });
  const checkout = join(root, "before");
  mkdirSync(checkout);
  const tar = execFileSync("git", ["archive", BEFORE, "Pulumi.yaml", "package.json", "tsconfig.json", "src", "stacks"], { cwd: PROJECT_DIR, maxBuffer: 64 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", checkout], { input: tar });
  older = new PulumiProject("ls-lab-upgrade-old", undefined, { from: checkout, stateDir: backend });
  mkdirSync(join(older.dir, "rosters"));
  writeFileSync(join(older.dir, "rosters", `${LAB}.csv`), roster(["s1", "s2", "s3"]));
  writeFileSync(join(older.dir, "stacks", `Pulumi.${LAB}.yaml`), stringify({ config: LAB_CONFIG }));
  for (const stack of [LAB, SINGLE]) {
    await older.ok(["stack", "init", stack]);
    await older.ok(["config", "set", "--stack", stack, "--secret", "tencentcloud:secretId"], { stdin: SECRET_ID });
    await older.ok(["config", "set", "--stack", stack, "--secret", "tencentcloud:secretKey"], { stdin: SECRET_KEY });
    await older.ok(["config", "set", "--stack", stack, "tencentcloud:endpoint", api().url]);
  }
  await older.ok(["config", "set", "--stack", SINGLE, "--path", "berth:host.sshPublicKey", PUBLIC_KEY]);
});

/** The single host reuses the key pair the lab imported (the same admin key): it goes first, the lab's network after. */
const TEARDOWN = [SINGLE, LAB];

afterAll(async () => {
  try {
    for (const stack of TEARDOWN)
      for (const p of [newer, older]) {
        if (!p) continue;
        const r = await p.run(["destroy", "--yes", "--stack", stack]);
        if (r.code === 0) break;
      }
    await server?.stop();
  } finally {
    older?.remove();
    newer?.remove();
    rmSync(root, { recursive: true, force: true });
  }
});

describe.sequential("a Tencent lab and a single host made before lab hosts carried their user-data once", () => {
  const before: Record<string, unknown> = {};

  it("berth at that commit makes both", async () => {
    for (const stack of [LAB, SINGLE]) {
      const r = await older!.run(["up", "--yes", "--stack", stack]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      before[stack] = await older!.outputs(stack);
    }
    expect(api().state.instances.size).toBe(4);
    // As that berth kept them: a lab host's user-data as text and gzip, in its inputs and its outputs.
    const h = (await hosts(older!, LAB)).get(`${LAB}-s1-cvm`)!;
    expect(String(h.inputs?.userData)).toMatch(/^#cloud-config\n/);
    expect(String(h.outputs?.userData)).toMatch(/^#cloud-config\n/);
    expect(typeof h.outputs?.userDataBase64).toBe("string");
  });

  it("this berth's `pulumi up` replaces nothing, makes nothing and changes nothing in the account", async () => {
    newer = new PulumiProject("ls-lab-upgrade-new", undefined, { stateDir: backend });
    cpSync(join(older!.dir, "rosters"), join(newer.dir, "rosters"), { recursive: true });
    for (const stack of [LAB, SINGLE]) copyFileSync(join(older!.dir, "stacks", `Pulumi.${stack}.yaml`), join(newer.dir, "stacks", `Pulumi.${stack}.yaml`));
    const instances = [...api().state.instances.keys()].sort();
    for (const stack of [LAB, SINGLE]) {
      const preview = await newer.withEvents(["preview", "--stack", stack]);
      expect(preview.code, preview.stdout + preview.stderr).toBe(0);
      expect(opsOf(preview.steps).filter((o) => o.includes("berth:") && !o.startsWith("same ")), stack).toEqual([]);
      const from = api().requests.length;
      const r = await newer.withEvents(["up", "--yes", "--skip-preview", "--stack", stack]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(opsOf(r.steps).filter((o) => o.includes("berth:") && !o.startsWith("same ")), stack).toEqual([]);
      expect(mutating(api().requests.slice(from)), stack).toEqual([]);
      // The lab's outputs that say what each student has (its cost estimate counts the hours left, which move).
      const pick = (o: Record<string, unknown>) => (stack === LAB ? { students: o.students, privateKeys: o.privateKeys } : o);
      expect(pick(await newer.outputs(stack)), stack).toEqual(pick(before[stack] as Record<string, unknown>));
    }
    expect([...api().state.instances.keys()].sort()).toEqual(instances);
  });

  it("a student added now gets a host whose state holds its user-data as parts and a digest, and reads as today's bootstrap", async () => {
    writeFileSync(join(newer!.dir, "rosters", `${LAB}.csv`), roster(["s1", "s2", "s3", "s4"]));
    const from = api().requests.length;
    const r = await newer!.withEvents(["up", "--yes", "--skip-preview", "--stack", LAB]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps).filter((o) => o.includes("berth:") && !o.startsWith("same "))).toEqual(["create berth:index:DockerHost", "create pulumi-nodejs:dynamic/berth:LabKey", `create ${INSTANCE}`]);
    const run = api().requests.slice(from).filter((q) => q.action === "RunInstances" && !q.errorCode);
    expect(run.length).toBe(1);
    const text = sent(run[0]!);
    const all = await hosts(newer!, LAB);
    const made = all.get(`${LAB}-s4-cvm`)!;
    expect(made.inputs?.userData).toBe(createHash("sha1").update(text, "utf8").digest("hex"));
    expect(made.inputs).not.toHaveProperty("userDataBase64");
    const students = (await newer!.outputs(LAB)).students as Record<string, { bootstrap: string; publicKey: string }>;
    expect((made.inputs?.userDataParts as { studentKey: string }).studentKey).toBe(students.s4?.publicKey);
    expect(text).toContain(`ssh_authorized_keys:\n  - ${students.s4?.publicKey}\n`);
    expect(made.outputs?.userData).toBe(made.inputs?.userData);
    for (const k of ["userDataBase64", "userDataParts"]) expect(made.outputs).not.toHaveProperty(k);
    // The hosts made before keep what they recorded: nothing rewrote them.
    expect(String(all.get(`${LAB}-s1-cvm`)!.outputs?.userData)).toMatch(/^#cloud-config\n/);
    const size = (h: Res) => JSON.stringify({ inputs: h.inputs, outputs: h.outputs }).length;
    expect(size(made)).toBeLessThan(size(all.get(`${LAB}-s1-cvm`)!) / 3);
    expect(students.s4?.bootstrap).toMatch(/^[0-9a-f]{12}$/);
    expect(students.s1?.bootstrap).toBe(students.s4?.bootstrap);
  });

  it("this berth's `pulumi destroy` empties the account", async () => {
    for (const stack of TEARDOWN) {
      const r = await newer!.run(["destroy", "--yes", "--stack", stack]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    expect(isEmpty(api())).toBe(true);
  });
});
