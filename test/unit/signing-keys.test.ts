// The key berth ships as Docker's is Docker's: a v4 fingerprint is a SHA-1 hash of the public
// key, so a file whose one primary key has this fingerprint holds Docker's key.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dockerCeKey } from "../../src/bootstrap/keys.js";
import { DOCKER_CE_KEY_FINGERPRINT } from "../../src/config/signing-keys.js";
import { PROJECT_DIR } from "../helpers/config.js";

const FILE = join(PROJECT_DIR, "src/bootstrap/keys/docker-ce.asc");
const home = mkdtempSync(join(tmpdir(), "berth-gpg-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const gpg = (...args: string[]) => execFileSync("gpg", ["--no-autostart", "--batch", "--homedir", home, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("src/bootstrap/keys/docker-ce.asc", () => {
  it("is exactly one key, Docker's: 9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88", () => {
    const lines = gpg("--show-keys", "--with-colons", FILE).trim().split("\n");
    expect(lines.filter((l) => l.startsWith("pub:"))).toHaveLength(1);
    const fprs = lines.filter((l) => l.startsWith("fpr:")).map((l) => l.split(":")[9]);
    expect(fprs[0]).toBe("9DC858229FC7DD38854AE2D88D81803C0EBFCD88");
    expect(DOCKER_CE_KEY_FINGERPRINT).toBe("9DC858229FC7DD38854AE2D88D81803C0EBFCD88");
    expect(lines.find((l) => l.startsWith("uid:"))?.split(":")[9]).toBe("Docker Release (CE deb) <docker@docker.com>");
  });

  it("carries its signing subkey, bound by good signatures, and an intact armor checksum", () => {
    const imported = execFileSync("gpg", ["--no-autostart", "--batch", "--homedir", home, "--import", FILE], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(imported).toBe("");
    const checked = execFileSync("bash", ["-c", `gpg --no-autostart --batch --homedir ${home} --check-sigs --with-colons 2>&1`], { encoding: "utf8" });
    expect(checked).not.toMatch(/CRC error|bad signature/i);
    expect(checked.split("\n").filter((l) => l.startsWith("sig:")).map((l) => l.split(":")[1])).toEqual(["!", "!"]);
    expect(checked).toMatch(/^sub:-:4096:1:7EA0A9C3F273FCD8:/m);
  });

  it("is what render ships", () => {
    expect(dockerCeKey()).toBe(execFileSync("cat", [FILE], { encoding: "utf8" }));
  });
});
