/** Waiting for the bootstrap to finish, from its status file. */
import { explainBootstrap, STUCK } from "../diagnose/explain.js";
import { host } from "./commands.js";
import { DeployError } from "./errors.js";
import type { Session } from "./session.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BootstrapStatus {
  readonly phase: string;
  readonly errors: readonly string[];
  readonly mirrors: Readonly<Record<string, string>>;
}

export async function readStatus(s: Session): Promise<BootstrapStatus | undefined> {
  const r = await s.try(host.bootstrapStatus());
  if (r.code !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as BootstrapStatus;
  } catch {
    return undefined;
  }
}

export async function waitForBootstrap(s: Session, timeoutSeconds: number): Promise<BootstrapStatus> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last: BootstrapStatus | undefined;
  while (Date.now() < deadline) {
    last = await readStatus(s);
    if (last?.phase === "ready") return last;
    if (last?.phase === "failed") {
      const log = (await s.try(host.bootstrapLogTail())).stdout.trim();
      throw new DeployError(s.ex.target, `the bootstrap failed: ${last.errors.join("; ")}\n/var/log/berth/bootstrap.log ends:\n${log}${explainBootstrap(last.errors, log)}`);
    }
    await sleep(2000);
  }
  const log = (await s.try(host.bootstrapLogTail())).stdout.trim();
  throw new DeployError(s.ex.target, `the bootstrap did not finish in ${timeoutSeconds} s (last phase: ${last?.phase ?? "no status file"})${log ? `\n/var/log/berth/bootstrap.log ends:\n${log}${explainBootstrap([], log, STUCK)}` : ""}`);
}
