// globalSetup for the ci tier: a Docker engine and the lab kit (the local stack's VM boots from
// it), the Pulumi CLI, and act, actionlint and moto (scripts/ci-tools.sh; built once, cached).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { engine } from "../../src/local/engine.js";
import { kitUp } from "../../src/local/kit.js";
import { PROJECT_DIR } from "../helpers/config.js";

export async function setup(): Promise<void> {
  try {
    await engine().ping();
  } catch (e) {
    throw new Error(`ci tests need a Docker engine: run scripts/docker-engine.sh (${String(e)})`);
  }
  await kitUp({ log: (line) => console.log(line) });
  execFileSync("bash", [join(PROJECT_DIR, "scripts/pulumi-cli.sh"), "--where"], { stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("bash", [join(PROJECT_DIR, "scripts/ci-tools.sh")], { stdio: ["ignore", "inherit", "inherit"] });
}
