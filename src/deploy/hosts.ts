/** Deploying to several hosts at once, with bounded concurrency and a result table. */
import pLimit from "p-limit";
import { deploy, type DeployOptions, type DeployResult } from "./deploy.js";
import type { Executor } from "./executor.js";
import type { AppPlan } from "./plan.js";

export interface HostOutcome {
  readonly target: string;
  readonly ok: boolean;
  readonly result?: DeployResult;
  readonly error?: string;
  readonly seconds: number;
}

export async function deployAll(executors: readonly Executor[], plan: AppPlan, opts: DeployOptions & { concurrency?: number }): Promise<HostOutcome[]> {
  const limit = pLimit(opts.concurrency ?? 8);
  return Promise.all(
    executors.map((ex) =>
      limit(async () => {
        const t0 = performance.now();
        const seconds = () => (performance.now() - t0) / 1000;
        try {
          const result = await deploy(ex, plan, opts);
          return { target: ex.target, ok: true, result, seconds: seconds() };
        } catch (e) {
          return { target: ex.target, ok: false, error: (e as Error).message, seconds: seconds() };
        } finally {
          await ex.close();
        }
      }),
    ),
  );
}

/** host | result | release | seconds — one row per host, failures with their first line. */
export function resultTable(outcomes: readonly HostOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.target,
    o.ok ? (o.result?.changed ? "deployed" : "unchanged") : "FAILED",
    o.result?.release ?? (o.error ?? "").split("\n")[0]?.replace(`${o.target}: `, "") ?? "",
    o.seconds.toFixed(1),
  ]);
  const head = ["host", "result", "release / error", "seconds"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}
