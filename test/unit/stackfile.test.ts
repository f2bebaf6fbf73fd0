// Stack files read the way the Pulumi CLI reads them, with the file-level checks Pulumi skips;
// and the Pulumi program running the same checks on its own stack file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPulumiConfig } from "../../src/config/pulumi-config.js";
import { firstInvalidUtf8, goScalar } from "../../src/config/pulumi-yaml.js";
import { loadStackFile, readStackFile } from "../../src/config/stackfile.js";

const root = mkdtempSync(join(tmpdir(), "berth-stackfile-"));
mkdirSync(join(root, "stacks"));
writeFileSync(join(root, "Pulumi.yaml"), "name: berth\nruntime: nodejs\nstackConfigDir: stacks\n");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function stack(name: string, body: string | Buffer): string {
  const path = join(root, "stacks", `Pulumi.${name}.yaml`);
  writeFileSync(path, body);
  return path;
}
const errors = (path: string) => {
  const r = loadStackFile(path);
  return r.ok ? [] : r.errors;
};
const OK = "config:\n  berth:bootstrap:\n    mirror: tuna\n";

describe("the top level of a stack file", () => {
  const EXPECTED = "a stack file is a mapping with config: (berth:host, berth:bootstrap, berth:app, …) (config, environment, secretsprovider, encryptedkey, encryptionsalt)";
  it.each<[string, string, string]>([
    ["misspelt", "confg:\n  berth:host:\n    provider: local\n", `top-level key "confg" — did you mean "config"? Pulumi ignores it, so its settings would not be used; ${EXPECTED}`],
    ["capitalised", "Config:\n  berth:host:\n    provider: local\n", `top-level key "Config" — did you mean "config"? Pulumi ignores it, so its settings would not be used; ${EXPECTED}`],
    ["missing", "encryptionsalt: v1:abc\n", "no config: — berth reads its settings from config: (berth:host, berth:bootstrap, berth:app); Pulumi would run with none of them"],
    ["a list", "- config\n- berth:host\n", `the file is a list, not a mapping — ${EXPECTED}`],
    ["a scalar", "berth\n", `the file is the string "berth", not a mapping — ${EXPECTED}`],
    ["config: a list", "config:\n  - berth:host\n", "config: is a list; it must be a mapping of settings, like config: { berth:host: { provider: local } } (Pulumi refuses the file)"],
  ])("%s: named, and nothing about settings never written", (name, body, message) => {
    const path = stack(`top-${name.replace(/\W/g, "")}`, body);
    expect(errors(path)).toEqual([`${path}: ${message}`]);
  });

  it("namespaces bare keys with the project's name, as Pulumi does", () => {
    expect(readStackFile(stack("bare", "config:\n  bootstrap:\n    mirror: tuna\n")).config).toEqual({ "berth:bootstrap": { mirror: "tuna" } });
  });

  it("names a second YAML document, which Pulumi ignores", () => {
    const path = stack("twodocs", `${OK}---\nconfig:\n  berth:app: {}\n`);
    expect(errors(path)).toEqual([`${path}: holds 2 YAML documents (separated by ---); Pulumi reads only the first — merge them into one`]);
  });
});

describe("bytes and syntax, as Pulumi reads them", () => {
  it("refuses bytes that are not UTF-8, naming the file and the offset", () => {
    const path = stack("latin1", Buffer.concat([Buffer.from("config:\n  berth:bootstrap:\n    mirror: tuna\n  berth:host:\n    name: caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    expect(errors(path)).toEqual([`${path}: not UTF-8 — byte 0xE9 at offset 71 (line 5, byte 14 of the line) is not valid UTF-8; Pulumi refuses the file too. Save it as UTF-8 (iconv -f GB18030 -t UTF-8, or your editor's "Save with encoding")`]);
  });

  it("takes a UTF-8 byte order mark and UTF-16 with one, as Pulumi does", () => {
    expect(errors(stack("bom8", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(OK)])))).toEqual([]);
    expect(errors(stack("bom16", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(OK, "utf16le")])))).toEqual([]);
  });

  it("finds the first invalid UTF-8 sequence: truncated, overlong, surrogate, out of range", () => {
    expect(firstInvalidUtf8(Buffer.from("ok é 中 😀"))).toBeUndefined();
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x62, 0xf4, 0x90, 0x80, 0x80]))).toBe(1);
  });

  it("reports a syntax error at its line and column, with the code frame", () => {
    const path = stack("indent", "config:\n  berth:bootstrap:\n    mirror: tuna\n   conda:\n      enabled: false\n");
    expect(errors(path)).toEqual([`${path}:4:1: All mapping items must start at the same column\n    mirror: tuna\n   conda:\n^`]);
    const flow = stack("flow", "config:\n  berth:host: {provider: local\n  berth:app: x\n");
    expect(errors(flow)).toEqual([`${flow}:3:3: Flow map in block collection must be sufficiently indented and end with a }\n  berth:host: {provider: local\n  berth:app: x\n  ^`]);
  });

  it("accepts merge keys, as Pulumi does", () => {
    const body = "config:\n  berth:bootstrap:\n    mirror:\n      - &campus { url: https://mirrors.example.edu, name: campus }\n      - <<: *campus\n        name: campus-b\n        url: https://mirrors-b.example.edu\n    conda: { enabled: false }\n";
    const path = stack("merge", body);
    expect(errors(path)).toEqual([]);
    expect(readStackFile(path).config["berth:bootstrap"]).toEqual({ mirror: [{ url: "https://mirrors.example.edu", name: "campus" }, { url: "https://mirrors-b.example.edu", name: "campus-b" }], conda: { enabled: false } });
  });

  it("refuses a section encrypted as a whole, which nothing can check before pulumi up", () => {
    const path = stack("wholesecret", `${OK}  berth:app:\n    secure: v1:abc\n`);
    expect(errors(path)).toEqual([`${path}: berth:app is encrypted as a whole, so berth cannot check it before creating anything — keep the section plain and encrypt only its secret values (pulumi config set --secret --path 'berth:app.registry.password')`]);
  });
});

describe("plain scalars resolve as gopkg.in/yaml.v3 resolves them (seen through Pulumi 3.248)", () => {
  it.each<[string, unknown]>([
    ["012", 10], ["-012", -10], ["0o12", 10], ["08", 8], ["0x1F", 31], ["0b101", 5], ["1_000", 1000], ["+1", 1], ["-0", 0],
    [".5", 0.5], ["0.", 0], ["1.0", 1], ["1.5e+3", 1500], ["1e400", "1e400"], ["0o", "0o"],
    ["True", true], ["TRUE", true], ["yes", "yes"], ["on", "on"], ["y", "y"], ["Null", null], ["~", null], ["", null], ["1:20", "1:20"],
    ["2024-01-01", "2024-01-01 00:00:00 +0000 UTC"], ["2024-1-2", "2024-01-02 00:00:00 +0000 UTC"],
    ["2024-01-02T10:00:00+08:00", "2024-01-02 10:00:00 +0800 +0800"], ["2001-12-14 21:59:43.10", "2001-12-14 21:59:43.1 +0000 UTC"],
    ["22", 22], ["ubuntu-24.04", "ubuntu-24.04"], ["-uattacker", "-uattacker"],
  ])("%j → %j", (text, value) => {
    expect(goScalar(text)).toEqual(value);
  });

  it("hands top-level scalars on as text, like Pulumi", () => {
    expect(readStackFile(stack("scalars", "config:\n  berth:sshPrivateKey: 012\n  berth:x: true\n  berth:y:\n")).config).toEqual({ "berth:sshPrivateKey": "10", "berth:x": "true", "berth:y": "" });
  });
});

describe("the Pulumi program runs the same checks on its own stack file", () => {
  const src = (stackName: string, values: Record<string, string>, secretKeys: string[] = []) =>
    loadPulumiConfig({ projectDir: join(root, "src"), stack: stackName, values, isKeySecret: (k) => secretKeys.includes(k) });

  it("finds the project from where the language host starts it (src/), and names a misspelt config:", () => {
    stack("p-confg", "confg:\n  berth:bootstrap:\n    mirror: tuna\n");
    const r = src("p-confg", {});
    expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(/^stacks\/Pulumi\.p-confg\.yaml: top-level key "confg" — did you mean "config"\?/)]);
  });

  it("knows a decrypted value was secure in the file, and refuses one that was plain", () => {
    stack("p-secret", "config:\n  berth:bootstrap:\n    mirror: tuna\n  berth:sshPrivateKey:\n    secure: v1:abc\n");
    expect(src("p-secret", { "berth:bootstrap": '{"mirror":"tuna"}', "berth:sshPrivateKey": "KEY" }, ["berth:sshPrivateKey"]).ok).toBe(true);
    stack("p-plain", "config:\n  berth:bootstrap:\n    mirror: tuna\n  berth:sshPrivateKey: KEY\n");
    const r = src("p-plain", { "berth:bootstrap": '{"mirror":"tuna"}', "berth:sshPrivateKey": "KEY" });
    expect(r.ok ? [] : r.errors).toEqual(["berth:sshPrivateKey: a private key in plaintext — a stack file is meant to be committed, and Pulumi would keep it unencrypted; store it as a Pulumi secret: pulumi config set --secret berth:sshPrivateKey < ~/.ssh/id_ed25519"]);
  });

  it("trusts the runtime's secret keys for values the file does not hold (a Pulumi ESC environment)", () => {
    stack("p-env", "environment:\n  - lab-secrets\nconfig:\n  berth:bootstrap:\n    mirror: tuna\n");
    expect(src("p-env", { "berth:bootstrap": '{"mirror":"tuna"}', "berth:sshPrivateKey": "KEY" }, ["berth:sshPrivateKey"]).ok).toBe(true);
    expect(src("p-env", { "berth:bootstrap": '{"mirror":"tuna"}', "berth:sshPrivateKey": "KEY" }).ok).toBe(false);
  });
});
