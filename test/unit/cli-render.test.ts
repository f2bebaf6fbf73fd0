import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
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
    rmSync(join(out, ".."), { recursive: true, force: true });
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
    rmSync(dir, { recursive: true, force: true });
  });

  it("names a missing stack file", async () => {
    const r = await berth(["render", "--stack", "stacks/Pulumi.nope.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stacks\/Pulumi\.nope\.yaml: 1 problem:\n  stacks\/Pulumi\.nope\.yaml: cannot read the stack file \(ENOENT: no such file or directory/);
  });

  describe("file-level mistakes, through the real CLI", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-cli-files-"));
    const file = (name: string, body: string | Buffer) => {
      const path = join(dir, `Pulumi.${name}.yaml`);
      writeFileSync(path, body);
      return path;
    };
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("names a misspelt top-level key instead of rendering defaults", async () => {
      const stack = file("toplevel", "confg:\n  berth:bootstrap:\n    mirror: tuna\n");
      const r = await berth(["render", "--stack", stack]);
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(`${stack}: 1 problem:\n  ${stack}: top-level key "confg" — did you mean "config"? Pulumi ignores it, so its settings would not be used; a stack file is a mapping with config: (berth:host, berth:bootstrap, berth:app, …) (config, environment, secretsprovider, encryptedkey, encryptionsalt)\n`);
    });

    it("names a misspelt namespace instead of reading an empty config", async () => {
      const stack = file("namespace", "config:\n  berht:host:\n    provider: digitalocean\n  berth:bootstrap:\n    mirror: tuna\n");
      const r = await berth(["render", "--stack", stack]);
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(`${stack}: 1 problem:\n  berht:host: no part of this program reads the namespace "berht" — did you mean "berth:host"? (it reads berth:, tencentcloud:, digitalocean:, pulumi:; berth's settings are berth:host, berth:bootstrap, berth:app, berth:lab, berth:cache, berth:sshPrivateKey)\n`);
    });

    it("refuses a file that is not UTF-8, naming the byte offset", async () => {
      const stack = file("gbk", Buffer.concat([Buffer.from("config:\n  berth:bootstrap:\n    mirror: tuna\n# "), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from("\n")]));
      const r = await berth(["render", "--stack", stack]);
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(`${stack}: 1 problem:\n  ${stack}: not UTF-8 — byte 0xD6 at offset 46 (line 4, byte 3 of the line) is not valid UTF-8; Pulumi refuses the file too. Save it as UTF-8 (iconv -f GB18030 -t UTF-8, or your editor's "Save with encoding")\n`);
    });

    it("renders a file with merge keys, as Pulumi reads it", async () => {
      const merged = file("merge", "config:\n  berth:host:\n    provider: digitalocean\n    sshPublicKey: &key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthExampleKeyReplaceWithYourOwnPublicKey0 you@laptop\"\n  berth:bootstrap:\n    mirror: [aliyun, tuna]\n    docker:\n      logRotation: &rotation { maxSize: 20m, maxFile: 5 }\n    conda:\n      <<: { mirror: tuna, distribution: miniforge }\n      prefix: /opt/conda\n");
      const plain = file("plain", "config:\n  berth:host:\n    provider: digitalocean\n    sshPublicKey: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthExampleKeyReplaceWithYourOwnPublicKey0 you@laptop\"\n  berth:bootstrap:\n    mirror: [aliyun, tuna]\n    docker:\n      logRotation: { maxSize: 20m, maxFile: 5 }\n    conda:\n      mirror: tuna\n      distribution: miniforge\n      prefix: /opt/conda\n");
      const [a, b] = await Promise.all([berth(["render", "--stack", merged]), berth(["render", "--stack", plain])]);
      expect([a.code, a.stderr]).toEqual([0, ""]);
      expect(a.stdout).toBe(b.stdout);
    });

    it("reports a syntax error at its line and column, with the code frame", async () => {
      const stack = file("syntax", "config:\n  berth:bootstrap:\n    mirror: tuna\n   conda:\n      enabled: false\n");
      const r = await berth(["render", "--stack", stack]);
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(`${stack}: 1 problem:\n  ${stack}:4:1: All mapping items must start at the same column\n        mirror: tuna\n       conda:\n    ^\n`);
    });
  });
});
