/** `berth:host` — where the server comes from and what it runs. */
import { z } from "zod";
import { argument, choice, domain, port, section, userName, wholeNumber } from "../fields.js";
import { unknownName } from "../messages.js";
import { OS_TABLE, SUPPORTED_OS, parseOs } from "../os.js";
import { parsePublicKey } from "../ssh-keys.js";
import { ipVersion, isHost, parseCidr } from "../values.js";

export const PROVIDERS = ["local", "digitalocean", "tencentcloud", "existing"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Who may reach SSH: an address or CIDR block, as DigitalOcean firewalls and Tencent security groups take them. */
export const sourceRange = domain(z.string().superRefine((v, ctx) => {
  if (ipVersion(v) === 0 && parseCidr(v) === undefined) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a CIDR block or address — write it like 203.0.113.0/24, 198.51.100.7 or ::/0 (IPv4 prefixes 0–32, IPv6 0–128)` });
  }
}), "source-range");

/** `ubuntu-24.04`: a supported distro and version, with a precise message when not. */
export const osName = domain(z.string().superRefine((v, ctx) => {
  if (parseOs(v)) return;
  const dash = v.lastIndexOf("-");
  const id = dash > 0 ? v.slice(0, dash) : v;
  const entry = OS_TABLE.find((e) => e.id === id);
  const message = entry
    ? `${entry.title} ${dash > 0 ? v.slice(dash + 1) : "(no version)"} is not supported — supported: ${entry.versions.map((ver) => `${entry.id}-${ver}`).join(", ")}`
    : unknownName("OS", v, SUPPORTED_OS);
  ctx.addIssue({ code: "custom", message });
}), "os");

export const publicKeyLine = domain(z.string().superRefine((v, ctx) => {
  const k = parsePublicKey(v);
  if (typeof k === "string") ctx.addIssue({ code: "custom", message: k });
  else if (k.type === "ssh-rsa" && (k.bits ?? 0) < 1024) ctx.addIssue({ code: "custom", message: `a ${k.bits}-bit RSA key is too short for OpenSSH (1024 bits at least) — make a new one: ssh-keygen -t rsa -b 4096` });
}), "ssh-public-key");

const slug = (what: string, example: string) => domain(argument().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: `must be a ${what} like ${example}` }), `${what.replace(/ /g, "-")}`);

export const hostSchema = section({
  provider: choice(PROVIDERS, "provider").default("local"),
  /** Target OS as `<id>-<version>`; the default depends on the provider. */
  os: osName.optional(),
  /** The login user the bootstrap sets conda up for; the default depends on the provider and OS. */
  user: userName.optional(),
  /** Host / droplet / instance / VM name; each provider's own rule is checked in hostRules. */
  name: domain(argument().min(1, { message: "must not be empty" }), "host-name").optional(),
  region: slug("region", "sgp1 or ap-guangzhou").optional(),
  size: slug("size", "s-1vcpu-2gb or S5.MEDIUM4").optional(),
  /** A provider image id or slug, when the default for `os` is not wanted. */
  image: slug("image id", "ubuntu-24-04-x64 or img-487zeit5").optional(),
  /** Public key installed for the login user (DigitalOcean, Tencent, local). */
  sshPublicKey: publicKeyLine.optional(),
  /** Keys already in the DigitalOcean account, by fingerprint or id. */
  sshKeys: z.array(domain(z.string().regex(/^(([0-9a-f]{2}:){15}[0-9a-f]{2}|[1-9]\d{0,11})$/, { message: "must be a key's MD5 fingerprint (aa:bb:…, 16 pairs, as DigitalOcean shows it) or its numeric id" }), "do-ssh-key")).default([]),
  /** Who may reach SSH (port 22); the app's ports are open to all. */
  allowSsh: z.array(sourceRange).default(["0.0.0.0/0", "::/0"]),
  tags: z.array(domain(z.string().regex(/^[A-Za-z0-9_:-]{1,255}$/, { message: "DigitalOcean tags are 1–255 letters, digits, _ : and -" }), "do-tag")).default([]),
  monitoring: z.boolean().default(true),
  vpcUuid: domain(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: "must be the VPC's UUID, like c33931f2-a26a-4e61-b85c-4e95a2ec431b" }), "uuid").optional(),
  reservedIp: z.boolean().default(false),
  /** Tencent availability zone, like ap-guangzhou-3. */
  zone: domain(z.string().regex(/^[a-z]{2}-[a-z]+(-[a-z]+)*-\d+$/, { message: "must be a zone like ap-guangzhou-3" }), "zone").optional(),
  /** Tencent public bandwidth in Mbps. */
  bandwidth: wholeNumber(1, 200, "a bandwidth in Mbps").default(5),
  /** An existing server's address and SSH port. */
  address: domain(argument().refine(isHost, { message: "must be an IP address or a DNS name, like 203.0.113.10 or build.example.edu" }), "address").optional(),
  port: port().default(22),
  /** Pin the server's SSH host key (`SHA256:…`) instead of trusting it on first use. */
  hostKeyFingerprint: domain(z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { message: "must be SHA256:… as ssh-keygen -lf prints it" }), "host-key-fingerprint").optional(),
}).default({ provider: "local", sshKeys: [], allowSsh: ["0.0.0.0/0", "::/0"], tags: [], monitoring: true, reservedIp: false, bandwidth: 5, port: 22 });

export type HostInput = z.output<typeof hostSchema>;

/** Provider defaults filled in: the OS each provider boots without being told. */
export function hostOs(host: Pick<HostInput, "os" | "provider">): string {
  if (host.os) return host.os;
  return host.provider === "local" ? "debian-12" : "ubuntu-24.04";
}

/** The login user cloud-init gives the SSH key to: root on DigitalOcean, the image's default user elsewhere. */
export function hostUser(host: HostInput): string {
  if (host.user) return host.user;
  switch (host.provider) {
    case "local":
      return "debian";
    case "tencentcloud":
      return hostOs(host).startsWith("ubuntu-") ? "ubuntu" : "root";
    case "digitalocean":
    case "existing":
      return "root";
  }
}

/** DigitalOcean image slugs for the systems it offers. */
export const DO_IMAGES: Readonly<Record<string, string>> = {
  "ubuntu-22.04": "ubuntu-22-04-x64",
  "ubuntu-24.04": "ubuntu-24-04-x64",
  "debian-11": "debian-11-x64",
  "debian-12": "debian-12-x64",
  "centos-9": "centos-stream-9-x64",
  "rocky-8": "rockylinux-8-x64",
  "rocky-9": "rockylinux-9-x64",
  "almalinux-8": "almalinux-8-x64",
  "almalinux-9": "almalinux-9-x64",
};
