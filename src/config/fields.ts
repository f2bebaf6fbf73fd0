/**
 * Small reusable field schemas with berth's own messages. Every leaf field registers its value
 * domain in `fieldDomains`, so tests can walk the schema and generate values for each field.
 */
import { z } from "zod";
import { listNames, unknownName } from "./messages.js";
import { hasControl, isPort, looksLikeOption, PORT_MAX, PORT_MIN } from "./values.js";

/** What values a leaf field takes, by schema: the tests' generators are keyed by this name. */
export const fieldDomains = new WeakMap<object, string>();

/** Mark a leaf schema with its domain (see test/unit/config-fields.test.ts). */
export function domain<T extends z.ZodType>(schema: T, name: string): T {
  fieldDomains.set(schema, name);
  return schema;
}

/**
 * A strict object: unknown keys are rejected naming the key, a suggestion and the known keys.
 */
export function section<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? iss.keys.map((k) => unknownName("key", k, known)).join("; ") : undefined),
  });
}

/** One of fixed names, with a did-you-mean message. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, noun: string) {
  const required = `required — one of ${listNames(values, 10)}`;
  return domain(z.string({ error: (iss) => (iss.input === undefined ? required : `expected one of ${listNames(values, 10)}, not ${JSON.stringify(iss.input)}`) }).superRefine((v, ctx) => {
    if (!values.includes(v)) ctx.addIssue({ code: "custom", message: unknownName(noun, v, values) });
  }).transform((v) => v as T[number]), `choice:${values.join("|")}`);
}

/**
 * A string that ends up as a command-line argument (docker, ssh, useradd, …): a leading "-"
 * would turn it into an option, so it is refused before any other check, as are control
 * characters.
 */
export function argument() {
  return z.string()
    .refine((v) => !looksLikeOption(v), { error: (iss) => `"${String(iss.input)}" starts with "-", so the command it is passed to would read it as an option — remove the leading "-"`, abort: true })
    .refine((v) => !hasControl(v), { error: "must not contain control characters (newlines, tabs, NUL)", abort: true });
}

/** An integer in a range, with one message for every way a number can miss it. */
export function wholeNumber(min: number, max: number, what = "a whole number") {
  const msg = `must be ${what} from ${min} to ${max}`;
  const got = (input: unknown) => `${msg} (got ${JSON.stringify(input)})`;
  return z.number({ error: (iss) => (iss.input === undefined ? undefined : got(iss.input)) })
    .int({ error: (iss) => got(iss.input) })
    .min(min, { error: (iss) => got(iss.input) })
    .max(max, { error: (iss) => got(iss.input) });
}

/** A TCP/UDP port number. */
export const port = () => wholeNumber(PORT_MIN, PORT_MAX, "a port number");
export { isPort };

/** An http(s) URL, stored without a trailing slash. */
export const httpUrl = domain(z.string().superRefine((v, ctx) => {
  if (!isHttpUrl(v)) ctx.addIssue({ code: "custom", message: `"${v}" is not a valid http(s) URL — write it like https://mirrors.example.edu.cn/docker-ce` });
}).transform((v) => v.replace(/\/+$/, "")), "http-url");

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0 && !/\s/.test(v) && u.port !== "0";
  } catch {
    return false;
  }
}

/** A Linux user name as useradd accepts it. */
export const userName = domain(argument().regex(/^[a-z_][a-z0-9_-]{0,31}$/, {
  message: "not a valid user name — lowercase letters, digits, _ and -, starting with a letter or _, at most 32 characters",
}), "user-name");

/** An absolute path without shell-special characters. */
export const absPath = domain(z.string().regex(/^\/[A-Za-z0-9._/-]*$/, {
  message: "must be an absolute path of letters, digits, ., _, - and / (like /opt/conda)",
}), "abs-path");

/** Text given inline or as a file read at render time (relative to the project directory). */
export const fileOrText = section({
  file: domain(z.string().min(1), "file-path").optional(),
  text: domain(z.string(), "text").optional(),
}).superRefine((v, ctx) => {
  if ((v.file === undefined) === (v.text === undefined)) ctx.addIssue({ code: "custom", message: "give exactly one of file or text" });
});

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
