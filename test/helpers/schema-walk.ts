/**
 * Walking berth's config schemas down to their leaf fields, so property tests cover every field
 * there is (a new field shows up here without anyone listing it). Each leaf comes with its path,
 * its schema and a `place` function that puts a value there inside a config that is otherwise
 * valid: literals of the form it sits in (`type: http`) and required siblings are filled in.
 */
import { z } from "zod";
import { fieldDomains } from "../../src/config/fields.js";
import { SECTION_SCHEMAS } from "../../src/config/schema.js";
import { unionForms } from "../../src/config/shapes.js";

export type Path = readonly (string | number)[];
export type Place = (value: unknown) => unknown;

export interface Leaf {
  readonly path: Path;
  /** The leaf schema, wrappers (optional, default) removed. */
  readonly schema: z.ZodType;
  /** The registered domain of the leaf (or of the wrapper that carried it). */
  readonly domain: string | undefined;
  /** The value at `path` in a section value: put it inside its containers. */
  readonly place: Place;
  /** True for a record key rather than a value. */
  readonly isKey?: boolean;
}

/** Values required siblings get when a leaf's object is built around it, by key name. */
const REQUIRED_SAMPLES: Record<string, unknown> = {
  name: "lab", url: "https://mirrors.example.edu", server: "reg.lab", username: "ci", image: "reg.lab/app:v1",
  base: "10.200.0.0/16", size: 24, secure: "v1:abc",
  roster: "rosters/lab.csv", expires: "14d", amount: 100, currency: "USD",
};
/** Record keys used to place a value (a key the record's own rules accept). */
export const RECORD_KEYS: Record<string, string> = { "bootstrap.docker.daemon.default-ulimits": "nofile" };
/** A valid value to go with a generated record key. */
const KEY_VALUE_SAMPLES: Record<string, unknown> = { "app.secretEnv": { secure: "v1:abc" } };

const def = (s: z.ZodType) => (s as unknown as { def: Record<string, unknown> }).def;

function unwrap(s: z.ZodType): { inner: z.ZodType; domain: string | undefined } {
  let cur = s;
  let domain = fieldDomains.get(cur);
  for (let i = 0; i < 10; i++) {
    const d = def(cur);
    if ((d.type === "optional" || d.type === "default" || d.type === "prefault" || d.type === "nullable") && d.innerType) cur = d.innerType as z.ZodType;
    else if (d.type === "pipe" && !unionForms.has(cur) && d.in && def(d.in as z.ZodType).type !== "unknown") cur = d.in as z.ZodType;
    else break;
    domain ??= fieldDomains.get(cur);
  }
  return { inner: cur, domain };
}

const isRequired = (s: z.ZodType) => !["optional", "default", "prefault"].includes(String(def(s).type));

function walk(schema: z.ZodType, path: Path, place: Place, out: Leaf[]): void {
  const { inner, domain } = unwrap(schema);
  const forms = unionForms.get(inner);
  if (forms) {
    for (const f of forms) walk(f.schema, path, place, out);
    return;
  }
  const d = def(inner);
  if (d.type === "object" && !domain) {
    const shape = (inner as z.ZodObject).shape as Record<string, z.ZodType>;
    const base: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(shape)) {
      const u = unwrap(s).inner;
      if (def(u).type === "literal") base[k] = (def(u).values as unknown[])[0];
      else if (isRequired(s) && k in REQUIRED_SAMPLES) base[k] = REQUIRED_SAMPLES[k];
    }
    for (const [k, s] of Object.entries(shape)) {
      if (def(unwrap(s).inner).type === "literal") continue;
      walk(s, [...path, k], (v) => place({ ...base, [k]: v }), out);
    }
    return;
  }
  if (d.type === "array" && !domain) return walk(d.element as z.ZodType, [...path, 0], (v) => place([v]), out);
  if (d.type === "record" && !domain) {
    const key = RECORD_KEYS[path.join(".")] ?? "NAME";
    const sample = KEY_VALUE_SAMPLES[path.join(".")] ?? "x";
    out.push({ path: [...path, "<key>"], schema: d.keyType as z.ZodType, domain: unwrap(d.keyType as z.ZodType).domain, place: (k) => place({ [String(k)]: sample }), isKey: true });
    return walk(d.valueType as z.ZodType, [...path, key], (v) => place({ [key]: v }), out);
  }
  if (d.type === "pipe" && def(d.out as z.ZodType).type === "never") return walk(d.in as z.ZodType, path, place, out);
  out.push({ path, schema: inner, domain, place });
}

/** Every leaf of every `berth:` section, with section-level paths (`bootstrap.docker.users[0]`). */
export function leaves(): Leaf[] {
  const out: Leaf[] = [];
  for (const [name, schema] of Object.entries(SECTION_SCHEMAS)) walk(schema as z.ZodType, [name], (v) => v, out);
  return out;
}

/** `["bootstrap","mirror",0,"url"]` → `bootstrap.mirror[0].url`, as messages print paths. */
export function shown(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** The regex checks of a string schema (what fast-check can generate from). */
export function regexOf(schema: z.ZodType): RegExp | undefined {
  const checks = (def(schema).checks as { _zod: { def: { format?: string; pattern?: RegExp } } }[] | undefined) ?? [];
  return checks.map((c) => c._zod.def).find((c) => c.format === "regex")?.pattern;
}
