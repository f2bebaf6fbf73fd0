/**
 * The one interface deploy steps run commands through. ssh2 is its adapter (ssh.ts); tests of
 * step logic may record. argv is data until the adapter quotes it at the edge.
 */
import type { Readable } from "node:stream";
import type { Sensitive } from "./sensitive.js";

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Bytes for the command's stdin: secrets go here, never in argv. */
  readonly stdin?: string | Buffer | Sensitive | Readable;
  /** Called with stdout chunks as they arrive (progress). */
  readonly onStdout?: (chunk: Buffer) => void;
}

export interface Executor {
  /** Where commands run, for logs and errors (`user@host:port`). */
  readonly target: string;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Write a file on the host with the given mode, atomically from the host's view. */
  upload(path: string, content: string | Buffer | Sensitive, mode: number): Promise<void>;
  close(): Promise<void>;
}

export { RemoteCommandError } from "./errors.js";

/** The last lines of output, for error messages. */
export function tail(text: string, lines = 12): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
