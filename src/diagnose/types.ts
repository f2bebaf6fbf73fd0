/**
 * The shape of the known-failure catalogue: evidence → cause → fix, in English and Chinese
 * side by side. Pure data; nothing here runs anything or imports from the rest of berth.
 *
 * Texts may name parameters as `{name}`; a `[[ … ]]` part is left out when a parameter in it
 * is unknown, so one text serves a finding with or without its details.
 */
import type { Lang } from "./lang.js";

export interface Text {
  /** What happened, one line. */
  readonly title: string;
  /** Why it happens. */
  readonly why: string;
  /** What to do: a config key with its value, or a command. */
  readonly fix: string;
}

export type Severity = "fail" | "warn";

export interface Entry {
  /** Stable id, used in `--json` output and the README table. */
  readonly id: string;
  readonly severity: Severity;
  /** Where it shows and what it looks like, for the README table (English, Markdown). */
  readonly seen: string;
  /** Any of these matching one line of evidence reports this entry; named groups become parameters. */
  readonly patterns: readonly RegExp[];
  /** Lines that only give parameters once a pattern matched (like which mirror it was). */
  readonly context?: readonly RegExp[];
  /** Entries this one explains better: when both are found, only this one is reported. */
  readonly outranks?: readonly string[];
  /** The config key the fix changes, when it is a config change. */
  readonly key?: string;
  /** A command that fixes it or shows more, when there is one. */
  readonly command?: string;
  readonly text: Readonly<Record<Lang, Text>>;
}

/** One entry recognised in evidence (or reported by a doctor check), with what it saw. */
export interface Finding {
  readonly id: string;
  readonly params: Readonly<Record<string, string>>;
  /** The lines that matched, for the user to see. */
  readonly evidence: readonly string[];
}

/** Fill `{name}` from params; drop `[[ … ]]` parts whose parameters are unknown. */
export function fill(template: string, params: Readonly<Record<string, string>>): string {
  const known = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].every((m) => (params[m[1] ?? ""] ?? "") !== "");
  return template
    .replace(/\[\[(.*?)\]\]/gs, (_, part: string) => (known(part) ? part : ""))
    .replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

type Triple = readonly [title: string, why: string, fix: string];

/** An entry written compactly: `en` and `zh` as [title, why, fix]. */
export function entry(e: Omit<Entry, "text"> & { readonly en: Triple; readonly zh: Triple }): Entry {
  const { en, zh, ...rest } = e;
  const text = (t: Triple): Text => ({ title: t[0], why: t[1], fix: t[2] });
  return { ...rest, text: { en: text(en), zh: text(zh) } };
}
