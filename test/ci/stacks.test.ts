// Which stacks a change touches (the preview workflow's matrix), on a real git repository.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stacksToRun, touchedStacks } from "../../src/ci/stacks.js";

const ALL = ["lab-a", "lab-b", "web"];

describe("touched stacks", () => {
  it("a stack file touches its stack; docs, tests, workflows touch none", () => {
    expect(touchedStacks(["stacks/Pulumi.web.yaml", "README.md", ".github/workflows/berth-preview.yml", "test/x.test.ts"], ALL, "stacks")).toEqual(["web"]);
    expect(touchedStacks(["docs/a.md", "bench/README.md"], ALL, "stacks")).toEqual([]);
  });

  it("the program, dependencies or a shared file touch every stack", () => {
    for (const p of ["src/program.ts", "package-lock.json", "Pulumi.yaml", "stacks/envs/course.yml"]) expect(touchedStacks([p], ALL, "stacks"), p).toEqual(ALL);
  });

  it("a deleted stack file touches nothing (removing a stack is the manual destroy)", () => {
    expect(touchedStacks(["stacks/Pulumi.gone.yaml"], ALL, "stacks")).toEqual([]);
  });
});

describe("stacks to run in a repository", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-ci-stacks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...a: string[]) => execFileSync("git", a, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } }).trim();

  it("lists all, those changed since a commit, and all (with the reason) when the commit is unknown", () => {
    mkdirSync(join(dir, "stacks"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: berth\nruntime: nodejs\nstackConfigDir: stacks\n");
    for (const s of ALL) writeFileSync(join(dir, `stacks/Pulumi.${s}.yaml`), "config: {}\n");
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-q", "-m", "one");
    const base = git("rev-parse", "HEAD");
    writeFileSync(join(dir, "stacks/Pulumi.lab-b.yaml"), "config: { x: 1 }\n");
    writeFileSync(join(dir, "README.md"), "docs\n");
    git("add", "-A");
    git("commit", "-q", "-m", "two");
    expect(stacksToRun(dir, undefined)).toEqual({ stacks: ALL, reason: "all stacks" });
    expect(stacksToRun(dir, base)).toEqual({ stacks: ["lab-b"], reason: `changed since ${base.slice(0, 12)}` });
    expect(stacksToRun(dir, "0000000000000000000000000000000000000000")).toEqual({ stacks: ALL, reason: "a new branch: all stacks" });
    const unknown = stacksToRun(dir, "1234567890abcdef1234567890abcdef12345678");
    expect(unknown.stacks).toEqual(ALL);
    expect(unknown.reason).toMatch(/^all stacks: cannot compare with 1234567890abcdef1234567890abcdef12345678 \(fatal: .*; check out with fetch-depth: 0\)$/);
  });
});
