// `berth ci reap` (what the scheduled workflow runs) with a recorded Pulumi CLI: it reads the
// stack's outputs and runs destroy only for a lab whose expiry has passed; a lab not yet expired,
// a stack that is not a lab and a stack with nothing up are skipped with exit 0; outputs it cannot
// read fail without destroying anything. (act runs it for real in test/ci/lab-reap.test.ts.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PulumiRunner } from "../../src/ci/pulumi.js";
import { runCi } from "../../src/ci/run.js";

const dir = mkdtempSync(join(tmpdir(), "berth-ci-reap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "stacks"));
writeFileSync(join(dir, "Pulumi.yaml"), "name: berth\nruntime: nodejs\nstackConfigDir: stacks\n");
writeFileSync(join(dir, "stacks", "Pulumi.ml.yaml"), "config:\n  berth:host: { provider: local }\n");

const LAB = { lab: { name: "ml", expiresAt: "2027-01-15T16:00:00.000Z" }, students: {} };

async function reap(outputs: string, now: string, outputCode = 0, command = "reap", tag?: string) {
  const calls: string[] = [];
  const runner: PulumiRunner = {
    run: async (args) => {
      calls.push(args[0] === "stack" || args[0] === "config" ? `${args[0]} ${args[1]}${args[1] === "tag" ? ` ${args[2]}` : ""}` : args[0]!);
      if (args[0] === "stack" && args[1] === "output") return { code: outputCode, output: outputs };
      if (args[0] === "stack" && args[1] === "tag" && args[2] === "get") return tag ? { code: 0, output: `${tag}\n` } : { code: 255, output: "error: stack tag 'berth:lab-reaped' not found for stack 'ml'\n" };
      if (args[0] === "config") return { code: 0, output: "{}" };
      return { code: 0, output: "" };
    },
  };
  const log: string[] = [];
  const r = await runCi({ command, stack: "ml", cwd: dir, backend: "file:///tmp/nowhere" }, {
    env: {}, github: { eventName: "schedule", repository: undefined, apiUrl: "", token: undefined, summaryFile: undefined, outputFile: undefined, runUrl: undefined, pullRequest: undefined },
    log: (s) => log.push(s), command: () => undefined, pulumi: () => runner, now: () => new Date(now),
  });
  return { r, calls, log: log.join("") };
}

describe("berth ci reap", () => {
  it("destroys a lab whose expiry has passed", async () => {
    const { r, calls, log } = await reap(JSON.stringify(LAB), "2027-01-15T16:00:01Z");
    expect(calls).toEqual(["stack select", "config --json", "stack output", "destroy", "stack tag set"]);
    expect(r).toMatchObject({ command: "reap", status: "succeeded", exitCode: 0 });
    expect(log).toContain("berth ci: lab ml (stack ml) expired at 2027-01-15T16:00:00Z — destroying it\n");
  });

  it("skips a lab not yet expired, a stack that is not a lab, and a stack with nothing up", async () => {
    const early = await reap(JSON.stringify(LAB), "2027-01-15T15:00:00Z");
    expect(early.calls).toEqual(["stack select", "config --json", "stack output"]);
    expect(early.r).toMatchObject({ status: "skipped", exitCode: 0, message: "lab ml (stack ml) expires at 2027-01-15T16:00:00Z, in 1 h — nothing to reap yet" });
    expect(early.log).toContain("berth ci: berth reap · `ml`: skipped".replace(/`/g, ""));
    const web = await reap(JSON.stringify({ publicIp: "203.0.113.5" }), "2030-01-01T00:00:00Z");
    expect(web.r).toMatchObject({ status: "skipped", exitCode: 0, message: "stack ml is not a lab (no lab.expiresAt output) — berth lab reap destroys only labs" });
    expect((await reap("{}", "2030-01-01T00:00:00Z")).r).toMatchObject({ status: "skipped", exitCode: 0 });
  });

  it("a reaped stack is skipped by up and preview (its tag says so); any other stack goes ahead", async () => {
    for (const command of ["up", "preview"]) {
      const gone = await reap("{}", "2030-01-01T00:00:00Z", 0, command, "2027-01-15T16:00:00.000Z");
      expect(gone.calls).toEqual(["stack select", "config --json", "stack tag get"]);
      expect(gone.r).toMatchObject({
        status: "skipped", exitCode: 0,
        message: "the lab of stack ml ended at 2027-01-15T16:00:00.000Z and was reaped, so it is not created again — now the course is over, delete stacks/Pulumi.ml.yaml; to run the lab once more, set a later berth:lab.expires and remove the tag: pulumi stack tag rm berth:lab-reaped --stack ml",
      });
    }
    const live = await reap("{}", "2030-01-01T00:00:00Z", 0, "up");
    expect(live.calls).toEqual(["stack select", "config --json", "stack tag get", "up", "stack output"]);
    expect(live.r).toMatchObject({ status: "succeeded", exitCode: 0 });
  });

  it("fails without destroying when the outputs cannot be read", async () => {
    const { r, calls } = await reap("error: passphrase is wrong", "2030-01-01T00:00:00Z", 255);
    expect(calls).not.toContain("destroy");
    expect(r).toMatchObject({ status: "failed", exitCode: 1, message: "Could not read the outputs of stack ml, so berth cannot tell whether its lab has expired; nothing was destroyed." });
  });
});
