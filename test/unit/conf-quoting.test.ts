import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootstrapConf } from "../../src/bootstrap/files.js";
import { shQuote } from "../../src/util/shell.js";
import { configOf } from "../helpers/config.js";

/** Strings bash can hold: no NUL. */
const bashString = fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0"));

describe("bootstrap.conf quoting", () => {
  it("any value reaches bash byte-exact (300 cases through one real bash)", () => {
    const samples = fc.sample(bashString, { numRuns: 300, seed: 42 });
    samples.push("it's", "$(reboot)", "`id`", "a\nb", "*", "~root", "\\", "'", "''", "😀 中文");
    const script = samples.map((s, i) => `v${i}=${shQuote(s)}; printf '%s\\0' "$v${i}"`).join("\n");
    const out = execFileSync("bash", ["-c", script], { encoding: "buffer" });
    const got = out.toString("utf8").split("\0").slice(0, -1);
    expect(got).toEqual(samples);
  });

  it("a rendered bootstrap.conf sources into the values configured", () => {
    const cfg = configOf({ "berth:host": { user: "alice" }, "berth:bootstrap": { mirror: "tuna", docker: { users: ["bob", "alice"], version: "27.3.1", registryMirrors: ["https://hub.example.org"] }, conda: { prefix: "/srv/conda", env: { name: "lab" } } } });
    const conf = bootstrapConf(cfg);
    const out = execFileSync("bash", ["-c", `set -u; ${conf}\nprintf '%s|' "$BERTH_LOGIN_USER" "$DOCKER_VERSION_PIN" "\${DOCKER_USERS[@]}" "\${REGISTRY_MIRRORS[@]}" "$CONDA_PREFIX_DIR" "$CONDA_ENV_NAME" "$CONDA_ENABLED" "$BERTH_OS_EXPECTED"`], { encoding: "utf8" });
    expect(out).toBe("alice|27.3.1|bob|alice|https://hub.example.org|/srv/conda|lab|1|debian-12|");
  });

  it("shQuote is a bash word for any string (property)", () => {
    fc.assert(fc.property(bashString, (s) => shQuote(s).startsWith("'") && shQuote(s).endsWith("'")));
  });
});
