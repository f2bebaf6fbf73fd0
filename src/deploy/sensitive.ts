/**
 * A secret value that refuses to be printed: string conversion, JSON and util.inspect all give
 * `[REDACTED]`. Only `reveal()` gives the value, and only the executor's stdin calls it.
 *
 * Every Sensitive registers its value in one process-wide set, and `redact()` replaces each of
 * them in text. redact() runs where text leaves the deploy layer: Session's log lines,
 * DeployError (every error of the deploy layer), and the CLI's output (the host commands' io,
 * and cli/failure.ts for any failed command); so a secret echoed by a
 * remote program (a failed release's logs, a registry's error) never reaches a terminal or a
 * Pulumi log.
 */
import { inspect } from "node:util";

export const REDACTED = "[REDACTED]";

/** Shorter values are not looked for: they would blank out ordinary words and guard nothing. */
const MIN_LENGTH = 4;

// On globalThis, so a module loaded twice (a dynamic provider's runtime require beside a static
// import) still shares one set.
const KEY = Symbol.for("berth.deploy.secrets");
const registry = ((globalThis as Record<symbol, unknown>)[KEY] ??= new Set<string>()) as Set<string>;

function register(value: string): void {
  for (const v of new Set([value, value.trim()])) if (v.length >= MIN_LENGTH) registry.add(v);
}

export class Sensitive {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    register(value);
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

/** Replace every known secret (and any `extra`) in `text`, longest first. */
export function redact(text: string, extra: readonly Sensitive[] = []): string {
  for (const s of extra) register(s.reveal());
  if (registry.size === 0 || text.length === 0) return text;
  let out = text;
  for (const v of [...registry].sort((a, b) => b.length - a.length)) if (out.includes(v)) out = out.split(v).join(REDACTED);
  return out;
}
