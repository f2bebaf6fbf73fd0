/** Doctor's reading of Docker on a host, its pulls and registry login, and the app. */
import { match } from "../diagnose/match.js";
import type { Finding } from "../diagnose/types.js";
import { lines, type HostFacts } from "./host-facts.js";
import { check, type Check } from "./report.js";

/** Entries dockerd's journal can show about pulls. */
const PULL_ERRORS = ["hub-rate-limit", "hub-mirror-closed", "hub-unreachable", "registry-login-failed", "registry-insecure", "image-not-found"];
/**
 * Why dockerd does not run, from `docker info` and the journal. Only while it is down: a host
 * whose dockerd runs now has got past any start the journal shows failing (a first boot with
 * daemon.json hosts fails the package's own start before berth's drop-in is in place).
 */
const DOWN = ["docker-down", "docker-permission-denied", "daemon-json-invalid", "daemon-hosts-conflict"];

export function dockerCheck(f: HostFacts): Check {
  const access = f.sections["docker-access"] ?? "absent";
  const info = f.sections.docker ?? "";
  if (access === "absent") {
    const ready = f.sections.status?.includes('"phase":"ready"') ?? false;
    return check("docker", "docker.absent", {}, [], ready ? { unrecognised: ["docker: command not found, yet the bootstrap says ready"] } : { status: "skip" });
  }
  const [kind, ...rest] = access.split(" ");
  const denied = kind === "direct" ? [] : match(rest.join(" "), { only: ["docker-permission-denied"] });
  const [version, driver] = info.split("|");
  if (driver === undefined) {
    const found = match([info, ...journalMessages(f.sections.journal)].join("\n"), { only: DOWN });
    return check("docker", "docker.down", {}, found, found.length > 0 ? {} : { unrecognised: lines(info) });
  }
  const findings: Finding[] = [...denied.map((d) => ({ ...d, params: { ...d.params, user: f.user } }))];
  if (driver === "vfs") findings.push({ id: "docker-storage-vfs", params: {}, evidence: [`docker info: Storage Driver: vfs`] });
  if (kind === "sudo") return check("docker", "docker.denied", { user: f.user }, findings, { status: "warn" });
  return check("docker", "docker.ok", { version: version ?? "?", driver }, findings);
}

/** Registry mirrors the bootstrap configured (status.json) that `docker info` does not list. */
function inactiveMirrors(f: HostFacts): Finding[] {
  let configured: string[] = [];
  try {
    configured = (JSON.parse(f.sections.status ?? "") as { docker?: { registryMirrors?: string[] } }).docker?.registryMirrors ?? [];
  } catch {
    return [];
  }
  const [, driver, active = ""] = (f.sections.docker ?? "").split("|");
  if (driver === undefined) return [];
  const on = active.split(" ").filter(Boolean).map((m) => m.replace(/\/$/, ""));
  return configured.filter((m) => !on.includes(m.replace(/\/$/, ""))).map((m) => ({ id: "registry-mirror-inactive", params: { mirror: m }, evidence: [`status.json lists ${m}; docker info lists ${on.join(", ") || "no mirror"}`] }));
}

export function hubMirrorsCheck(f: HostFacts): Check {
  const results = lines(f.sections["hub-mirrors"]).map((l) => l.split(" ") as [string, string]);
  const inactive = inactiveMirrors(f);
  if (results.length === 0 && inactive.length === 0) return check("hub-mirrors", "hubmirrors.none", {}, [], { status: f.sections["docker-access"] === "direct" ? "ok" : "skip" });
  const bad = results.filter(([, code]) => code !== "200" && code !== "401");
  if (bad.length === 0 && inactive.length === 0) return check("hub-mirrors", "hubmirrors.ok", { list: results.map(([m]) => m).join(", ") });
  const findings = [...inactive, ...bad.map(([m, code]): Finding => ({
    id: "hub-mirror-closed",
    params: { mirror: m, answer: code === "000" || !code ? "no answer" : `HTTP ${code}` },
    evidence: [`GET ${m.replace(/\/$/, "")}/v2/ → ${code === "000" || !code ? "no answer" : code}`],
  }))];
  return check("hub-mirrors", "hubmirrors.bad", { list: [...inactive.map((x) => x.params.mirror ?? ""), ...bad.map(([m]) => m)].join(", ") }, findings);
}

/** dockerd's journal lines, reduced to time and message. */
function journalMessages(text: string | undefined): string[] {
  return lines(text).map((l) => {
    const time = l.split(" ")[0] ?? "";
    const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(l)?.[1];
    return msg === undefined ? l : `${time} ${msg.replace(/\\"/g, '"')}`;
  });
}

/** dockerd refusing its configuration: the docker check's business while dockerd is down, history once it runs. */
const CONFIG_REFUSED = /unable to configure the Docker daemon/;

export function pullsCheck(f: HostFacts): Check {
  const msgs = journalMessages(f.sections.journal).filter((m) => !CONFIG_REFUSED.test(m));
  if (msgs.length === 0) return check("pulls", "pulls.ok", {}, [], { status: f.sections["docker-access"] === "absent" ? "skip" : "ok" });
  // A login that works now makes an older refused one in the journal history, not a problem.
  const server = f.app?.registry?.server;
  const loggedIn = !("skipped" in f.login) && f.login.code === 0 && server !== undefined;
  const found = match(msgs.join("\n"), { only: PULL_ERRORS }).filter((x) => !(loggedIn && x.id === "registry-login-failed" && x.evidence.every((l) => l.includes(server))));
  if (found.length > 0) return check("pulls", "pulls.bad", {}, found);
  if (loggedIn && msgs.every((m) => m.includes(server))) return check("pulls", "pulls.ok", {});
  return check("pulls", "pulls.unknown", {}, [], { unrecognised: msgs.slice(-10) });
}

export function dockerGroupCheck(f: HostFacts): Check {
  const stale = new Map<string, string[]>();
  for (const l of lines(f.sections.groups)) {
    const [user = "?", pid = "?", ...comm] = l.split(" ");
    stale.set(user, [...(stale.get(user) ?? []), `${pid} ${comm.join(" ")}`]);
  }
  if (stale.size === 0) return check("docker-group", "group.ok", {}, [], { status: f.sections["docker-access"] === "absent" ? "skip" : "ok" });
  const findings = [...stale].map(([user, procs]): Finding => ({
    id: "docker-group-relogin",
    params: { user, pids: procs.join(", ") },
    evidence: procs.map((p) => `${user}: process ${p} runs without the docker group`),
  }));
  return check("docker-group", "group.stale", { users: [...stale.keys()].join(", ") }, findings);
}

/** Whether docker answers on the host at all (directly or through sudo). */
const dockerUsable = (f: HostFacts) => /^(direct|sudo)/.test(f.sections["docker-access"] ?? "") && (f.sections.docker ?? "").includes("|");

export function loginCheck(f: HostFacts): Check {
  const l = f.login;
  const reg = f.app?.registry;
  if ("skipped" in l || !reg) return check("registry-login", "skipped" in l && l.skipped === "no-password" ? "login.nopass" : "login.none", {}, [], { status: "skip" });
  if (!dockerUsable(f)) return check("registry-login", "login.nodocker", {}, [], { status: "skip" });
  const params = { user: reg.username, registry: reg.server };
  if (l.code === 0) return check("registry-login", "login.ok", params);
  const found = match(l.output).map((x) => ({ ...x, params: { registry: reg.server, ...x.params } }));
  return check("registry-login", "login.fail", params, found, found.length > 0 ? {} : { unrecognised: lines(l.output) });
}

/** The app's container and health on the host; `healthy` says whether its ports are worth probing. */
export function appCheck(f: HostFacts): { check: Check; healthy: boolean } {
  const app = f.app;
  if (!app) return { check: check("app", "app.none", {}, [], { status: "skip" }), healthy: false };
  if (!dockerUsable(f)) return { check: check("app", "app.nodocker", { name: app.name }, [], { status: "skip" }), healthy: false };
  const state = (f.sections.app ?? "").trim();
  const name = app.name;
  if (state === "" || /No such (?:container|object)/.test(state)) {
    return { check: check("app", "app.missing", { name }, [{ id: "app-not-deployed", params: { name, target: f.target }, evidence: [] }]), healthy: false };
  }
  const [status = "?", exitCode = "?"] = state.split(" ");
  if (status !== "running") {
    const finding: Finding = { id: "app-not-running", params: { name, state: status, exitCode, target: f.target }, evidence: lines(f.sections["app-logs"]).slice(-15) };
    return { check: check("app", "app.bad", { name, state: status }, [finding]), healthy: false };
  }
  if (!app.healthUrl) return { check: check("app", "app.ok", { name, health: "" }), healthy: true };
  const code = (f.sections["app-http"] ?? "").trim() || "000";
  if (code === app.want) return { check: check("app", "app.ok", { name, health: `GET ${app.healthUrl} → ${code}` }), healthy: true };
  const finding: Finding = { id: "app-unhealthy", params: { name, url: app.healthUrl, answer: code === "000" ? "no answer" : code, want: app.want, target: f.target }, evidence: [`GET ${app.healthUrl} → ${code}`] };
  return { check: check("app", "app.bad", { name, state: "unhealthy" }, [finding]), healthy: false };
}

export function portCheck(f: HostFacts, appHealthy: boolean): Check {
  const ports = f.app?.ports ?? [];
  if (ports.length === 0) return check("app-port", "port.none", {}, [], { status: "skip" });
  if (!appHealthy) return check("app-port", "port.skip", {}, [], { status: "skip" });
  const inside = new Set(lines(f.sections["ports-inside"]).filter((l) => l.endsWith(" open")).map((l) => Number(l.split(" ")[0])));
  const address = f.outsideAddress;
  const closed = f.outside.filter((p) => !p.open && inside.has(p.port));
  const open = f.outside.filter((p) => p.open);
  if (closed.length === 0 && open.length === 0) return check("app-port", "port.skip", {}, [], { status: "skip" });
  if (closed.length === 0) return check("app-port", "port.ok", { address, ports: open.map((p) => p.port).join(",") });
  const finding: Finding = {
    id: "port-closed",
    params: { address, port: closed.map((p) => String(p.port)).join(", "), detail: closed.map((p) => p.detail).join("; ") },
    evidence: closed.flatMap((p) => [`on the host: 127.0.0.1:${p.port} open`, `from here: ${address}:${p.port} ${p.detail}`]),
  };
  return check("app-port", "port.closed", { address, ports: closed.map((p) => p.port).join(",") }, [finding]);
}
