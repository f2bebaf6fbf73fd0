/**
 * Fields that take one of several forms (`false` or an object, a file or a spec, a name or a list
 * or a `{ url }`). A plain union reports the first form that failed, so a mistake inside an object
 * was shown as "expected false" or as unknown keys of another form — and following that hint
 * turned the feature off. Here the form is chosen by the input's shape first (its JS type, then
 * for objects the keys it has), and only that form's problems are reported, at their own keys.
 */
import { z } from "zod";
import { isPlainObject } from "./fields.js";
import { suggest } from "./messages.js";

type Kind = "object" | "array" | "string" | "boolean" | "number";

export interface Form<S extends z.ZodType = z.ZodType> {
  /** How the form reads in "expected …" messages: `false`, `{ maxSize, maxFile }`, `a list of them`. */
  readonly label: string;
  readonly schema: S;
  /** The input's JS type this form takes, or a predicate for narrower forms (`false`, `{ type: http }`). */
  readonly takes: Kind | ((v: unknown) => boolean);
  /** Left out of "expected …" when a broader form already says it. */
  readonly unlisted?: boolean;
}

/** The forms of every shaped union, by schema, so tests can walk into each form. */
export const unionForms = new WeakMap<object, readonly Form[]>();

function kindOf(v: unknown): Kind | "other" {
  if (Array.isArray(v)) return "array";
  if (isPlainObject(v)) return "object";
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v === null ? "other" : (typeof v as Kind);
  return "other";
}

/** The keys an object form knows (its zod shape), or none. */
function formKeys(f: Form): string[] {
  const shape = (f.schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/** Among object forms, the one whose keys explain the input's keys best (exact, then near misses). */
function pickObjectForm(forms: readonly Form[], v: Record<string, unknown>): Form | undefined {
  const keys = Object.keys(v);
  const score = (f: Form) => {
    const known = formKeys(f);
    if (known.length === 0) return { exact: 0, near: 0, all: true };
    const exact = keys.filter((k) => known.includes(k)).length;
    const near = keys.filter((k) => !known.includes(k) && suggest(k, known) !== undefined).length;
    return { exact, near, all: exact === keys.length };
  };
  const scored = forms.map((f) => ({ f, s: score(f) }));
  const complete = scored.filter((x) => x.s.all);
  if (complete.length > 0) return complete[0]?.f;
  scored.sort((a, b) => b.s.exact - a.s.exact || b.s.near - a.s.near);
  return scored[0]?.f;
}

/** Keys that belong to different object forms at once, like `{ file, name }` for conda.env. */
function mixedKeys(forms: readonly Form[], v: Record<string, unknown>): string | undefined {
  const owners = forms.filter((f) => f.takes === "object").map((f) => ({ f, keys: Object.keys(v).filter((k) => formKeys(f).includes(k)) })).filter((x) => x.keys.length > 0);
  const exclusive = owners.filter((x) => x.keys.some((k) => !owners.some((o) => o !== x && formKeys(o.f).includes(k))));
  if (exclusive.length < 2) return undefined;
  return `give one form, not a mix: ${exclusive.map((x) => `${x.keys.join(", ")} belong${x.keys.length === 1 ? "s" : ""} to ${x.f.label}`).join("; ")}`;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/**
 * A union whose form is chosen by the input's shape. `forms` are tried in order: a predicate
 * form takes what its predicate accepts; a kind form takes inputs of that JS type; several
 * object forms are told apart by their keys.
 */
export function byShape<const S extends readonly [z.ZodType, ...z.ZodType[]]>(forms: { readonly [K in keyof S]: Form<S[K]> }) {
  const all = forms as unknown as readonly Form[];
  const expected = `expected ${all.filter((f) => !f.unlisted).map((f) => f.label).join(" or ")}`;
  const schema = z.unknown().transform((v, ctx): z.output<S[number]> => {
    const byPredicate = all.find((f) => typeof f.takes === "function" && f.takes(v));
    const kind = kindOf(v);
    const ofKind = all.filter((f) => f.takes === kind);
    let form = byPredicate;
    if (!form && kind === "object" && ofKind.length > 1) {
      const mixed = mixedKeys(all, v as Record<string, unknown>);
      if (mixed) {
        ctx.addIssue({ code: "custom", message: mixed });
        return z.NEVER;
      }
      form = pickObjectForm(ofKind, v as Record<string, unknown>);
    } else form ??= ofKind[0];
    if (!form) {
      ctx.addIssue({ code: "custom", message: `${expected} — got ${shown(v)}` });
      return z.NEVER;
    }
    const r = form.schema.safeParse(v);
    if (r.success) return r.data as z.output<S[number]>;
    for (const issue of r.error.issues) ctx.addIssue({ ...issue } as unknown as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
  unionForms.set(schema, all);
  return schema;
}
