/**
 * The config as `pulumi up` gives it to the program, checked like `berth render` checks the
 * stack file: Pulumi passes decrypted values (`runtime.allConfig()`), and silently passes none
 * at all when the file's `config:` is misspelt, so the program reads its own stack file
 * (`<stackConfigDir>/Pulumi.<stack>.yaml`) for the file-level checks and to know which values
 * the file holds as secrets. Keys the file does not hold (from a Pulumi ESC environment) count
 * as secret when the runtime lists their key as secret.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { load, type LoadResult } from "./load.js";
import { FileProblem } from "./pulumi-yaml.js";
import type { IsSecret } from "./secrets.js";
import { readStackFile, stackFilePath, type StackFile } from "./stackfile.js";

export interface PulumiConfigSource {
  /** Where the program runs; the project directory is found from here (the nearest Pulumi.yaml). */
  readonly projectDir: string;
  readonly stack: string;
  /** `pulumi.runtime.allConfig()`. */
  readonly values: Readonly<Record<string, string>>;
  /** Whether the runtime lists a config key as secret (`PULUMI_CONFIG_SECRET_KEYS`). */
  readonly isKeySecret: (key: string) => boolean;
}

/**
 * The directory holding Pulumi.yaml, from where the program runs: the Node.js language host starts
 * it in the directory of `main` (src/), not the project's.
 */
export function findProjectDir(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

export function loadPulumiConfig(src: PulumiConfigSource): LoadResult {
  const projectDir = findProjectDir(src.projectDir);
  const { full, shown } = stackFilePath(projectDir, src.stack);
  let file: StackFile | undefined;
  if (existsSync(full)) {
    try {
      file = readStackFile(full, shown);
    } catch (e) {
      if (e instanceof FileProblem) return { ok: false, errors: [e.message] };
      throw e;
    }
  }
  const problems = file?.problems ?? [];
  if (file && !file.configRead && problems.length > 0) return { ok: false, errors: [...problems] };
  const isSecret: IsSecret = (key, path) => (file?.keys.has(key) ? file.secure(key, path) : src.isKeySecret(key));
  const r = load(src.values, { baseDir: projectDir, isSecret, stack: src.stack });
  if (problems.length === 0) return r;
  return { ok: false, errors: [...problems, ...(r.ok ? [] : r.errors)] };
}
