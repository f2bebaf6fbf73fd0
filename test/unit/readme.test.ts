import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIRROR_NAMES, mirrorEntry } from "../../src/config/mirrors.js";
import { hostSchema } from "../../src/config/sections/host.js";
import { PROVIDER_KEYS } from "../../src/config/sections/host-rules.js";
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

describe("the README's berth:host table names the providers that take each key", () => {
  const section = readme.slice(readme.indexOf("### `berth:host`"), readme.indexOf("### `berth:bootstrap`"));
  const rows = section.split("\n").filter((l) => l.startsWith("| `"));
  it.each([...Object.keys(hostSchema.unwrap().shape)])("%s", (key) => {
    const row = rows.find((r) => (r.split("|")[1] ?? "").split(",").map((k) => k.trim()).includes(`\`${key}\``));
    expect(row, `no README row for berth:host.${key}`).toBeDefined();
    const providers = (row?.split("|")[2] ?? "").trim();
    expect(providers).toBe(PROVIDER_KEYS[key]?.join(", ") ?? "all");
  });
});
