import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RenderError, render } from "../../src/bootstrap/render.js";
import { bootstrapScript } from "../../src/bootstrap/script.js";
import { EXAMPLE_STACKS, PUBKEY, RSA_PUBKEY, configOf, stackConfig } from "../helpers/config.js";

interface WriteFile { path: string; content: string; permissions: string; owner: string }

function writeFiles(userData: string): WriteFile[] {
  return (parse(userData) as { write_files: WriteFile[] }).write_files;
}

const DOCKER_KEY_FILE = "/etc/berth/keys/9DC858229FC7DD38854AE2D88D81803C0EBFCD88.asc";

describe("render", () => {
  it.each(EXAMPLE_STACKS)("stack %s renders the committed user-data", async (name) => {
    const out = render(stackConfig(name));
    expect(out.userData.startsWith("#cloud-config\n")).toBe(true);
    await expect(out.userData).toMatchFileSnapshot(`../snapshots/${name}.user-data`);
  });

  it("is deterministic: same input, same bytes, whatever the key order", () => {
    const a = { mirror: ["aliyun", "tuna"], docker: { users: ["alice"], version: "27.3.1", registryMirrors: [{ url: "http://cache.lab:5000", insecure: true }] }, conda: { env: { name: "lab", packages: ["numpy"], python: "3.12" } } };
    const b = { conda: { env: { python: "3.12", packages: ["numpy"], name: "lab" } }, docker: { registryMirrors: [{ insecure: true, url: "http://cache.lab:5000" }], version: "27.3.1", users: ["alice"] }, mirror: ["aliyun", "tuna"] };
    const first = render(configOf({ "berth:bootstrap": a })).userData;
    expect(render(configOf({ "berth:bootstrap": a })).userData).toBe(first);
    expect(render(configOf({ "berth:bootstrap": b })).userData).toBe(first);
  });

  it("carries the script, its inputs and one runcmd", () => {
    const out = render(stackConfig("digitalocean"));
    const doc = parse(out.userData) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(["runcmd", "write_files"]);
    expect(doc.runcmd).toEqual([["bash", "/usr/local/lib/berth/bootstrap.sh"]]);
    const files = writeFiles(out.userData);
    expect(files.map((f) => f.path)).toEqual([
      "/etc/berth/bootstrap.conf", "/etc/berth/mirrors.list", "/etc/berth/daemon.json", "/etc/berth/pip.conf",
      "/etc/berth/condarc", "/etc/berth/environment.yml", "/etc/berth/requirements.txt", DOCKER_KEY_FILE, "/usr/local/lib/berth/bootstrap.sh",
    ]);
    expect(files.at(-1)).toMatchObject({ permissions: "0755", owner: "root:root", content: bootstrapScript() });
  });

  it("writes daemon.json with mirrors, insecure registries, log rotation and extra keys", () => {
    const cfg = configOf({ "berth:bootstrap": { mirror: "tuna", docker: {
      registryMirrors: ["https://hub.example.org/", { url: "http://cache.lab:5000", insecure: true }],
      insecureRegistries: ["registry.lab:5000"], logRotation: { maxSize: "50m", maxFile: 2 }, daemon: { "live-restore": true, "data-root": "/data/docker" },
    } } });
    const daemon = writeFiles(render(cfg).userData).find((f) => f.path === "/etc/berth/daemon.json");
    expect(daemon?.content).toBe(`{
  "data-root": "/data/docker",
  "insecure-registries": [
    "cache.lab:5000",
    "registry.lab:5000"
  ],
  "live-restore": true,
  "log-driver": "json-file",
  "log-opts": {
    "max-file": "2",
    "max-size": "50m"
  },
  "registry-mirrors": [
    "https://hub.example.org",
    "http://cache.lab:5000"
  ]
}
`);
  });

  it("keeps the local socket in daemon.json's hosts, and tells the bootstrap to start dockerd without -H fd:// then", () => {
    const files = (hosts: string[] | undefined) => writeFiles(render(configOf({ "berth:bootstrap": { mirror: "tuna", conda: { enabled: false }, docker: { allowUnauthenticatedTcp: true, ...(hosts ? { daemon: { hosts } } : {}) } } })).userData);
    const daemon = (hosts: string[] | undefined) => (JSON.parse(files(hosts).find((f) => f.path === "/etc/berth/daemon.json")?.content ?? "{}") as { hosts?: string[] }).hosts;
    const conf = (hosts: string[] | undefined) => files(hosts).find((f) => f.path === "/etc/berth/bootstrap.conf")?.content ?? "";
    expect(daemon(["tcp://127.0.0.1:2375"])).toEqual(["unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"]);
    expect(daemon(["tcp://127.0.0.1:2375", "unix:///var/run/docker.sock"])).toEqual(["tcp://127.0.0.1:2375", "unix:///var/run/docker.sock"]);
    expect(daemon(["fd://", "tcp://127.0.0.1:2375"])).toEqual(["fd://", "tcp://127.0.0.1:2375"]);
    expect(conf(["tcp://127.0.0.1:2375"])).toMatch(/^DOCKER_HOSTS_SET=1$/m);
    expect(daemon(undefined)).toBeUndefined();
    expect(conf(undefined)).not.toMatch(/DOCKER_HOSTS_SET/);
  });

  it("lists mirrors per part in fallback order, with the installer URL shaped for each mirror", () => {
    const list = (raw: Record<string, unknown>) => writeFiles(render(configOf({ "berth:bootstrap": raw })).userData).find((f) => f.path === "/etc/berth/mirrors.list")?.content;
    expect(list({ mirror: ["aliyun", "tuna", { url: "http://10.1.2.3:8080/", name: "campus", dockerCeKeyFingerprint: "bfa8 0356 5ec5 a632 a51d  5c8d 22bd a605 cdef 55b1" }] })).toBe([
      "docker-ce aliyun https://mirrors.aliyun.com/docker-ce 9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
      "docker-ce tuna https://mirrors.tuna.tsinghua.edu.cn/docker-ce 9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
      "docker-ce campus http://10.1.2.3:8080/docker-ce BFA803565EC5A632A51D5C8D22BDA605CDEF55B1",
      "installer aliyun https://mirrors.aliyun.com/anaconda/miniconda/Miniconda3-py312_24.11.1-0-Linux-@ARCH@.sh",
      "installer tuna https://mirrors.tuna.tsinghua.edu.cn/anaconda/miniconda/Miniconda3-py312_24.11.1-0-Linux-@ARCH@.sh",
      "installer campus http://10.1.2.3:8080/anaconda/miniconda/Miniconda3-py312_24.11.1-0-Linux-@ARCH@.sh",
      "conda aliyun https://mirrors.aliyun.com/anaconda",
      "pypi aliyun https://mirrors.aliyun.com/pypi/simple/",
      "",
    ].join("\n"));
    expect(list({ mirror: ["official", "tuna"], conda: { distribution: "miniforge", version: "24.11.3-0" } })).toContain(
      "installer official https://github.com/conda-forge/miniforge/releases/download/24.11.3-0/Miniforge3-24.11.3-0-Linux-@ARCH@.sh\n" +
      "installer tuna https://mirrors.tuna.tsinghua.edu.cn/github-release/conda-forge/miniforge/24.11.3-0/Miniforge3-24.11.3-0-Linux-@ARCH@.sh\n",
    );
  });

  it("writes .condarc the way TUNA documents it, and pip.conf with trusted-host for HTTP", () => {
    const files = writeFiles(render(configOf({ "berth:host": { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, "berth:bootstrap": { mirror: "tencent-internal", conda: { mirror: "tuna" } } })).userData);
    expect(files.find((f) => f.path === "/etc/berth/condarc")?.content).toBe(`channels:
  - defaults
custom_channels:
  conda-forge: https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud
  pytorch: https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud
default_channels:
  - https://mirrors.tuna.tsinghua.edu.cn/anaconda/pkgs/main
  - https://mirrors.tuna.tsinghua.edu.cn/anaconda/pkgs/r
  - https://mirrors.tuna.tsinghua.edu.cn/anaconda/pkgs/msys2
show_channel_urls: true
`);
    expect(files.find((f) => f.path === "/etc/berth/pip.conf")?.content).toBe("[global]\nindex-url = http://mirrors.tencentyun.com/pypi/simple\ntimeout = 60\ntrusted-host = mirrors.tencentyun.com\n");
  });

  it("leaves conda files out when conda is off", () => {
    const files = writeFiles(render(stackConfig("existing")).userData).map((f) => f.path);
    expect(files).not.toContain("/etc/berth/condarc");
    expect(files).not.toContain("/etc/berth/environment.yml");
  });

  it("gzips the whole user-data to fit Tencent's 16 KB, byte-exact after decompressing", () => {
    const cfg = stackConfig("tencent");
    const out = render(cfg);
    expect(out.compressed).toBe(true);
    expect(Buffer.byteLength(out.userData)).toBeGreaterThan(12 * 1024);
    expect(out.userDataBase64.length).toBeLessThanOrEqual(16 * 1024);
    const gz = Buffer.from(out.userDataBase64, "base64");
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
    expect(gunzipSync(gz).toString("utf8")).toBe(out.userData);
    const plain = render({ ...cfg, host: { ...cfg.host, provider: "local" } });
    expect(plain.compressed).toBe(false);
    expect(Buffer.from(plain.userDataBase64, "base64").toString("utf8")).toBe(plain.userData);
    // The same files, but for berth's copy of Docker's key (Tencent pins it by fingerprint).
    expect(writeFiles(plain.userData).filter((f) => f.path !== DOCKER_KEY_FILE)).toEqual(writeFiles(out.userData));
  });

  it("leaves Docker's key copy out on Tencent Cloud, where it would take a quarter of the budget, and keeps the fingerprint pin", () => {
    const cfg = stackConfig("tencent");
    const files = writeFiles(render(cfg).userData);
    expect(files.map((f) => f.path).filter((p) => p.includes("/keys/"))).toEqual([]);
    const mirrors = files.find((f) => f.path === "/etc/berth/mirrors.list")?.content ?? "";
    const dockerCe = mirrors.split("\n").filter((l) => l.startsWith("docker-ce "));
    expect(dockerCe.length).toBeGreaterThan(0);
    for (const line of dockerCe) expect(line.split(" ")[3]).toBe("9DC858229FC7DD38854AE2D88D81803C0EBFCD88");
    const local = writeFiles(render({ ...cfg, host: { ...cfg.host, provider: "digitalocean", region: "sgp1", size: "s-1vcpu-1gb", image: "ubuntu-22-04-x64" } }).userData);
    expect(local.map((f) => f.path)).toContain(DOCKER_KEY_FILE);
  });

  it("ships Docker's key only to hosts whose docker-ce mirrors use it", () => {
    const paths = (mirror: unknown) => writeFiles(render(configOf({ "berth:bootstrap": { mirror, conda: { enabled: false } } })).userData).map((f) => f.path);
    expect(paths(["tuna", { url: "http://10.1.2.3", dockerCeKeyFingerprint: "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1" }])).toContain(DOCKER_KEY_FILE);
    expect(paths({ url: "http://10.1.2.3", dockerCeKeyFingerprint: "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1" }).filter((p) => p.includes("/keys/"))).toEqual([]);
    expect(paths(stackConfig("local").bootstrap.mirror)).not.toContain(DOCKER_KEY_FILE);
  });

  it("fails over budget with the size, the limit and what to trim", () => {
    let seed = 7;
    const noise = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31).toString(36);
    const packages = Array.from({ length: 900 }, (_, i) => `pkg-${i}-${noise()}${noise()}`);
    const cfg = configOf({ "berth:host": { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, "berth:bootstrap": { mirror: "tencent", conda: { env: { name: "big", packages } } } });
    expect(() => render(cfg)).toThrow(RenderError);
    expect(() => render(cfg)).toThrow(/^berth:bootstrap: the user-data is \d+\.\d KiB even gzip-compressed, over Tencent Cloud's 16 KB UserData limit \(counted after base64\) of 16\.0 KiB — largest files: (\/etc\/berth\/environment\.yml \d+\.\d KiB, \/usr\/local\/lib\/berth\/bootstrap\.sh|\/usr\/local\/lib\/berth\/bootstrap\.sh \d+\.\d KiB, \/etc\/berth\/environment\.yml) \d+\.\d KiB, .*; trim berth:bootstrap\.conda\.env or berth:bootstrap\.pip\.requirements \(install the rest from your app image\)$/);
    expect(render({ ...cfg, host: { ...cfg.host, provider: "digitalocean" } }).compressed).toBe(false);
  });
});
