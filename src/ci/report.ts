/** The markdown a run writes to the job summary and the pull-request comment. */
import type { CiCommand } from "./options.js";

export type Status = "succeeded" | "failed" | "skipped";

export interface Report {
  readonly command: CiCommand;
  readonly stack: string;
  readonly status: Status;
  readonly changes: Record<string, number>;
  /** Pulumi's output, already redacted. */
  readonly output: string;
  /** Stack outputs after an up or refresh (secrets are `[secret]`). */
  readonly outputs?: Record<string, unknown>;
  /** Why it failed or was skipped, in a sentence or two. */
  readonly message?: string;
  readonly runUrl?: string;
}

/** GitHub's limit for a comment body is 65 536 characters; leave room for the rest of the report. */
export const MAX_OUTPUT = 50_000;

const ORDER = ["create", "update", "replace", "create-replacement", "delete-replaced", "delete", "read", "refresh", "same"];
const PLANNED: Record<string, string> = { create: "to create", update: "to update", replace: "to replace", delete: "to delete", same: "unchanged" };
const DONE: Record<string, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged" };

export function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

/** "4 to create, 1 unchanged" (preview) or "4 created" (up); "no changes" when only `same`. */
export function changeText(command: CiCommand, changes: Record<string, number>): string {
  const words = command === "preview" ? PLANNED : DONE;
  const rank = (op: string) => (ORDER.includes(op) ? ORDER.indexOf(op) : ORDER.length);
  const ops = Object.keys(changes).filter((op) => (changes[op] ?? 0) > 0).sort((a, b) => rank(a) - rank(b));
  if (ops.every((op) => op === "same")) return "no changes";
  return ops.map((op) => `${changes[op]} ${words[op] ?? op}`).join(", ");
}

export function headline(r: Report): string {
  const what = `berth ${r.command} · \`${r.stack}\``;
  if (r.status === "skipped") return `${what}: skipped`;
  if (r.status === "failed") return `${what}: failed`;
  if (r.command === "unlock") return `${what}: unlocked`;
  return `${what}: ${changeText(r.command, r.changes)}`;
}

/** The last MAX_OUTPUT characters, cut at a line, with a note of what was cut. */
export function tailOf(output: string, max = MAX_OUTPUT): string {
  const clean = stripAnsi(output).trimEnd();
  if (clean.length <= max) return clean;
  const cut = clean.slice(clean.length - max);
  const rest = cut.slice(cut.indexOf("\n") + 1);
  return `… ${clean.length - rest.length} characters cut: the whole output is in the job log …\n${rest}`;
}

/** A fenced block that its content cannot close. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = "`".repeat(longest + 1);
  return `${f}text\n${text}\n${f}`;
}

export function reportMarkdown(r: Report, marker?: string): string {
  const parts: string[] = [];
  if (marker) parts.push(marker);
  parts.push(`### ${headline(r)}`);
  if (r.message) parts.push(r.message);
  const counts = Object.entries(r.changes).filter(([, n]) => n > 0);
  if (counts.length && r.status !== "skipped") {
    parts.push(`| ${counts.map(([op]) => op).join(" | ")} |\n|${counts.map(() => "---").join("|")}|\n| ${counts.map(([, n]) => n).join(" | ")} |`);
  }
  if (r.outputs && Object.keys(r.outputs).length) {
    const rows = Object.entries(r.outputs).map(([k, v]) => `| \`${k}\` | ${typeof v === "string" ? v : JSON.stringify(v)} |`.replace(/\n/g, " "));
    parts.push(`| output | value |\n|---|---|\n${rows.join("\n")}`);
  }
  if (r.output.trim()) {
    parts.push(`<details${r.status === "failed" ? " open" : ""}><summary>Pulumi output</summary>\n\n${fence(tailOf(r.output))}\n\n</details>`);
  }
  if (r.runUrl) parts.push(`[The run](${r.runUrl})`);
  return `${parts.join("\n\n")}\n`;
}
