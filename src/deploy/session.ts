/** One host's deploy session: runs commands, logs each step with host and duration. */
import { shellJoin } from "../util/shell.js";
import type { Command } from "./commands.js";
import { LockError, RemoteCommandError, type DeployError } from "./errors.js";
import { tail, type ExecOptions, type ExecResult, type Executor } from "./executor.js";
import { redact } from "./sensitive.js";

export type Log = (line: string) => void;

/** A dropped SSH link, as the executor reports it: the step may be retried on a new one. */
export const CONNECTION_LOST = /connection lost|ECONNRESET|Not connected|No response from server/i;

export class Session {
  /** Every line leaves through redact(): remote output may echo a secret. */
  readonly log: Log;

  constructor(
    readonly ex: Executor,
    log: Log,
  ) {
    this.log = (line) => log(redact(line));
  }

  /** Run and return the result whatever the exit code. */
  async try(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.ex.exec(cmd.argv, { ...opts, ...(cmd.stdin ? { stdin: cmd.stdin } : {}) });
  }

  /** Run; a non-zero exit is an error naming the host, the command, the code and stderr's tail. */
  async run(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.try(cmd, opts);
    if (r.code !== 0) throw this.failure(cmd, r);
    return r;
  }

  failure(cmd: Command, r: ExecResult): DeployError {
    const label = cmd.label ?? shellJoin(cmd.argv);
    const lost = /^berth: this deploy no longer holds the lock (\S+)$/m.exec(r.stderr);
    if (r.code === 75 && lost) return new LockError(this.ex.target, `this deploy lost its lock ~/${lost[1]} before \`${label}\` — someone removed it (berth lock break) while the deploy ran; check the host with berth status and deploy again`);
    return new RemoteCommandError(this.ex.target, label, r.code, tail(r.stderr || r.stdout));
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
        if (i >= attempts || !CONNECTION_LOST.test((e as Error).message)) throw e;
        this.log(`${this.ex.target} connection lost; retrying (${i}/${attempts - 1})`);
      }
    }
  }
}
