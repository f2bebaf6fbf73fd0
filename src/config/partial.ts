/**
 * Parsing each section, and each field of a section, on its own: the issues are those of the
 * whole section, and the result holds every field that parsed, so rules whose inputs are sound
 * still run while another field is broken (schema.ts).
 */
import { z } from "zod";
import { isPlainObject } from "./fields.js";

export interface PartialParse {
  /** Sections and fields that parsed, as the schemas output them. */
  readonly value: Record<string, unknown>;
  /** `section` and `section.field` paths that parsed. */
  readonly ok: ReadonlySet<string>;
  readonly issues: z.core.$ZodIssue[];
}

/** The object schema inside `.default()` / `.optional()` wrappers, if any. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 5 && s; i++) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
    const def = (s as { def?: { innerType?: unknown } }).def;
    s = def?.innerType;
  }
  return undefined;
}

export function parseSections(schemas: Readonly<Record<string, z.ZodType>>, raw: Readonly<Record<string, unknown>>): PartialParse {
  const value: Record<string, unknown> = {};
  const ok = new Set<string>();
  const issues: z.core.$ZodIssue[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    const input = raw[name];
    const r = schema.safeParse(input);
    const shape = objectShape(schema);
    if (r.success) {
      value[name] = r.data;
      ok.add(name);
      for (const field of Object.keys(shape ?? {})) ok.add(`${name}.${field}`);
      continue;
    }
    issues.push(...r.error.issues.map((i) => ({ ...i, path: [name, ...i.path] })));
    if (!shape || !isPlainObject(input)) continue;
    const part: Record<string, unknown> = {};
    for (const [field, fs] of Object.entries(shape)) {
      const fr = fs.safeParse(input[field]);
      if (!fr.success) continue;
      if (fr.data !== undefined) part[field] = fr.data;
      ok.add(`${name}.${field}`);
    }
    value[name] = part;
  }
  return { value, ok, issues };
}
