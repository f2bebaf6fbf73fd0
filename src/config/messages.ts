/**
 * Turning validation problems into the lines a user reads:
 * `berth:bootstrap.mirror: unknown mirror "aliyn" — did you mean "aliyun"? (official, aliyun, …)`.
 */
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";

export type ConfigPath = readonly PropertyKey[];

/** `["bootstrap","mirror",1,"url"]` → `berth:bootstrap.mirror[1].url`. */
export function formatPath(path: ConfigPath): string {
  let out = "berth:";
  path.forEach((seg, i) => {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += (i === 0 ? "" : ".") + String(seg);
  });
  return out;
}

/** A close-enough known name for a typo, or undefined. */
export function suggest(input: string, known: readonly string[]): string | undefined {
  if (known.length === 0 || input.length === 0) return undefined;
  const best = closest(input, [...known]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(input.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

/** `(a, b, c, …)`: the known names, shortened past `max`. */
export function listNames(known: readonly string[], max = 8): string {
  const shown = known.slice(0, max).join(", ");
  return `(${shown}${known.length > max ? ", …" : ""})`;
}

/** `unknown mirror "aliyn" — did you mean "aliyun"? (official, aliyun, …)` */
export function unknownName(noun: string, input: string, known: readonly string[]): string {
  const hint = suggest(input, known);
  const mean = hint ? ` — did you mean "${hint}"?` : " — expected one of";
  return `unknown ${noun} "${input}"${mean} ${listNames(known, 10)}`;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return /received undefined$/.test(issue.message) ? `required: expected ${issue.expected}` : issue.message.replace(/^Invalid input: /, "");
    case "invalid_key":
      return issue.issues.map((i) => i.message).join("; ") || issue.message;
    case "too_small":
      return issue.origin === "array" ? `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? "y" : "ies"}` : issue.message;
    default:
      return issue.message.replace(/^Invalid input: /, "");
  }
}

/** A union branch that failed only because the input has another shape altogether. */
function misfit(errs: readonly z.core.$ZodIssue[]): boolean {
  return errs.every((e) => e.path.length === 0 && (e.code === "invalid_type" || (e.code === "invalid_union" && e.errors.every(misfit))));
}

/**
 * One line per problem. A union reports the branch that fits the input's shape, so a user who
 * wrote an object sees what is wrong inside it instead of "expected string".
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], base: ConfigPath = []): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const fitting = issue.errors.filter((errs) => !misfit(errs));
      if (fitting.length >= 1) {
        lines.push(...formatIssues(fitting[0] ?? [], path));
        continue;
      }
      lines.push(`${formatPath(path)}: ${issue.message === "Invalid input" ? unionShape(issue.errors) : issue.message}`);
      continue;
    }
    lines.push(`${formatPath(path)}: ${describe(issue)}`);
  }
  return [...new Set(lines)];
}

function unionShape(branches: readonly (readonly z.core.$ZodIssue[])[]): string {
  const wanted = branches.flatMap((errs) => errs.map((e) => (e.code === "invalid_type" ? e.expected : undefined)));
  const uniq = [...new Set(wanted.filter((w): w is NonNullable<typeof w> => w !== undefined))];
  return `expected ${uniq.join(" or ")}`;
}
