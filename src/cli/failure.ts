/**
 * The one place a failed `berth` command turns into what the user reads.
 *
 *   process.exitCode = await runCli(() => program().parseAsync(argv), io);
 *
 * A thrown error prints as `berth: <message>` and exit code 1. The stack trace is for
 * developers: it is printed only with BERTH_DEBUG=1. Errors that are programming mistakes
 * (TypeError, ReferenceError, …) say so and ask for the trace; everything else is a message
 * about the user's input, machine or network, and is printed as it is. Secrets berth holds
 * (deploy/sensitive.ts) are redacted from all of it, the stack trace included.
 */
import { redact } from "../deploy/sensitive.js";
import type { CommandIo } from "./render.js";

const BUG_TYPES = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BERTH_DEBUG === "1" || env.BERTH_DEBUG === "true";
}

/** What a failed command prints (ends with a newline), every secret berth knows redacted. */
export function describeFailure(e: unknown, debug: boolean): string {
  return redact(failureText(e, debug));
}

function failureText(e: unknown, debug: boolean): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message.trim() || err.name;
  if (debug) return `berth: ${err.stack ?? message}\n`;
  if (BUG_TYPES.some((t) => err instanceof t)) {
    return `berth: internal error: ${message}\n  this is a bug in berth; run again with BERTH_DEBUG=1 for the stack trace and report it\n`;
  }
  return `berth: ${message}\n`;
}

/** Run the command; an error it throws becomes the message and exit code 1. */
export async function runCli(run: () => Promise<unknown>, io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    await run();
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    io.stderr(describeFailure(e, debugEnabled(env)));
    return 1;
  }
}

/** Errors from callbacks outside the command's promise chain (sockets, child processes): the same message, exit 1. */
export function exitOnStrayErrors(io: CommandIo, env: NodeJS.ProcessEnv = process.env): void {
  const fail = (e: unknown) => {
    io.stderr(describeFailure(e, debugEnabled(env)));
    process.exit(1);
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
}
