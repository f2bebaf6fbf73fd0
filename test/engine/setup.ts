// globalSetup for the engine tier: a Docker engine and the lab kit (as for the vm tier), and the
// Pulumi CLI from scripts/pulumi-cli.sh (built from Go modules on the first run, then cached).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { engine } from "../../src/local/engine.js";
import { kitUp } from "../../src/local/kit.js";
import { PROJECT_DIR } from "../helpers/config.js";

export async function setup(): Promise<void> {
  try {
    await engine().ping();
  } catch (e) {
    throw new Error(`engine tests need a Docker engine: run scripts/docker-engine.sh (${String(e)})`);
  }
  await kitUp({ log: (line) => console.log(line) });
  const t0 = Date.now();
  const bin = execFileSync("bash", [join(PROJECT_DIR, "scripts/pulumi-cli.sh"), "--where"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  console.log(`Pulumi CLI in ${bin} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
