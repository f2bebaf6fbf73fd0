// `eval "$(npx berth local env)"` is all the README's main job sets for Pulumi: the real CLI
// reads the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE and keeps the state in the private
// directory.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../helpers/config.js";
import { PULUMI_CLI, PulumiProject } from "./pulumi.js";

const project = new PulumiProject("local-env");
afterAll(() => project.remove());

describe("berth local env with the real Pulumi CLI", () => {
  it("stack init, a secret set and read back, with the passphrase only in its file", () => {
    const cache = join(project.stateDir, "cache");
    const { PULUMI_CONFIG_PASSPHRASE: _p, PULUMI_BACKEND_URL: _b, ...env } = project.env;
    const script = [
      // Only berth's own files go to the throwaway cache; the Pulumi CLI comes from the usual one.
      `eval "$(BERTH_CACHE_DIR='${cache}' node ${join(PROJECT_DIR, "bin/berth.js")} local env)"`,
      `bash ${PULUMI_CLI} stack init local --non-interactive >/dev/null`,
      `bash ${PULUMI_CLI} config set --secret berth:probe 's3cret' --stack local`,
      `bash ${PULUMI_CLI} config get berth:probe --stack local`,
    ].join(" && ");
    const r = spawnSync("bash", ["-c", script], { cwd: project.dir, env, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("s3cret\n");
    expect(readdirSync(join(cache, "state", ".pulumi", "stacks", "berth"))).toContain("local.json");
    const stackFile = project.stackFile("local");
    expect(stackFile).toMatch(/berth:probe:\n\s+secure: v1:/);
    expect(stackFile).not.toContain("s3cret");
    expect(readFileSync(join(cache, "pulumi-passphrase"), "utf8")).not.toBe("");
  });
});
