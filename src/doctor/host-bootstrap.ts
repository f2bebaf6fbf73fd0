/** Doctor's reading of a host's bootstrap, cloud-init, disks and DNS from evidence.sh's sections. */
import { lastRun, match, matchBootstrap } from "../diagnose/match.js";
import type { Finding } from "../diagnose/types.js";
import { lines, type HostFacts } from "./host-facts.js";
import { check, type Check } from "./report.js";

interface Status {
  phase?: string;
  errors?: string[];
  mirrors?: Record<string, string>;
  docker?: { version?: string };
  updatedAt?: string;
}

function parseStatus(text: string | undefined): Status | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Status;
  } catch {
    return undefined;
  }
}

/** "done" | "error: …" | "running" | "absent" | "not-started", from evidence.sh's cloud-init section. */
export function cloudInitState(text: string | undefined): { state: string; errors: string[] } {
  const t = (text ?? "").trim();
  if (!t.startsWith("result ")) return { state: t || "absent", errors: [] };
  try {
    const errors = (JSON.parse(t.slice("result ".length)) as { v1?: { errors?: string[] } }).v1?.errors ?? [];
    return { state: errors.length > 0 ? "error" : "done", errors };
  } catch {
    return { state: "done", errors: [] };
  }
}

/** Who holds apt's and dpkg's locks now, as dpkg-locked findings. */
function lockHolders(text: string | undefined): Finding[] {
  const held = lines(text).map((l) => l.split(" "));
  if (held.length === 0) return [];
  const [lock = "", pid = "", process = ""] = held[0] ?? [];
  return [{ id: "dpkg-locked", params: { lock, pid, process }, evidence: held.map(([l, p, c]) => `${l} is held by process ${p} (${c ?? "?"})`) }];
}

/** The versions the mirror offers, for a pin it lacks. */
function withAvailable(found: Finding[], versions: string | undefined): Finding[] {
  const available = lines(versions).join(", ");
  if (!available) return found;
  return found.map((f) => (f.id === "docker-version-missing" ? { ...f, params: { ...f.params, available } } : f));
}

const MIRROR_TROUBLE = ["mirror-unreachable", "mirror-forbidden", "mirror-no-distro", "dns-broken"];

export function bootstrapCheck(f: HostFacts): Check {
  const s = f.sections;
  const status = parseStatus(s.status);
  const log = s.log ?? "";
  if (!status) {
    const ci = cloudInitState(s["cloud-init"]);
    if (ci.state === "running") return check("bootstrap", "bootstrap.none", {}, [{ id: "cloud-init-running", params: {}, evidence: [] }]);
    const evidence = [...ci.errors, ...lines(s["cloud-init-output"]).slice(-8)];
    return check("bootstrap", "bootstrap.none", {}, [{ id: "bootstrap-not-run", params: { cloudInit: ci.state }, evidence }]);
  }
  const phase = status.phase ?? "?";
  if (phase === "ready") {
    // Ready, but a mirror of the chain failed on the way: worth knowing, not a failure.
    const slow = match(lastRun(log), { only: MIRROR_TROUBLE });
    return check("bootstrap", "bootstrap.ready", { version: status.docker?.version ?? "?", mirror: status.mirrors?.["docker-ce"] ?? "?" }, slow, slow.length > 0 ? { status: "warn" } : {});
  }
  if (phase === "failed") {
    const errors = status.errors ?? [];
    const first = (errors[0] ?? "?").split("\n")[0] ?? "?";
    const params = { error: first.length > 140 ? `${first.slice(0, 140)}…` : first };
    const found = withAvailable(matchBootstrap(errors, log), s.versions);
    if (found.length > 0) return check("bootstrap", "bootstrap.failed", params, found);
    return check("bootstrap", "bootstrap.failed", params, [], { unrecognised: [...errors.map((e) => `status.json: ${e}`), ...lines(lastRun(log)).slice(-25)] });
  }
  // Still running: only a held lock is a diagnosis; anything else may yet work out.
  const stuck = [...match(lastRun(log), { only: ["dpkg-locked"] }), ...lockHolders(s.locks)];
  const merged = stuck.length > 0 ? [{ id: "dpkg-locked", params: Object.assign({}, ...stuck.map((x) => x.params)) as Record<string, string>, evidence: stuck.flatMap((x) => x.evidence) }] : [];
  return check("bootstrap", "bootstrap.running", { phase }, merged.length > 0 ? merged : [{ id: "bootstrap-running", params: { phase, updatedAt: status.updatedAt ?? "" }, evidence: [] }]);
}

export function cloudInitCheck(f: HostFacts): Check {
  const ci = cloudInitState(f.sections["cloud-init"]);
  switch (ci.state) {
    case "done":
      return check("cloud-init", "cloudinit.done", {});
    case "error":
      return check("cloud-init", "cloudinit.errors", { errors: ci.errors.join("; ").slice(0, 200) }, [], { status: "warn" });
    case "running":
      return check("cloud-init", "cloudinit.running", {}, [], { status: "warn" });
    case "not-started":
      return check("cloud-init", "cloudinit.not-started", {}, [], { status: f.sections.status ? "ok" : "warn" });
    default:
      return check("cloud-init", "cloudinit.absent", {});
  }
}

interface Fs { mount: string; use: number; availKb: number; line: string }

function filesystems(text: string | undefined): Fs[] {
  const seen = new Map<string, Fs>();
  for (const line of lines(text)) {
    const p = line.trim().split(/\s+/);
    const mount = p[5];
    if (!mount || seen.has(mount)) continue;
    seen.set(mount, { mount, use: Number((p[4] ?? "0").replace("%", "")) || 0, availKb: Number(p[3] ?? 0), line });
  }
  return [...seen.values()];
}

export function diskCheck(f: HostFacts): Check {
  const blocks = filesystems(f.sections.df);
  const inodes = filesystems(f.sections.dfi);
  if (blocks.length === 0) return check("disk", "disk.ok", { list: "?" }, [], { status: "skip" });
  const full = [...blocks.filter((x) => x.use >= 98 || x.availKb < 100 * 1024), ...inodes.filter((x) => x.use >= 98)];
  const list = blocks.map((x) => `${x.mount} ${x.use}%`).join(", ");
  if (full.length > 0) {
    const finding: Finding = { id: "disk-full", params: { mount: [...new Set(full.map((x) => x.mount))].join(", "), use: full.map((x) => `${x.use}%`).join(", ") }, evidence: full.map((x) => x.line) };
    return check("disk", "disk.full", { list }, [finding]);
  }
  return check("disk", "disk.ok", { list }, [], { status: blocks.some((x) => x.use >= 90) ? "warn" : "ok" });
}

export function dnsCheck(f: HostFacts): Check {
  const results = lines(f.sections.dns).map((l) => l.split(" ") as [string, string]);
  const ns = lines(f.sections.resolv).map((l) => l.trim().split(/\s+/)[1] ?? "").join(", ") || "none";
  if (results.length === 0) return check("dns", "dns.none", {}, [], { status: "skip" });
  const failed = results.filter(([r]) => r === "fail").map(([, n]) => n);
  if (failed.length === 0) return check("dns", "dns.ok", { count: String(results.length), ns });
  const evidence = [`/etc/resolv.conf: ${ns === "none" ? "no nameserver" : `nameserver ${ns}`}`, ...failed.map((n) => `getent hosts ${n}: no answer`)];
  return check("dns", "dns.fail", { failed: failed.join(", "), ns }, [{ id: "dns-broken", params: { host: failed.join(", ") }, evidence }]);
}
