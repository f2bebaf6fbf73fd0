// A temporary Pulumi project that runs lt-lab-program.ts (a copy of this project with its own
// Pulumi.yaml and entry), against the local Tencent API server: stack `lab`, credentials set as
// stack secrets the way a user sets them. Used by the engine test and bench/lab-tencent.ts.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DIR } from "../helpers/config.js";
import { PUBLIC_KEY, SECRET_ID, SECRET_KEY } from "../tencent/helpers.js";
import { PulumiProject } from "./pulumi.js";

export const LAB_STACK = "lab";

export async function labProject(label: string, endpoint: string, config: Record<string, string>): Promise<PulumiProject> {
  const p = new PulumiProject(label);
  writeFileSync(join(p.dir, "Pulumi.yaml"), "name: lt-lab\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: src/lt-lab-main.mjs\nstackConfigDir: stacks\n");
  writeFileSync(join(p.dir, "src/lt-lab-main.mjs"), 'import { register } from "tsx/esm/api";\nregister();\nexport default async () => await import("../test/engine/lt-lab-program.ts");\n');
  mkdirSync(join(p.dir, "test/engine"), { recursive: true });
  copyFileSync(join(PROJECT_DIR, "test/engine/lt-lab-program.ts"), join(p.dir, "test/engine/lt-lab-program.ts"));
  await p.ok(["stack", "init", LAB_STACK]);
  await p.ok(["config", "set", "--stack", LAB_STACK, "--secret", "tencentcloud:secretId"], { stdin: SECRET_ID });
  await p.ok(["config", "set", "--stack", LAB_STACK, "--secret", "tencentcloud:secretKey"], { stdin: SECRET_KEY });
  await p.ok(["config", "set", "--stack", LAB_STACK, "tencentcloud:endpoint", endpoint]);
  await p.ok(["config", "set", "--stack", LAB_STACK, "lab:publicKey", PUBLIC_KEY]);
  for (const [k, v] of Object.entries(config)) await p.ok(["config", "set", "--stack", LAB_STACK, k, v]);
  return p;
}
