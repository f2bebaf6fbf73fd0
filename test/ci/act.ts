/**
 * Running this repository's example workflows with act (github.com/nektos/act, built by
 * scripts/ci-tools.sh) on this machine: `-P ubuntu-latest=-self-hosted` runs the steps on the
 * host, act copies the repository (with .git) into its own job directory, skips
 * `actions/checkout` of the repository itself, runs `uses: ./` (action.yml) as the composite
 * action it is, and takes the event payload from a file. Secrets and variables go through files,
 * never argv.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { ciTool } from "./lint.js";

export interface ActRun {
  code: number;
  /** Everything act printed, stdout and stderr interleaved. */
  output: string;
}

export interface ActOptions {
  /** The repository to run in (act reads its git remote for github.repository). */
  repo: string;
  event: "pull_request" | "push" | "workflow_dispatch" | "schedule";
  workflow: string;
  payload: unknown;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  env?: Record<string, string>;
  /**
   * Copy what .gitignore leaves out too (`--use-gitignore=false`): each job's copy then has the
   * repository's installed node_modules, as a runner with a dependency cache would. By default
   * act copies only what git keeps, so the action installs the dependencies itself.
   */
  withInstalled?: boolean;
}

const dotenv = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n") + "\n";

/** Where act keeps each job's copy of the repository; a failed job's copy is left behind. */
const ACT_CACHE = join(homedir(), ".cache/act");
const actDirs = () => (existsSync(ACT_CACHE) ? readdirSync(ACT_CACHE) : []);

export async function act(o: ActOptions): Promise<ActRun> {
  const dir = mkdtempSync(join(tmpdir(), "berth-ci-act-"));
  const before = new Set(actDirs());
  try {
    writeFileSync(join(dir, "event.json"), JSON.stringify(o.payload));
    writeFileSync(join(dir, "secrets"), dotenv(o.secrets ?? {}), { mode: 0o600 });
    writeFileSync(join(dir, "vars"), dotenv(o.vars ?? {}));
    writeFileSync(join(dir, "actrc"), "");
    const args = [
      o.event, "-W", join(".github/workflows", o.workflow), "-e", join(dir, "event.json"),
      "-P", "ubuntu-latest=-self-hosted", "--secret-file", join(dir, "secrets"), "--var-file", join(dir, "vars"),
      "--env-file", join(dir, "actrc"), "--input-file", join(dir, "actrc"),
      "--no-cache-server", "--defaultbranch", "main", ...(o.withInstalled ? ["--use-gitignore=false"] : []),
      ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
    ];
    return await new Promise((resolve, reject) => {
      // XDG_CONFIG_HOME: act's own config (and first-run questions) stay in the temp directory.
      const child = spawn(ciTool("act"), args, { cwd: o.repo, env: { ...process.env, XDG_CONFIG_HOME: dir, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, output }));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // Only the job directories this run made.
    for (const d of actDirs()) if (!before.has(d)) rmSync(join(ACT_CACHE, d), { recursive: true, force: true });
  }
}
