/**
 * GitHub Actions workflow commands (`::add-mask::`, `::notice::`, …), the job summary and step
 * outputs. The runner reads the commands from a step's stdout; GITHUB_STEP_SUMMARY and
 * GITHUB_OUTPUT are files it hands each step.
 */
import { appendFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

/** Data of a workflow command, escaped the way the runner unescapes it. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** `::add-mask::` lines for a secret: the whole value and each of its lines (a PEM key is masked line by line). */
export function maskCommands(value: string): string[] {
  const parts = new Set<string>();
  if (value.trim()) parts.add(value.trim());
  for (const line of value.split(/\r?\n/)) if (line.trim()) parts.add(line.trim());
  return [...parts].map((p) => `::add-mask::${escapeData(p)}\n`);
}

export function annotation(kind: "notice" | "warning" | "error", message: string, title?: string): string {
  const props = title ? ` title=${title.replace(/%/g, "%25").replace(/[\r\n]/g, " ").replace(/:/g, "%3A").replace(/,/g, "%2C")}` : "";
  return `::${kind}${props}::${escapeData(message)}\n`;
}

/** Append markdown to the job summary, when the runner gave one. */
export function appendSummary(file: string | undefined, markdown: string): boolean {
  if (!file) return false;
  appendFileSync(file, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return true;
}

/** Set step outputs (multi-line safe, with a random delimiter), when the runner gave a file. */
export function setOutputs(file: string | undefined, outputs: Record<string, string>): void {
  if (!file) return;
  let text = "";
  for (const [k, v] of Object.entries(outputs)) {
    const delim = `berth_${randomBytes(8).toString("hex")}`;
    text += `${k}<<${delim}\n${v}\n${delim}\n`;
  }
  appendFileSync(file, text);
}
