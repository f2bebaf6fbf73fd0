// Tests and builds clean up after themselves: a multi-stage build leaves no dangling stage
// image, and a test run leaves nothing named berth-* in the temporary directory (sshd host
// keys, private keys and known_hosts files included).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureBaseImage } from "../../src/local/base.js";
import { buildImage, engine, imageExists, stageImages } from "../../src/local/engine.js";
import { PROJECT_DIR } from "../helpers/config.js";

const TAG = `berth-local/hygiene-test:${randomBytes(4).toString("hex")}`;
const scratch = mkdtempSync(join(tmpdir(), "berth-hygiene-"));
afterAll(async () => {
  await engine().getImage(TAG).remove().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

describe("clean builds and test runs", () => {
  it("a multi-stage build leaves no dangling build-stage image", async () => {
    const dir = join(scratch, "ctx");
    const marker = randomBytes(8).toString("hex"); // a stage no cache can hold
    mkdirSync(dir);
    writeFileSync(join(dir, "Dockerfile"), `ARG BASE\nFROM \${BASE} AS build\nRUN echo ${marker} > /stage.txt\n\nFROM \${BASE}\nCOPY --from=build /stage.txt /stage.txt\n`);
    const lines = await buildImage({ dir, files: ["Dockerfile"], tag: TAG, buildargs: { BASE: await ensureBaseImage() } });
    const stages = stageImages(lines);
    expect(stages).toHaveLength(1);
    expect(await imageExists(stages[0] ?? "")).toBe(false);
    const built = new Set([...lines.join("\n").matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1]));
    const dangling = await engine().listImages({ filters: { dangling: ["true"] } });
    expect(dangling.map((i) => i.Id.replace(/^sha256:/, "").slice(0, 12)).filter((id) => built.has(id))).toEqual([]);
    expect(await imageExists(TAG)).toBe(true);
  });

  it("a test run leaves no berth-* entries in the temporary directory", () => {
    const tmp = join(scratch, "tmp");
    mkdirSync(tmp);
    // Files that make temp dirs, sshd host keys and private keys among them.
    const files = ["test/deploy/ssh-executor.test.ts", "test/unit/cli-render.test.ts"];
    const { BERTH_TEST_RUN_TMPDIR: _outer, ...env } = process.env;
    const r = spawnSync(process.execPath, [join(PROJECT_DIR, "node_modules/vitest/vitest.mjs"), "run", "--project", "fast", ...files], {
      cwd: PROJECT_DIR,
      env: { ...env, TMPDIR: tmp, NO_COLOR: "1", FORCE_COLOR: "0" },
      encoding: "utf8",
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Test Files +2 passed/);
    expect(readdirSync(tmp).filter((n) => n.startsWith("berth-"))).toEqual([]);
  });
});
