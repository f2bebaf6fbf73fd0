// A 4-student lab on local VMs under the real Pulumi engine: every host boots ready from the kit
// with the kit's app; each student's key (three berth made, one the roster gives) logs in to their
// own host and is refused by another's; `berth lab handout` lists the addresses the VMs really
// have; removing one roster row and running `up` again deletes only that student's host; `destroy`
// leaves no container, volume or network of the lab. Four VMs boot at once on two cores: the one
// such test file, and its second `up` touches only the removed student.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { engine, VM_LABEL } from "../../src/local/engine.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, listVms, vmContainerName } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { opsOf, PulumiProject, withoutSecrets } from "./pulumi.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

const run = promisify(execFile);
const STACK = "lab-t1";
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
    expect(r.stdout).toMatch(/lab lab-t1: 4 students from rosters\/lab-t1\.csv \(UTF-8 with BOM, 5 rows: 1 header\)/);
    expect(r.stdout).toMatch(/lab lab-t1 expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, in 48 h \(2d from its first creation\)/);
    expect(r.stdout).toContain("lab lab-t1 costs about 4 hosts × 48 h: no cost (local VMs run on this machine); budget 1 USD");
    expect(opsOf(r.steps).filter((o) => o.startsWith("create"))).toEqual([
      ...Array(4).fill("create berth:index:DockerHost"), "create berth:index:Lab",
      ...Array(4).fill("create pulumi-nodejs:dynamic/berth:AppDeployment"), ...Array(3).fill("create pulumi-nodejs:dynamic/berth:LabKey"),
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
      await expect(login(host, as)).rejects.toThrow(/All configured authentication methods failed/);
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
    expect(readFileSync(join(dir, "students", "lab-t1-s001", "id_ed25519"), "utf8")).toBe(keys.s001!.endsWith("\n") ? keys.s001 : `${keys.s001}\n`);
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
    expect((await listVms()).filter((v) => v.startsWith(`${STACK}-`)).sort()).toEqual(["lab-t1-s001", "lab-t1-s002", "lab-t1-s004"]);
    expect(await Promise.all(["s001", "s002", "s004"].map((id) => containerId(`${STACK}-${id}`)))).toEqual(before);
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
