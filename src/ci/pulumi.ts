/**
 * Running the Pulumi CLI for a CI command: the pinned CLI (scripts/pulumi-cli.sh), output streamed
 * line by line with secrets redacted and kept for the report, and the engine's event log read for
 * the counts of each operation — the same `--event-log` file Pulumi's Automation API reads
 * (it too sets PULUMI_DEBUG_COMMANDS, which makes the flag available).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redactor } from "./secrets.js";

export const PULUMI_CLI = fileURLToPath(new URL("../../scripts/pulumi-cli.sh", import.meta.url));

export interface PulumiRun {
  readonly code: number;
  /** stdout and stderr as they came, redacted. */
  readonly output: string;
}

export interface PulumiRunner {
  run(args: string[], opts?: { quiet?: boolean }): Promise<PulumiRun>;
}

/** Runs `pulumi ARGS` in the project with the given environment; each output line goes through the redactor to `sink`. */
export function pulumiRunner(cwd: string, env: NodeJS.ProcessEnv, redactor: Redactor, sink: (s: string) => void): PulumiRunner {
  return {
    run: (args, opts = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn("bash", [PULUMI_CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        const chunks: string[] = [];
        const pending = { stdout: "", stderr: "" };
        const take = (which: "stdout" | "stderr", text: string, flush = false) => {
          pending[which] += text;
          const cut = flush ? pending[which].length : pending[which].lastIndexOf("\n") + 1;
          if (cut <= 0) return;
          const lines = redactor.redact(pending[which].slice(0, cut));
          pending[which] = pending[which].slice(cut);
          chunks.push(lines);
          if (!opts.quiet) sink(lines);
        };
        child.stdout.setEncoding("utf8").on("data", (d: string) => take("stdout", d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => take("stderr", d));
        child.on("error", reject);
        child.on("close", (code) => {
          take("stdout", "", true);
          take("stderr", "", true);
          resolve({ code: code ?? 1, output: chunks.join("") });
        });
      }),
  };
}

export interface EngineSummary {
  /** Operation counts from the summary event: `{ create: 4 }`, `{ same: 4 }`. */
  readonly changes: Record<string, number>;
  /** Error diagnostics the engine reported. */
  readonly errors: string[];
  readonly sawSummary: boolean;
}

/** Counts and errors from an `--event-log` file (one JSON engine event per line). */
export function readEventLog(text: string): EngineSummary {
  let changes: Record<string, number> = {};
  let sawSummary = false;
  const errors: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let ev: { summaryEvent?: { resourceChanges?: Record<string, number> }; diagnosticEvent?: { message?: string; severity?: string } };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch {
      continue; // a line cut short by a killed engine
    }
    if (ev.summaryEvent) {
      sawSummary = true;
      changes = { ...(ev.summaryEvent.resourceChanges ?? {}) };
    }
    const d = ev.diagnosticEvent;
    if (d?.severity === "error" && d.message) errors.push(d.message.replace(/\u001b\[[0-9;]*m/g, "").trim());
  }
  return { changes, errors, sawSummary };
}

/** True when anything but `same` happened. */
export function hasChanges(changes: Record<string, number>): boolean {
  return Object.entries(changes).some(([op, n]) => op !== "same" && n > 0);
}

/** A temporary event-log path; `read()` parses and removes it. */
export function eventLog(): { path: string; read: () => EngineSummary } {
  const dir = mkdtempSync(join(tmpdir(), "berth-ci-events-"));
  const path = join(dir, "events.jsonl");
  return {
    path,
    read: () => {
      try {
        return readEventLog(existsSync(path) ? readFileSync(path, "utf8") : "");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
