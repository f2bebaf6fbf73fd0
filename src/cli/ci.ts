/**
 * `berth ci …`: what the GitHub action runs (action.yml), usable from any CI.
 *   berth ci preview|up|refresh|destroy|unlock --stack NAME [--backend URL] [--json] …
 *   berth ci stacks [--changed-since COMMIT]       the stacks to run, as a JSON array
 * Exit codes: src/ci/codes.ts (0 ok or skipped, 1 failed, 2 bad input, 3 unexpected changes, 4 locked).
 */
import { Command } from "commander";
import { EXIT } from "../ci/codes.js";
import { githubContext } from "../ci/github.js";
import { COMMANDS } from "../ci/options.js";
import { runCi } from "../ci/run.js";
import { stacksToRun } from "../ci/stacks.js";
import { setOutputs } from "../ci/workflow-commands.js";
import type { CommandIo } from "./render.js";

interface RunFlags {
  stack?: string;
  cwd?: string;
  backend?: string;
  refresh: boolean;
  expectNoChanges: boolean;
  confirm?: string;
  json: boolean;
  comment: boolean;
  summary: boolean;
}

const DESCRIPTIONS: Record<(typeof COMMANDS)[number], string> = {
  preview: "show what would change; on a pull request, comment the plan (one comment per stack, edited in place)",
  up: "apply the stack",
  refresh: "read the stack's resources back from the cloud into the state",
  destroy: "remove every resource of the stack (needs --confirm NAME)",
  unlock: "clear a lock left by a cancelled or killed run (pulumi cancel; needs --confirm NAME)",
  reap: "destroy the stack if it is a lab whose berth:lab.expires has passed; nothing otherwise",
};

export async function ciRunCommand(command: string, flags: RunFlags, io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // With --json, stdout carries only the result; the log and workflow commands go to stderr
  // (the runner reads workflow commands from both).
  const log = flags.json ? io.stderr : io.stdout;
  const result = await runCi(
    {
      command, refresh: flags.refresh, expectNoChanges: flags.expectNoChanges,
      ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
      ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
      ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
      ...(flags.confirm !== undefined ? { confirm: flags.confirm } : {}),
    },
    { env, github: githubContext(env), log, command: log, comment: flags.comment, summary: flags.summary },
  );
  if (flags.json) io.stdout(`${JSON.stringify(result)}\n`);
  return result.exitCode;
}

export function ciStacksCommand(flags: { cwd?: string; changedSince?: string; output?: string }, io: CommandIo, env: NodeJS.ProcessEnv = process.env): number {
  const r = stacksToRun(flags.cwd ?? ".", flags.changedSince);
  io.stderr(`berth ci stacks: ${r.stacks.length ? r.stacks.join(", ") : "none"} (${r.reason})\n`);
  if (flags.output) setOutputs(env.GITHUB_OUTPUT, { [flags.output]: JSON.stringify(r.stacks) });
  io.stdout(`${JSON.stringify(r.stacks)}\n`);
  return EXIT.ok;
}

export function registerCi(root: Command, io: CommandIo): void {
  const ci = root.command("ci").description("run a stack from CI: preview, up, refresh, destroy, unlock; job summary, PR comments, exit codes for workflows");
  for (const name of COMMANDS) {
    ci.command(name)
      .description(DESCRIPTIONS[name])
      .requiredOption("--stack <name>", "stack name, or its file (stacks/Pulumi.<name>.yaml)")
      .option("--cwd <dir>", "the Pulumi project directory", ".")
      .option("--backend <url>", "state backend, like s3://bucket?endpoint=…&region=… (default PULUMI_BACKEND_URL; never Pulumi Cloud by default)")
      .option("--refresh", "refresh the state first", false)
      .option("--expect-no-changes", "exit 3 when there are changes", false)
      .option("--confirm <name>", "the stack name again, for destroy and unlock")
      .option("--json", "print the result as one JSON document on stdout (the log goes to stderr)", false)
      .option("--no-comment", "do not comment on the pull request")
      .option("--no-summary", "do not write the job summary")
      .action(async (flags: RunFlags) => {
        process.exitCode = await ciRunCommand(name, flags, io);
      });
  }
  ci.command("stacks")
    .description("print the stacks to run as a JSON array: all, or those a change touched")
    .option("--cwd <dir>", "the Pulumi project directory", ".")
    .option("--changed-since <commit>", "only stacks whose files (or shared files) changed since this commit")
    .option("--output <name>", "also set this step output (GITHUB_OUTPUT)")
    .action((flags: { cwd?: string; changedSince?: string; output?: string }) => {
      process.exitCode = ciStacksCommand(flags, io);
    });
}
