// The example workflows, run by act on this machine the way GitHub runs them, in a user's
// repository (test/ci/repo.ts) whose state lives in an S3-compatible server addressed like
// Tencent COS / Aliyun OSS (test/ci/s3.ts), with a stand-in for GitHub's comment API
// (test/ci/github-api.ts): a pull request's preview comments once and edits that comment on the
// next push; a fork's pull request ends green with a notice; a push to main runs up (the app
// answers), a second push changes nothing; the manual destroy needs the stack name typed again.
// No secret ever shows in act's output, the comments or the state.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markerFor } from "../../src/ci/comments.js";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, listVms } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { act, type ActRun } from "./act.js";
import { GithubApiStandIn } from "./github-api.js";
import { UserRepo } from "./repo.js";
import { S3StandIn } from "./s3.js";

const STACK = "ci-web";
const REPO = "berth-ci/infra";
const TOKEN = `ghs_berthCiToken${Date.now().toString(36)}`;
const PASSPHRASE = `ci passphrase ${process.pid} ${Date.now().toString(36)}`;
const kit = kitInfo();

const s3 = new S3StandIn("berth-ci-state");
const api = new GithubApiStandIn(REPO, [TOKEN]);
const repo = new UserRepo(STACK, REPO);
const keyDir = mkdtempSync(join(tmpdir(), "berth-ci-key-"));
let privateKey = "";
/** Everything act printed in this file, for the secret checks. */
const outputs: string[] = [];
let ownsVm = false;

function pulumi(args: string[], stdin = ""): string {
  return execFileSync("bash", [join(PROJECT_DIR, "scripts/pulumi-cli.sh"), ...args, "--non-interactive"], {
    cwd: repo.dir, input: stdin, encoding: "utf8",
    env: { ...process.env, ...s3.env, PULUMI_BACKEND_URL: s3.backendUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_HOME: join(repo.root, "pulumi-home") },
  });
}

/**
 * act copies the repository into a new directory for every job, as a fresh runner checks it out.
 * In the first run the copy lacks node_modules (.gitignore), so the action installs the
 * dependencies (npm ci); later runs copy the installed node_modules along, like a dependency cache.
 */
async function run(event: "pull_request" | "push" | "workflow_dispatch", workflow: string, payload: unknown, withSecrets = true): Promise<ActRun> {
  const r = await act({
    repo: repo.dir, event, workflow, payload, withInstalled: outputs.length > 0,
    secrets: withSecrets
      ? { GITHUB_TOKEN: TOKEN, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, BERTH_STATE_ACCESS_KEY_ID: s3.accessKey, BERTH_STATE_SECRET_ACCESS_KEY: s3.secretKey, BERTH_REGISTRY_PASSWORD: kit.registryPassword }
      : { GITHUB_TOKEN: "ghs_readOnlyForkToken" },
    vars: { BERTH_BACKEND_URL: s3.backendUrl },
    env: { GITHUB_API_URL: api.url },
  });
  outputs.push(r.output);
  // BERTH_CI_ACT_LOG=/tmp/act keeps each run's output as /tmp/act-<n>.log, to read a failure whole.
  if (process.env.BERTH_CI_ACT_LOG) writeFileSync(`${process.env.BERTH_CI_ACT_LOG}-${outputs.length}.log`, r.output);
  return r;
}

/** act's output as a failure message: its end, with stack-trace lines defused (vitest would try to resolve them). */
const why = (r: ActRun) => r.output.slice(-8000).replace(/^(\s*)at /gm, "$1(at) ");

const pr = (n: number, base: string, head: string, fork = false) => ({
  action: "synchronize", number: n,
  pull_request: {
    number: n,
    base: { ref: "main", sha: base, repo: { full_name: REPO } },
    head: { ref: fork ? "patch-1" : "feature", sha: head, repo: { full_name: fork ? "someone/infra" : REPO, fork } },
  },
  repository: { full_name: REPO },
});

beforeAll(async () => {
  expect(await listVms(), `a VM named ${STACK} exists already; remove it first`).not.toContain(STACK);
  ownsVm = true;
  await s3.start();
  await api.start();
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ci@berth.test", "-f", join(keyDir, "id")]);
  privateKey = readFileSync(join(keyDir, "id"), "utf8");
  repo.init();
  repo.writeStack(readFileSync(join(keyDir, "id.pub"), "utf8").trim());
  // The user's one-time set-up, on their machine: create the stack on the bucket, set its secret.
  pulumi(["stack", "init", STACK]);
  pulumi(["config", "set", "--stack", STACK, "--secret", "berth:sshPrivateKey"], privateKey);
  repo.commit("berth stacks");
});

afterAll(async () => {
  try {
    if (ownsVm && (await listVms()).includes(STACK)) {
      try {
        pulumi(["destroy", "--yes", "--stack", STACK]);
      } catch (e) {
        console.error(String(e));
      }
      if ((await listVms()).includes(STACK)) await destroyVm(STACK);
    }
  } finally {
    await s3.stop();
    await api.stop();
    repo.remove();
    rmSync(keyDir, { recursive: true, force: true });
  }
});

describe.sequential("the example workflows under act", () => {
  let main = "";
  let head = "";

  it("a pull request previews the stack it changes and comments the plan once", async () => {
    main = repo.git("rev-parse", "HEAD");
    repo.git("checkout", "-q", "-b", "feature");
    repo.setStackValue(["berth:app", "env", "STAGE"], "review");
    head = repo.commit("STAGE=review");
    const r = await run("pull_request", "berth-preview.yml", pr(7, main, head));
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toContain(`berth ci stacks: ${STACK} (changed since ${main.slice(0, 12)})`);
    // act skipped the checkout of the repository under test (it copied it; GitHub is out of reach).
    expect(r.output.match(/✅ {2}Success - Main actions\/checkout@v4/g)).toHaveLength(2);
    // This run's jobs each got a copy without node_modules: the action installed them.
    expect(r.output.match(/\| npm ci in /g)).toHaveLength(2);
    expect(r.output).toContain(`berth ci: berth preview · ${STACK}: 4 to create`);
    const mine = api.comments.filter((c) => c.issue === 7);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body.startsWith(markerFor(STACK))).toBe(true);
    expect(mine[0]?.body).toContain(`### berth preview · \`${STACK}\`: 4 to create`);
    expect(mine[0]?.body).toContain("pulumi-nodejs:dynamic/berth:LocalVm");
    expect(api.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`)).toEqual([`POST /repos/${REPO}/issues/7/comments`]);
  });

  it("a second push to the pull request edits that comment instead of adding one", async () => {
    repo.setStackValue(["berth:app", "env", "STAGE"], "review2");
    head = repo.commit("STAGE=review2");
    const r = await run("pull_request", "berth-preview.yml", pr(7, main, head));
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toContain(`berth ci: updated the PR comment for ${STACK}`);
    const mine = api.comments.filter((c) => c.issue === 7);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toContain('STAGE: "review2"');
    expect(mine[0]?.body.includes('STAGE: "review"\n')).toBe(false);
    expect(api.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`)).toEqual([
      `POST /repos/${REPO}/issues/7/comments`,
      `PATCH /repos/${REPO}/issues/comments/${mine[0]?.id}`,
    ]);
  });

  it("a pull request from a fork, without secrets, ends green and says why there is no preview", async () => {
    const writes = api.requests.filter((q) => q.method !== "GET").length;
    const r = await run("pull_request", "berth-preview.yml", pr(8, main, head, true), false);
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toContain(
      "No preview for this pull request: it comes from the fork someone/infra, and GitHub gives workflows run for forks no secrets (the state backend's keys, PULUMI_CONFIG_PASSPHRASE) and a read-only token.",
    );
    expect(r.output).toContain("🏁  Job succeeded");
    expect(api.comments.filter((c) => c.issue === 8)).toEqual([]);
    expect(api.requests.filter((q) => q.method !== "GET")).toHaveLength(writes);
  });

  it("a push to main runs up: the VM boots, the app answers, the state is in the bucket without secrets", async () => {
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--ff-only", "feature");
    const after = repo.git("rev-parse", "HEAD");
    const r = await run("push", "berth-up.yml", { ref: "refs/heads/main", before: main, after, repository: { full_name: REPO } });
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toMatch(new RegExp(`berth ci: berth up · ${STACK}: 4 created\n`));
    expect(r.output).toContain(`berth up: ${STACK} changed`);
    main = after;
    const out = JSON.parse(pulumi(["stack", "output", "--json", "--stack", STACK])) as { appUrl: string };
    const res = await fetch(out.appUrl);
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe("v1");
    expect(await s3.keys(".pulumi/stacks/")).toContain(`.pulumi/stacks/berth/${STACK}.json`);
    expect(await s3.keys(".pulumi/locks/")).toEqual([]);
    const state = await s3.allText();
    expect(state.includes("pulumi-nodejs:dynamic/berth:LocalVm")).toBe(true);
    expect(state.includes("PRIVATE KEY")).toBe(false);
    expect(state.includes(kit.registryPassword)).toBe(false);
  });

  it("a second push with no change reports no changes", async () => {
    const after = repo.commit("docs only");
    const r = await run("push", "berth-up.yml", { ref: "refs/heads/main", before: main, after, repository: { full_name: REPO } });
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toContain(`berth ci: berth up · ${STACK}: no changes`);
    expect(r.output).toContain(`berth up: ${STACK} had no changes`);
    main = after;
  });

  it("the manual destroy refuses without the stack name typed again, and leaves everything", async () => {
    const r = await run("workflow_dispatch", "berth-destroy.yml", { inputs: { stack: STACK, confirm: "ci-wen", operation: "destroy" }, ref: "refs/heads/main" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`\`confirm\`: destroy removes every resource of stack ${STACK}; type the stack name to confirm (confirm: ${STACK}), got "ci-wen"`);
    expect(await listVms()).toContain(STACK);
  });

  it("the manual destroy, confirmed, removes the VM and empties the stack", async () => {
    const r = await run("workflow_dispatch", "berth-destroy.yml", { inputs: { stack: STACK, confirm: STACK, operation: "destroy" }, ref: "refs/heads/main" });
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toMatch(new RegExp(`berth ci: berth destroy · ${STACK}: 4 deleted\n`));
    expect(await listVms()).not.toContain(STACK);
    const exported = JSON.parse(pulumi(["stack", "export", "--stack", STACK])) as { deployment: { resources?: unknown[] } };
    expect(exported.deployment.resources ?? []).toEqual([]);
  });

  it("no secret reached act's output, the comments or any request to the GitHub API", () => {
    expect(outputs).toHaveLength(7);
    const seen = [...outputs, ...api.comments.map((c) => c.body), ...api.requests.map((q) => q.body)].join("\n");
    const keyLines = privateKey.split("\n").filter((l) => l && !l.startsWith("-----"));
    expect(keyLines.length).toBeGreaterThan(2);
    const secrets = { PASSPHRASE, registryPassword: kit.registryPassword, s3SecretKey: s3.secretKey, githubToken: TOKEN, ...Object.fromEntries(keyLines.map((l, i) => [`privateKey line ${i}`, l])) };
    // Booleans, not toContain: a failure must not print the secret into the test log.
    const leaked = Object.entries(secrets).filter(([, v]) => seen.includes(v)).map(([k]) => k);
    expect(leaked).toEqual([]);
    // The checks above looked at real runs: the plan and the deploy are in what was captured.
    expect(seen).toContain("pulumi-nodejs:dynamic/berth:AppDeployment");
  });
});
