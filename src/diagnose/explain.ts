/**
 * Findings as text, in English or Chinese: for `berth doctor`, and appended to the errors that
 * `pulumi up`, `berth deploy` and `berth local up` print when a host fails, so the diagnosis
 * comes with the failure.
 */
import { catalogEntry } from "./catalog.js";
import { langFromEnv, type Lang } from "./lang.js";
import { match, matchBootstrap, type MatchOptions } from "./match.js";
import { fill, type Finding, type Text } from "./types.js";

const LABEL: Record<Lang, { why: string; fix: string; key: string; command: string; seen: string; head: string; more: string }> = {
  en: { why: "why", fix: "fix", key: "config key", command: "command", seen: "seen", head: "berth's diagnosis", more: "more checks on the host: berth doctor --stack FILE --host USER@ADDRESS" },
  zh: { why: "原因", fix: "解决", key: "配置项", command: "命令", seen: "依据", head: "berth 的诊断", more: "到主机上做更多检查：berth doctor --stack FILE --host USER@ADDRESS" },
};

/** The entry's texts with the finding's parameters filled in. */
export function describe(f: Finding, lang: Lang): Text {
  const t = catalogEntry(f.id).text[lang];
  return { title: fill(t.title, f.params), why: fill(t.why, f.params), fix: fill(t.fix, f.params) };
}

/** `[id] title`, then why, fix, key, command and the evidence lines, indented. */
export function formatFinding(f: Finding, lang: Lang, indent = "  "): string {
  const e = catalogEntry(f.id);
  const t = describe(f, lang);
  const l = LABEL[lang];
  const sep = lang === "zh" ? "：" : ": ";
  const lines = [`${indent}[${f.id}] ${t.title}`, `${indent}  ${l.why}${sep}${t.why}`, `${indent}  ${l.fix}${sep}${t.fix}`];
  if (e.key) lines.push(`${indent}  ${l.key}${sep}${e.key}`);
  if (e.command) lines.push(`${indent}  ${l.command}${sep}${fill(e.command, f.params)}`);
  if (f.evidence.length > 0) lines.push(`${indent}  ${l.seen}${sep.trimEnd()}`, ...f.evidence.map((x) => `${indent}    ${x}`));
  return lines.join("\n");
}

const HEADS = Object.values(LABEL).map((l) => `── ${l.head}`);

function block(findings: readonly Finding[], lang: Lang): string {
  if (findings.length === 0) return "";
  const l = LABEL[lang];
  return `\n── ${l.head} ──\n${findings.map((f) => formatFinding(f, lang)).join("\n")}\n  (${l.more})`;
}

/**
 * The diagnosis of an error message, to append to it: "" when no entry matches, or when the
 * text already carries a diagnosis (an error passed up through several layers).
 */
export function explain(text: string, lang: Lang = langFromEnv()): string {
  if (HEADS.some((h) => text.includes(h))) return "";
  return block(match(text), lang);
}

/**
 * The diagnosis of a failed bootstrap from its status errors and the tail of its log; for one
 * that is still running (a timeout), pass `only` the entries that explain a stuck run.
 */
export function explainBootstrap(errors: readonly string[], log: string, opts: MatchOptions & { lang?: Lang } = {}): string {
  if (HEADS.some((h) => log.includes(h))) return "";
  return block(matchBootstrap(errors, log, opts), opts.lang ?? langFromEnv());
}

/** Entries that explain a bootstrap that is still running when someone gave up waiting. */
export const STUCK = { only: ["dpkg-locked"] } as const;
