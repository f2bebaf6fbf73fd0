// The catalogue as data, and the matcher over recorded evidence for every entry, in both languages.
import { describe, expect, it } from "vitest";
import { CATALOG, catalogEntry } from "../../src/diagnose/catalog.js";
import { describe as describeFinding, explain, explainBootstrap } from "../../src/diagnose/explain.js";
import { LANGS } from "../../src/diagnose/lang.js";
import { lastRun, match, matchBootstrap } from "../../src/diagnose/match.js";
import { fill } from "../../src/diagnose/types.js";
import { PROBED, RECORDED } from "./recorded.js";

const CJK = /[\u4e00-\u9fff]/;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the catalogue", () => {
  it("has unique ids, and outranks only entries that exist", () => {
    const ids = CATALOG.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of CATALOG) for (const o of e.outranks ?? []) expect(ids, `${e.id} outranks ${o}`).toContain(o);
  });

  it.each(CATALOG.map((e) => [e.id, e] as const))("%s: English and Chinese side by side, with the same parameters", (_id, e) => {
    for (const part of ["title", "why", "fix"] as const) {
      expect(placeholders(e.text.zh[part]), part).toEqual(placeholders(e.text.en[part]));
      expect(e.text.zh[part], part).toMatch(CJK);
      expect(e.text.en[part], part).not.toMatch(CJK);
    }
    expect(e.seen.length).toBeGreaterThan(10);
  });

  it("knows how every entry is recognised: a recorded sample for each pattern, a doctor check for the rest", () => {
    for (const e of CATALOG) {
      if (e.patterns.length > 0) expect(RECORDED[e.id], `no recorded evidence for ${e.id}`).toBeDefined();
      else expect(PROBED[e.id], `no doctor check produces ${e.id}`).toBeDefined();
    }
    for (const id of [...Object.keys(RECORDED), ...Object.keys(PROBED)]) expect(() => catalogEntry(id)).not.toThrow();
  });
});

describe("the matcher over recorded evidence", () => {
  const withPatterns = CATALOG.filter((e) => e.patterns.length > 0).map((e) => [e.id] as const);

  it.each(withPatterns)("%s is recognised, with its parameters, and renders fully in en and zh", (id) => {
    const rec = RECORDED[id];
    if (!rec) throw new Error(`no recording for ${id}`);
    const found = match(rec.text);
    const f = found.find((x) => x.id === id);
    expect(f, `${id} in ${JSON.stringify(found.map((x) => x.id))}`).toBeDefined();
    if (!f) return;
    expect(f.params).toMatchObject(rec.params ?? {});
    expect(f.evidence.length).toBeGreaterThan(0);
    for (const lang of LANGS) {
      const t = describeFinding(f, lang);
      for (const s of [t.title, t.why, t.fix]) expect(s).not.toMatch(/\{\w+\}|\[\[|\]\]/);
    }
  });

  it("a more specific entry hides the general one it explains", () => {
    const dns = RECORDED["dns-broken"]?.text ?? "";
    expect(match(dns).map((f) => f.id)).toEqual(["dns-broken"]);
    expect(match(RECORDED["mirror-forbidden"]?.text ?? "").map((f) => f.id)).toEqual(["mirror-forbidden"]);
  });

  it("a refusal the bootstrap explains outranks the general entry the same lines also match", () => {
    expect(match(RECORDED["redirect-off-tls"]?.text ?? "").map((f) => f.id)).toEqual(["redirect-off-tls"]);
    expect(match(RECORDED["daemon-hosts-conflict"]?.text ?? "").map((f) => f.id)).toEqual(["daemon-hosts-conflict"]);
  });

  it("recognises the bootstrap's own words for a held lock and a mirror that failed apt-get update (as the doctor VM cases produce them)", () => {
    const waiting = match("2026-11-27T17:39:42Z berth: waiting for /var/lib/apt/lists/lock, held by process 3633 (python3)");
    expect(waiting).toEqual([expect.objectContaining({ id: "dpkg-locked", params: { lock: "/var/lib/apt/lists/lock", pid: "3633", process: "python3" } })]);
    const gaveUp = match("2026-11-27T17:39:45Z berth: FAILED: /var/lib/apt/lists/lock is still held by process 3633 (python3) after 3 s");
    expect(gaveUp).toEqual([expect.objectContaining({ id: "dpkg-locked", params: { lock: "/var/lib/apt/lists/lock", pid: "3633", process: "python3" } })]);
    const down = match(`W: Failed to fetch http://d2-scratch-standin.berth.lab/flaky/docker-ce/linux/debian/dists/bookworm/InRelease  503  Service Unavailable [IP: 172.18.0.20 80]
W: Some index files failed to download. They have been ignored, or old ones used instead.
2026-11-27T17:46:54Z berth: FAILED: apt-get update could not fetch docker-ce's index from flaky: W: Failed to fetch http://d2-scratch-standin.berth.lab/flaky/docker-ce/linux/debian/dists/bookworm/InRelease  503  Service Unavailable [IP: 172.18.0.20 80]`);
    expect(down).toEqual([expect.objectContaining({ id: "mirror-unreachable", params: { mirror: "flaky", url: "http://d2-scratch-standin.berth.lab/flaky/docker-ce/linux/debian/dists/bookworm/InRelease" } })]);
  });

  it("recognises nothing in a failure it does not know", () => {
    expect(match("2026-11-27T16:00:00Z berth: FAILED: frobnicator: quantum flux misaligned (E42)")).toEqual([]);
    expect(explain("frobnicator: quantum flux misaligned (E42)")).toBe("");
  });

  it("reads only the bootstrap's last run, not the failures it already got past", () => {
    const log = `${RECORDED["dns-broken"]?.text}\n2026-11-27T16:10:00Z berth: bootstrap starting\n${RECORDED["docker-version-missing"]?.text}`;
    expect(lastRun(log).split("\n")[0]).toBe("2026-11-27T16:10:00Z berth: bootstrap starting");
    expect(matchBootstrap([], log).map((f) => f.id)).toEqual(["docker-version-missing"]);
  });
});

describe("the diagnosis appended to errors", () => {
  it("says what happened, why and the fix with its key, in English", () => {
    const text = explainBootstrap(["docker-ce version 99.0.1: no single match on labkit (apt-cache madison docker-ce lists what it has)"], RECORDED["docker-version-missing"]?.text ?? "", { lang: "en" });
    expect(text).toBe(`
── berth's diagnosis ──
  [docker-version-missing] The pinned docker-ce version is not on the mirror
    why: berth:bootstrap.docker.version is 99.0.1, and the mirror labkit does not carry it. A mirror has only what Docker publishes for this OS release; old and very new versions may be missing.
    fix: Pin a version the mirror has (apt-cache madison docker-ce, or yum list docker-ce --showduplicates, on the host), or remove berth:bootstrap.docker.version to install the latest.
    config key: berth:bootstrap.docker.version
    command: apt-cache madison docker-ce
    seen:
      docker-ce version 99.0.1: no single match on labkit (apt-cache madison docker-ce lists what it has)
      2026-11-27T15:46:41Z berth: docker-ce 99.0.1 is not offered by the mirror
      2026-11-27T15:46:41Z berth: FAILED: docker-ce version 99.0.1: no single match on labkit (apt-cache madison docker-ce lists what it has)
  (more checks on the host: berth doctor --stack FILE --host USER@ADDRESS)`);
  });

  it("and in Chinese", () => {
    const text = explain(RECORDED["mirror-forbidden"]?.text ?? "", "zh");
    expect(text).toContain("── berth 的诊断 ──\n  [mirror-forbidden] 镜像源返回 403 Forbidden\n");
    expect(text).toContain("    原因：镜像源 aliyun（http://doc-standin.berth.lab/forbidden）拒绝了请求。");
    expect(text).toContain("    解决：这台主机请改用公共镜像源：berth:bootstrap.mirror: [tuna, ustc]（tencent-internal 只留给腾讯云上的主机）。\n    配置项：berth:bootstrap.mirror\n");
  });

  it("is added once, however many layers pass the error up", () => {
    const once = `x failed\n${RECORDED["hub-rate-limit"]?.text}${explain(RECORDED["hub-rate-limit"]?.text ?? "", "en")}`;
    expect(explain(once, "en")).toBe("");
    expect(explain(once, "zh")).toBe("");
  });

  it("fills parameters and drops optional parts it has no value for", () => {
    expect(fill("why[[ ({key})]].", { key: "ABC" })).toBe("why (ABC).");
    expect(fill("why[[ ({key})]].", {})).toBe("why.");
  });
});
