/**
 * Value checks the way their consumers parse them: addresses and CIDR blocks as the kernel and
 * cloud firewalls read them (node:net, not regexes), ports as TCP/UDP numbers, host names as DNS
 * labels. Pure predicates; fields.ts turns them into zod fields with berth's messages.
 */
import { BlockList, isIP } from "node:net";

export const PORT_MIN = 1;
export const PORT_MAX = 65535;

/** 4 or 6 for an IP address literal without a zone index (`fe80::1%eth0` is refused), else 0. */
export function ipVersion(v: string): 0 | 4 | 6 {
  if (v.includes("%")) return 0;
  const n = isIP(v);
  return n === 4 || n === 6 ? n : 0;
}

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly version: 4 | 6;
}

/** `203.0.113.0/24` or `2001:db8::/32`: a valid address and a prefix within its family's bits. */
export function parseCidr(v: string): Cidr | undefined {
  const slash = v.indexOf("/");
  if (slash < 0 || slash !== v.lastIndexOf("/")) return undefined;
  const address = v.slice(0, slash);
  const bits = v.slice(slash + 1);
  const version = ipVersion(address);
  if (version === 0 || !/^(0|[1-9]\d{0,2})$/.test(bits)) return undefined;
  const prefix = Number(bits);
  try {
    new BlockList().addSubnet(address, prefix, version === 4 ? "ipv4" : "ipv6");
  } catch {
    return undefined;
  }
  return { address, prefix, version };
}

/** A decimal port 1–65535, written without sign or leading zeros. */
export function parsePort(v: string): number | undefined {
  if (!/^[1-9]\d{0,4}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= PORT_MAX ? n : undefined;
}

export function isPort(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= PORT_MIN && n <= PORT_MAX;
}

/** One DNS label: letters, digits and inner hyphens, at most 63 characters. */
export function isDnsLabel(v: string, opts: { lowercase?: boolean; max?: number } = {}): boolean {
  const re = opts.lowercase ? /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/ : /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;
  return v.length <= (opts.max ?? 63) && re.test(v);
}

/**
 * A DNS name of dot-separated labels (≤ 253 characters), like registry.example.com. The last
 * label is not all digits (RFC 3696 §2), so `300.1.1.1` is neither an address nor a name.
 */
export function isHostname(v: string): boolean {
  const labels = v.split(".");
  return v.length > 0 && v.length <= 253 && labels.every((l) => isDnsLabel(l)) && !/^\d+$/.test(labels.at(-1) ?? "");
}

/** A host as Docker and ssh take it: a DNS name or an IP literal (IPv6 without brackets). */
export function isHost(v: string): boolean {
  return ipVersion(v) !== 0 || isHostname(v);
}

export interface HostPort {
  readonly host: string;
  readonly port?: number;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`, as a registry address is written. */
export function parseHostPort(v: string): HostPort | undefined {
  const m = /^\[([^\]]+)\](?::([^:]*))?$/.exec(v) ?? /^([^:[\]]+)(?::([^:]*))?$/.exec(v);
  if (!m) return undefined;
  const host = m[1] ?? "";
  const bracketed = v.startsWith("[");
  if (bracketed ? ipVersion(host) !== 6 : !(ipVersion(host) === 4 || isHostname(host))) return undefined;
  if (m[2] === undefined) return { host };
  const port = parsePort(m[2]);
  return port === undefined ? undefined : { host, port };
}

/** Loopback literals (and `localhost`), where plain HTTP never leaves the machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  if (h === "localhost") return true;
  const v = ipVersion(h);
  if (v === 4) return h.startsWith("127.");
  if (v === 6) {
    const loop = new BlockList();
    loop.addAddress("::1", "ipv6");
    loop.addSubnet("::ffff:127.0.0.0", 104, "ipv6");
    return loop.check(h, "ipv6");
  }
  return false;
}

/** A value a command would read as an option if it were passed as an argument. */
export function looksLikeOption(v: string): boolean {
  return v.startsWith("-");
}

/** Control characters (newlines, NUL, escapes) that no name, address or path may carry. */
export function hasControl(v: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(v);
}

/** The length of a string as the APIs that count UTF-8 bytes see it. */
export function utf8Bytes(v: string): number {
  return Buffer.byteLength(v, "utf8");
}
