import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIRROR_NAMES, mirrorEntry } from "../../src/config/mirrors.js";
import { PROJECT_DIR } from "../helpers/config.js";

const readme = readFileSync(join(PROJECT_DIR, "README.md"), "utf8");

describe("the README's mirror table matches the catalog", () => {
  it.each(MIRROR_NAMES)("%s: its row names its docker-ce, Docker Hub and PyPI URLs", (name) => {
    const row = readme.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
    expect(row, `no README row for ${name}`).toBeDefined();
    const e = mirrorEntry(name);
    for (const part of ["dockerCe", "dockerHub", "pypi"] as const) {
      const url = e.serves[part];
      if (url) expect(row).toContain(url);
    }
    expect(row).toContain(e.reach === "public" ? "anywhere" : "only");
  });
});
