/**
 * actionlint (scripts/ci-tools.sh builds it) on workflow files, with shellcheck on every `run:`
 * block. actionlint checks workflows only; the composite action's steps are checked by handing
 * actionlint the same steps as one job of a `workflow_call` workflow with the action's inputs.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse, stringify } from "yaml";
import { PROJECT_DIR } from "../helpers/config.js";

export function ciTool(name: "act" | "actionlint" | "moto_server"): string {
  const out = execFileSync("bash", [join(PROJECT_DIR, "scripts/ci-tools.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const path = out.split("\n").find((l) => basename(l) === name);
  if (!path) throw new Error(`scripts/ci-tools.sh did not provide ${name}`);
  return path;
}

/** The composite action as a workflow actionlint can check: its inputs, its steps, its outputs. */
export function actionAsWorkflow(actionYaml: string): string {
  const a = parse(actionYaml) as { inputs: Record<string, { required?: boolean; default?: string }>; outputs: Record<string, { value: string }>; runs: { steps: unknown[] } };
  const inputs = Object.fromEntries(Object.entries(a.inputs).map(([k, v]) => [k, { type: "string", required: v.required === true }]));
  const outputs = Object.fromEntries(Object.entries(a.outputs).map(([k, v]) => [k, v.value]));
  return stringify({ name: "action.yml as a workflow", on: { workflow_call: { inputs } }, permissions: {}, jobs: { action: { "runs-on": "ubuntu-latest", outputs, steps: a.runs.steps } } });
}

export interface LintResult {
  code: number;
  output: string;
}

/**
 * actionlint over a project laid out like a user's repository: action.yml at the root (so
 * `uses: ./` is checked against its inputs) and the given workflow files in .github/workflows/.
 */
export async function lint(workflows: Record<string, string>, actionYaml = readFileSync(join(PROJECT_DIR, "action.yml"), "utf8")): Promise<LintResult> {
  const dir = mkdtempSync(join(tmpdir(), "berth-ci-lint-"));
  try {
    // actionlint finds the project by its .git directory.
    mkdirSync(join(dir, ".git"));
    mkdirSync(join(dir, ".github/workflows"), { recursive: true });
    writeFileSync(join(dir, "action.yml"), actionYaml);
    for (const [name, text] of Object.entries(workflows)) writeFileSync(join(dir, ".github/workflows", name), text);
    const shellcheck = execFileSync("bash", ["-c", "command -v shellcheck"], { encoding: "utf8" }).trim();
    return await new Promise((resolve, reject) => {
      execFile(ciTool("actionlint"), ["-no-color", "-shellcheck", shellcheck, "-pyflakes", ""], { cwd: dir }, (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err);
        resolve({ code: err ? Number(err.code) : 0, output: stdout + stderr });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function exampleWorkflows(): Record<string, string> {
  const dir = join(PROJECT_DIR, "examples/github-actions");
  const out: Record<string, string> = {};
  for (const f of ["berth-preview.yml", "berth-up.yml", "berth-destroy.yml", "berth-reap.yml"]) out[f] = readFileSync(join(dir, f), "utf8");
  return out;
}

