/** Reading a `stacks/Pulumi.<stack>.yaml` file the way Pulumi does, for commands run outside Pulumi. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { load, type LoadResult } from "./load.js";

export interface StackFile {
  readonly path: string;
  /** The project directory: the parent of `stacks/` (where Pulumi.yaml lives). */
  readonly projectDir: string;
  readonly config: Record<string, unknown>;
}

export function readStackFile(path: string): StackFile {
  const full = resolve(path);
  const doc = parseYaml(readFileSync(full, "utf8")) as unknown;
  const config = doc && typeof doc === "object" && "config" in doc && doc.config && typeof doc.config === "object" ? (doc.config as Record<string, unknown>) : {};
  const dir = dirname(full);
  return { path: full, projectDir: dir.endsWith("/stacks") ? dirname(dir) : dir, config };
}

/** Read and validate a stack file in one step. */
export function loadStackFile(path: string): LoadResult {
  let file: StackFile;
  try {
    file = readStackFile(path);
  } catch (e) {
    return { ok: false, errors: [`${path}: cannot read the stack file (${(e as Error).message.split("\n")[0]})`] };
  }
  return load(file.config, { baseDir: file.projectDir });
}
