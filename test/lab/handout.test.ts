// Handouts from a lab stack's outputs: each student's own folder (Markdown and HTML, English and
// Chinese, the key berth made with mode 0600), the instructor's table with formula-looking cells
// neutralised, written again without change, a removed student's folder removed, and no student's
// secrets in another's handout. `berth lab handout` and `berth lab reap` run with a recorded
// Pulumi CLI here (the real one runs in test/engine/lab-local.test.ts).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { labHandoutCommand, labInitCommand, labReapCommand } from "../../src/cli/lab.js";
import type { RunPulumi } from "../../src/cli/lab-pulumi.js";
import type { StudentHost } from "../../src/components/lab.js";
import { safeCell, toCsv } from "../../src/lab/csv-out.js";
import { writeHandouts, type LabStackOutputs } from "../../src/lab/handout-files.js";
import { reapDecision } from "../../src/lab/reap.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

const root = mkdtempSync(join(tmpdir(), "berth-lab-handout-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const student = (id: string, name: string, port: number, keySource: "berth" | "roster"): StudentHost => ({
  id, name, email: `${id}@uni.edu`, hostName: `ml-${id}`, host: "127.0.0.1", user: "debian", port, ssh: `ssh -p ${port} debian@127.0.0.1`,
  hostKeyFingerprint: `SHA256:${id.padEnd(43, "x")}`, appUrl: `http://172.30.0.${port - 40000}:8080/`, keySource, publicKey: `ssh-ed25519 AAAA ${id}`,
});
const OUT: LabStackOutputs = {
  lab: { name: "ml", expires: "2027-01-16 00:00 Asia/Shanghai (2027-01-15T16:00:00Z)", expiresAt: "2027-01-15T16:00:00.000Z", handouts: "handouts/ml", students: 3 },
  students: { s001: student("s001", "Ada", 40001, "berth"), s002: student("s002", "=HYPERLINK(\"http://evil\")", 40002, "roster"), s003: student("s003", "张三", 40003, "berth") },
  studentKeys: { s001: ed25519KeyPair("berth-ml-s001").private, s003: ed25519KeyPair("berth-ml-s003").private },
};
const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();

describe("handouts", () => {
  const dir = join(root, "handouts");

  it("one folder per student, with their key (0600) only when berth made it", () => {
    writeHandouts(OUT, dir, { condaEnv: "lab" });
    expect(files(dir)).toEqual([
      "instructor.csv", "instructor.md",
      ...["ml-s001", "ml-s002", "ml-s003"].flatMap((h) => [
        `students/${h}/.berth-handout`, `students/${h}/handout.en.html`, `students/${h}/handout.en.md`, `students/${h}/handout.zh.html`, `students/${h}/handout.zh.md`,
        ...(h === "ml-s002" ? [] : [`students/${h}/id_ed25519`]),
      ]),
    ].sort());
    expect(statSync(join(dir, "students/ml-s001/id_ed25519")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "students/ml-s001/id_ed25519"), "utf8")).toBe(OUT.studentKeys!.s001);
    const en = readFileSync(join(dir, "students/ml-s001/handout.en.md"), "utf8");
    expect(en).toContain("ssh -i id_ed25519 -p 40001 debian@127.0.0.1");
    expect(en).toContain("conda activate lab");
    expect(en).toContain("docker ps");
    expect(en).toContain(`answer yes only if the fingerprint it shows is SHA256:${"s001".padEnd(43, "x")}`);
    expect(readFileSync(join(dir, "students/ml-s003/handout.zh.md"), "utf8")).toContain("张三，你好");
    expect(readFileSync(join(dir, "students/ml-s002/handout.en.md"), "utf8")).toContain("ssh -p 40002 debian@127.0.0.1");
  });

  it("no student's secrets or details in another student's folder", () => {
    for (const [id, s] of Object.entries(OUT.students!)) {
      const mine = join(dir, "students", s.hostName);
      const text = readdirSync(mine).map((f) => readFileSync(join(mine, f), "utf8")).join("\n");
      for (const [other, key] of Object.entries(OUT.studentKeys!)) if (other !== id) expect(text).not.toContain(key.split("\n")[2]); // a line of that key's own material
      for (const o of Object.values(OUT.students!)) if (o.id !== id) expect(text).not.toContain(String(o.port));
    }
    expect(readFileSync(join(dir, "instructor.csv"), "utf8")).not.toContain("PRIVATE KEY");
    expect(readFileSync(join(dir, "instructor.md"), "utf8")).not.toContain("PRIVATE KEY");
  });

  it("HTML escapes what students' names hold; the instructor's CSV neutralises formulas", () => {
    const html = readFileSync(join(dir, "students/ml-s002/handout.en.html"), "utf8");
    expect(html).toContain("Hello =HYPERLINK(&quot;http://evil&quot;),");
    expect(html).not.toContain('"http://evil"');
    const csv = readFileSync(join(dir, "instructor.csv"), "utf8");
    expect(csv.startsWith('\uFEFF"id","name","email","host","user","port","ssh","hostKeyFingerprint","appUrl","key","handout"\r\n')).toBe(true);
    expect(csv).toContain(`"s002","'=HYPERLINK(""http://evil"")","s002@uni.edu"`);
    expect(csv).toContain('"s001","Ada","s001@uni.edu","127.0.0.1","debian","40001","ssh -i id_ed25519 -p 40001 debian@127.0.0.1"');
  });

  it("written again: nothing changes; a removed student's folder is removed, and nothing else", () => {
    const again = writeHandouts(OUT, dir, { condaEnv: "lab" });
    expect(again.written).toEqual([]);
    writeFileSync(join(dir, "notes.txt"), "the instructor's own file");
    const { s002: _gone, ...rest } = OUT.students!;
    const r = writeHandouts({ ...OUT, students: rest }, dir, { condaEnv: "lab" });
    expect(r.removed).toEqual([join(dir, "students/ml-s002")]);
    expect(existsSync(join(dir, "students/ml-s002"))).toBe(false);
    expect(existsSync(join(dir, "notes.txt"))).toBe(true);
    expect(r.written.sort()).toEqual([join(dir, "instructor.csv"), join(dir, "instructor.md")]);
  });

  it("every cell a spreadsheet would run is neutralised", () => {
    expect(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", 'say "hi"'].map(safeCell)).toEqual([`"'=1+1"`, `"'+1"`, `"'-1"`, `"'@SUM(A1)"`, `"'\tx"`, `"'\rx"`, '"ok"', '"say ""hi"""']);
    expect(toCsv(["a"], [["=x"]])).toBe('\uFEFF"a"\r\n"\'=x"\r\n');
  });
});

describe("berth lab handout and reap, with a recorded Pulumi CLI", () => {
  const io = () => {
    const o = { out: "", err: "" };
    return { o, io: { stdout: (s: string) => void (o.out += s), stderr: (s: string) => void (o.err += s) } };
  };
  const project = join(root, "project");
  const calls: string[][] = [];
  const fake = (outputs: object, destroy = 0): RunPulumi => async (_cwd, args) => {
    calls.push(args);
    if (args[0] === "stack") return { code: 0, stdout: JSON.stringify(outputs), stderr: "" };
    return { code: destroy, stdout: "Resources:\n    - 9 deleted\n", stderr: "" };
  };

  it("lab init writes a lab stack that loads, and refuses to overwrite it", async () => {
    writeFileSync(join(root, "Pulumi.yaml"), "name: berth\nruntime: nodejs\nstackConfigDir: stacks\n");
    const a = io();
    expect(await labInitCommand({ provider: "local", dir: project, name: "ml" }, a.io)).toBe(0);
    writeFileSync(join(project, "Pulumi.yaml"), "name: berth\nruntime: nodejs\nstackConfigDir: stacks\n");
    const b = io();
    expect(await labInitCommand({ provider: "local", dir: project, name: "ml" }, b.io)).toBe(2);
    expect(b.o.err).toBe(`berth lab init: ${join(project, "stacks/Pulumi.ml.yaml")} and ${join(project, "rosters/ml.csv")} already exist — choose another --name, or remove them\n`);
  });

  it("handout reads the outputs with secrets and writes into berth:lab.handouts", async () => {
    const a = io();
    calls.length = 0;
    expect(await labHandoutCommand({ stack: join(project, "stacks/Pulumi.ml.yaml") }, a.io, { pulumi: fake(OUT) })).toBe(0);
    expect(calls).toEqual([["stack", "output", "--json", "--show-secrets", "--stack", "ml"]]);
    expect(existsSync(join(project, "handouts/ml/students/ml-s001/id_ed25519"))).toBe(true);
    expect(readFileSync(join(project, "handouts/ml/students/ml-s001/handout.en.md"), "utf8")).toContain("conda activate lab");
  });

  it("reap destroys an expired lab, and only an expired lab", async () => {
    const stack = join(project, "stacks/Pulumi.ml.yaml");
    const now = () => new Date("2027-01-15T16:00:01Z");
    const a = io();
    calls.length = 0;
    expect(await labReapCommand({ stack, json: true }, a.io, { pulumi: fake(OUT), now })).toBe(0);
    expect(calls).toEqual([["stack", "output", "--json", "--stack", "ml"], ["destroy", "--yes", "--skip-preview", "--stack", "ml"], ["stack", "tag", "set", "berth:lab-reaped", "2027-01-15T16:00:00.000Z", "--stack", "ml"]]);
    expect(JSON.parse(a.o.out)).toEqual({ stack: "ml", lab: "ml", expiresAt: "2027-01-15T16:00:00.000Z", action: "destroyed", message: "lab ml (stack ml) expired at 2027-01-15T16:00:00Z — destroying it", exitCode: 0 });
    const b = io();
    calls.length = 0;
    expect(await labReapCommand({ stack, json: true }, b.io, { pulumi: fake(OUT), now: () => new Date("2027-01-15T06:00:00Z") })).toBe(0);
    expect(calls).toEqual([["stack", "output", "--json", "--stack", "ml"]]);
    expect(JSON.parse(b.o.out)).toEqual({ stack: "ml", action: "none", why: "not-expired", message: "lab ml (stack ml) expires at 2027-01-15T16:00:00Z, in 10 h — nothing to reap yet", exitCode: 0 });
    const c = io();
    expect(await labReapCommand({ stack, json: true }, c.io, { pulumi: fake(OUT, 255), now })).toBe(1);
    expect(JSON.parse(c.o.out)).toMatchObject({ action: "failed", exitCode: 1 });
  });

  it("reap decisions: an empty stack and a stack that is not a lab", () => {
    expect(reapDecision("ml", {}, new Date())).toEqual({ action: "none", why: "empty", message: "stack ml has no outputs: nothing of it is up (never created, or destroyed already) — nothing to reap" });
    expect(reapDecision("web", { publicIp: "203.0.113.5" }, new Date())).toEqual({ action: "none", why: "not-a-lab", message: "stack web is not a lab (no lab.expiresAt output) — berth lab reap destroys only labs" });
  });
});
