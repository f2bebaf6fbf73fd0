import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { bootstrapConf } from "../../src/bootstrap/files.js";
import { render } from "../../src/bootstrap/render.js";
import { SUPPORTED_OS } from "../../src/config/os.js";
import { EXAMPLE_STACKS, PROJECT_DIR, PUBKEY, RSA_PUBKEY, configOf, stackConfig } from "../helpers/config.js";
import { cloudInitDir, cloudInitSchemaCli, cloudInitValidate, shellcheck } from "../helpers/validators.js";

const MIRRORS: [string, Record<string, unknown>, unknown][] = [
  ["aliyun", { provider: "digitalocean", image: "custom-snapshot-1", sshPublicKey: PUBKEY }, "aliyun"],
  ["tuna-ustc", { provider: "digitalocean", image: "custom-snapshot-1", sshPublicKey: PUBKEY }, ["tuna", "ustc"]],
  ["custom", { provider: "local" }, { url: "http://mirror.berth.lab", name: "labkit", dockerCeKeyFingerprint: "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1" }],
  ["tencent-internal", { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, ["tencent-internal", "tencent"]],
];

interface Variant { name: string; raw: Record<string, unknown> }

function matrix(): Variant[] {
  const out: Variant[] = [];
  for (const os of SUPPORTED_OS) {
    for (const [mname, host, mirror] of MIRRORS) {
      for (const conda of [true, false]) {
        for (const pinned of [true, false]) {
          const docker = { ...(pinned ? { version: "27.3.1" } : {}), users: ["alice"], registryMirrors: mname === "tencent-internal" ? ["tencent-internal"] : [] };
          const condaCfg = conda
            ? { ...(pinned ? { version: "py312_24.11.1-0", sha256: "a".repeat(64) } : {}), env: { name: "lab", python: "3.12", packages: ["numpy"] } }
            : { enabled: false };
          out.push({
            name: `${os}.${mname}.conda-${conda ? "on" : "off"}.${pinned ? "pinned" : "unpinned"}`,
            raw: { "berth:host": { ...host, os }, "berth:bootstrap": { mirror, docker, conda: condaCfg, ...(conda ? { pip: { requirements: ["requests"] } } : {}) } },
          });
        }
      }
    }
  }
  return out;
}

describe("every rendered variant passes cloud-init's schema and shellcheck", () => {
  const variants = matrix();
  const dir = mkdtempSync(join(tmpdir(), "berth-matrix-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = variants.map((v) => {
    const cfg = configOf(v.raw);
    const path = join(dir, `${v.name}.user-data`);
    writeFileSync(path, render(cfg).userData);
    writeFileSync(join(dir, `${v.name}.conf`), bootstrapConf(cfg));
    return path;
  });

  it(`covers ${SUPPORTED_OS.length} OS × ${MIRRORS.length} mirrors × conda on/off × pinned/unpinned`, () => {
    expect(variants.length).toBe(SUPPORTED_OS.length * MIRRORS.length * 4);
    expect(new Set(variants.map((v) => v.name)).size).toBe(variants.length);
  });

  it("cloud-init schema: no errors, no unknown top-level keys", async () => {
    const results = await cloudInitValidate(files);
    expect(results.size).toBe(files.length);
    const failing = [...results].filter(([, errs]) => errs.length > 0);
    expect(failing).toEqual([]);
  });

  it("the validator is live: it catches a nested typo, an unknown top-level key and a missing header", async () => {
    const bad = join(dir, "bad.user-data");
    writeFileSync(bad, "#cloud-config\nwrite_files:\n  - path: /x\n    contnt: hi\nberth_extra: 1\n");
    const noHeader = join(dir, "no-header.user-data");
    writeFileSync(noHeader, "write_files: []\n");
    const results = await cloudInitValidate([bad, noHeader]);
    expect(results.get(bad)?.join("\n")).toMatch(/'contnt' was unexpected/);
    expect(results.get(bad)).toContain("unknown top-level key: berth_extra");
    expect(results.get(noHeader)?.join("\n")).toMatch(/#cloud-config/);
  });

  it.each(EXAMPLE_STACKS)("`cloud-init schema --config-file` accepts the %s stack's user-data", async (name) => {
    const r = await cloudInitSchemaCli(join(PROJECT_DIR, `test/snapshots/${name}.user-data`));
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/Valid cloud-config/);
  });

  it("shellcheck reports nothing on bootstrap.sh and every bootstrap.conf", async () => {
    const confs = variants.map((v) => join(dir, `${v.name}.conf`));
    const script = join(dir, "bootstrap.sh");
    writeFileSync(script, render(configOf(variants[0]?.raw ?? {})).script);
    const r = await shellcheck([script, ...confs]);
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  });

  it("shellcheck is live: it flags an unquoted expansion", async () => {
    const bad = join(dir, "bad.sh");
    writeFileSync(bad, "#!/bin/bash\nrm -rf $1/tmp\n");
    const r = await shellcheck([bad]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/SC2086/);
  });
});

describe("cloud-init reads berth's gzip-compressed user-data", () => {
  it("unpacks the Tencent stack's user-data to the very cloud-config berth rendered", async () => {
    const rendered = render(stackConfig("tencent"));
    expect(rendered.compressed).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "berth-gz-"));
    try {
      const file = join(dir, "user-data.gz");
      writeFileSync(file, Buffer.from(rendered.userDataBase64, "base64"));
      // What cloud-init does with any datasource's user-data, before modules read it.
      const py = [
        "import sys",
        "from cloudinit.user_data import UserDataProcessor",
        "from cloudinit.helpers import Paths",
        "msg = UserDataProcessor(Paths({})).process(open(sys.argv[1], 'rb').read())",
        "for p in msg.walk():",
        "    if p.is_multipart(): continue",
        "    sys.stdout.write(p.get_content_type() + '\\n'); sys.stdout.buffer.write(p.get_payload(decode=True))",
      ].join("\n");
      const { stdout } = await promisify(execFile)("/usr/bin/python3", ["-c", py, file], { env: { ...process.env, PYTHONPATH: join(cloudInitDir(), "usr/lib/python3/dist-packages") }, maxBuffer: 16 << 20 });
      expect(stdout).toBe(`text/cloud-config\n${rendered.userData}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
