/**
 * Loading modules inside dynamic provider methods. Pulumi serializes a provider's code into the
 * state, so methods may capture only plain values: they load berth's own TypeScript modules
 * (through tsx's CommonJS loader) and packages when they run. Works in the provider host
 * (CommonJS, `require` defined), under vitest, and in plain Node ESM (createRequire).
 */
import { fileURLToPath } from "node:url";

/** An absolute path for a berth module, computed where the provider is defined. */
export function modulePath(relative: string, base: string): string {
  return fileURLToPath(new URL(relative, base));
}

export function runtimeRequire(id: string): unknown {
  const req: NodeJS.Require = typeof require === "function" ? require : process.getBuiltinModule("node:module").createRequire(`${process.cwd()}/`);
  if (!id.startsWith("/")) return req(id);
  const tsx = req("tsx/cjs/api") as { require: (id: string, from: string) => unknown };
  return tsx.require(id, id);
}
