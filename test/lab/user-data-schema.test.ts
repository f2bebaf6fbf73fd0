// A lab host's user-data (the shared bootstrap plus its student's key) through cloud-init's own
// schema, on every provider's rendering, with the keys students really have (ed25519, RSA, ECDSA).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { render } from "../../src/bootstrap/render.js";
import { studentUserData, withStudentKey } from "../../src/components/lab-user-data.js";
import { configOf, PUBKEY, RSA_PUBKEY, stackConfig } from "../helpers/config.js";
import { cloudInitSchemaCli, cloudInitValidate } from "../helpers/validators.js";
import { fakeKey } from "./mocks.js";

const dir = mkdtempSync(join(tmpdir(), "berth-lab-ud-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ECDSA = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YGY+ljbbDgs= carol@laptop";

describe("a lab host's user-data", () => {
  const cases = ["local", "digitalocean", "tencent"].flatMap((stack) => [PUBKEY, RSA_PUBKEY, ECDSA].map((key, i) => ({ stack, key, file: join(dir, `${stack}-${i}.yaml`) })));

  it("passes cloud-init's schema for every provider and key type", async () => {
    for (const c of cases) writeFileSync(c.file, withStudentKey(render(stackConfig(c.stack)).userData, c.key));
    const results = await cloudInitValidate(cases.map((c) => c.file));
    expect(cases.map((c) => [c.file, results.get(c.file)])).toEqual(cases.map((c) => [c.file, []]));
    const cli = await cloudInitSchemaCli(cases[0]!.file);
    expect(cli.code).toBe(0);
  });

  it("is the shared bootstrap plus one top-level key, and nothing else", () => {
    const shared = render(stackConfig("local")).userData;
    const doc = parse(withStudentKey(shared, fakeKey("s1"))) as Record<string, unknown>;
    expect(doc.ssh_authorized_keys).toEqual([fakeKey("s1")]);
    const { ssh_authorized_keys: _k, ...rest } = doc;
    expect(rest).toEqual(parse(shared));
  });

  it("is compressed for Tencent Cloud when the key takes it over 16 KB, like the shared one", () => {
    const cfg = configOf({ "berth:host": { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, "berth:bootstrap": { mirror: "tencent" } });
    const r = render(cfg);
    const s = studentUserData(r, "tencentcloud", RSA_PUBKEY);
    expect(s.compressed).toBe(r.compressed);
    expect(s.userData).toBe(withStudentKey(r.userData, RSA_PUBKEY));
  });
});
