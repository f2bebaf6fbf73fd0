/** One host's deploy session: runs commands, logs each step with host and duration. */
import { shellJoin } from "../util/shell.js";
import type { Command } from "./commands.js";
import { RemoteCommandError, tail, type ExecOptions, type ExecResult, type Executor } from "./executor.js";

export type Log = (line: string) => void;

export class Session {
  constructor(
    readonly ex: Executor,
    private readonly log: Log,
  ) {}

  /** Run and return the result whatever the exit code. */
  async try(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.ex.exec(cmd.argv, { ...opts, ...(cmd.stdin ? { stdin: cmd.stdin } : {}) });
  }

  /** Run; a non-zero exit is an error naming the host, the command, the code and stderr's tail. */
  async run(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.try(cmd, opts);
    if (r.code !== 0) throw new RemoteCommandError(this.ex.target, shellJoin(cmd.argv), r.code, tail(r.stderr || r.stdout));
    return r;
  }

  /** Time a step and log it: `user@host:22 pull 1.84 s`. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      const out = await fn();
      this.log(`${this.ex.target} ${name} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return out;
    } catch (e) {
      this.log(`${this.ex.target} ${name} failed after ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      throw e;
    }
  }

  /** Retry an idempotent step when the connection drops under it. */
  async retrying<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (e) {
        if (i >= attempts || !/connection lost|ECONNRESET|Not connected|No response from server/i.test((e as Error).message)) throw e;
        this.log(`${this.ex.target} connection lost; retrying (${i}/${attempts - 1})`);
      }
    }
  }
}
