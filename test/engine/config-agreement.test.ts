// `pulumi preview` and `berth render` agree on a stack file: the same path-named messages for a
// misspelt namespace, a plaintext secret and a file with YAML merge keys; and the values a Pulumi
// program receives are the values berth reads from the file (go-yaml scalars, merge keys).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readStackFile, loadStackFile } from "../../src/config/stackfile.js";
import { PulumiProject } from "./pulumi.js";

const project = new PulumiProject("agreement");
const probe = new PulumiProject("yaml-probe");
afterAll(() => {
  project.remove();
  probe.remove();
});

const LOCAL = `  berth:host:
    provider: local
  berth:bootstrap:
    mirror: tuna
    conda: { enabled: false }
`;

const STACKS: Record<string, string> = {
  // berth:host under a misspelt namespace: Pulumi hands it over as "berht:host" and reads no berth:host.
  namespace: `config:\n${LOCAL.replace("berth:host", "berht:host")}`,
  // A private key written in plaintext.
  plainsecret: `config:\n${LOCAL}  berth:sshPrivateKey: "a private key written in plain text"\n`,
  // Merge keys: the bootstrap settings come from an anchor, with a mistake inside them.
  merge: `config:
  berth:host: &host
    provider: local
  berth:bootstrap:
    <<: { mirror: aliyn, conda: { enabled: false } }
    docker: { users: [debian] }
`,
};

async function preview(stack: string, body: string): Promise<string> {
  await project.ok(["stack", "init", stack]);
  const file = join(project.dir, "stacks", `Pulumi.${stack}.yaml`);
  writeFileSync(file, `${readFileSync(file, "utf8")}${body}`);
  const r = await project.run(["preview", "--stack", stack]);
  expect(r.code).not.toBe(0);
  return r.stdout + r.stderr;
}

describe.sequential("pulumi preview reports what berth render reports", () => {
  it.each(Object.keys(STACKS))("%s", async (stack) => {
    const text = await preview(stack, STACKS[stack] ?? "");
    const rendered = loadStackFile(join(project.dir, "stacks", `Pulumi.${stack}.yaml`));
    expect(rendered.ok).toBe(false);
    const errors = rendered.ok ? [] : rendered.errors;
    expect(errors.length).toBe(1);
    expect(text).toContain(`the stack config has ${errors.length} problem(s):`);
    for (const line of errors) expect(text).toContain(line);
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("a secret set the way the README says passes under pulumi preview", () => {
  it("pulumi config set --secret --path: the program sees it decrypted and knows it was secure", async () => {
    const stack = "cfg-secret"; // a local VM would be named after the stack; preview creates none
    await project.ok(["stack", "init", stack]);
    const file = join(project.dir, "stacks", `Pulumi.${stack}.yaml`);
    writeFileSync(file, `${readFileSync(file, "utf8")}config:\n${LOCAL}  berth:app:\n    image: registry.berth.lab:5000/berth/app:v1\n    registry: { server: registry.berth.lab:5000, username: berth }\n    ports: ["8080:8080"]\n`);
    await project.ok(["config", "set", "--stack", stack, "--path", "berth:app.registry.password", "--secret"], { stdin: "not-the-kit-password" });
    expect((readStackFile(file).config["berth:app"] as { registry: { password: unknown } }).registry.password).toEqual({ secure: expect.stringMatching(/^v1:/) });
    const r = await project.run(["preview", "--stack", stack]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

describe("the values a Pulumi program receives are the values berth reads", () => {
  it("for go-yaml scalars, dates and merge keys", async () => {
    writeFileSync(join(probe.dir, "Pulumi.yaml"), "name: berth\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: probe.cjs\nstackConfigDir: stacks\n");
    writeFileSync(join(probe.dir, "probe.cjs"), 'const pulumi = require("@pulumi/pulumi");\nconsole.log("ALLCONFIG " + JSON.stringify(pulumi.runtime.allConfig()));\n');
    await probe.ok(["stack", "init", "probe"]);
    const file = join(probe.dir, "stacks", "Pulumi.probe.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}config:
  berth:probe:
    octal: 012
    octal12: 0o12
    binary: 0b101
    underscored: 1_000
    plus: +1
    point: .5
    notInt: 08
    tooBig: 1e400
    hex: 0x1F
    yes: yes
    on: on
    capital: True
    nothing: ~
    date: 2024-1-2
    stamp: 2024-01-02T10:00:00+08:00
    spaced: 2001-12-14 21:59:43.10
    list: [1, 012, "012", -0]
    base: &base { a: 1, b: [x] }
    merged: { <<: *base, b: [y] }
`);
    const r = await probe.ok(["preview", "--stack", "probe"]);
    const line = /ALLCONFIG (\{.*\})/.exec(r.stdout)?.[1];
    expect(line, r.stdout).toBeDefined();
    const fromPulumi = JSON.parse(JSON.parse(line ?? "{}")["berth:probe"] as string) as unknown;
    expect(readStackFile(file).config["berth:probe"]).toEqual(fromPulumi);
  });
});
