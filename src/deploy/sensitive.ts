/**
 * A secret value that refuses to be printed: string conversion, JSON and util.inspect all give
 * `[REDACTED]`. Only `reveal()` gives the value, and only the executor's stdin calls it.
 */
import { inspect } from "node:util";

export const REDACTED = "[REDACTED]";

export class Sensitive {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Replace every occurrence of the secrets in `text` (for error messages built from remote output). */
export function redact(text: string, secrets: readonly Sensitive[]): string {
  let out = text;
  for (const s of secrets) {
    const v = s.reveal();
    if (v.length > 0) out = out.split(v).join(REDACTED);
  }
  return out;
}
