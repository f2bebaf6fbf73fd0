/**
 * Doctor's results: checks with their findings, per machine and per host; the exit code; the
 * report as text (en/zh) and as JSON (schema "berth-doctor/1", documented in the README).
 */
import { catalogEntry } from "../diagnose/catalog.js";
import { describe, formatFinding } from "../diagnose/explain.js";
import type { Lang } from "../diagnose/lang.js";
import { fill, type Finding } from "../diagnose/types.js";
import { CHECK_LABELS, HEADINGS, STATUS_LABELS, SUMMARIES, UNRECOGNISED, type CheckId, type Status, type SummaryKey } from "./texts.js";

export interface Check {
  readonly id: CheckId;
  readonly status: Status;
  readonly summary: SummaryKey;
  readonly params: Readonly<Record<string, string>>;
  readonly findings: readonly Finding[];
  /** Set when the check saw a failure the catalogue does not know: the evidence to read. */
  readonly unrecognised?: readonly string[];
}

export interface HostResult {
  readonly target: string;
  /** False when SSH did not get in: nothing else could be checked. */
  readonly reachable: boolean;
  readonly checks: readonly Check[];
}

export interface DoctorResult {
  /** Checks of this machine; undefined when only hosts were asked for. */
  readonly machine?: readonly Check[];
  readonly hosts: readonly HostResult[];
}

/** A check whose status follows from its findings unless given. */
export function check(id: CheckId, summary: SummaryKey, params: Record<string, string>, findings: readonly Finding[] = [], opts: { status?: Status; unrecognised?: readonly string[] } = {}): Check {
  const worst: Status = opts.unrecognised ? "fail" : findings.some((f) => catalogEntry(f.id).severity === "fail") ? "fail" : findings.length > 0 ? "warn" : "ok";
  return { id, status: opts.status ?? worst, summary, params, findings, ...(opts.unrecognised ? { unrecognised: opts.unrecognised } : {}) };
}

export const EXIT = { ok: 0, problems: 1, unrecognised: 2, unreachable: 3, usage: 64 } as const;

/** 0 nothing failed; 1 problems, each recognised; 2 a failure doctor does not recognise; 3 a host it could not reach. The highest applies. */
export function exitCode(r: DoctorResult): number {
  const checks = [...(r.machine ?? []), ...r.hosts.flatMap((h) => h.checks)];
  if (r.hosts.some((h) => !h.reachable)) return EXIT.unreachable;
  if (checks.some((c) => c.unrecognised)) return EXIT.unrecognised;
  if (checks.some((c) => c.status === "fail")) return EXIT.problems;
  return EXIT.ok;
}

function checkJson(c: Check, lang: Lang) {
  return {
    id: c.id,
    status: c.status,
    summary: fill(SUMMARIES[c.summary][lang], c.params),
    problems: [
      ...c.findings.map((f) => {
        const e = catalogEntry(f.id);
        return { id: f.id, severity: e.severity, ...describe(f, lang), key: e.key ?? null, command: e.command ? fill(e.command, f.params) : null, params: f.params, evidence: f.evidence };
      }),
      ...(c.unrecognised ? [{ id: "unrecognised", severity: "fail", ...UNRECOGNISED[lang], fix: null, key: null, command: null, params: {}, evidence: c.unrecognised }] : []),
    ],
  };
}

export function toJson(r: DoctorResult, lang: Lang, berth: string) {
  return {
    schema: "berth-doctor/1",
    berth,
    lang,
    exitCode: exitCode(r),
    machine: r.machine ? { checks: r.machine.map((c) => checkJson(c, lang)) } : null,
    hosts: r.hosts.map((h) => ({ target: h.target, reachable: h.reachable, checks: h.checks.map((c) => checkJson(c, lang)) })),
  };
}

/** Columns as a terminal shows them: CJK characters take two cells. */
const cells = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - cells(s)));

function renderChecks(checks: readonly Check[], lang: Lang): string[] {
  const width = Math.max(...checks.map((c) => cells(CHECK_LABELS[c.id][lang])));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`  ${pad(STATUS_LABELS[c.status][lang], 4)}  ${pad(CHECK_LABELS[c.id][lang], width)}  ${fill(SUMMARIES[c.summary][lang], c.params)}`.trimEnd());
    for (const f of c.findings) lines.push(formatFinding(f, lang, "        "));
    if (c.unrecognised) {
      const u = UNRECOGNISED[lang];
      lines.push(`        [unrecognised] ${u.title}`, `          ${u.why}`, `          ${HEADINGS.tail[lang]}:`, ...c.unrecognised.map((l) => `            ${l}`));
    }
  }
  return lines;
}

export function renderText(r: DoctorResult, lang: Lang): string {
  const out: string[] = [];
  if (r.machine) out.push(`berth doctor — ${HEADINGS.machine[lang]}`, ...renderChecks(r.machine, lang), "");
  for (const h of r.hosts) out.push(`berth doctor — ${h.target}`, ...renderChecks(h.checks, lang), "");
  const problems = [...(r.machine ?? []), ...r.hosts.flatMap((h) => h.checks)].filter((c) => c.status === "fail").length;
  out.push(problems === 0 ? HEADINGS.ok[lang] : fill(HEADINGS.problems[lang], { count: String(problems) }));
  return out.join("\n") + "\n";
}
