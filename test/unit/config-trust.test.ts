// Config rules for what the bootstrap trusts: docker-ce key fingerprints on custom mirrors,
// and installers that would run unverified over plain HTTP.
import { describe, expect, it } from "vitest";
import { DEFAULT_INSTALLER_VERSION } from "../../src/config/installers.js";
import { bootstrapSchema } from "../../src/config/sections/bootstrap.js";
import { RSA_PUBKEY, configOf, errorsOf, stackConfig } from "../helpers/config.js";

const CAMPUS = { url: "http://10.0.0.1", name: "campus" };
const KIT_FPR = "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1";

describe("docker-ce signing keys in the config", () => {
  it.each<[string, unknown, string]>([
    ["a key id instead of a fingerprint", { ...CAMPUS, dockerCeKeyFingerprint: "22BDA605CDEF55B1" },
      'berth:bootstrap.mirror.dockerCeKeyFingerprint: "22BDA605CDEF55B1" is a key id, which anyone can forge — give the key\'s full 40-hex fingerprint (gpg --show-keys KEYFILE prints it)'],
    ["something that is not a fingerprint, inside a chain", ["tuna", { ...CAMPUS, dockerCeKeyFingerprint: "BFA8 0356 5EC5" }],
      'berth:bootstrap.mirror[1].dockerCeKeyFingerprint: "BFA8 0356 5EC5" is not an OpenPGP fingerprint — give 40 hex digits like 9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88 (gpg --show-keys KEYFILE prints it)'],
    ["a key for a mirror that serves no docker-ce", { ...CAMPUS, dockerCeKeyFingerprint: KIT_FPR, paths: { dockerCe: null } },
      "berth:bootstrap.mirror.dockerCeKeyFingerprint: pins a docker-ce signing key, but paths.dockerCe is null (this mirror serves no docker-ce) — remove one of them"],
  ])("%s", (_what, mirror, message) => {
    expect(errorsOf({ "berth:bootstrap": { mirror, conda: { enabled: false } } })).toEqual([message]);
  });

  it("takes a fingerprint as gpg prints it (grouped, any case) and pins it on that mirror's docker-ce only", () => {
    const cfg = configOf({ "berth:bootstrap": { mirror: ["tuna", { ...CAMPUS, dockerCeKeyFingerprint: "bfa8 0356 5ec5 a632 a51d  5c8d 22bd a605 cdef 55b1" }], conda: { enabled: false } } });
    expect(cfg.mirrors.dockerCe).toEqual([
      { name: "tuna", url: "https://mirrors.tuna.tsinghua.edu.cn/docker-ce", key: "9DC858229FC7DD38854AE2D88D81803C0EBFCD88" },
      { name: "campus", url: "http://10.0.0.1/docker-ce", key: KIT_FPR },
    ]);
  });

  it("pins the lab kit's key in the local stack", () => {
    expect(stackConfig("local").mirrors.dockerCe).toEqual([{ name: "labkit", url: "http://mirror.berth.lab/docker-ce", key: KIT_FPR }]);
  });
});

describe("conda installers and their checksums", () => {
  it("defaults to a pinned version from berth's table, for each distribution", () => {
    expect(configOf({ "berth:bootstrap": { mirror: "tuna" } }).bootstrap.conda.version).toBe(DEFAULT_INSTALLER_VERSION.miniconda);
    expect(configOf({ "berth:bootstrap": { mirror: "tuna", conda: { distribution: "miniforge" } } }).bootstrap.conda.version).toBe("24.11.3-0");
    expect(bootstrapSchema.parse(undefined).conda.version).toBe("py312_24.11.1-0");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["latest over plain HTTP", { mirror: CAMPUS, conda: { version: "latest" } },
      'berth:bootstrap.conda.sha256: the Miniconda installer "latest" would be downloaded over plain HTTP from campus (http://10.0.0.1/anaconda/miniconda) with no sha256 to check it, and it runs as root — give its sha256 here, pin a version berth knows (py312_24.11.1-0), or use an https mirror'],
    ["a version berth has no hash for, with an HTTP mirror later in the chain", { mirror: ["tencent", CAMPUS], conda: { distribution: "miniconda", version: "py311_23.11.0-2" } },
      'berth:bootstrap.conda.sha256: the Miniconda installer "py311_23.11.0-2" would be downloaded over plain HTTP from campus (http://10.0.0.1/anaconda/miniconda) with no sha256 to check it, and it runs as root — give its sha256 here, pin a version berth knows (py312_24.11.1-0), or use an https mirror'],
    ["the in-cloud Tencent mirror and latest Miniconda", { mirror: "tencent-internal", conda: { version: "latest" } },
      'berth:bootstrap.conda.sha256: the Miniconda installer "latest" would be downloaded over plain HTTP from tencent-internal (http://mirrors.tencentyun.com/anaconda/miniconda) with no sha256 to check it, and it runs as root — give its sha256 here, pin a version berth knows (py312_24.11.1-0), or use an https mirror'],
  ])("refuses %s", (_what, bootstrap, message) => {
    const host = bootstrap.mirror === "tencent-internal" ? { "berth:host": { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY } } : {};
    expect(errorsOf({ ...host, "berth:bootstrap": bootstrap })).toEqual([message]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["the default version over plain HTTP (berth has its hash)", { mirror: CAMPUS }],
    ["latest over HTTP with the stack's own sha256", { mirror: CAMPUS, conda: { version: "latest", sha256: "a".repeat(64) } }],
    ["latest over https without a hash (unverified, as the README says)", { mirror: "tuna", conda: { distribution: "miniforge", version: "latest" } }],
    ["no conda at all over HTTP", { mirror: CAMPUS, conda: { enabled: false } }],
  ])("accepts %s", (_what, bootstrap) => {
    expect(() => configOf({ "berth:bootstrap": bootstrap })).not.toThrow();
  });
});
