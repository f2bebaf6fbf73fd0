/** Small reusable field schemas with berth's own messages. */
import { z } from "zod";
import { unknownName } from "./messages.js";

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
  return z.string().superRefine((v, ctx) => {
    if (!values.includes(v)) ctx.addIssue({ code: "custom", message: unknownName(noun, v, values) });
  }).transform((v) => v as T[number]);
}

/** An http(s) URL, stored without a trailing slash. */
export const httpUrl = z.string().superRefine((v, ctx) => {
  if (!isHttpUrl(v)) ctx.addIssue({ code: "custom", message: `"${v}" is not a valid http(s) URL — write it like https://mirrors.example.edu.cn/docker-ce` });
}).transform((v) => v.replace(/\/+$/, ""));

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0 && !/\s/.test(v);
  } catch {
    return false;
  }
}

/** A Linux user name as useradd accepts it. */
export const userName = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, {
  message: "not a valid user name — lowercase letters, digits, _ and -, starting with a letter or _",
});

/** An absolute path without shell-special characters. */
export const absPath = z.string().regex(/^\/[A-Za-z0-9._/-]*$/, {
  message: "must be an absolute path of letters, digits, ., _, - and / (like /opt/conda)",
});

/** `host` or `host:port` as Docker's insecure-registries takes it. */
export const hostPort = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, {
  message: "must be host or host:port, without a scheme (like registry.lab.internal:5000)",
});

/** Text given inline or as a file read at render time (relative to the project directory). */
export const fileOrText = section({ file: z.string().min(1).optional(), text: z.string().optional() }).superRefine((v, ctx) => {
  if ((v.file === undefined) === (v.text === undefined)) ctx.addIssue({ code: "custom", message: "give exactly one of file or text" });
});
