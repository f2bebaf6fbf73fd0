// Doctor on this machine: Node.js, the Pulumi CLI, backend and passphrase, the stack and its
// secrets, the SSH key. Real files in temporary directories; the passphrase check runs against
// an encryptionsalt the real Pulumi CLI 3.248.0 wrote.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, describe, expect, it } from "vitest";
import { backendCheck, nodeCheck, passphraseCheck, pulumiCheck, secretsCheck, sshKeyCheck, stackCheck } from "../../src/doctor/machine.js";
import type { MachineContext } from "../../src/doctor/machine-pulumi.js";
import { passphraseOpens } from "../../src/doctor/passphrase.js";
import { PROJECT_DIR, PUBKEY, RSA_PUBKEY } from "../helpers/config.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

/** Made by `pulumi stack init` (Pulumi CLI v3.248.0) with PULUMI_CONFIG_PASSPHRASE="correct horse battery staple". */
const SALT = "v1:hWxiPgcjTSo=:v1:saFCelqJBLD4yFkp:oHGbLDpckuTsDodhB8RSTZXCUP0xYg==";
const PASSPHRASE = "correct horse battery staple";

const root = mkdtempSync(join(tmpdir(), "berth-doctor-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = () => {
  const d = join(root, String(n++));
  mkdirSync(d, { recursive: true });
  return d;
};
const ctx = (env: Record<string, string | undefined> = {}, home = dir()): MachineContext => ({ env: { PATH: "", ...env }, projectDir: PROJECT_DIR, home });
const ids = (c: { findings: readonly { id: string }[] }) => c.findings.map((f) => f.id);

function stackFile(body: string): string {
  const d = dir();
  mkdirSync(join(d, "stacks"));
  const f = join(d, "stacks", "Pulumi.t.yaml");
  writeFileSync(f, body);
  return f;
}

describe("Node.js and the Pulumi CLI", () => {
  it("Node 20 passes, Node 18 does not", () => {
    expect(nodeCheck(ctx(), "20.20.2").status).toBe("ok");
    const old = nodeCheck(ctx(), "18.19.0");
    expect(ids(old)).toEqual(["node-too-old"]);
    expect(old.findings[0]?.params).toEqual({ version: "v18.19.0" });
  });

  it("finds no CLI where there is none, and says how to get one without building it now", async () => {
    const c = await pulumiCheck(ctx({ BERTH_CACHE_DIR: dir() }));
    expect(ids(c)).toEqual(["pulumi-missing"]);
    expect(c.params.want).toMatch(/^v3\.\d+\.\d+$/);
  });

  it("finds berth's cache the way scripts/pulumi-cli.sh does: complete, with SOURCE", async () => {
    const cache = dir();
    const want = (await pulumiCheck(ctx({ BERTH_CACHE_DIR: cache }))).params.want?.slice(1) ?? "";
    const bin = join(cache, "pulumi", want, "bin");
    mkdirSync(bin, { recursive: true });
    for (const p of ["pulumi", "pulumi-language-nodejs"]) writeFileSync(join(bin, p), "", { mode: 0o755 });
    expect(ids(await pulumiCheck(ctx({ BERTH_CACHE_DIR: cache })))).toEqual(["pulumi-missing"]);
    writeFileSync(join(bin, "pulumi-resource-pulumi-nodejs"), "", { mode: 0o755 });
    writeFileSync(join(cache, "pulumi", want, "SOURCE"), "built from Go modules with go1.25\n");
    const found = await pulumiCheck(ctx({ BERTH_CACHE_DIR: cache }));
    expect(found.status).toBe("ok");
    expect(found.params.where).toContain("built from Go modules with go1.25");
  });

  it("a pulumi of another version on PATH is a warning", async () => {
    const path = dir();
    writeFileSync(join(path, "pulumi"), "#!/bin/sh\necho v3.100.0\n", { mode: 0o755 });
    const c = await pulumiCheck(ctx({ PATH: path, BERTH_CACHE_DIR: dir() }));
    expect(ids(c)).toEqual(["pulumi-version"]);
    expect(c.status).toBe("warn");
    expect(c.findings[0]?.params.found).toBe("v3.100.0");
  });
});

describe("backend and passphrase", () => {
  it("no backend anywhere", async () => {
    expect(ids(await backendCheck(ctx()))).toEqual(["backend-missing"]);
  });

  it("a file backend must be a directory it can write", async () => {
    const state = join(dir(), "state");
    const missing = await backendCheck(ctx({ PULUMI_BACKEND_URL: `file://${state}` }));
    expect(ids(missing)).toEqual(["backend-unreachable"]);
    expect(missing.findings[0]?.params.detail).toBe(`${state}: no such directory`);
    mkdirSync(state);
    expect((await backendCheck(ctx({ PULUMI_BACKEND_URL: `file://${state}` }))).status).toBe("ok");
  });

  it("reads `pulumi login` from credentials.json", async () => {
    const home = dir();
    mkdirSync(join(home, ".pulumi"));
    writeFileSync(join(home, ".pulumi", "credentials.json"), JSON.stringify({ current: `file://${home}` }));
    expect(await backendCheck(ctx({}, home))).toMatchObject({ status: "ok", params: { url: `file://${home}` } });
  });

  it("a bucket backend's endpoint that does not answer", async () => {
    const c = await backendCheck(ctx({ PULUMI_BACKEND_URL: "s3://state?endpoint=127.0.0.1:1&s3ForcePathStyle=true&region=us-east-1" }));
    expect(ids(c)).toEqual(["backend-unreachable"]);
    expect(c.findings[0]?.params.detail).toBe("endpoint 127.0.0.1:1: connection refused");
  });

  it("opens the real CLI's encryptionsalt with the right passphrase only", async () => {
    expect(await passphraseOpens(PASSPHRASE, SALT)).toBe(true);
    expect(await passphraseOpens("wrong", SALT)).toBe(false);
  });

  it("missing, wrong and right, from the variable or the file", async () => {
    const stack = stackFile(`encryptionsalt: ${SALT}\nconfig: {}\n`);
    const backend = { PULUMI_BACKEND_URL: `file://${dir()}` };
    expect(ids(await passphraseCheck(ctx(backend), stack))).toEqual(["passphrase-missing"]);
    const wrong = await passphraseCheck(ctx({ ...backend, PULUMI_CONFIG_PASSPHRASE: "wrong" }), stack);
    expect(ids(wrong)).toEqual(["passphrase-wrong"]);
    const file = join(dir(), "pp");
    writeFileSync(file, `${PASSPHRASE}\n`);
    expect(await passphraseCheck(ctx({ ...backend, PULUMI_CONFIG_PASSPHRASE_FILE: file }), stack)).toMatchObject({ status: "ok", params: { source: `PULUMI_CONFIG_PASSPHRASE_FILE (${file})` } });
    // The variable wins over the file, as in the CLI, even when empty.
    expect(ids(await passphraseCheck(ctx({ ...backend, PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: file }), stack))).toEqual(["passphrase-wrong"]);
  }, 30_000);
});

describe("the stack and its secrets", () => {
  it("a stack with a mistake lists the loader's messages", () => {
    const s = stackCheck(stackFile('config:\n  berth:bootstrap:\n    mirror: aliyn\n'));
    expect(ids(s.check)).toEqual(["stack-invalid"]);
    expect(s.check.findings[0]?.evidence).toEqual(['berth:bootstrap.mirror: unknown mirror "aliyn" — did you mean "aliyun"? (official, aliyun, tuna, ustc, tencent, tencent-internal, huawei, azure-china, { url: … })']);
  });

  it("a Tencent stack with an app needs its keys, the SSH key and the registry password", () => {
    const file = stackFile(`config:
  berth:host: { provider: tencentcloud, zone: ap-guangzhou-3, image: img-487zeit5, sshPublicKey: "${RSA_PUBKEY}" }
  berth:bootstrap: { conda: { enabled: false } }
  berth:app: { image: "ccr.ccs.tencentyun.com/course/app:v1", registry: { server: ccr.ccs.tencentyun.com, username: "100012345678" } }
  tencentcloud:secretId: { secure: "v1:abc" }
`);
    const s = stackCheck(file);
    if (!s.config) throw new Error(JSON.stringify(s.check));
    const c = secretsCheck(ctx({ TENCENTCLOUD_SECRET_KEY: "from-env" }), file, s.config);
    expect(c.findings.map((f) => [f.id, f.params.key])).toEqual([
      ["secret-missing", "berth:app.registry.password"],
      ["secret-missing", "berth:sshPrivateKey"],
    ]);
    expect(c.status).toBe("fail");
    expect(c.params.list).toBe("berth:app.registry.password, berth:sshPrivateKey");
  });

  it("the local stack's registry password may come from BERTH_REGISTRY_PASSWORD", () => {
    const file = join(PROJECT_DIR, "stacks", "Pulumi.local.yaml");
    const s = stackCheck(file);
    if (!s.config) throw new Error("local stack did not load");
    expect(ids(secretsCheck(ctx(), file, s.config))).toEqual(["secret-missing"]);
    expect(secretsCheck(ctx({ BERTH_REGISTRY_PASSWORD: "x" }), file, s.config)).toMatchObject({ status: "ok", params: { list: "berth:app.registry.password (BERTH_REGISTRY_PASSWORD)" } });
  });
});

describe("the SSH key", () => {
  const pair = ed25519KeyPair();
  const keyFile = (text: string) => {
    const f = join(dir(), "id");
    writeFileSync(f, text);
    chmodSync(f, 0o600);
    return f;
  };

  it("missing, when hosts are to be reached", () => {
    const c = sshKeyCheck(ctx(), undefined, undefined, true);
    expect(ids(c)).toEqual(["ssh-key-missing"]);
    expect(sshKeyCheck(ctx(), undefined, undefined, false).status).toBe("skip");
  });

  it("an encrypted key cannot be used", () => {
    const locked = ssh2.utils.generateKeyPairSync("ed25519", { passphrase: "secret", cipher: "aes256-ctr", rounds: 16 });
    const c = sshKeyCheck(ctx(), keyFile(locked.private), undefined, true);
    expect(ids(c)).toEqual(["ssh-key-unusable"]);
    expect(c.findings[0]?.params.detail).toBe("Encrypted private OpenSSH key detected, but no passphrase given");
  });

  it("must be the private half of berth:host.sshPublicKey", () => {
    const file = keyFile(pair.private);
    const cfg = (pub: string) => ({ host: { sshPublicKey: pub } }) as unknown as Parameters<typeof sshKeyCheck>[2];
    expect(sshKeyCheck(ctx(), file, cfg(pair.public), true)).toMatchObject({ status: "ok", summary: "sshkey.matches" });
    expect(ids(sshKeyCheck(ctx(), file, cfg(PUBKEY), true))).toEqual(["ssh-key-mismatch"]);
  });
});
