// The cache in the config: berth:cache (a cache host) and berth:bootstrap.cache (a host using
// one), their messages, and the chains with the cache first.
import { describe, expect, it } from "vitest";
import { useCache } from "../../src/cache/client.js";
import { DOCKER_CE_KEY_FINGERPRINT } from "../../src/config/signing-keys.js";
import { configOf, errorsOf } from "../helpers/config.js";

const KIT = "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1";

describe("berth:bootstrap.cache", () => {
  it("puts the cache first in every chain, with the stack's mirrors after it", () => {
    const cfg = configOf({ "berth:bootstrap": { mirror: ["aliyun", "tuna"], cache: "http://10.0.0.5/", docker: { registryMirrors: ["https://hub.example.org"] } } });
    const m = cfg.mirrors;
    expect(m.dockerCe.map((x) => [x.name, x.url, x.key])).toEqual([
      ["cache", "http://10.0.0.5/docker-ce", DOCKER_CE_KEY_FINGERPRINT],
      ["aliyun", "https://mirrors.aliyun.com/docker-ce", DOCKER_CE_KEY_FINGERPRINT],
      ["tuna", "https://mirrors.tuna.tsinghua.edu.cn/docker-ce", DOCKER_CE_KEY_FINGERPRINT],
    ]);
    expect(m.installer.map((x) => x.url)).toEqual(["http://10.0.0.5/anaconda/miniconda", "https://mirrors.aliyun.com/anaconda/miniconda", "https://mirrors.tuna.tsinghua.edu.cn/anaconda/miniconda"]);
    expect(m.condaChain).toEqual([{ name: "cache", url: "http://10.0.0.5/anaconda" }, { name: "aliyun", url: "https://mirrors.aliyun.com/anaconda" }]);
    expect(m.conda).toEqual({ name: "cache", url: "http://10.0.0.5/anaconda" });
    expect(m.pypiChain).toEqual([{ name: "cache", url: "http://10.0.0.5/pypi/simple" }, { name: "aliyun", url: "https://mirrors.aliyun.com/pypi/simple/" }]);
    expect(m.pypi).toEqual({ name: "cache", url: "http://10.0.0.5/pypi/simple" });
    expect(m.registryMirrors).toEqual([{ url: "http://10.0.0.5", insecure: true, name: "cache" }, { url: "https://hub.example.org", insecure: false }]);
  });

  it("goes before a pinned pip or conda mirror too, and uses the Miniforge path for Miniforge", () => {
    const cfg = configOf({ "berth:bootstrap": { mirror: "tuna", cache: { url: "http://cache.lab:8080", name: "lab-cache" }, conda: { distribution: "miniforge", mirror: "tuna" }, pip: { mirror: "ustc" } } });
    expect(cfg.mirrors.installer.map((x) => x.url)).toEqual(["http://cache.lab:8080/github-release/conda-forge/miniforge", "https://mirrors.tuna.tsinghua.edu.cn/github-release/conda-forge/miniforge"]);
    expect(cfg.mirrors.pypiChain.map((x) => x.name)).toEqual(["lab-cache", "ustc"]);
    expect(cfg.mirrors.registryMirrors).toEqual([{ url: "http://cache.lab:8080", insecure: true, name: "lab-cache" }]);
  });

  it("leaves conda out when conda is off, and pins the cache's docker-ce key when given", () => {
    const cfg = configOf({ "berth:bootstrap": { mirror: { url: "http://mirror.berth.lab", dockerCeKeyFingerprint: KIT }, cache: { url: "http://cache.berth.lab", dockerCeKeyFingerprint: KIT }, conda: { enabled: false } } });
    expect(cfg.mirrors.dockerCe[0]).toEqual({ name: "cache", url: "http://cache.berth.lab/docker-ce", key: KIT });
    expect(cfg.mirrors.installer).toEqual([]);
    expect(cfg.mirrors.condaChain).toEqual([]);
  });

  it("without a cache, keeps one PyPI index and one conda channel base as before", () => {
    const cfg = configOf({ "berth:bootstrap": { mirror: ["aliyun", "tuna"] } });
    expect(cfg.mirrors.pypiChain).toEqual([cfg.mirrors.pypi]);
    expect(cfg.mirrors.condaChain).toEqual([cfg.mirrors.conda]);
  });

  it.each([
    ["a path", "http://10.0.0.5/pypi", 'berth:bootstrap.cache: "http://10.0.0.5/pypi" has a path — give the cache\'s address only, like http://10.0.0.5 (it serves /docker-ce, /pypi/simple and /v2/ itself)'],
    ["not a URL", "10.0.0.5", 'berth:bootstrap.cache: "10.0.0.5" is not a valid http(s) URL — give the cache\'s address, like http://10.0.0.5'],
  ])("refuses %s, naming the key", (_what, cache, message) => {
    expect(errorsOf({ "berth:bootstrap": { mirror: "tuna", cache } })).toEqual([message]);
  });

  it("refuses a short key id for the cache's docker-ce key", () => {
    expect(errorsOf({ "berth:bootstrap": { mirror: "tuna", cache: { url: "http://10.0.0.5", dockerCeKeyFingerprint: "CDEF55B1" } } })).toEqual([
      'berth:bootstrap.cache.dockerCeKeyFingerprint: "CDEF55B1" is a key id, which anyone can forge — give the key\'s full 40-hex fingerprint (gpg --show-keys KEYFILE prints it)',
    ]);
  });

  it("refuses a plain-HTTP cache for an installer with no sha256, like any plain-HTTP installer mirror", () => {
    expect(errorsOf({ "berth:bootstrap": { mirror: "tuna", cache: "http://10.0.0.5", conda: { version: "latest" } } })[0]).toMatch(/^berth:bootstrap\.conda\.sha256: the Miniconda installer "latest" would be downloaded over plain HTTP from cache \(http:\/\/10\.0\.0\.5\/anaconda\/miniconda\) with no sha256/);
  });
});

describe("berth:cache (a cache host)", () => {
  it("has defaults a user reads: private ranges only, 20g, the stack's own mirrors upstream", () => {
    const cfg = configOf({ "berth:bootstrap": { mirror: "tuna" }, "berth:cache": {} });
    expect(cfg.cache).toEqual({ allowFrom: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], maxSize: "20g" });
  });

  it("refuses an app on the cache host and a cache host that uses a cache", () => {
    expect(errorsOf({ "berth:bootstrap": { mirror: "tuna", cache: "http://10.0.0.9" }, "berth:cache": {}, "berth:app": { image: "nginx:1.27" } })).toEqual([
      "berth:app: a cache host runs the berth cache on port 80 and nothing else — deploy the app from another stack (one that sets berth:bootstrap.cache to this host)",
      "berth:bootstrap.cache: a cache host fetches from its upstream mirrors, not from another cache — remove berth:bootstrap.cache here",
    ]);
  });

  it.each([
    ["allowFrom", { allowFrom: ["10.0.0.0/33"] }, 'berth:cache.allowFrom[0]: "10.0.0.0/33" is not a CIDR block or address — write it like 203.0.113.0/24, 198.51.100.7 or ::/0 (IPv4 prefixes 0–32, IPv6 0–128)'],
    ["allowFrom empty", { allowFrom: [] }, "berth:cache.allowFrom: needs at least 1 entry"],
    ["maxSize", { maxSize: "20GB" }, "berth:cache.maxSize: must be a size like 20g or 500m"],
    ["a typo", { alowFrom: ["10.0.0.0/8"] }, 'berth:cache: unknown key "alowFrom" — did you mean "allowFrom"? (allowFrom, maxSize, dockerHub, image)'],
  ])("names the key on a bad %s", (_what, cache, message) => {
    expect(errorsOf({ "berth:bootstrap": { mirror: "tuna" }, "berth:cache": cache })).toEqual([message]);
  });
});

describe("useCache (a lab's hosts and their cache)", () => {
  it("gives the same config as writing berth:bootstrap.cache, without touching the input", () => {
    const raw = { "berth:bootstrap": { mirror: ["aliyun", "tuna"], pip: { requirements: ["six"] } } };
    const plain = configOf(raw);
    const before = JSON.stringify(plain);
    const used = useCache(plain, { url: "http://10.0.0.5", name: "cache" });
    expect(JSON.stringify(plain)).toBe(before);
    const written = configOf({ "berth:bootstrap": { ...raw["berth:bootstrap"], cache: "http://10.0.0.5" } });
    expect(used).toEqual(written);
  });
});
