/**
 * Loading modules inside dynamic provider methods. Pulumi serializes a provider's code into the
 * state, so methods may capture only plain values: they load berth's own TypeScript modules
 * (through tsx's CommonJS loader) and packages when they run. Works in the provider host
 * (CommonJS, `require` defined), under vitest, and in plain Node ESM (createRequire).
 *
 * berth's modules are named relative to `src/` ("deploy/ssh.ts") and found when the method
 * runs, from the directory Pulumi runs the provider in (the project: where Pulumi.yaml is). No
 * path of the checkout that ran `pulumi up` is kept in the state, so the same stack updates and
 * destroys from another clone, a new CI runner or a moved repository.
 */

/** `require`, also when this module runs as native ESM (then resolved from the working directory). */
function hostRequire(): NodeJS.Require {
  return typeof require === "function" ? require : process.getBuiltinModule("node:module").createRequire(`${process.cwd()}/`);
}

/** A package (`ssh2`, `@pulumi/pulumi`) as the running program resolves it. */
export function runtimeRequire(id: string): unknown {
  return hostRequire()(id);
}

/**
 * One of berth's own modules, `rel` under `src/` (like "deploy/ssh.ts"): looked up from the
 * working directory and its parents, then as the installed package `berth`.
 */
export function berthRequire(rel: string): unknown {
  const req = hostRequire();
  const { existsSync } = req("node:fs") as typeof import("node:fs");
  const { dirname, join } = req("node:path") as typeof import("node:path");
  const tried: string[] = [];
  let file: string | undefined;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, "src", rel);
    tried.push(candidate);
    if (existsSync(candidate)) {
      file = candidate;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  if (!file) {
    try {
      const root = dirname(req.resolve("berth/package.json"));
      if (existsSync(join(root, "src", rel))) file = join(root, "src", rel);
    } catch {
      // not installed as a package either
    }
  }
  if (!file)
    throw new Error(`berth: cannot find its module src/${rel} from ${process.cwd()} (looked at ${tried[0]} and its parents) — run pulumi in the berth project directory, where Pulumi.yaml is, after npm ci`);
  const tsx = req("tsx/cjs/api") as { require: (id: string, from: string) => unknown };
  return tsx.require(file, file);
}

/**
 * The version of the way berth's dynamic providers find their code. Outputs carry it; a
 * resource written without it (berth before this version kept absolute paths into the checkout
 * in the state) gets a no-op update on the next `pulumi up`, which stores the current provider.
 */
export const PROVIDER_FORMAT = 2;

/** Outputs written by a provider that recorded absolute module paths (no `providerFormat`). */
export function staleProvider(olds: { providerFormat?: number }): boolean {
  return olds.providerFormat !== PROVIDER_FORMAT;
}
