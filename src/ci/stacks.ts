/**
 * Which stacks a change touches, for the preview workflow's matrix. A changed stack file touches
 * its stack; a change to what every stack runs (the program, dependencies, Pulumi.yaml, files a
 * stack may read such as stacks/envs/) touches all of them; documentation, tests, benches and
 * workflow files touch none.
 */
import { execFileSync } from "node:child_process";
import { relative } from "node:path";
import { stackConfigDir, stackNames } from "./options.js";

/** Paths (relative to the project) whose change does not alter what any stack deploys. */
const INERT = [/\.md$/i, /^\.github\//, /^test\//, /^bench\//, /^examples\//, /^docs\//, /^\.ci\//, /^LICENSE/, /^\.gitignore$/, /^action\.yml$/];

/** Stacks touched by the changed paths (relative to the project directory), sorted. */
export function touchedStacks(changed: string[], all: string[], stacksDir: string): string[] {
  const touched = new Set<string>();
  const prefix = stacksDir === "" ? "" : `${stacksDir}/`;
  for (const path of changed) {
    if (INERT.some((r) => r.test(path))) continue;
    const m = path.startsWith(prefix) ? /^Pulumi\.(.+)\.ya?ml$/.exec(path.slice(prefix.length)) : null;
    if (m) {
      // A deleted stack file has no stack left to preview; removing a stack is the manual destroy.
      if (all.includes(m[1] as string)) touched.add(m[1] as string);
      continue;
    }
    return [...all];
  }
  return [...touched].sort();
}

export interface StacksResult {
  readonly stacks: string[];
  /** Why these: "changed since <ref>" or why all. */
  readonly reason: string;
}

/** The project's stacks, or those touched since `since` (a commit) when it is given and known to git. */
export function stacksToRun(cwd: string, since: string | undefined): StacksResult {
  const all = stackNames(cwd);
  if (!since || /^0+$/.test(since)) return { stacks: all, reason: since ? "a new branch: all stacks" : "all stacks" };
  let names: string[];
  try {
    const top = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8" }).trim();
    const out = execFileSync("git", ["diff", "--name-only", `${since}...HEAD`], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const projectRel = relative(top, cwd);
    names = out.split("\n").filter(Boolean)
      .filter((p) => projectRel === "" || p.startsWith(`${projectRel}/`))
      .map((p) => (projectRel === "" ? p : p.slice(projectRel.length + 1)));
  } catch (e) {
    const why = ((e as { stderr?: Buffer | string }).stderr ?? (e as Error).message).toString().split("\n")[0];
    return { stacks: all, reason: `all stacks: cannot compare with ${since} (${why}; check out with fetch-depth: 0)` };
  }
  return { stacks: touchedStacks(names, all, relative(cwd, stackConfigDir(cwd))), reason: `changed since ${since.slice(0, 12)}` };
}
