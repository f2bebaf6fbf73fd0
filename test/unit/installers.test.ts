// The installer hash table, and the kit's stand-in installer pinned by the local stack.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_INSTALLER_VERSION, INSTALLERS, INSTALLERS_CHECKED, installerHashes } from "../../src/config/installers.js";
import { standinInstaller } from "../../src/local/kit-python.js";
import { fetchWheels, PIP_WHEEL } from "../../src/local/wheels.js";
import { PROJECT_DIR, stackConfig } from "../helpers/config.js";

describe("the installer hash table", () => {
  it("has a dated, sourced sha256 for both architectures of every version", () => {
    expect(INSTALLERS_CHECKED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const r of INSTALLERS) {
      expect(Object.keys(r.sha256).sort()).toEqual(["aarch64", "x86_64"]);
      for (const h of Object.values(r.sha256)) expect(h).toMatch(/^[0-9a-f]{64}$/);
      expect(r.source.length).toBeGreaterThan(20);
    }
    expect(new Set(INSTALLERS.flatMap((r) => Object.values(r.sha256))).size).toBe(INSTALLERS.length * 2);
  });

  it("holds each distribution's default version", () => {
    for (const [distribution, version] of Object.entries(DEFAULT_INSTALLER_VERSION)) {
      expect(INSTALLERS.some((r) => r.distribution === distribution && r.version === version)).toBe(true);
    }
  });

  it("prefers the stack's own sha256, for whatever architecture the host has", () => {
    expect(installerHashes({ distribution: "miniconda", version: "latest", sha256: "ab".repeat(32) })).toEqual({ x86_64: "ab".repeat(32), aarch64: "ab".repeat(32) });
    expect(installerHashes({ distribution: "miniforge", version: "24.11.3-0" }).x86_64).toBe("2e1ad2188fe69fcdd522c2b20c08c800a5c7411b775eca768318b1540ed32e53");
    expect(installerHashes({ distribution: "miniforge", version: "latest" })).toEqual({});
  });
});

describe("the local stack and the lab kit's stand-in installer", () => {
  it("pins the sha256 of the stand-in the kit's Python mirror builds from its committed script and pip's pinned wheel", async () => {
    // kit-python.ts publishes the template with pip's wheel (sha256-pinned, from PyPI) as payload.
    const pip = readFileSync((await fetchWheels([PIP_WHEEL])).get(PIP_WHEEL.file) ?? "");
    const standin = createHash("sha256").update(standinInstaller("Miniconda3", pip)).digest("hex");
    const conda = stackConfig("local").bootstrap.conda;
    expect(conda).toMatchObject({ distribution: "miniconda", version: "latest", sha256: standin, mirror: { url: "http://python.berth.lab" } });
  });
});

describe("the README's installer table", () => {
  it("shows each version with the start and end of its sha256 per architecture", () => {
    const readme = readFileSync(join(PROJECT_DIR, "README.md"), "utf8");
    for (const r of INSTALLERS) {
      const row = readme.split("\n").find((l) => l.includes(`| \`${r.version}\` |`));
      expect(row, `no README row for ${r.version}`).toBeDefined();
      for (const h of [r.sha256.x86_64, r.sha256.aarch64]) expect(row).toContain(`\`${h.slice(0, 8)}…${h.slice(-8)}\``);
    }
  });
});
