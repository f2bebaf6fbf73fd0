import { describe, expect, it } from "vitest";
import { errorsOf } from "../helpers/config.js";

const TOS = "berth:bootstrap.conda.termsOfService: Miniconda from Anaconda's own channels needs their terms of service accepted, and non-interactive installs fail without it — set termsOfService: accept, use a mirror for conda (tuna, aliyun, …), or distribution: miniforge";
const MIRROR_NAMES = "(official, aliyun, tuna, ustc, tencent, tencent-internal, huawei, azure-china, { url: … })";

describe("config errors name the path and the fix", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["unknown mirror, with a suggestion", { "berth:bootstrap": { mirror: "aliyn" } }, [
      `berth:bootstrap.mirror: unknown mirror "aliyn" — did you mean "aliyun"? ${MIRROR_NAMES}`,
    ]],
    ["malformed custom mirror URL", { "berth:bootstrap": { mirror: { url: "htps//mirror" } } }, [
      'berth:bootstrap.mirror.url: "htps//mirror" is not a valid http(s) URL — write it like https://mirrors.example.edu.cn/docker-ce',
    ]],
    ["bad entries inside a fallback chain", { "berth:bootstrap": { mirror: ["tuna", { url: "ftp://x" }, "tencnt"] } }, [
      'berth:bootstrap.mirror[1].url: "ftp://x" is not a valid http(s) URL — write it like https://mirrors.example.edu.cn/docker-ce',
      `berth:bootstrap.mirror[2]: unknown mirror "tencnt" — did you mean "tencent"? ${MIRROR_NAMES}`,
    ]],
    ["unsupported version of a known distro", { "berth:host": { os: "ubuntu-18.04" }, "berth:bootstrap": { mirror: "tuna" } }, [
      "berth:host.os: Ubuntu 18.04 is not supported — supported: ubuntu-20.04, ubuntu-22.04, ubuntu-24.04",
    ]],
    ["unknown distro", { "berth:host": { os: "fedora-40" }, "berth:bootstrap": { mirror: "tuna" } }, [
      'berth:host.os: unknown OS "fedora-40" — expected one of (ubuntu-20.04, ubuntu-22.04, ubuntu-24.04, debian-11, debian-12, centos-7, centos-8, centos-9, rhel-8, rhel-9, …)',
    ]],
    ["misspelled provider", { "berth:host": { provider: "digitalocan" } }, [
      'berth:host.provider: unknown provider "digitalocan" — did you mean "digitalocean"? (local, digitalocean, tencentcloud, existing)',
    ]],
    ["bad docker version pin", { "berth:bootstrap": { mirror: "tuna", docker: { version: "latest" } } }, [
      "berth:bootstrap.docker.version: not a docker-ce version — write 27.3.1, 27.3, or the full string apt-cache madison shows (5:27.3.1-1~ubuntu.24.04~noble)",
    ]],
    ["plain-HTTP registry mirror without an insecure flag", { "berth:bootstrap": { mirror: "tuna", docker: { registryMirrors: ["http://10.0.0.5:5000"] } } }, [
      'berth:bootstrap.docker.registryMirrors[0]: "http://10.0.0.5:5000" is plain HTTP and dockerd refuses it unless marked insecure — write { url: "http://10.0.0.5:5000", insecure: true } or add "10.0.0.5:5000" to berth:bootstrap.docker.insecureRegistries',
    ]],
    ["unknown keys at two depths", { "berth:bootstrap": { mirror: "tuna", dockr: {}, docker: { registryMirror: [] } } }, [
      'berth:bootstrap.docker: unknown key "registryMirror" — did you mean "registryMirrors"? (version, registryMirrors, insecureRegistries, users, logRotation, daemon, allowUnauthenticatedTcp)',
      'berth:bootstrap: unknown key "dockr" — did you mean "docker"? (mirror, docker, conda, pip, cache)',
    ]],
    ["unknown berth: setting", { "berth:hots": {}, "berth:bootstrap": { mirror: "tuna" } }, ['berth:hots: unknown setting "hots" — did you mean "host"? (host, bootstrap, app, lab, cache, sshPrivateKey)']],
    ["a closed Docker Hub accelerator", { "berth:bootstrap": { mirror: "tuna", docker: { registryMirrors: ["ustc"] } } }, [
      `berth:bootstrap.docker.registryMirrors[0]: "ustc" does not serve a Docker Hub accelerator (USTC's Docker Hub accelerator closed in 2024) — names that do: (tencent-internal)`,
    ]],
    ["an in-cloud mirror outside its cloud", { "berth:host": { provider: "digitalocean", sshKeys: ["3b:16:bf:6e:a4:2c:19:7d:2e:6a:0b:5f:9c:44:1e:d0"] }, "berth:bootstrap": { mirror: ["tencent-internal", "tuna"] } }, [
      'berth:bootstrap.mirror[0]: "tencent-internal" works only inside Tencent Cloud, but berth:host.provider is "digitalocean" — pick a mirror that works from anywhere (official, aliyun, tuna, ustc, tencent, huawei, azure-china)',
    ]],
    ["Anaconda's terms not accepted", { "berth:bootstrap": { mirror: "official" } }, [TOS]],
    ["no mirror in the chain serves conda", { "berth:bootstrap": { mirror: "ustc" } }, [
      "berth:bootstrap.conda.mirror: no mirror in berth:bootstrap.mirror serves Miniconda installers — set conda.mirror to one that does: (official, aliyun, tuna, tencent, tencent-internal, huawei)",
    ]],
    ["a conda mirror that serves no installer", { "berth:bootstrap": { mirror: "tuna", conda: { mirror: "ustc" } } }, [
      'berth:bootstrap.conda.mirror: "ustc" does not serve Miniconda installers — names that do: (official, aliyun, tuna, tencent, tencent-internal, huawei)',
    ]],
    ["wrong type", { "berth:bootstrap": { mirror: "tuna", docker: { users: "alice" } } }, ["berth:bootstrap.docker.users: expected array, received string"]],
    ["daemon.json keys: managed, owned by log rotation, and misspelled", { "berth:bootstrap": { mirror: "tuna", docker: { daemon: { "registry-mirrors": [], "log-driver": "local", "data-rot": "/x" } } } }, [
      "berth:bootstrap.docker.daemon.registry-mirrors: set by berth — use berth:bootstrap.docker.registryMirrors instead",
      'berth:bootstrap.docker.daemon.data-rot: unknown daemon.json key "data-rot" — did you mean "data-root"? (allow-nondistributable-artifacts, api-cors-header, authorization-plugins, bip, bridge, builder, cdi-spec-dirs, cgroup-parent, containerd, containerd-namespace, …)',
    ]],
    ["environment and requirements without conda", { "berth:bootstrap": { mirror: "tuna", conda: { enabled: false, env: { name: "x" } }, pip: { requirements: ["x"] } } }, [
      "berth:bootstrap.conda.env: an environment needs conda — remove env or set conda.enabled: true",
      "berth:bootstrap.pip.requirements: requirements are installed into a conda environment — set conda.enabled: true (or install them in your image)",
    ]],
    ["environment file that does not exist", { "berth:bootstrap": { mirror: "tuna", conda: { env: { file: "nope.yml" } } } }, [
      'berth:bootstrap.conda.env.file: cannot read "nope.yml" (no such file; paths are relative to /proj)',
    ]],
    ["environment given twice", { "berth:bootstrap": { mirror: "tuna", conda: { env: { file: "a", text: "b" } } } }, ["berth:bootstrap.conda.env: give exactly one of file or text"]],
    ["environment.yml without a name", { "berth:bootstrap": { mirror: "tuna", conda: { env: { text: "dependencies: [numpy]\n" } } } }, [
      'berth:bootstrap.conda.env: environment.yml needs a top-level "name:" (the environment to create) and must be valid YAML',
    ]],
    ["Miniforge from a mirror without it", { "berth:bootstrap": { mirror: "aliyun", conda: { distribution: "miniforge" } } }, [
      "berth:bootstrap.conda.mirror: no mirror in berth:bootstrap.mirror serves Miniforge installers — set conda.mirror to one that does: (official, tuna)",
    ]],
    ["log rotation size", { "berth:bootstrap": { mirror: "tuna", docker: { logRotation: { maxSize: "10MB" } } } }, [
      "berth:bootstrap.docker.logRotation.maxSize: must be a size like 10m, 512k or 1g",
    ]],
  ])("%s", (_name, raw, expected) => {
    expect(errorsOf(raw)).toEqual(expected);
  });

  it("accepts JSON-encoded sections, as pulumi.Config hands them over", () => {
    const r = errorsOf({ "berth:bootstrap": JSON.stringify({ mirror: "aliyn" }) });
    expect(r).toEqual([`berth:bootstrap.mirror: unknown mirror "aliyn" — did you mean "aliyun"? ${MIRROR_NAMES}`]);
  });
});
