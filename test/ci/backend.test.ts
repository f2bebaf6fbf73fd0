// berth ci itself (no act) on a small Pulumi project whose state is in the S3 stand-in (moto,
// virtual-hosted like COS/OSS): exit codes, a read-only token's PR comment, secrets redacted from
// what Pulumi prints, and a run killed mid-update — what it leaves in the bucket, and unlock.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../helpers/config.js";
import { GithubApiStandIn } from "./github-api.js";
import { S3StandIn } from "./s3.js";

const STACK = "ci-tiny";
const SECRET = `tiny-secret-${Date.now().toString(36)}`;
const PASSPHRASE = `tiny passphrase ${process.pid}`;
const PASSWORD = `tiny-registry-password-${process.pid}`;
const s3 = new S3StandIn("berth-ci-tiny");
const api = new GithubApiStandIn("berth-ci/tiny", [], ["ghs_readOnly"]);
const root = mkdtempSync(join(tmpdir(), "berth-ci-tiny-"));
const dir = join(root, "project");

// One dynamic resource whose input is the config value `v`; the program prints the secret, as a
// careless program might, to show that berth ci redacts it from everything it prints.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
const provider = {
  async create(inputs) { return { id: "thing", outs: inputs }; },
  async diff(_id, olds, news) { return { changes: olds.v !== news.v }; },
  async update(_id, _olds, news) { return { outs: news }; },
};
export default async () => {
  const c = new pulumi.Config();
  await new Promise((r) => setTimeout(r, Number(process.env.CI_TINY_SLEEP_MS ?? 0)));
  // Pulumi hides the stack's secret config in what it prints ([secret]), not a secret from the environment.
  console.log("the token is " + pulumi.runtime.getConfig("ci-tiny:token"));
  console.log("the password is " + process.env.BERTH_REGISTRY_PASSWORD);
  new pulumi.dynamic.Resource(provider, "thing", { v: c.get("v") ?? "1" });
  return { v: c.get("v") ?? "1" };
};
`;

interface Run { code: number; stdout: string; stderr: string }

function berth(args: string[], env: Record<string, string> = {}, onStart?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), "ci", ...args], {
      cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"],
      // TMPDIR inside the test's directory: a killed run cannot remove its own temporary files.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: join(root, "tmp"), PULUMI_HOME: join(root, "pulumi-home"), PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...s3.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr }));
    if (child.pid) onStart?.(child.pid);
  });
}

const result = (r: Run) => JSON.parse(r.stdout) as { exitCode: number; status: string; changed: boolean; changes: Record<string, number>; message?: string; comment?: { error?: string } };

beforeAll(async () => {
  await s3.start();
  await api.start();
  mkdirSync(join(dir, "stacks"), { recursive: true });
  mkdirSync(join(root, "tmp"));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ci-tiny\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.mjs\nstackConfigDir: stacks\n`);
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(dir, "index.mjs"), PROGRAM);
  symlinkSync(join(PROJECT_DIR, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, `stacks/Pulumi.${STACK}.yaml`), "config:\n  ci-tiny:v: \"1\"\n");
  const pulumi = (args: string[], input = "") => new Promise<void>((resolve, reject) => {
    const p = spawn("bash", [join(PROJECT_DIR, "scripts/pulumi-cli.sh"), ...args, "--non-interactive"], { cwd: dir, env: { ...process.env, ...s3.env, PULUMI_BACKEND_URL: s3.backendUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_HOME: join(root, "pulumi-home") }, stdio: ["pipe", "ignore", "inherit"] });
    p.stdin.end(input);
    p.on("close", (c) => (c === 0 ? resolve() : reject(new Error(`pulumi ${args.join(" ")} exited ${c}`))));
  });
  await pulumi(["stack", "init", STACK]);
  await pulumi(["config", "set", "--secret", "--stack", STACK, "ci-tiny:token"], SECRET);
});

afterAll(async () => {
  await s3.stop();
  await api.stop();
  rmSync(root, { recursive: true, force: true });
});

describe.sequential("berth ci on an S3 backend", () => {
  it("without a backend exits 2 and names the input", async () => {
    const r = await berth(["up", "--stack", STACK, "--json"]);
    expect(r.code).toBe(2);
    expect(result(r).message).toBe("no state backend: set the action's `backend-url` input (berth ci --backend, or PULUMI_BACKEND_URL), like s3://my-bucket?endpoint=cos.ap-guangzhou.myqcloud.com&region=ap-guangzhou. berth never falls back to Pulumi Cloud; to use it, say so: backend-url: https://api.pulumi.com");
    expect(r.stderr).toContain("::error title=berth up::no state backend");
  });

  it("previews a pull request; a read-only token's 403 is a warning, the plan is in the summary, the secret nowhere", async () => {
    const event = join(root, "event.json");
    const summary = join(root, "summary.md");
    writeFileSync(event, JSON.stringify({ pull_request: { number: 3, base: { repo: { full_name: "berth-ci/tiny" } }, head: { repo: { full_name: "berth-ci/tiny", fork: false } } } }));
    const r = await berth(["preview", "--stack", STACK, "--backend", s3.backendUrl, "--json"], {
      GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: "berth-ci/tiny", GITHUB_API_URL: api.url, GITHUB_TOKEN: "ghs_readOnly", GITHUB_STEP_SUMMARY: summary, BERTH_REGISTRY_PASSWORD: PASSWORD,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(result(r)).toMatchObject({ status: "succeeded", changed: true, changes: { create: 2 } });
    expect(result(r).comment?.error).toMatch(/^GitHub API POST \/repos\/berth-ci\/tiny\/issues\/3\/comments answered 403: Resource not accessible by integration — the token cannot write comments here/);
    expect(r.stderr).toContain("::warning title=berth::No PR comment: GitHub API POST");
    const md = readFileSync(summary, "utf8");
    expect(md).toContain("### berth preview · `ci-tiny`: 2 to create");
    // Pulumi's own redaction of the config secret, berth's of the environment's.
    expect(r.stderr).toContain("the token is [secret]");
    expect(r.stderr).toContain("the password is ***");
    expect(md).toContain("the password is ***");
    const seen = [r.stdout, r.stderr.replace(/^::add-mask::.*$/gm, ""), md].join("\n");
    expect([SECRET, PASSWORD, PASSPHRASE, s3.secretKey].filter((v) => seen.includes(v))).toEqual([]);
    // The stack's secret config and the environment's secrets are masked for the job log.
    for (const v of [SECRET, PASSWORD, PASSPHRASE, s3.secretKey]) expect(r.stderr.includes(`::add-mask::${v}\n`)).toBe(true);
  });

  it("up applies; a second up has no changes; a changed stack file previewed with --expect-no-changes exits 3", async () => {
    const up = await berth(["up", "--stack", STACK, "--backend", s3.backendUrl, "--json"]);
    expect(up.code, up.stderr).toBe(0);
    expect(result(up)).toMatchObject({ changed: true, changes: { create: 2 } });
    const again = await berth(["up", "--stack", STACK, "--backend", s3.backendUrl, "--expect-no-changes", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(result(again)).toMatchObject({ changed: false, changes: { same: 2 } });
    writeFileSync(join(dir, `stacks/Pulumi.${STACK}.yaml`), readFileSync(join(dir, `stacks/Pulumi.${STACK}.yaml`), "utf8").replace('ci-tiny:v: "1"', 'ci-tiny:v: "2"'));
    const drift = await berth(["preview", "--stack", STACK, "--backend", s3.backendUrl, "--expect-no-changes", "--json"]);
    expect(drift.code).toBe(3);
    expect(result(drift)).toMatchObject({ status: "failed", exitCode: 3, changes: { update: 1, same: 1 }, message: "Changes were found where none were expected (expect-no-changes)." });
  });

  it("a run killed mid-update leaves its lock in the bucket: the next run exits 4 saying how to clear it, unlock clears it", async () => {
    const killed = await berth(["up", "--stack", STACK, "--backend", s3.backendUrl], { CI_TINY_SLEEP_MS: "60000" }, (pid) => {
      // What a runner does when a cancelled job does not stop in time: kill the whole process group.
      const poll = setInterval(() => {
        void s3.keys(".pulumi/locks/").then((k) => {
          if (k.length) {
            clearInterval(poll);
            process.kill(-pid, "SIGKILL");
          }
        });
      }, 200);
    });
    expect(killed.code).toBe(137);
    const locks = await s3.keys(".pulumi/locks/");
    expect(locks).toEqual([expect.stringMatching(new RegExp(`^\\.pulumi/locks/organization/ci-tiny/${STACK}/[0-9a-f-]{36}\\.json$`))]);

    const blocked = await berth(["up", "--stack", STACK, "--backend", s3.backendUrl, "--json"]);
    expect(blocked.code).toBe(4);
    expect(result(blocked).message).toBe(`Stack ${STACK} is locked. If no other run of it is going on, a cancelled or killed run left the lock: clear it with the manual workflow's \`unlock\` (berth ci unlock --stack ${STACK} --confirm ${STACK}, which runs \`pulumi cancel\`).`);
    expect(blocked.stderr).toContain(`s3://berth-ci-tiny/${locks[0]}`);

    const unlock = await berth(["unlock", "--stack", STACK, "--backend", s3.backendUrl, "--confirm", STACK, "--json"]);
    expect(unlock.code, unlock.stderr).toBe(0);
    expect(await s3.keys(".pulumi/locks/")).toEqual([]);
    const up = await berth(["up", "--stack", STACK, "--backend", s3.backendUrl, "--json"]);
    expect(up.code, up.stderr).toBe(0);
    expect(result(up)).toMatchObject({ status: "succeeded", changes: { update: 1, same: 1 } });
  });
});
