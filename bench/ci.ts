/**
 * What berth's GitHub action adds to a CI run: wall time of the preview job and of a no-op `up`
 * job run by act (`-P ubuntu-latest=-self-hosted`, dependencies installed, state in moto, the
 * GitHub API stand-in taking the PR comment), against the same commands run directly — the raw
 * `pulumi preview` / `pulumi up` (the floor) and `berth ci preview` / `berth ci up`. Runs
 * alternate so all three see the same load. The local stack's VM is booted once first.
 *
 *   npx tsx bench/ci.ts [runs=3]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kitInfo, kitUp } from "../src/local/kit.js";
import { destroyVm, listVms } from "../src/local/vm.js";
import { act } from "../test/ci/act.js";
import { GithubApiStandIn } from "../test/ci/github-api.js";
import { UserRepo } from "../test/ci/repo.js";
import { S3StandIn } from "../test/ci/s3.js";
import { PROJECT_DIR } from "../test/helpers/config.js";
import { median } from "./stats.js";

const runs = Number(process.argv[2] ?? 3);
const STACK = "ci-bench";
const TOKEN = "ghs_benchToken";
const PASSPHRASE = "ci bench passphrase";
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

await kitUp();
const kit = kitInfo();
if ((await listVms()).includes(STACK)) throw new Error(`a VM named ${STACK} exists; remove it first`);
const s3 = await new S3StandIn("berth-ci-bench").start();
const api = await new GithubApiStandIn("berth-ci/bench", [TOKEN]).start();
const repo = new UserRepo(STACK, "berth-ci/bench");
const keyDir = mkdtempSync(join(tmpdir(), "berth-ci-bench-key-"));
const env = { ...process.env, ...s3.env, PULUMI_BACKEND_URL: s3.backendUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_HOME: join(repo.root, "pulumi-home"), BERTH_REGISTRY_PASSWORD: kit.registryPassword };
const pulumi = (args: string[], input = "") => execFileSync("bash", [join(PROJECT_DIR, "scripts/pulumi-cli.sh"), ...args, "--non-interactive"], { cwd: repo.dir, env, input, stdio: ["pipe", "ignore", "inherit"] });
const berthCi = (args: string[]) => execFileSync(process.execPath, [join(repo.dir, "bin/berth.js"), "ci", ...args, "--stack", STACK, "--json"], { cwd: repo.dir, env, stdio: ["ignore", "ignore", "inherit"] });
const timed = async (f: () => unknown) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

try {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(keyDir, "id")]);
  repo.init();
  repo.writeStack(readFileSync(join(keyDir, "id.pub"), "utf8").trim());
  pulumi(["stack", "init", STACK]);
  pulumi(["config", "set", "--secret", "--stack", STACK, "berth:sshPrivateKey"], readFileSync(join(keyDir, "id"), "utf8"));
  const main = repo.commit("stacks");
  const firstUp = await timed(() => pulumi(["up", "--yes", "--stack", STACK]));
  repo.git("checkout", "-q", "-b", "feature");
  repo.setStackValue(["berth:app", "env", "STAGE"], "bench");
  const head = repo.commit("change");
  repo.git("checkout", "-q", "main");

  const secrets = { GITHUB_TOKEN: TOKEN, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, BERTH_STATE_ACCESS_KEY_ID: s3.accessKey, BERTH_STATE_SECRET_ACCESS_KEY: s3.secretKey, BERTH_REGISTRY_PASSWORD: kit.registryPassword };
  const actRun = async (event: "pull_request" | "push", workflow: string, payload: unknown) => {
    if (event === "pull_request") repo.git("checkout", "-q", "feature");
    try {
      const r = await act({ repo: repo.dir, event, workflow, payload, secrets, vars: { BERTH_BACKEND_URL: s3.backendUrl }, env: { GITHUB_API_URL: api.url }, withInstalled: true });
      if (r.code !== 0) throw new Error(`act ${workflow} exited ${r.code}\n${r.output.slice(-3000)}`);
    } finally {
      repo.git("checkout", "-q", "main");
    }
  };
  const pr = { number: 1, pull_request: { number: 1, base: { sha: main, repo: { full_name: "berth-ci/bench" } }, head: { sha: head, repo: { full_name: "berth-ci/bench", fork: false } } } };
  const push = { ref: "refs/heads/main", before: main, after: main };

  const t = { rawPreview: [] as number[], ciPreview: [] as number[], actPreview: [] as number[], rawUp: [] as number[], ciUp: [] as number[], actUp: [] as number[] };
  for (let i = 0; i < runs; i++) {
    t.rawPreview.push(await timed(() => pulumi(["preview", "--stack", STACK])));
    t.ciPreview.push(await timed(() => berthCi(["preview", "--backend", s3.backendUrl])));
    t.actPreview.push(await timed(() => actRun("pull_request", "berth-preview.yml", pr)));
    t.rawUp.push(await timed(() => pulumi(["up", "--yes", "--stack", STACK])));
    t.ciUp.push(await timed(() => berthCi(["up", "--backend", s3.backendUrl])));
    t.actUp.push(await timed(() => actRun("push", "berth-up.yml", push)));
  }
  const list = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(", ");
  const row = (what: string, raw: number[], ci: number[], a: number[]) =>
    `| ${what} | ${s(median(raw))} (${list(raw)}) | ${s(median(ci))} (${list(ci)}) | ${s(median(a))} (${list(a)}) | ${(median(ci) / median(raw)).toFixed(2)}× | ${(median(a) / median(raw)).toFixed(2)}× |`;
  console.log(`\n${runs} runs each, medians (runs in parentheses)\n`);
  console.log("| job | floor: pulumi directly | berth ci directly | the workflow under act | berth ci / floor | workflow / floor |\n|---|---|---|---|---|---|");
  console.log(row("preview (the workflow: stacks job + preview job + PR comment)", t.rawPreview, t.ciPreview, t.actPreview));
  console.log(row("`up`, nothing changed (the workflow: stacks job + up job)", t.rawUp, t.ciUp, t.actUp));
  console.log(`\nfirst \`pulumi up\` of the stack (VM boot, bootstrap, app): ${s(firstUp)}`);
} finally {
  try {
    pulumi(["destroy", "--yes", "--stack", STACK]);
  } catch {
    // the state may point at a job directory act removed; the VM goes below either way
  }
  if ((await listVms()).includes(STACK)) await destroyVm(STACK);
  await s3.stop();
  await api.stop();
  repo.remove();
  rmSync(keyDir, { recursive: true, force: true });
}
