/**
 * The Pulumi CLI as `berth lab` uses it (scripts/pulumi-cli.sh, the version berth pins), in the
 * stack's project directory with the caller's backend and passphrase: a stack's outputs (secrets
 * decrypted, for handouts), and `destroy`.
 */
import { spawn } from "node:child_process";
import { PULUMI_CLI } from "../ci/pulumi.js";

export interface PulumiResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type RunPulumi = (cwd: string, args: string[], opts?: { echo?: (s: string) => void }) => Promise<PulumiResult>;

export const runPulumi: RunPulumi = (cwd, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn("bash", [PULUMI_CLI, ...args, "--non-interactive"], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      opts.echo?.(d);
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      opts.echo?.(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });

/** `pulumi stack output --json [--show-secrets]`, parsed; a failure carries Pulumi's own words. */
export async function stackOutputs(run: RunPulumi, cwd: string, stack: string, secrets: boolean): Promise<Record<string, unknown>> {
  const r = await run(cwd, ["stack", "output", "--json", ...(secrets ? ["--show-secrets"] : []), "--stack", stack]);
  if (r.code !== 0) throw new Error(`pulumi stack output --stack ${stack} exited ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")} (is PULUMI_BACKEND_URL the lab's backend, and PULUMI_CONFIG_PASSPHRASE its passphrase?)`);
  return JSON.parse(r.stdout || "{}") as Record<string, unknown>;
}
