// The scheduled reap (examples/github-actions/berth-reap.yml) run by act against the S3 stand-in:
// a lab stack that has not expired is left as it is; once its berth:lab.expires has passed, the
// next scheduled run destroys it and the stack is empty, and berth-up.yml does not create it again
// on the next push (the reap tagged the stack). The lab is one local VM; its expiry is
// moved to a minute ahead with a cheap second `pulumi up` (only the VM's recorded labels change).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { kitInfo } from "../../src/local/kit.js";
import { destroyVm, listVms } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { withoutSecrets } from "../engine/pulumi.js";
import { act, type ActRun } from "./act.js";
import { GithubApiStandIn } from "./github-api.js";
import { UserRepo } from "./repo.js";
import { S3StandIn } from "./s3.js";

const STACK = "lab-t2";
const VM = `${STACK}-s001`;
const REPO = "berth-ci/course";
const TOKEN = `ghs_berthReapToken${Date.now().toString(36)}`;
const PASSPHRASE = `reap passphrase ${process.pid} ${Date.now().toString(36)}`;
const kit = kitInfo();
const s3 = new S3StandIn("berth-ci-reap");
const api = new GithubApiStandIn(REPO, [TOKEN]);
const repo = new UserRepo(STACK, REPO);
let owns = false;
let runs = 0;

function pulumi(args: string[], stdin = ""): string {
  return execFileSync("bash", [join(PROJECT_DIR, "scripts/pulumi-cli.sh"), ...args, "--non-interactive"], {
    cwd: repo.dir, input: stdin, encoding: "utf8", maxBuffer: 64 << 20,
    env: { ...process.env, ...s3.env, PULUMI_BACKEND_URL: s3.backendUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_HOME: join(repo.root, "pulumi-home") },
  });
}

function writeLab(expires: string): void {
  const local = parse(withoutSecrets(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8"))) as { config: Record<string, unknown> };
  const { "berth:app": _app, ...config } = local.config;
  const file = repo.stackFile;
  const salt = (() => {
    try {
      return (parse(readFileSync(file, "utf8")) as { encryptionsalt?: string }).encryptionsalt;
    } catch {
      return undefined;
    }
  })();
  writeFileSync(file, stringify({ ...(salt ? { encryptionsalt: salt } : {}), config: { ...config, "berth:lab": { roster: `rosters/${STACK}.csv`, expires, namePrefix: STACK } } }));
}

async function reap(workflow = "berth-reap.yml"): Promise<ActRun> {
  const head = repo.git("rev-parse", "HEAD");
  const payload = workflow === "berth-reap.yml" ? { schedule: "17 * * * *", repository: { full_name: REPO } } : { ref: "refs/heads/main", before: head, after: head, repository: { full_name: REPO } };
  const r = await act({
    repo: repo.dir, event: workflow === "berth-reap.yml" ? "schedule" : "push", workflow, payload, withInstalled: runs++ > 0,
    secrets: { GITHUB_TOKEN: TOKEN, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, BERTH_STATE_ACCESS_KEY_ID: s3.accessKey, BERTH_STATE_SECRET_ACCESS_KEY: s3.secretKey, BERTH_REGISTRY_PASSWORD: kit.registryPassword },
    vars: { BERTH_BACKEND_URL: s3.backendUrl },
    env: { GITHUB_API_URL: api.url },
  });
  if (process.env.BERTH_CI_ACT_LOG) writeFileSync(`${process.env.BERTH_CI_ACT_LOG}-reap-${runs}.log`, r.output);
  return r;
}
const why = (r: ActRun) => r.output.slice(-8000).replace(/^(\s*)at /gm, "$1(at) ");

beforeAll(async () => {
  expect((await listVms()).filter((v) => v.startsWith(`${STACK}-`)), "a VM of this test's lab exists already; remove it first").toEqual([]);
  owns = true;
  await s3.start();
  await api.start();
  repo.init();
  mkdirSync(join(repo.dir, "rosters"), { recursive: true });
  writeFileSync(join(repo.dir, "rosters", `${STACK}.csv`), "id,name\ns001,Ada\n");
  writeLab("2d");
  pulumi(["stack", "init", STACK]);
  pulumi(["up", "--yes", "--skip-preview", "--stack", STACK]);
  repo.commit("the course's lab");
});

afterAll(async () => {
  try {
    if (owns && (await listVms()).includes(VM)) {
      try {
        pulumi(["destroy", "--yes", "--stack", STACK]);
      } catch (e) {
        console.error(String(e));
      }
      if ((await listVms()).includes(VM)) await destroyVm(VM);
    }
  } finally {
    await s3.stop();
    await api.stop();
    repo.remove();
  }
});

describe.sequential("the scheduled reap under act", () => {
  it("leaves a lab that has not expired", async () => {
    const r = await reap();
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toContain(`berth ci stacks: ${STACK}`);
    expect(r.output).toMatch(new RegExp(`berth ci: berth reap · ${STACK}: skipped\\n[^\\n]*lab ${STACK} \\(stack ${STACK}\\) expires at \\S+Z, in 48 h — nothing to reap yet`));
    expect(r.output).toContain(`berth reap: left ${STACK} as it is`);
    expect(await listVms()).toContain(VM);
  });

  it("destroys the lab once its expiry has passed, and the stack is empty", async () => {
    const at = new Date(Date.now() + 60_000);
    writeLab(at.toISOString().replace(/\.\d{3}Z$/, "Z"));
    repo.commit("the course ends in a minute");
    pulumi(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(await listVms()).toContain(VM);
    // Wait for the moment to pass (the cheap up above took a few seconds of it).
    await new Promise((r) => setTimeout(r, Math.max(0, at.getTime() - Date.now()) + 1000));
    const r = await reap();
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toContain(`lab ${STACK} (stack ${STACK}) expired at ${at.toISOString().replace(/\.\d{3}Z$/, "Z")} — destroying it`);
    // The stack, the lab, the student's host, its VM and its key; the discard is the lab's read of its own outputs.
    expect(r.output).toContain(`berth ci: berth reap · ${STACK}: 5 deleted, 1 discard\n`);
    expect(r.output).toContain(`berth reap: destroyed ${STACK}`);
    expect(await listVms()).not.toContain(VM);
    const exported = JSON.parse(pulumi(["stack", "export", "--stack", STACK])) as { deployment: { resources?: unknown[] } };
    expect(exported.deployment.resources ?? []).toEqual([]);
    expect(pulumi(["stack", "tag", "get", "berth:lab-reaped", "--stack", STACK]).trim()).toBe(at.toISOString().replace(/\.\d{3}Z$/, ".000Z"));
  });

  it("a push to main does not create the reaped lab again", async () => {
    const r = await reap("berth-up.yml");
    expect(r.code, why(r)).toBe(0);
    expect(r.output).toContain(`berth ci: berth up · ${STACK}: skipped`);
    expect(r.output).toContain(`the lab of stack ${STACK} ended at `);
    expect(r.output).toContain(`berth up: ${STACK} had no changes`);
    expect(await listVms()).not.toContain(VM);
    expect(runs).toBe(3);
  });
});
