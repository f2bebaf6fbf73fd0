/**
 * Hits, misses and bytes per cache, from the front's logs (JSON lines written by nginx):
 * access.log (what clients asked), egress.log (what the registry fetched from its upstream).
 *
 *   const rows = cacheStats(accessLogText, egressLogText);
 *   statsTable(rows)   // cache  requests  hits  misses  served  from upstream  saved
 *
 * For the nginx-cached parts a hit is HIT, STALE, UPDATING or REVALIDATED (served without a body
 * from the upstream); PyPI index pages are not cached by nginx (proxpi keeps them) and count as
 * requests only. For Docker Hub, a miss is an image layer the registry had to fetch through
 * egress (egress.log, cache status MISS); the other layer requests were hits. "saved" is what
 * the upstream did not have to send: bytes served on hits.
 */
export interface LogLine {
  readonly route: string;
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  readonly cache: string;
  readonly sent: number;
  /** `$upstream_bytes_received`: "", "123" or "123, 456" when nginx asked twice. */
  readonly upstream: string;
}

export interface CacheStats {
  readonly cache: string;
  readonly requests: number;
  readonly hits: number;
  readonly misses: number;
  /** Bytes sent to clients. */
  readonly served: number;
  /** Bytes received from the upstream. */
  readonly fromUpstream: number;
  /** Bytes served on hits: what the upstream did not send again. */
  readonly saved: number;
}

/** The caches in the order a table shows them, with the names people know them by. */
export const CACHE_NAMES: Readonly<Record<string, string>> = {
  "docker-ce": "docker-ce packages",
  miniconda: "Miniconda installers",
  miniforge: "Miniforge installers",
  conda: "conda channels",
  pypi: "PyPI",
  registry: "Docker Hub images",
};

const HIT = new Set(["HIT", "STALE", "UPDATING", "REVALIDATED"]);
const MISS = new Set(["MISS", "EXPIRED", "BYPASS"]);
const BLOB = /\/blobs\/sha256:[0-9a-f]{64}$/;

/** The JSON lines of a log; lines that are not berth's JSON are skipped. */
export function parseLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const j = JSON.parse(line) as Partial<LogLine>;
      if (typeof j.route === "string" && typeof j.uri === "string") {
        out.push({ route: j.route, method: j.method ?? "", uri: j.uri, status: Number(j.status ?? 0), cache: j.cache ?? "", sent: Number(j.sent ?? 0), upstream: String(j.upstream ?? "") });
      }
    } catch {
      // a line cut short by log rotation or a crash
    }
  }
  return out;
}

const upstreamBytes = (l: LogLine) => l.upstream.split(",").reduce((n, v) => n + (Number(v.trim()) || 0), 0);
const served = (l: LogLine) => l.status >= 200 && l.status < 400 && (l.method === "GET" || l.method === "HEAD");

export function cacheStats(accessLog: string, egressLog = ""): CacheStats[] {
  const access = parseLog(accessLog).filter(served);
  const egress = parseLog(egressLog);
  const rows: CacheStats[] = [];
  for (const route of Object.keys(CACHE_NAMES)) {
    const lines = access.filter((l) => l.route === route);
    if (route === "registry") {
      const blobs = lines.filter((l) => l.method === "GET" && BLOB.test(l.uri));
      // nginx fetches a missing blob whole even for the registry's HEAD (and caches it): any MISS counts.
      const fetched = egress.filter((l) => BLOB.test(l.uri) && l.status === 200 && MISS.has(l.cache));
      const misses = Math.min(fetched.length, blobs.length);
      const fromUpstream = egress.reduce((n, l) => n + upstreamBytes(l), 0);
      const blobBytes = blobs.reduce((n, l) => n + l.sent, 0);
      const fetchedBytes = fetched.reduce((n, l) => n + upstreamBytes(l), 0);
      rows.push({ cache: route, requests: lines.length, hits: blobs.length - misses, misses, served: lines.reduce((n, l) => n + l.sent, 0), fromUpstream, saved: Math.max(0, blobBytes - fetchedBytes) });
      continue;
    }
    const hits = lines.filter((l) => HIT.has(l.cache));
    rows.push({
      cache: route,
      requests: lines.length,
      hits: hits.length,
      misses: lines.filter((l) => MISS.has(l.cache)).length,
      served: lines.reduce((n, l) => n + l.sent, 0),
      fromUpstream: lines.reduce((n, l) => n + upstreamBytes(l), 0),
      saved: hits.reduce((n, l) => n + l.sent, 0),
    });
  }
  return rows;
}

/** 1536 → "1.5 KiB". */
export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** One row per cache that saw requests; "no requests yet" when none did. */
export function statsTable(rows: readonly CacheStats[]): string {
  const used = rows.filter((r) => r.requests > 0);
  if (used.length === 0) return "no requests yet\n";
  const head = ["cache", "requests", "hits", "misses", "served", "from upstream", "saved"];
  const body = used.map((r) => [CACHE_NAMES[r.cache] ?? r.cache, String(r.requests), String(r.hits), String(r.misses), bytes(r.served), bytes(r.fromUpstream), bytes(r.saved)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(head), ...body.map(line)].join("\n") + "\n";
}
