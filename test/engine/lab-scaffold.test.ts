// `berth lab init --provider local` writes a lab stack that the real Pulumi engine previews as it
// is: one host per example student, the app on each, the lab's notes in the preview, nothing made.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kitInfo } from "../../src/local/kit.js";
import { listVms } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { opsOf, PulumiProject } from "./pulumi.js";

const run = promisify(execFile);
const STACK = "lab-t6";
const project = new PulumiProject(STACK);

beforeAll(async () => {
  const r = await run("npx", ["tsx", join(PROJECT_DIR, "src/cli/main.ts"), "lab", "init", "--provider", "local", "--dir", project.dir, "--name", STACK], { cwd: project.dir });
  expect(r.stdout).toContain("(3 example students)");
  await project.ok(["stack", "init", STACK]);
  await project.ok(["config", "set", "--stack", STACK, "--path", "berth:app.registry.password", "--secret"], { stdin: kitInfo().registryPassword });
});

afterAll(() => project.remove());

describe("the local lab scaffold", () => {
  it("previews with pulumi as it is, one host per example student", async () => {
    const r = await project.withEvents(["preview", "--stack", STACK]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`lab ${STACK}: 3 students from rosters/${STACK}.csv (UTF-8, 4 rows: 1 header)`);
    expect(r.stdout).toMatch(new RegExp(`lab ${STACK} expires \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d Asia/Shanghai \\(\\S+Z\\), in 336 h \\(14d from its first creation\\)`));
    const creates = opsOf(r.steps).filter((o) => o.startsWith("create"));
    expect(creates.filter((o) => o === "create berth:index:DockerHost")).toHaveLength(3);
    expect(creates.filter((o) => o === "create pulumi-nodejs:dynamic/berth:LabKey")).toHaveLength(3);
    expect(creates.filter((o) => o === "create pulumi-nodejs:dynamic/berth:AppDeployment")).toHaveLength(3);
    expect((await listVms()).filter((v) => v.startsWith(`${STACK}-`))).toEqual([]);
  });
});
