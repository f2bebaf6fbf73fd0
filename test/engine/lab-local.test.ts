// A 4-student lab on local VMs under the real Pulumi engine: every host boots ready from the kit
// with the kit's app; each student's key (three berth made, one the roster gives) logs in to their
// own host and is refused by another's; `berth lab handout` lists the addresses the VMs really
// have; removing one roster row and running `up` again deletes only that student's host; a new
// bootstrap (a config change that alters only the user-data, as a berth upgrade does) rebuilds
// none of them — each keeps the user-data it booted with, and preview counts them — while a
// student added after it gets the new one; `destroy` leaves no container, volume or network of the
// lab. Four VMs boot at once on two cores: the one such test file; later `up`s touch only the
// student removed or added. The lab (and so each VM's name) starts with BERTH_TEST_VM_PREFIX
// (default it-), so runs by several people on one engine never meet.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { engine, execIn, VM_LABEL } from "../../src/local/engine.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, listVms, vmContainerName } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { testVmName } from "../integration/helpers.js";
import { opsOf, PulumiProject, withoutSecrets } from "./pulumi.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

const run = promisify(execFile);
const STACK = testVmName("lab");
const IDS = ["s001", "s002", "s003", "s004"];
const VMS = IDS.map((id) => `${STACK}-${id}`);
const kit = kitInfo();
const project = new PulumiProject(STACK);
const own = ed25519KeyPair("s004-own");
const rosterFile = join(project.dir, "rosters", `${STACK}.csv`);
const roster = (ids: string[]) => `\uFEFF学号,姓名,公钥\r\n${ids.map((id) => `${id},Student ${id},${id === "s004" ? own.public : ""}`).join("\r\n")}\r\n`;

interface StudentOut { host: string; port: number; user: string; hostKeyFingerprint: string; appUrl: string; keySource: string; hostName: string }
let students: Record<string, StudentOut> = {};
let keys: Record<string, string> = {};
const keyOf = (id: string) => (id === "s004" ? own.private : keys[id]!);

async function login(id: string, as: string): Promise<string> {
  const s = students[id]!;
  const ex = new SshExecutor({ host: s.host, port: s.port, username: s.user, privateKey: new Sensitive(keyOf(as)), hostKeyFingerprint: s.hostKeyFingerprint, retries: 0 });
  try {
    await ex.connect();
    return (await ex.exec(["cat", "/var/lib/berth/status.json"])).stdout;
  } finally {
    await ex.close();
  }
}
const containerId = async (vm: string) => (await engine().getContainer(vmContainerName(vm)).inspect()).Id;
/** The user-data a VM booted with, as cloud-init inside it reads it (the NoCloud seed). */
async function seedOf(vm: string): Promise<string> {
  const r = await execIn(await containerId(vm), ["cat", "/var/lib/cloud/seed/nocloud/user-data"]);
  if (r.code !== 0) throw new Error(`reading ${vm}'s seed: ${r.stderr}`);
  return r.stdout;
}
const outputs = async () => (await project.outputs(STACK)) as { students: Record<string, StudentOut & { bootstrap: string }> };
/** Pulumi's output with its line breaks and indentation folded, so a long message reads as one line. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ");
let owns = false;

beforeAll(async () => {
  const clash = (await listVms()).filter((v) => v.startsWith(`${STACK}-`));
  expect(clash, "local VMs of this test's lab exist already; remove them first").toEqual([]);
  owns = true;
  const local = parse(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, unknown> };
  const config = { ...local.config, "berth:lab": { roster: `rosters/${STACK}.csv`, expires: "2d", namePrefix: STACK, budget: { amount: 1, currency: "USD" } } };
  writeFileSync(join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), stringify({ config }));
  await run("mkdir", ["-p", join(project.dir, "rosters")]);
  writeFileSync(rosterFile, roster(IDS));
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

const berth = (args: string[]) => run("npx", ["tsx", join(PROJECT_DIR, "src/cli/main.ts"), ...args], { cwd: project.dir, env: project.env, maxBuffer: 16 << 20 });

describe.sequential("a 4-student lab on local VMs", () => {
  it("preview says when the lab expires and what it costs, and creates nothing", async () => {
    const r = await project.withEvents(["preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`lab ${STACK}: 4 students from rosters/${STACK}.csv (UTF-8 with BOM, 5 rows: 1 header)`);
    expect(r.stdout).toMatch(new RegExp(`lab ${STACK} expires \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, in 48 h \\(2d from its first creation\\)`));
    expect(r.stdout).toContain(`lab ${STACK} costs about 4 hosts × 48 h: no cost (local VMs run on this machine); budget 1 USD`);
    expect(opsOf(r.steps).filter((o) => o.startsWith("create"))).toEqual([
      ...Array(4).fill("create berth:index:DockerHost"), "create berth:index:Lab",
      ...Array(4).fill("create pulumi-nodejs:dynamic/berth:AppDeployment"), ...Array(3).fill("create pulumi-nodejs:dynamic/berth:LabKey"),
      // The lab's start (expires: 2d counts from it), kept in a resource the hosts' expiry reads.
      "create pulumi-nodejs:dynamic/berth:LabStart",
      ...Array(4).fill("create pulumi-nodejs:dynamic/berth:LocalVm"),
      // The provider of the lab's read of its own last outputs (pulumi:pulumi:StackReference).
      "create pulumi:providers:pulumi", "create pulumi:providers:pulumi-nodejs", "create pulumi:pulumi:Stack",
    ]);
    expect((await listVms()).filter((v) => v.startsWith(`${STACK}-`))).toEqual([]);
  });

  it("pulumi up makes one host per student, each ready from the kit with the app", async () => {
    const r = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse((await project.ok(["stack", "output", "--json", "--show-secrets", "--stack", STACK])).stdout) as { students: Record<string, StudentOut>; studentKeys: Record<string, string>; lab: { expiresAt: string } };
    students = out.students;
    keys = out.studentKeys;
    expect(Object.keys(students).sort()).toEqual(IDS);
    expect(Object.keys(keys).sort()).toEqual(["s001", "s002", "s003"]);
    expect(students.s004?.keySource).toBe("roster");
    // No private key outside the secret output.
    const plain = (await project.ok(["stack", "output", "--json", "--stack", STACK])).stdout;
    expect(plain).not.toContain("PRIVATE KEY");
    expect(project.backendText()).not.toContain(keys.s001!.split("\n")[1]!);
    for (const vm of VMS) expect((await engine().getContainer(vmContainerName(vm)).inspect()).Config.Labels).toMatchObject({ "berth.lab": STACK, "berth.expires": out.lab.expiresAt });
    for (const id of IDS) {
      const res = await fetch(students[id]!.appUrl);
      expect(await res.text()).toMatch(/v1/);
    }
  });

  it("each student's key logs in to their own host, which is ready, and is refused by the others'", async () => {
    for (const id of IDS) expect(JSON.parse(await login(id, id)).phase).toBe("ready");
    for (const [host, as] of [["s001", "s002"], ["s002", "s004"], ["s004", "s003"], ["s003", "s001"]] as const) {
      await expect(login(host, as)).rejects.toThrow(/: the server refused the SSH private key for user debian — /);
    }
  });

  it("berth lab handout lists the addresses the VMs have, and reap leaves a lab that has not expired", async () => {
    const stackFile = join(project.dir, "stacks", `Pulumi.${STACK}.yaml`);
    await berth(["lab", "handout", "--stack", stackFile]);
    const dir = join(project.dir, "handouts", STACK);
    const csv = readFileSync(join(dir, "instructor.csv"), "utf8");
    for (const [i, id] of IDS.entries()) {
      const info = await engine().getContainer(vmContainerName(VMS[i]!)).inspect();
      const port = info.NetworkSettings.Ports["22/tcp"]?.[0]?.HostPort;
      expect(csv).toContain(`"${id}","Student ${id}","","127.0.0.1","debian","${port}"`);
      expect(readFileSync(join(dir, "students", VMS[i]!, "handout.en.md"), "utf8")).toContain(`-p ${port} debian@127.0.0.1`);
    }
    expect(readFileSync(join(dir, "students", `${STACK}-s001`, "id_ed25519"), "utf8")).toBe(keys.s001!.endsWith("\n") ? keys.s001 : `${keys.s001}\n`);
    const reap = await berth(["lab", "reap", "--stack", stackFile, "--json"]);
    expect(JSON.parse(reap.stdout)).toMatchObject({ stack: STACK, action: "none", why: "not-expired", exitCode: 0 });
  });

  it("removing one roster row and running up again deletes only that student's host", async () => {
    const before = await Promise.all(["s001", "s002", "s004"].map((id) => containerId(`${STACK}-${id}`)));
    writeFileSync(rosterFile, roster(["s004", "s001", "s002"]));
    const r = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(opsOf(r.steps).filter((o) => !o.startsWith("same") && !o.startsWith("read"))).toEqual([
      "delete berth:index:DockerHost", "delete pulumi-nodejs:dynamic/berth:AppDeployment", "delete pulumi-nodejs:dynamic/berth:LabKey", "delete pulumi-nodejs:dynamic/berth:LocalVm",
    ]);
    expect((await listVms()).filter((v) => v.startsWith(`${STACK}-`)).sort()).toEqual([`${STACK}-s001`, `${STACK}-s002`, `${STACK}-s004`]);
    expect(await Promise.all(["s001", "s002", "s004"].map((id) => containerId(`${STACK}-${id}`)))).toEqual(before);
  });

  it("a new bootstrap rebuilds no student's host: each keeps the user-data it booted with, preview counts them, and only a new student's host gets the new one", async () => {
    const kept = ["s001", "s002", "s004"];
    const before = await Promise.all(kept.map((id) => containerId(`${STACK}-${id}`)));
    const seeds = await Promise.all(kept.map((id) => seedOf(`${STACK}-${id}`)));
    const made = (await outputs()).students;
    for (const seed of seeds) expect(seed).not.toContain("scipy");
    // A bootstrap change that alters only the user-data (like a berth upgrade), and s003 back in the roster.
    await project.ok(["config", "set", "--stack", STACK, "--path", "berth:bootstrap.conda.env.packages[0]", "scipy"]);
    writeFileSync(rosterFile, roster(IDS));
    const preview = await project.withEvents(["preview", "--stack", STACK]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    expect(oneLine(preview.stdout)).toContain(
      `lab ${STACK}: 3 of 4 hosts (${STACK}-s001, ${STACK}-s002, ${STACK}-s004) keep the bootstrap they were made with, older than the one berth renders now (a berth upgrade or a berth:bootstrap change): pulumi up leaves their user-data alone so their students keep their work, and only new students' hosts get the new one. ` +
        `To rebuild a host with it — everything on it is lost — replace it by its URN (pulumi stack --show-urns lists them): pulumi up --replace 'urn:pulumi:${STACK}::berth::berth:index:Lab$berth:index:DockerHost$pulumi-nodejs:dynamic/berth:LocalVm::${STACK}-s001-vm'`,
    );
    const r = await project.withEvents(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Only s003's host is made; nothing of the others is replaced or updated.
    expect(opsOf(r.steps).filter((o) => o.includes("berth:") && !o.startsWith("same") && !o.startsWith("read")).sort()).toEqual([
      "create berth:index:DockerHost", "create pulumi-nodejs:dynamic/berth:AppDeployment", "create pulumi-nodejs:dynamic/berth:LabKey", "create pulumi-nodejs:dynamic/berth:LocalVm",
    ]);
    expect(await Promise.all(kept.map((id) => containerId(`${STACK}-${id}`)))).toEqual(before);
    expect(await Promise.all(kept.map((id) => seedOf(`${STACK}-${id}`)))).toEqual(seeds);
    expect(await seedOf(`${STACK}-s003`)).toContain("scipy");
    // The students output says which bootstrap each host was made with: the old one, and s003 the new one.
    const now = (await outputs()).students;
    for (const id of kept) expect(now[id]?.bootstrap).toBe(made[id]?.bootstrap);
    expect(now.s003?.bootstrap).toMatch(/^[0-9a-f]{12}$/);
    expect(now.s003?.bootstrap).not.toBe(made.s001?.bootstrap);
  });

  it("pulumi destroy leaves no container, volume or network of the lab", async () => {
    const r = await project.withEvents(["destroy", "--yes", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const d = engine();
    const mine = (labels: Record<string, string> | undefined) => (labels?.[VM_LABEL] ?? "").startsWith(`${STACK}-`) || labels?.["berth.lab"] === STACK;
    expect((await d.listContainers({ all: true })).filter((c) => mine(c.Labels) || c.Names.some((n) => n.includes(STACK)))).toEqual([]);
    expect(((await d.listVolumes()).Volumes ?? []).filter((v) => mine(v.Labels) || v.Name.includes(STACK))).toEqual([]);
    expect((await d.listNetworks()).filter((n) => mine(n.Labels) || n.Name.includes(STACK))).toEqual([]);
    expect(await project.resources(STACK)).toEqual([]);
  });
});
