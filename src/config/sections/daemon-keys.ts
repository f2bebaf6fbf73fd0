/**
 * The keys dockerd (docker-ce 27) accepts in /etc/docker/daemon.json on Linux, each typed the
 * way dockerd parses it: Go's encoding/json into daemon/config.Config, then config.Validate and
 * ValidatePlatformConfig. A wrong type there stops dockerd at boot ("json: cannot unmarshal
 * string into Go struct field Config.debug of type bool"), so berth refuses it before rendering.
 * The key list is dockerd's own: its flag names and the JSON names of its list/map options
 * (cmd/dockerd/config*.go, options.go); `oom-score-adjust` and the singular flag spellings
 * (`label`, `registry-mirror`) are not daemon.json keys.
 */
import { z } from "zod";
import { domain, section } from "../fields.js";
import { ipVersion, isHostname, parseCidr, parseHostPort } from "../values.js";

const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const reads = (what: string) => (iss: { input?: unknown }) => (iss.input === undefined ? undefined : `dockerd reads this as ${what}, not ${show(iss.input)} — it would refuse to start`);

const bool = () => domain(z.boolean({ error: reads("true or false") }), "daemon-bool");
const str = () => domain(z.string({ error: reads("a string") }).regex(/^[^\u0000-\u001f]*$/, { message: "must not contain control characters" }), "daemon-string");
const int = (min: number, max: number) =>
  domain(z.number({ error: reads("a whole number") }).int({ error: reads("a whole number") }).min(min, { error: `must be from ${min} to ${max}` }).max(max, { error: `must be from ${min} to ${max}` }), "daemon-int");
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: reads("a list") });
const map = <T extends z.ZodType>(value: T) => z.record(z.string(), value, { error: reads("an object") });
const oneOf = (values: readonly string[], fold = false) =>
  domain(z.string({ error: reads("a string") }).refine((v) => values.includes(fold ? v.toLowerCase() : v), { error: (iss) => `dockerd accepts ${values.map((x) => `"${x}"`).join(", ")} here, not ${show(iss.input)}` }), `daemon-enum:${values.join("|")}`);
const absPath = () => domain(z.string({ error: reads("a path") }).regex(/^\/[^\u0000-\u001f]*$/, { message: "must be an absolute path" }), "daemon-path");
const ip = (version?: 4 | 6) =>
  domain(z.string({ error: reads("an IP address") }).refine((v) => (version ? ipVersion(v) === version : ipVersion(v) !== 0), { error: (iss) => `${show(iss.input)} is not an IPv${version ?? "4 or IPv6"} address` }), `daemon-ip${version ?? ""}`);
const cidr = (version: 4 | 6) =>
  domain(z.string({ error: reads("a CIDR block") }).refine((v) => parseCidr(v)?.version === version, { error: (iss) => `${show(iss.input)} is not an IPv${version} CIDR block like ${version === 4 ? "172.30.0.0/16" : "fd00:db8::/64"}` }), `daemon-cidr${version}`);
const MAX_INT = 2 ** 31 - 1;
/** Sizes as docker's units.RAMInBytes reads them: 64m, 1.5GB, 512KiB, or bytes. */
const size = () =>
  domain(z.union([z.string().regex(/^\d+(\.\d+)* ?[kKmMgGtTpP]?[iI]?[bB]?$/, { message: "must be a size like 64m, 2GB or 512k" }), z.number().int().min(0)], { error: reads("a size like 64m") }), "daemon-size");

const ULIMITS = ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];
const ulimit = section({ Name: str().optional(), name: str().optional(), Hard: int(-1, Number.MAX_SAFE_INTEGER).optional(), hard: int(-1, Number.MAX_SAFE_INTEGER).optional(), Soft: int(-1, Number.MAX_SAFE_INTEGER).optional(), soft: int(-1, Number.MAX_SAFE_INTEGER).optional() });
const ulimits = map(ulimit).superRefine((v, ctx) => {
  for (const [name, u] of Object.entries(v)) {
    if (!ULIMITS.includes(name)) ctx.addIssue({ code: "custom", path: [name], message: `not a ulimit docker knows — one of ${ULIMITS.join(", ")}` });
    const inner = u.Name ?? u.name;
    if (inner !== undefined && inner !== name) ctx.addIssue({ code: "custom", path: [name, u.Name !== undefined ? "Name" : "name"], message: `must be "${name}", the key it is under` });
    const hard = u.Hard ?? u.hard;
    const soft = u.Soft ?? u.soft;
    if (hard === undefined || soft === undefined) ctx.addIssue({ code: "custom", path: [name], message: "needs Soft and Hard limits, like { Name: nofile, Soft: 65536, Hard: 65536 }" });
    else if (hard !== -1 && (soft === -1 || soft > hard)) ctx.addIssue({ code: "custom", path: [name], message: `the soft limit (${soft}) is above the hard limit (${hard})` });
  }
});

const pool = section({ base: domain(z.string(), "daemon-pool-base"), size: int(1, 128) }).superRefine((p, ctx) => {
  const c = parseCidr(p.base);
  if (!c) return void ctx.addIssue({ code: "custom", path: ["base"], message: `"${p.base}" is not a CIDR block like 10.200.0.0/16` });
  const bits = c.version === 4 ? 32 : 128;
  if (p.size < c.prefix || p.size > bits) ctx.addIssue({ code: "custom", path: ["size"], message: `must be from ${c.prefix} (the prefix of ${p.base}) to ${bits}` });
});

const hostListen = () =>
  domain(z.string({ error: reads("a string") }).refine((v) => /^(unix|fd):\/\//.test(v) || parseHostPort(v.replace(/^tcp:\/\//, "")) !== undefined || v === "tcp://", {
    error: (iss) => `${show(iss.input)} is not a socket dockerd can listen on — unix:///var/run/docker.sock, fd://, or tcp://HOST:PORT`,
  }), "daemon-host");

const execOpt = () =>
  domain(z.string({ error: reads("a string") }).superRefine((v, ctx) => {
    const eq = v.indexOf("=");
    if (eq <= 0) return void ctx.addIssue({ code: "custom", message: `must be key=value, like native.cgroupdriver=systemd` });
    if (v.slice(0, eq).toLowerCase() === "native.cgroupdriver" && !["cgroupfs", "systemd"].includes(v.slice(eq + 1))) {
      ctx.addIssue({ code: "custom", message: `native.cgroupdriver is cgroupfs or systemd, not "${v.slice(eq + 1)}"` });
    }
  }), "daemon-exec-opt");

const label = () =>
  domain(z.string({ error: reads("a string") }).superRefine((v, ctx) => {
    if (!v.includes("=")) ctx.addIssue({ code: "custom", message: `must be key=value, like lab=course-2025` });
    else if (/^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/i.test(v)) ctx.addIssue({ code: "custom", message: "com.docker.*, io.docker.* and org.dockerproject.* labels are reserved by Docker" });
  }), "daemon-label");

const dnsSearch = () => domain(z.string({ error: reads("a string") }).refine((v) => v === "." || isHostname(v.replace(/\.$/, "")), { message: "must be a domain name like lab.example.edu" }), "daemon-domain");

/** Every daemon.json key berth lets through, with how dockerd reads it. */
export const DAEMON_SCHEMA = {
  "allow-nondistributable-artifacts": list(str()),
  "api-cors-header": str(),
  "authorization-plugins": list(str()),
  bip: domain(z.string({ error: reads("a string") }).refine((v) => parseCidr(v)?.version === 4, { message: "must be the bridge's address with its prefix, like 172.30.0.1/16" }), "daemon-cidr4"),
  bridge: str(),
  builder: section({
    gc: section({
      enabled: bool().optional(),
      defaultKeepStorage: size().optional(),
      policy: list(section({ keepStorage: size().optional(), filter: z.union([list(str()), map(z.unknown())]).optional(), all: bool().optional() })).optional(),
    }).optional(),
    entitlements: section({ "network-host": bool().optional(), "security-insecure": bool().optional() }).optional(),
    history: section({ maxAge: z.union([str(), int(0, MAX_INT)]).optional(), maxEntries: int(0, MAX_INT).optional() }).optional(),
  }),
  "cdi-spec-dirs": list(absPath()),
  "cgroup-parent": str(),
  containerd: absPath(),
  "containerd-namespace": str(),
  "containerd-plugins-namespace": str(),
  "cpu-rt-period": int(0, Number.MAX_SAFE_INTEGER),
  "cpu-rt-runtime": int(0, Number.MAX_SAFE_INTEGER),
  "cri-containerd": bool(),
  "data-root": absPath(),
  debug: bool(),
  "default-address-pools": list(pool),
  "default-cgroupns-mode": oneOf(["host", "private"]),
  "default-gateway": ip(4),
  "default-gateway-v6": ip(6),
  "default-ipc-mode": oneOf(["private", "shareable"]),
  "default-network-opts": map(map(str())),
  "default-runtime": str(),
  "default-shm-size": size(),
  "default-ulimits": ulimits,
  dns: list(ip()),
  "dns-opts": list(str()),
  "dns-search": list(dnsSearch()),
  "exec-opts": list(execOpt()),
  "exec-root": absPath(),
  experimental: bool(),
  features: map(bool()),
  "fixed-cidr": cidr(4),
  "fixed-cidr-v6": cidr(6),
  group: str(),
  "host-gateway-ip": ip(),
  hosts: list(hostListen()),
  icc: bool(),
  init: bool(),
  "init-path": absPath(),
  ip: ip(),
  "ip-forward": bool(),
  "ip-masq": bool(),
  ip6tables: bool(),
  iptables: bool(),
  ipv6: bool(),
  labels: list(label()),
  "live-restore": bool(),
  "log-driver": str(),
  "log-format": oneOf(["text", "json"]),
  "log-level": oneOf(["panic", "fatal", "error", "warn", "info", "debug", "trace"], true),
  "log-opts": map(domain(z.string({ error: reads('a string (log-opts values are strings: "3", not 3)') }).regex(/^[^\u0000-\u001f]*$/, { message: "must not contain control characters" }), "daemon-string")),
  "max-concurrent-downloads": int(1, MAX_INT),
  "max-concurrent-uploads": int(1, MAX_INT),
  "max-download-attempts": int(1, MAX_INT),
  "metrics-addr": domain(z.string({ error: reads("a string") }).refine((v) => parseHostPort(v)?.port !== undefined, { message: "must be HOST:PORT, like 127.0.0.1:9323" }), "daemon-host-port"),
  mtu: int(68, 65535),
  "network-control-plane-mtu": int(500, 65535),
  "network-diagnostic-port": int(1, 65535),
  "no-new-privileges": bool(),
  "node-generic-resources": list(str()),
  pidfile: absPath(),
  proxies: section({ "http-proxy": str().optional(), "https-proxy": str().optional(), "no-proxy": str().optional() }),
  "raw-logs": bool(),
  rootless: bool(),
  runtimes: map(section({ path: str().optional(), runtimeArgs: list(str()).optional(), runtimeType: str().optional(), options: map(z.unknown()).optional() })),
  "seccomp-profile": domain(z.string({ error: reads("a string") }).regex(/^(\/.*|unconfined|builtin)$/, { message: 'must be an absolute path, "unconfined" or "builtin"' }), "daemon-path"),
  "selinux-enabled": bool(),
  "shutdown-timeout": int(-1, MAX_INT),
  "storage-driver": str(),
  "storage-opts": list(str()),
  "swarm-default-advertise-addr": str(),
  tls: bool(),
  tlscacert: absPath(),
  tlscert: absPath(),
  tlskey: absPath(),
  tlsverify: bool(),
  "userland-proxy": bool(),
  "userland-proxy-path": absPath(),
  "userns-remap": str(),
} as const satisfies Record<string, z.ZodType>;

/** Keys berth writes itself, and the setting to use instead. */
export const MANAGED_DAEMON_KEYS: Readonly<Record<string, string>> = {
  "registry-mirrors": "registryMirrors",
  "insecure-registries": "insecureRegistries",
};

export const DAEMON_KEYS: readonly string[] = [...Object.keys(DAEMON_SCHEMA), ...Object.keys(MANAGED_DAEMON_KEYS)].sort();

/** Keys owned by `logRotation` unless it is turned off. */
export const LOG_DAEMON_KEYS: readonly string[] = ["log-driver", "log-opts"];
