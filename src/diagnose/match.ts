/**
 * Recognising catalogue entries in evidence: log lines, status errors, error messages. An entry
 * is found when one of its patterns matches a line; an entry that outranks another found one
 * hides it. Nothing is guessed: evidence no pattern matches gives no finding.
 */
import { CATALOG, catalogEntry } from "./catalog.js";
import type { Finding } from "./types.js";

export interface MatchOptions {
  /** Only these entries (e.g. the Docker ones for dockerd's journal). */
  readonly only?: readonly string[];
}

const MAX_EVIDENCE = 6;
const MAX_LINE = 300;

export function match(text: string, opts: MatchOptions = {}): Finding[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  const found: Finding[] = [];
  for (const e of CATALOG) {
    if (e.patterns.length === 0 || (opts.only && !opts.only.includes(e.id))) continue;
    const params = new Map<string, string[]>();
    const take = (m: RegExpExecArray) => {
      for (const [k, v] of Object.entries(m.groups ?? {})) {
        if (v === undefined || v === "") continue;
        const vs = params.get(k) ?? [];
        if (!vs.includes(v)) params.set(k, [...vs, v]);
      }
    };
    const evidence: string[] = [];
    for (const line of lines) {
      for (const re of e.patterns) {
        const m = re.exec(line);
        if (!m) continue;
        take(m);
        const shown = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
        if (!evidence.includes(shown)) evidence.push(shown);
        break;
      }
    }
    if (evidence.length === 0) continue;
    for (const line of lines) for (const re of e.context ?? []) {
      const m = re.exec(line);
      if (m) take(m);
    }
    found.push({ id: e.id, params: Object.fromEntries([...params].map(([k, vs]) => [k, vs.join(", ")])), evidence: evidence.slice(-MAX_EVIDENCE) });
  }
  return found.filter((f) => !found.some((o) => o.id !== f.id && (catalogEntry(o.id).outranks ?? []).includes(f.id)));
}

/** The part of bootstrap.log written by its last run (the log is appended to on every run). */
export function lastRun(log: string): string {
  const lines = log.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/ berth: bootstrap starting$/.test(lines[i] ?? "")) return lines.slice(i).join("\n");
  }
  return log;
}

/** Findings from a bootstrap that ended failed (or stuck): its status errors and its last run's log. */
export function matchBootstrap(errors: readonly string[], log: string, opts: MatchOptions = {}): Finding[] {
  return match([...errors, lastRun(log)].join("\n"), opts);
}
