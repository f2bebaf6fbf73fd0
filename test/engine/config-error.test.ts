// A stack with config errors under the real Pulumi engine: preview and up fail with berth's
// path-named messages, before any resource is registered.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { destroyVm, listVms } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { PulumiProject, withoutSecrets } from "./pulumi.js";

const STACK = "broken";
const project = new PulumiProject("broken");

beforeAll(async () => {
  // The local stack with two mistakes a user makes: a misspelt mirror and a bad OS version.
  const doc = parse(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, Record<string, unknown>> };
  doc.config["berth:host"] = { ...doc.config["berth:host"], os: "ubuntu-18.04" };
  doc.config["berth:bootstrap"] = { ...doc.config["berth:bootstrap"], mirror: "aliyn" };
  writeFileSync(join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), stringify(doc));
  await project.ok(["stack", "init", STACK]);
});

afterAll(async () => {
  try {
    // Nothing should exist; if a regression made something, do not leave it behind.
    await project.run(["destroy", "--yes", "--stack", STACK]);
    if ((await listVms()).includes(STACK)) await destroyVm(STACK);
  } finally {
    project.remove();
  }
});

describe.sequential("a stack with config errors", () => {
  const expected = [
    /berth:host\.os: Ubuntu 18\.04 is not supported — supported: ubuntu-20\.04, ubuntu-22\.04, ubuntu-24\.04/,
    /berth:bootstrap\.mirror: unknown mirror "aliyn" — did you mean "aliyun"\?/,
  ];

  it("pulumi preview fails with every problem named by its config path, and registers nothing", async () => {
    const r = await project.withEvents(["preview", "--stack", STACK]);
    expect(r.code).not.toBe(0);
    const text = r.stdout + r.stderr;
    expect(text).toContain("the stack config has 2 problem(s)");
    for (const re of expected) expect(text).toMatch(re);
    // A RunError: the message without a stack trace.
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    // The engine ran the program (the Stack was registered) and nothing else was registered.
    expect(r.steps.map((s) => s.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("pulumi up fails the same way and leaves no resource in the state and no VM", async () => {
    const r = await project.withEvents(["up", "--yes", "--stack", STACK]);
    expect(r.code).not.toBe(0);
    for (const re of expected) expect(r.stdout + r.stderr).toMatch(re);
    expect(r.steps.map((s) => s.type)).toEqual(["pulumi:pulumi:Stack"]);
    const kept = (await project.resources(STACK)).filter((x) => x.type !== "pulumi:pulumi:Stack");
    expect(kept).toEqual([]);
    expect(await listVms()).not.toContain(STACK);
  });
});
