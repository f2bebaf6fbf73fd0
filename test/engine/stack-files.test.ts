// The example stacks are written the way Pulumi writes a stack file back: `pulumi stack init`
// (and `stack select --create`, as the README has users run it) only appends the passphrase's
// encryptionsalt line. Pulumi rewrites flow-style mappings (`{ a: b }` becomes `{a: b}`), so the
// examples use block style; flow sequences and comments survive.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../helpers/config.js";
import { PulumiProject } from "./pulumi.js";

const stacks = readdirSync(join(PROJECT_DIR, "stacks")).filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length));
const project = new PulumiProject("stack-files");
afterAll(() => project.remove());

describe("example stack files survive pulumi stack init", () => {
  it("there are example stacks to check", () => {
    expect(stacks).toEqual(expect.arrayContaining(["local", "digitalocean", "tencent", "existing"]));
  });

  it.each(stacks)("stacks/Pulumi.%s.yaml is byte-identical after stack init, apart from the encryptionsalt line", async (stack) => {
    const before = project.stackFile(stack);
    await project.ok(["stack", "init", stack]);
    const after = project.stackFile(stack);
    const salt = /\nencryptionsalt: v1:\S+\n$/.exec(after);
    expect(salt, after).not.toBeNull();
    expect(after.slice(0, (salt?.index ?? 0) + 1)).toBe(before);
  });
});
