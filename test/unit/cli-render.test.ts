import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../helpers/config.js";

const run = promisify(execFile);
const BERTH = join(PROJECT_DIR, "bin/berth.js");

async function berth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BERTH, ...args], { cwd: PROJECT_DIR });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("berth render", () => {
  it("prints the user-data of a stack", async () => {
    const r = await berth(["render", "--stack", "stacks/Pulumi.digitalocean.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(PROJECT_DIR, "test/snapshots/digitalocean.user-data"), "utf8"));
  });

  it("writes user-data and an executable bootstrap.sh with --out", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "berth-render-")), "out");
    const r = await berth(["render", "--stack", "stacks/Pulumi.tencent.yaml", "--out", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "user-data"), "utf8")).toBe(readFileSync(join(PROJECT_DIR, "test/snapshots/tencent.user-data"), "utf8"));
    expect(readFileSync(join(out, "bootstrap.sh"), "utf8")).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(r.stderr).toMatch(/sent gzip-compressed to fit the provider's limit/);
  });

  it("exits non-zero with every path-named error and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-bad-"));
    const stack = join(dir, "Pulumi.bad.yaml");
    writeFileSync(stack, "config:\n  berth:host:\n    os: ubuntu-18.04\n  berth:bootstrap:\n    mirror: aliyn\n");
    const out = join(dir, "out");
    const r = await berth(["render", "--stack", stack, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${stack}: 2 problems:
  berth:host.os: Ubuntu 18.04 is not supported — supported: ubuntu-20.04, ubuntu-22.04, ubuntu-24.04
  berth:bootstrap.mirror: unknown mirror "aliyn" — did you mean "aliyun"? (official, aliyun, tuna, ustc, tencent, tencent-internal, huawei, azure-china, { url: … })
`);
    expect(existsSync(out)).toBe(false);
  });

  it("names a missing stack file", async () => {
    const r = await berth(["render", "--stack", "stacks/Pulumi.nope.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stacks\/Pulumi\.nope\.yaml: 1 problem:\n  stacks\/Pulumi\.nope\.yaml: cannot read the stack file \(ENOENT: no such file or directory/);
  });
});
