// actionlint (with shellcheck on every run: block) over the example workflows and the action;
// a broken workflow must fail it. And the examples' policy: least privilege, one run per stack,
// a running up never cancelled, no remote action but actions/checkout.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_DIR } from "../helpers/config.js";
import { actionAsWorkflow, exampleWorkflows, lint } from "./lint.js";

const actionYaml = readFileSync(join(PROJECT_DIR, "action.yml"), "utf8");

describe("actionlint", () => {
  it("passes the example workflows (their uses: ./ checked against action.yml's inputs) and the action's own steps", async () => {
    const r = await lint({ ...exampleWorkflows(), "action-as-workflow.yml": actionAsWorkflow(actionYaml) });
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails a broken workflow: script injection, an input the action lacks, an unquoted variable", async () => {
    const broken = [
      "name: broken",
      "on: pull_request",
      "permissions:",
      "  contents: read",
      "jobs:",
      "  preview:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "      - uses: ./",
      "        with:",
      "          command: preview",
      "          stack: web",
      "      - run: echo $GITHUB_SHA",
      "",
    ].join("\n");
    const r = await lint({ "broken.yml": broken });
    expect(r.code).toBe(1);
    expect(r.output).toContain('"github.event.pull_request.title" is potentially untrusted');
    expect(r.output).toContain('input "stack" is not defined in action "berth" defined at "./"');
    expect(r.output).toContain("SC2086");
  });

  it("fails the action when one of its run: blocks has a shell mistake", async () => {
    const r = await lint({ "action-as-workflow.yml": actionAsWorkflow(actionYaml.replace('rm -f "$result"', "rm -f $result")) });
    expect(r.code).toBe(1);
    expect(r.output).toContain("SC2086:info");
  });
});

type Workflow = {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { permissions?: Record<string, string>; concurrency?: { group: string; "cancel-in-progress": boolean }; steps: { uses?: string }[] }>;
};

describe("the example workflows", () => {
  const wfs = Object.fromEntries(Object.entries(exampleWorkflows()).map(([k, v]) => [k, parse(v) as Workflow]));

  it("read only the repository, except the preview job, which writes PR comments", () => {
    for (const [name, wf] of Object.entries(wfs)) {
      expect(wf.permissions, name).toEqual({ contents: "read" });
      for (const [job, j] of Object.entries(wf.jobs)) {
        const want = name === "berth-preview.yml" && job === "preview" ? { contents: "read", "pull-requests": "write" } : undefined;
        expect(j.permissions, `${name} ${job}`).toEqual(want);
      }
    }
  });

  it("run each stack one at a time and never cancel a running one", () => {
    const groups = Object.entries(wfs).flatMap(([name, wf]) => [
      ...(wf.concurrency ? [[name, wf.concurrency] as const] : []),
      ...Object.values(wf.jobs).filter((j) => j.concurrency).map((j) => [name, j.concurrency] as const),
    ]);
    expect(groups.map(([n, c]) => `${n}: ${c?.group}`).sort()).toEqual([
      "berth-destroy.yml: berth-stack-${{ inputs.stack }}",
      "berth-preview.yml: berth-preview-${{ matrix.stack }}-${{ github.event.pull_request.number }}",
      "berth-reap.yml: berth-stack-${{ matrix.stack }}",
      "berth-up.yml: berth-stack-${{ matrix.stack }}",
    ]);
    for (const [, c] of groups) expect(c?.["cancel-in-progress"]).toBe(false);
  });

  it("use no remote action but actions/checkout; the action itself is the repository's (uses: ./)", () => {
    const uses = Object.values(wfs).flatMap((wf) => Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter(Boolean)));
    expect(new Set(uses)).toEqual(new Set(["actions/checkout@v4", "./"]));
  });

  it("the destroy is started by hand only, with the stack typed twice", () => {
    const d = wfs["berth-destroy.yml"] as Workflow;
    expect(Object.keys(d.on)).toEqual(["workflow_dispatch"]);
    expect(Object.keys((d.on.workflow_dispatch as { inputs: object }).inputs)).toEqual(["stack", "confirm", "operation"]);
  });

  it("the reap runs on a schedule (and by hand), and only ever reaps", () => {
    const r = wfs["berth-reap.yml"] as Workflow & { on: { schedule: { cron: string }[] } };
    expect(r.on.schedule).toEqual([{ cron: "17 * * * *" }]);
    const commands = Object.values(r.jobs).flatMap((j) => j.steps.map((s) => (s as { with?: { command?: string } }).with?.command).filter(Boolean));
    expect(commands).toEqual(["stacks", "reap"]);
  });
});
