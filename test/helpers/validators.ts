/** The real validators: cloud-init's schema (unpacked by scripts/test-deps.sh) and shellcheck. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_DIR } from "./config.js";

const run = promisify(execFile);

export function cloudInitDir(): string {
  const dir = process.env.BERTH_CLOUD_INIT_DIR ?? join(process.env.BERTH_CACHE ?? join(homedir(), ".cache/berth"), "cloud-init");
  if (!existsSync(join(dir, "usr/bin/cloud-init"))) {
    throw new Error(`cloud-init is not unpacked at ${dir}: run scripts/test-deps.sh first`);
  }
  return dir;
}

function pyEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: join(cloudInitDir(), "usr/lib/python3/dist-packages") };
}

/** Validates many files in one process; returns the errors per file. */
export async function cloudInitValidate(files: readonly string[]): Promise<Map<string, string[]>> {
  const { stdout } = await run("/usr/bin/python3", [join(PROJECT_DIR, "scripts/cloud-init-validate.py"), ...files], { env: pyEnv(), maxBuffer: 64 << 20 });
  const out = new Map<string, string[]>();
  for (const line of stdout.split("\n").filter((l) => l.startsWith("BERTH-RESULT "))) {
    const r = JSON.parse(line.slice("BERTH-RESULT ".length)) as { file: string; errors: string[] };
    out.set(r.file, r.errors);
  }
  return out;
}

/** `cloud-init schema --config-file FILE`, the command a user would run. */
export async function cloudInitSchemaCli(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run("/usr/bin/python3", [join(cloudInitDir(), "usr/bin/cloud-init"), "schema", "--config-file", file], { env: pyEnv() });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

export async function shellcheck(files: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run("shellcheck", ["--shell=bash", "--format=gcc", ...files], { maxBuffer: 16 << 20 });
    return { code: 0, output: stdout };
  } catch (e) {
    const err = e as { code: number | string; stdout: string; stderr: string };
    if (err.code === "ENOENT") throw new Error("shellcheck is not installed: run scripts/test-deps.sh first");
    return { code: Number(err.code), output: err.stdout + err.stderr };
  }
}
