// A client's user-data with a cache: the address reaches mirrors.list, daemon.json, pip.conf and
// .condarc, with fallbacks; the same address renders the same bytes, another address changes
// exactly the files that name it; everything passes cloud-init's schema and shellcheck.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { render, type Rendered } from "../../src/bootstrap/render.js";
import { useCache } from "../../src/cache/client.js";
import { PUBKEY, configOf } from "../helpers/config.js";
import { cloudInitValidate, shellcheck } from "../helpers/validators.js";

const RAW = {
  "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY },
  "berth:bootstrap": { mirror: ["aliyun", "tuna"], docker: { registryMirrors: ["https://hub.example.org"] }, conda: { env: { name: "lab", python: "3.12" } }, pip: { requirements: ["requests"] } },
};
const base = configOf(RAW);
const withCache = (addr: string) => render(useCache(base, { url: `http://${addr}`, name: "cache" }));
const files = (r: Rendered) => Object.fromEntries(r.files.map((f) => [f.path.replace("/etc/berth/", ""), f.content]));

describe("a client's user-data with a cache", () => {
  const a = withCache("10.0.0.5");
  const f = files(a);

  it("names the cache first in mirrors.list, with every fallback after it", () => {
    expect(f["mirrors.list"]).toBe([
      "docker-ce cache http://10.0.0.5/docker-ce 9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
      "docker-ce aliyun https://mirrors.aliyun.com/docker-ce 9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
      "docker-ce tuna https://mirrors.tuna.tsinghua.edu.cn/docker-ce 9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
      "installer cache http://10.0.0.5/anaconda/miniconda/Miniconda3-py312_24.11.1-0-Linux-@ARCH@.sh",
      "installer aliyun https://mirrors.aliyun.com/anaconda/miniconda/Miniconda3-py312_24.11.1-0-Linux-@ARCH@.sh",
      "installer tuna https://mirrors.tuna.tsinghua.edu.cn/anaconda/miniconda/Miniconda3-py312_24.11.1-0-Linux-@ARCH@.sh",
      "conda cache http://10.0.0.5/anaconda",
      "conda aliyun https://mirrors.aliyun.com/anaconda",
      "pypi cache http://10.0.0.5/pypi/simple",
      "pypi aliyun https://mirrors.aliyun.com/pypi/simple/",
      "registry cache http://10.0.0.5",
      "registry hub.example.org https://hub.example.org",
      "",
    ].join("\n"));
  });

  it("writes pip.conf and .condarc for the cache, and the fallbacks' as pip.conf.1 and condarc.1", () => {
    expect(f["pip.conf"]).toBe("[global]\nindex-url = http://10.0.0.5/pypi/simple\ntimeout = 60\ntrusted-host = 10.0.0.5\n");
    expect(f["pip.conf.1"]).toBe(files(render(base))["pip.conf"]);
    expect(f["condarc"]).toContain("- http://10.0.0.5/anaconda/pkgs/main");
    expect(f["condarc.1"]).toBe(files(render(base))["condarc"]);
  });

  it("lists the cache first in registry-mirrors, as an insecure (plain-HTTP) registry", () => {
    expect(JSON.parse(f["daemon.json"] ?? "{}")).toMatchObject({ "registry-mirrors": ["http://10.0.0.5", "https://hub.example.org"], "insecure-registries": ["10.0.0.5"] });
  });

  it("renders the same bytes for the same address", () => {
    expect(withCache("10.0.0.5").userData).toBe(a.userData);
  });

  it("changes the user-data for another address, in exactly the files that name the cache", () => {
    const b = files(withCache("10.0.0.6"));
    const changed = Object.keys(f).filter((k) => f[k] !== b[k]).sort();
    expect(changed).toEqual(["bootstrap.conf", "condarc", "daemon.json", "mirrors.list", "pip.conf"]);
    expect(b["bootstrap.conf"]).toContain("REGISTRY_MIRRORS=('http://10.0.0.6' 'https://hub.example.org')");
    expect(withCache("10.0.0.6").userData).not.toBe(a.userData);
  });

  it("adds no fallback files to a stack without a cache", () => {
    expect(Object.keys(files(render(base))).filter((k) => /\.\d+$/.test(k))).toEqual([]);
  });

  it("passes cloud-init's schema, and shellcheck with its bootstrap.conf", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-cache-render-"));
    try {
      writeFileSync(join(dir, "user-data"), a.userData);
      expect((await cloudInitValidate([join(dir, "user-data")])).get(join(dir, "user-data"))).toEqual([]);
      writeFileSync(join(dir, "bootstrap.sh"), a.script);
      writeFileSync(join(dir, "bootstrap.conf"), f["bootstrap.conf"] ?? "");
      expect(await shellcheck([join(dir, "bootstrap.sh"), join(dir, "bootstrap.conf")])).toEqual({ code: 0, output: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

