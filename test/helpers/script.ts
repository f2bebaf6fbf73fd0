/** Driving bootstrap.sh's functions from tests: source the assembled script, call, capture. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapScript } from "../../src/bootstrap/script.js";

export interface ShResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly state: string;
}

let scriptPath: string | undefined;
/** Temp dirs made here (the script file's and each run's state), for removeTempDirs(). */
const made: string[] = [];

/** Removes every temp dir these helpers made; call it from afterAll. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  scriptPath = undefined;
}

export function scriptFile(): string {
  if (!scriptPath) {
    const dir = mkdtempSync(join(tmpdir(), "berth-script-"));
    made.push(dir);
    scriptPath = join(dir, "bootstrap.sh");
    writeFileSync(scriptPath, bootstrapScript(), { mode: 0o755 });
  }
  return scriptPath;
}

function prepare(body: string, env: Record<string, string>) {
  const state = mkdtempSync(join(tmpdir(), "berth-state-"));
  made.push(state);
  const args = ["-c", `source ${JSON.stringify(scriptFile())}\n${body}`];
  return { state, args, env: { ...process.env, BERTH_STATE: state, BERTH_ETC: state, BERTH_LOG: join(state, "log"), ...env } };
}

/** Runs `body` after sourcing the script, with its state and etc dirs in a fresh temp dir. */
export function sh(body: string, env: Record<string, string> = {}, input?: string): ShResult {
  const p = prepare(body, env);
  const r = spawnSync("bash", p.args, { encoding: "utf8", input, env: p.env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, state: p.state };
}

/** Like sh, without blocking the event loop (for tests that serve HTTP from this process). */
export function shAsync(body: string, env: Record<string, string> = {}): Promise<ShResult> {
  const p = prepare(body, env);
  return new Promise((resolve, reject) => {
    const child = spawn("bash", p.args, { env: p.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, state: p.state }));
  });
}
