import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeFailure, runCli } from "../../src/cli/failure.js";
import { Sensitive } from "../../src/deploy/sensitive.js";
import { PROJECT_DIR } from "../helpers/config.js";

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("describeFailure", () => {
  it("prints a user's problem as one message, without the stack", () => {
    expect(describeFailure(new Error("no SSH private key at /h/.ssh/id_ed25519 — pass --identity FILE"), false)).toBe("berth: no SSH private key at /h/.ssh/id_ed25519 — pass --identity FILE\n");
  });

  it("names a programming mistake as a bug and says how to see where", () => {
    expect(describeFailure(new TypeError("x.y is not a function"), false)).toBe(
      "berth: internal error: x.y is not a function\n  this is a bug in berth; run again with BERTH_DEBUG=1 for the stack trace and report it\n",
    );
  });

  it("adds the stack trace with BERTH_DEBUG=1", () => {
    const text = describeFailure(new Error("boom"), true);
    expect(text).toMatch(/^berth: Error: boom\n/);
    expect(text).toMatch(STACK_TRACE);
  });

  it("redacts every secret berth holds, also from the stack trace", () => {
    new Sensitive("hunter22-registry-pass");
    const e = new Error("docker login answered: bad password hunter22-registry-pass");
    expect(describeFailure(e, false)).toBe("berth: docker login answered: bad password [REDACTED]\n");
    expect(describeFailure(e, true)).toMatch(/^berth: Error: docker login answered: bad password \[REDACTED\]\n/);
    expect(describeFailure(e, true)).not.toContain("hunter22");
  });

  it("runCli turns a thrown error into exit code 1 and the message", async () => {
    const err: string[] = [];
    const code = await runCli(async () => { throw new Error("the stack file is missing"); }, { stdout: () => undefined, stderr: (s) => void err.push(s) }, {});
    expect(code).toBe(1);
    expect(err).toEqual(["berth: the stack file is missing\n"]);
  });
});

describe("the berth command on a machine without SSH keys", () => {
  const home = mkdtempSync(join(tmpdir(), "berth-empty-home-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const berth = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), ...args], { cwd: PROJECT_DIR, env: { ...process.env, HOME: home, BERTH_REGISTRY_PASSWORD: "unused", ...env }, encoding: "utf8" });
  const deploy = ["deploy", "--stack", "stacks/Pulumi.local.yaml", "--host", "debian@127.0.0.1:1"];

  it("berth deploy without --identity ends in a message, not a stack trace", () => {
    const r = berth(deploy);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no SSH private key found (looked for ~/.ssh/id_ed25519"); // ~ is this HOME
    expect(r.stderr).toContain("--identity");
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it("BERTH_DEBUG=1 shows where it failed", () => {
    const r = berth(deploy, { BERTH_DEBUG: "1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(STACK_TRACE);
  });
});

describe("bin/berth.js in a checkout without node_modules", () => {
  it("says to run npm ci instead of printing a stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-no-modules-"));
    try {
      cpSync(join(PROJECT_DIR, "bin"), join(dir, "bin"), { recursive: true });
      cpSync(join(PROJECT_DIR, "package.json"), join(dir, "package.json"));
      const r = spawnSync(process.execPath, [join(dir, "bin/berth.js"), "render", "--stack", "x"], { encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`berth: Cannot find package 'tsx' imported from ${join(dir, "bin/berth.js")} — run \`npm ci\` in the berth checkout\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
