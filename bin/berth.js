#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `berth` works from a checkout without a build step.
// Errors inside a command are reported by src/cli/failure.ts; this only covers a checkout that
// cannot load the CLI at all (most often: `npm ci` was not run).
try {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport("../src/cli/main.ts", import.meta.url);
} catch (e) {
  if (process.env.BERTH_DEBUG === "1" || process.env.BERTH_DEBUG === "true") throw e;
  const missing = e && e.code === "ERR_MODULE_NOT_FOUND";
  process.stderr.write(`berth: ${missing ? `${e.message.split("\n")[0]} — run \`npm ci\` in the berth checkout` : `cannot load the CLI: ${e && e.message}`}\n`);
  process.exit(1);
}
