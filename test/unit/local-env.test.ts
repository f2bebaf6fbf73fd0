import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../src/local/lab-env.js";
import { PROJECT_DIR } from "../helpers/config.js";

const cache = join(mkdtempSync(join(tmpdir(), "berth-local-env-")), "cache");
afterAll(() => rmSync(join(cache, ".."), { recursive: true, force: true }));
const env = () => spawnSync(process.execPath, [join(PROJECT_DIR, "bin/berth.js"), "local", "env"], { env: { ...process.env, BERTH_CACHE_DIR: cache }, encoding: "utf8" });
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe("berth local env", () => {
  it("prints the exports for a private file backend and a passphrase file", () => {
    const r = env();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `export PULUMI_BACKEND_URL='file://${cache}/state'\n` +
        `export PULUMI_CONFIG_PASSPHRASE_FILE='${cache}/pulumi-passphrase'\n` +
        "unset PULUMI_CONFIG_PASSPHRASE\n" +
        `export BERTH_REGISTRY_PASSWORD="$(cat '${cache}/kit/registry-password')"\n`,
    );
    expect(mode(join(cache, "state"))).toBe("700");
    expect(mode(join(cache, "pulumi-passphrase"))).toBe("600");
    expect(readFileSync(join(cache, "pulumi-passphrase"), "utf8")).toMatch(/^[A-Za-z0-9_-]{32}\n$/);
    expect(r.stdout).not.toContain(readFileSync(join(cache, "pulumi-passphrase"), "utf8").trim());
  });

  it("keeps the passphrase, and makes an existing world-readable state directory private", () => {
    const pass = readFileSync(join(cache, "pulumi-passphrase"), "utf8");
    chmodSync(join(cache, "state"), 0o755);
    chmodSync(join(cache, "pulumi-passphrase"), 0o644);
    expect(env().status).toBe(0);
    expect(readFileSync(join(cache, "pulumi-passphrase"), "utf8")).toBe(pass);
    expect(mode(join(cache, "state"))).toBe("700");
    expect(mode(join(cache, "pulumi-passphrase"))).toBe("600");
  });

  it("quotes paths for the shell", () => {
    mkdirSync(cache, { recursive: true });
    const r = spawnSync("bash", ["-c", `printf %s ${shellQuote("it's a $HOME `x`")}`], { encoding: "utf8" });
    expect(r.stdout).toBe("it's a $HOME `x`");
  });
});
