/**
 * One CI run of a stack: check the request, mask the secrets, select the stack on the named
 * backend, run the Pulumi command, then report — job summary, PR comment (one per stack, edited
 * in place), a machine-readable result. The same Pulumi program and CLI a user runs by hand.
 */
import { readFileSync } from "node:fs";
import { EXIT, type ExitCode } from "./codes.js";
import { upsertComment, markerFor, GithubApiError } from "./comments.js";
import type { GithubContext } from "./github.js";
import { checkOptions, type CiOptions, type RawCiOptions } from "./options.js";
import { pluginInstalls } from "./plugins.js";
import { eventLog, hasChanges, pulumiRunner, type PulumiRunner } from "./pulumi.js";
import { headline, reportMarkdown, type Report, type Status } from "./report.js";
import { REAPED_TAG, reapDecision, reapedMessage } from "../lab/reap.js";
import { configSecrets, envSecrets, Redactor } from "./secrets.js";
import { annotation, appendSummary, maskCommands } from "./workflow-commands.js";

export interface CiResult {
  readonly stack: string;
  readonly command: string;
  readonly status: Status;
  readonly exitCode: ExitCode;
  readonly changes: Record<string, number>;
  readonly changed: boolean;
  readonly outputs?: Record<string, unknown>;
  readonly message?: string;
  readonly comment?: { action: "created" | "updated"; id: number; url?: string } | { error: string };
}

export interface CiDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly github: GithubContext;
  /** Progress and Pulumi's output (the job log). */
  readonly log: (s: string) => void;
  /** Workflow commands: on stdout, where the runner reads them. */
  readonly command: (s: string) => void;
  readonly fetch?: typeof fetch;
  readonly pulumi?: (cwd: string, env: NodeJS.ProcessEnv, redactor: Redactor) => PulumiRunner;
  readonly comment?: boolean;
  readonly summary?: boolean;
  /** The time a reap compares the lab's expiry with (default: now). */
  readonly now?: () => Date;
}

const LOCKED = /the stack is currently locked/;

function forkSkip(raw: RawCiOptions, deps: CiDeps): CiResult | undefined {
  const pr = deps.github.pullRequest;
  if (!pr?.fork || deps.env.PULUMI_CONFIG_PASSPHRASE) return undefined;
  const message =
    `No preview for this pull request: it comes from the fork ${pr.headRepo || "(deleted)"}, and GitHub gives workflows run for forks ` +
    "no secrets (the state backend's keys, PULUMI_CONFIG_PASSPHRASE) and a read-only token. A maintainer can preview it by pushing the branch to this repository.";
  const stack = raw.stack ?? "";
  deps.command(annotation("notice", message, `berth ${raw.command} skipped`));
  if (deps.summary !== false) appendSummary(deps.github.summaryFile, reportMarkdown({ command: "preview", stack, status: "skipped", changes: {}, output: "", message }));
  return { stack, command: raw.command, status: "skipped", exitCode: EXIT.ok, changes: {}, changed: false, message };
}

export async function runCi(raw: RawCiOptions, deps: CiDeps): Promise<CiResult> {
  const skipped = forkSkip(raw, deps);
  if (skipped) return skipped;
  const checked = checkOptions(raw, deps.env);
  if (!checked.ok) {
    const message = checked.errors.join("\n");
    for (const e of checked.errors) deps.command(annotation("error", e, `berth ${raw.command}`));
    deps.log(`berth ci: ${checked.errors.length} problem${checked.errors.length === 1 ? "" : "s"}:\n${checked.errors.map((e) => `  ${e}\n`).join("")}`);
    return { stack: raw.stack ?? "", command: raw.command, status: "failed", exitCode: EXIT.usage, changes: {}, changed: false, message };
  }
  return runChecked(checked.options, deps);
}

async function runChecked(o: CiOptions, deps: CiDeps): Promise<CiResult> {
  const fromEnv = envSecrets(deps.env);
  const redactor = new Redactor().add(fromEnv);
  for (const v of fromEnv) deps.command(maskCommands(v).join(""));
  const env: NodeJS.ProcessEnv = { ...deps.env, PULUMI_BACKEND_URL: o.backend, PULUMI_DEBUG_COMMANDS: "true", NO_COLOR: "1" };
  delete env.GITHUB_TOKEN; // the program has no use for it
  const p = (deps.pulumi ?? ((cwd, e, r) => pulumiRunner(cwd, e, r, deps.log)))(o.cwd, env, redactor);
  const base = ["--stack", o.stack, "--non-interactive"];
  const fail = (exitCode: ExitCode, message: string, output = ""): Promise<CiResult> => finish(o, deps, { status: "failed", exitCode, changes: {}, output, message });

  deps.log(`berth ci: ${o.command} ${o.stack} on ${o.backend.replace(/\?.*$/, "")}\n`);
  const sel = await p.run(["stack", "select", ...base]);
  if (sel.code !== 0) {
    return fail(EXIT.failed, `Could not select stack ${o.stack} on the backend. If the stack is new, create it once where you keep the passphrase — \`pulumi stack init ${o.stack}\` with the same backend — and commit its stack file (it holds the encryption salt).`, sel.output);
  }
  // The stack's own secrets (an SSH key, a registry password) are masked before anything prints them.
  const cfg = await p.run(["config", "--json", "--show-secrets", ...base], { quiet: true });
  if (cfg.code !== 0) return fail(EXIT.failed, "Could not read the stack's config: is PULUMI_CONFIG_PASSPHRASE the one the stack was created with?", cfg.output);
  const secrets = configSecrets(cfg.output, readFileSync(o.stackFile, "utf8"));
  redactor.add(secrets);
  for (const v of secrets) deps.command(maskCommands(v).join(""));

  if (o.command === "up" || o.command === "preview") {
    const tag = await p.run(["stack", "tag", "get", REAPED_TAG, ...base], { quiet: true });
    const at = tag.output.trim();
    if (tag.code === 0 && at && !at.includes("\n")) return finish(o, deps, { status: "skipped", exitCode: EXIT.ok, changes: {}, output: "", message: reapedMessage(o.stack, at) });
  }

  for (const args of pluginInstalls(readFileSync(o.stackFile, "utf8"), o.cwd)) {
    const r = await p.run([...args, "--non-interactive"]);
    if (r.code !== 0) return fail(EXIT.failed, `Could not install the ${args[3]} provider plugin.`, r.output);
  }

  if (o.command === "unlock") {
    const r = await p.run(["cancel", "--yes", ...base]);
    return finish(o, deps, { status: r.code === 0 ? "succeeded" : "failed", exitCode: r.code === 0 ? EXIT.ok : EXIT.failed, changes: {}, output: r.output, ...(r.code === 0 ? { message: `Cleared the lock of ${o.stack}.` } : {}) });
  }
  let reapedAt: string | undefined;
  if (o.command === "reap") {
    const out = await p.run(["stack", "output", "--json", ...base], { quiet: true });
    let outputs: Record<string, unknown> | undefined;
    try {
      outputs = out.code === 0 ? (JSON.parse(out.output || "{}") as Record<string, unknown>) : undefined;
    } catch {
      outputs = undefined;
    }
    if (!outputs) return fail(EXIT.failed, `Could not read the outputs of stack ${o.stack}, so berth cannot tell whether its lab has expired; nothing was destroyed.`, out.output);
    const d = reapDecision(o.stack, outputs, (deps.now ?? (() => new Date()))());
    if (d.action === "none") return finish(o, deps, { status: "skipped", exitCode: EXIT.ok, changes: {}, output: "", message: d.message });
    deps.log(`berth ci: ${d.message}\n`);
    reapedAt = d.expiresAt;
  }
  const verb = reapedAt !== undefined ? "destroy" : o.command;
  const flags = [...(o.refresh && verb !== "refresh" ? ["--refresh"] : []), ...(o.expectNoChanges && verb !== "destroy" ? ["--expect-no-changes"] : [])];
  const args = verb === "preview" ? ["preview", "--diff"] : [verb, "--yes", "--skip-preview"];
  const log = eventLog();
  const r = await p.run([...args, ...flags, "--suppress-progress", "--color", "never", "--event-log", log.path, ...base]);
  const ev = log.read();
  const changed = hasChanges(ev.changes);
  if (r.code !== 0) {
    if (LOCKED.test(r.output)) {
      return fail(EXIT.locked, `Stack ${o.stack} is locked. If no other run of it is going on, a cancelled or killed run left the lock: clear it with the manual workflow's \`unlock\` (berth ci unlock --stack ${o.stack} --confirm ${o.stack}, which runs \`pulumi cancel\`).`, r.output);
    }
    if (o.expectNoChanges && ev.sawSummary && changed) {
      return finish(o, deps, { status: "failed", exitCode: EXIT.changes, changes: ev.changes, output: r.output, message: "Changes were found where none were expected (expect-no-changes)." });
    }
    return finish(o, deps, { status: "failed", exitCode: EXIT.failed, changes: ev.changes, output: r.output, message: ev.errors.length ? ev.errors.join("\n") : `pulumi ${o.command} exited ${r.code}.` });
  }
  if (reapedAt !== undefined) {
    const t = await p.run(["stack", "tag", "set", REAPED_TAG, reapedAt, ...base], { quiet: true });
    if (t.code !== 0) deps.command(annotation("warning", `Destroyed, but could not tag the stack ${REAPED_TAG}; berth-up would create the lab again: delete stacks/Pulumi.${o.stack}.yaml.`, "berth reap"));
  }
  let outputs: Record<string, unknown> | undefined;
  if (o.command === "up" || o.command === "refresh") {
    const out = await p.run(["stack", "output", "--json", ...base], { quiet: true });
    if (out.code === 0) outputs = JSON.parse(out.output) as Record<string, unknown>;
  }
  return finish(o, deps, { status: "succeeded", exitCode: EXIT.ok, changes: ev.changes, output: r.output, ...(outputs ? { outputs } : {}) });
}

async function finish(o: CiOptions, deps: CiDeps, r: Omit<Report, "command" | "stack" | "runUrl"> & { exitCode: ExitCode }): Promise<CiResult> {
  const report: Report = { ...r, command: o.command, stack: o.stack, ...(deps.github.runUrl ? { runUrl: deps.github.runUrl } : {}) };
  const result: { -readonly [K in keyof CiResult]: CiResult[K] } = {
    stack: o.stack, command: o.command, status: r.status, exitCode: r.exitCode, changes: r.changes, changed: hasChanges(r.changes),
    ...(r.outputs ? { outputs: r.outputs } : {}), ...(r.message ? { message: r.message } : {}),
  };
  deps.log(`berth ci: ${headline(report).replace(/`/g, "")}\n${r.status !== "succeeded" && r.message ? `${r.message}\n` : ""}`);
  if (r.status === "failed" && r.message) deps.command(annotation("error", r.message, headline(report).replace(/`/g, "")));
  if (deps.summary !== false) appendSummary(deps.github.summaryFile, reportMarkdown(report));
  const pr = deps.github.pullRequest;
  if (o.command === "preview" && pr && deps.comment !== false) result.comment = await comment(o, deps, report, pr.number);
  return result;
}

async function comment(o: CiOptions, deps: CiDeps, report: Report, issue: number): Promise<CiResult["comment"]> {
  const g = deps.github;
  if (!g.token || !g.repository) {
    deps.command(annotation("warning", "No PR comment: no GITHUB_TOKEN (the action's github-token input) or GITHUB_REPOSITORY.", "berth"));
    return { error: "no token" };
  }
  const marker = markerFor(o.stack);
  try {
    const c = await upsertComment({ apiUrl: g.apiUrl, token: g.token, repository: g.repository, issue }, marker, reportMarkdown(report, marker), deps.fetch);
    deps.log(`berth ci: ${c.action} the PR comment for ${o.stack}${c.url ? ` (${c.url})` : ""}\n`);
    return { action: c.action, id: c.id, ...(c.url ? { url: c.url } : {}) };
  } catch (e) {
    // A read-only token (a fork, or permissions without pull-requests: write) must not fail the preview.
    const why = e instanceof GithubApiError && (e.status === 403 || e.status === 404)
      ? `${e.message} — the token cannot write comments here (a fork's pull request, or the workflow lacks \`permissions: pull-requests: write\`); the plan is in the job summary`
      : (e as Error).message;
    deps.command(annotation("warning", `No PR comment: ${why}`, "berth"));
    return { error: why };
  }
}
