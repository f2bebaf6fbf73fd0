// The script doctor runs on hosts: shellcheck-clean, and its sections parse.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evidenceArgv, evidenceScript, loginArgv, parseSections } from "../../src/doctor/remote.js";
import { shellcheck } from "../helpers/validators.js";

describe("evidence.sh", () => {
  it("passes shellcheck", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-evidence-"));
    try {
      const file = join(dir, "evidence.sh");
      writeFileSync(file, evidenceScript());
      expect(await shellcheck([file])).toEqual({ code: 0, output: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes its inputs as arguments, never a secret", () => {
    expect(evidenceArgv({ app: "app", healthUrl: "http://127.0.0.1:8080/", condaPrefix: "/opt/conda", ports: [8080, 443], names: ["registry.berth.lab"] }).slice(3))
      .toEqual(["berth-doctor", "app", "http://127.0.0.1:8080/", "/opt/conda", "8080,443", "registry.berth.lab"]);
    expect(loginArgv("berth", "registry.berth.lab:5000").slice(-2)).toEqual(["berth", "registry.berth.lab:5000"]);
  });

  it("splits its output into sections", () => {
    expect(parseSections("noise\n\n@@berth-doctor id\ndebian\ndebian docker\n\n@@berth-doctor status\n\n@@berth-doctor end\n")).toEqual({ id: "debian\ndebian docker", status: "", end: "" });
  });
});
