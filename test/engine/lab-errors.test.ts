// Lab stacks that must stop before anything is made, under the real Pulumi engine: a roster with
// problems, a DigitalOcean lab over its budget, a lab whose end has passed. Each fails `preview`
// (and `up`) with berth's exact messages and registers nothing but the stack.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { listVms } from "../../src/local/vm.js";
import { PROJECT_DIR, PUBKEY } from "../helpers/config.js";
import { PulumiProject, withoutSecrets } from "./pulumi.js";

const project = new PulumiProject("lab-errors");
const READ_OWN_OUTPUTS = ["read pulumi:pulumi:StackReference", "create pulumi:providers:pulumi"];
const local = (parse(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, unknown> }).config;
const STACKS: Record<string, Record<string, unknown>> = {
  "lab-t3": { ...local, "berth:lab": { roster: "rosters/bad.csv", expires: "14d" } },
  "lab-t4": { "berth:host": { provider: "digitalocean", size: "s-2vcpu-4gb", sshPublicKey: PUBKEY }, "berth:bootstrap": { mirror: "tuna" }, "berth:lab": { roster: "rosters/forty.csv", expires: "336h", budget: { amount: 400, currency: "USD" } } },
  "lab-t5": { ...local, "berth:lab": { roster: "rosters/forty.csv", expires: "2020-06-30T18:00:00+08:00" } },
};

beforeAll(async () => {
  mkdirSync(join(project.dir, "rosters"));
  // GBK from a Chinese Excel, with an id Excel shortened and a student twice.
  const bad = "学号,姓名\r\n2.02221E+11,张三\r\n2022110002,李四\r\n2022110002,王五\r\n";
  writeFileSync(join(project.dir, "rosters/bad.csv"), execFileSync("iconv", ["-f", "UTF-8", "-t", "GB18030"], { input: bad }));
  writeFileSync(join(project.dir, "rosters/forty.csv"), `id\n${Array.from({ length: 40 }, (_, i) => `s${String(i + 1).padStart(3, "0")}`).join("\n")}\n`);
  for (const [stack, config] of Object.entries(STACKS)) {
    writeFileSync(join(project.dir, "stacks", `Pulumi.${stack}.yaml`), stringify({ config }));
    await project.ok(["stack", "init", stack]);
  }
});

afterAll(async () => {
  try {
    for (const stack of Object.keys(STACKS)) await project.run(["destroy", "--yes", "--stack", stack]);
  } finally {
    project.remove();
  }
});

describe.sequential("lab stacks that stop before any resource", () => {
  const cases: [string, string[]][] = [
    ["lab-t3", [
      "the stack config has 2 problem(s):",
      'berth:lab.roster: rosters/bad.csv row 2, column 学号 (A): "2.02221E+11" is an id a spreadsheet turned into a number (digits and leading zeros are lost) — format the id column as Text, type or paste the ids again, and save the file again',
      'berth:lab.roster: rosters/bad.csv row 4, column 学号 (A): id "2022110002" is already on row 3 — each student once',
    ]],
    ["lab-t4", [
      "the stack config has 1 problem(s):",
      "berth:lab.budget: the lab would cost about 479.94 USD (40 hosts × 0.03571 USD/h × 336 h, from DigitalOcean's price list (berth's table, checked 2026-11-27)), over its budget of 400.00 USD — shorten the roster, end the lab sooner (berth:lab.expires), choose a smaller berth:host.size, or raise the budget",
    ]],
    ["lab-t5", [
      "the stack config has 1 problem(s):",
      "berth:lab.expires: the lab ended at 2020-06-30T10:00:00Z — set a later berth:lab.expires to keep it, or destroy it: npx berth lab reap --stack stacks/Pulumi.lab-t5.yaml (or pulumi destroy)",
    ]],
  ];

  it.each(cases)("%s: preview and up fail with the exact messages and register nothing but the stack", async (stack, lines) => {
    for (const cmd of [["preview"], ["up", "--yes"]]) {
      const r = await project.withEvents([...cmd, "--stack", stack]);
      expect(r.code).not.toBe(0);
      const text = (r.stdout + r.stderr).replace(/\r/g, "");
      for (const line of lines) expect(text).toContain(line);
      expect(text).not.toMatch(/at .*\.ts:\d+/);
      // A duration is counted from the lab's first creation, which the program reads from the
      // stack's own last outputs: a read of pulumi:pulumi:StackReference and its provider. Nothing
      // of the lab itself is registered.
      expect(r.steps.map((s) => `${s.op} ${s.type}`).filter((s) => !READ_OWN_OUTPUTS.includes(s))).toEqual(["create pulumi:pulumi:Stack"]);
    }
    expect((await project.resources(stack)).filter((x) => !["pulumi:pulumi:Stack", "pulumi:providers:pulumi"].includes(x.type))).toEqual([]);
    expect((await listVms()).filter((v) => v.startsWith(stack))).toEqual([]);
  });
});
