// berth cache status's numbers, from nginx's JSON log lines.
import { describe, expect, it } from "vitest";
import { splitLogs, cacheCommands, EGRESS_MARK } from "../../src/cache/commands.js";
import { bytes, cacheStats, statsTable } from "../../src/cache/stats.js";

const line = (o: Record<string, unknown>) => JSON.stringify({ time: "2026-11-27T10:00:00+00:00", method: "GET", status: 200, cache: "", sent: 0, upstream: "", client: "10.0.0.7", ...o });
const BLOB = "/v2/library/busybox/blobs/sha256:" + "a".repeat(64);

describe("cacheStats", () => {
  const access = [
    line({ route: "docker-ce", uri: "/docker-ce/x.deb", cache: "MISS", sent: 1000, upstream: "1100" }),
    line({ route: "docker-ce", uri: "/docker-ce/x.deb", cache: "HIT", sent: 1000 }),
    line({ route: "docker-ce", uri: "/docker-ce/x.deb", cache: "HIT", sent: 1000 }),
    line({ route: "docker-ce", uri: "/docker-ce/dists/bookworm/InRelease", cache: "REVALIDATED", sent: 50, upstream: "200" }),
    line({ route: "docker-ce", uri: "/docker-ce/nope", status: 404, sent: 9 }),
    line({ route: "pypi", uri: "/pypi/simple/six/", sent: 300, upstream: "310" }),
    line({ route: "pypi", uri: "/pypi/simple/six/six.whl", cache: "MISS", sent: 11000, upstream: "11100, 40" }),
    line({ route: "registry", uri: "/v2/library/busybox/manifests/latest", sent: 500, upstream: "520" }),
    line({ route: "registry", uri: BLOB, sent: 2000, upstream: "2010" }),
    line({ route: "registry", uri: BLOB, sent: 2000, upstream: "2010" }),
    line({ route: "registry", uri: BLOB, sent: 2000, upstream: "2010" }),
    "not json",
  ].join("\n");
  // The registry fetched the blob once (its HEAD, which nginx fills with a GET), then read it from nginx's cache.
  const egress = [
    line({ route: "registry", method: "HEAD", uri: BLOB, cache: "MISS", upstream: "2100" }),
    line({ route: "registry", uri: BLOB, cache: "HIT", sent: 2000 }),
    line({ route: "registry", uri: "/v2/library/busybox/manifests/latest", upstream: "600" }),
  ].join("\n");
  const rows = Object.fromEntries(cacheStats(access, egress).map((r) => [r.cache, r]));

  it("counts nginx's hits and misses, served and upstream bytes, and saved bytes (served on hits)", () => {
    expect(rows["docker-ce"]).toEqual({ cache: "docker-ce", requests: 4, hits: 3, misses: 1, served: 3050, fromUpstream: 1300, saved: 2050 });
    expect(rows.pypi).toEqual({ cache: "pypi", requests: 2, hits: 0, misses: 1, served: 11300, fromUpstream: 11450, saved: 0 });
  });

  it("counts Docker Hub layers fetched through egress as misses, the rest of the layer requests as hits", () => {
    expect(rows.registry).toEqual({ cache: "registry", requests: 4, hits: 2, misses: 1, served: 6500, fromUpstream: 2700, saved: 3900 });
  });

  it("prints one row per cache that saw requests", () => {
    expect(statsTable(cacheStats(access, egress))).toBe([
      "cache               requests  hits  misses    served  from upstream    saved",
      "docker-ce packages         4     3       1   3.0 KiB        1.3 KiB  2.0 KiB",
      "PyPI                       2     0       1  11.0 KiB       11.2 KiB      0 B",
      "Docker Hub images          4     2       1   6.3 KiB        2.6 KiB  3.8 KiB",
      "",
    ].join("\n"));
    expect(statsTable(cacheStats("", ""))).toBe("no requests yet\n");
  });

  it("formats bytes", () => {
    expect([bytes(0), bytes(1023), bytes(1536), bytes(5 * 2 ** 30)]).toEqual(["0 B", "1023 B", "1.5 KiB", "5.0 GiB"]);
  });
});

describe("reading a cache's logs", () => {
  it("reads both logs in one docker exec, and splits them apart", () => {
    expect(cacheCommands.logs("berth-cache-front")).toEqual(["docker", "exec", "berth-cache-front", "sh", "-c", `cat /var/log/berth-cache/access.log 2>/dev/null; echo '${EGRESS_MARK}'; cat /var/log/berth-cache/egress.log 2>/dev/null; true`]);
    expect(splitLogs(`a1\na2\n${EGRESS_MARK}\ne1\n`)).toEqual({ access: "a1\na2\n", egress: "e1\n" });
    expect(splitLogs("a1\n")).toEqual({ access: "a1\n", egress: "" });
  });
});
