/** `berth:host` — where the server comes from and what it runs. */
import { z } from "zod";
import { choice, section, userName } from "../fields.js";
import { unknownName } from "../messages.js";
import { OS_TABLE, SUPPORTED_OS, parseOs } from "../os.js";

export const PROVIDERS = ["local", "digitalocean", "tencentcloud", "existing"] as const;

const cidr = z.string().regex(/^((\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, { message: "must be a CIDR like 203.0.113.0/24 or ::/0" });
export type Provider = (typeof PROVIDERS)[number];

/** `ubuntu-24.04`: a supported distro and version, with a precise message when not. */
export const osName = z.string().superRefine((v, ctx) => {
  if (parseOs(v)) return;
  const dash = v.lastIndexOf("-");
  const id = dash > 0 ? v.slice(0, dash) : v;
  const entry = OS_TABLE.find((e) => e.id === id);
  const message = entry
    ? `${entry.title} ${dash > 0 ? v.slice(dash + 1) : "(no version)"} is not supported — supported: ${entry.versions.map((ver) => `${entry.id}-${ver}`).join(", ")}`
    : unknownName("OS", v, SUPPORTED_OS);
  ctx.addIssue({ code: "custom", message });
});

export const hostSchema = section({
  provider: choice(PROVIDERS, "provider").default("local"),
  /** Target OS as `<id>-<version>`; the default depends on the provider. */
  os: osName.optional(),
  /** The login user the bootstrap sets conda up for; the default depends on the provider and OS. */
  user: userName.optional(),
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: "must be a DNS label: lowercase letters, digits and -" }).optional(),
  region: z.string().min(1).optional(),
  size: z.string().min(1).optional(),
  /** A provider image id or slug, when the default for `os` is not wanted. */
  image: z.string().min(1).optional(),
  /** Public key installed for the login user (DigitalOcean, Tencent, local). */
  sshPublicKey: z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( [^\n]*)?$/, { message: "must be an OpenSSH public key line (ssh-ed25519 AAAA… comment)" }).optional(),
  /** Keys already in the DigitalOcean account, by fingerprint or id. */
  sshKeys: z.array(z.string().min(1)).default([]),
  /** Who may reach SSH (port 22); the app's ports are open to all. */
  allowSsh: z.array(cidr).default(["0.0.0.0/0", "::/0"]),
  tags: z.array(z.string().regex(/^[A-Za-z0-9_:.-]{1,255}$/, { message: "tags are letters, digits, _ : . -" })).default([]),
  monitoring: z.boolean().default(true),
  vpcUuid: z.string().min(1).optional(),
  reservedIp: z.boolean().default(false),
  /** Tencent availability zone, like ap-guangzhou-3. */
  zone: z.string().regex(/^[a-z]+-[a-z]+-\d+$/, { message: "must be a zone like ap-guangzhou-3" }).optional(),
  /** Tencent public bandwidth in Mbps. */
  bandwidth: z.number().int().min(1).max(200).default(5),
  /** An existing server's address and SSH port. */
  address: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).default(22),
  /** Pin the server's SSH host key (`SHA256:…`) instead of trusting it on first use. */
  hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { message: "must be SHA256:… as ssh-keygen -lf prints it" }).optional(),
}).default({ provider: "local", sshKeys: [], allowSsh: ["0.0.0.0/0", "::/0"], tags: [], monitoring: true, reservedIp: false, bandwidth: 5, port: 22 });

export type HostInput = z.output<typeof hostSchema>;

/** Provider defaults filled in: the OS each provider boots without being told. */
export function hostOs(host: HostInput): string {
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

/** Problems with the provider settings: what each provider needs to make a host you can log in to. */
export function hostRules(host: HostInput): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  const os = hostOs(host);
  switch (host.provider) {
    case "digitalocean":
      if (!host.sshPublicKey && host.sshKeys.length === 0) out.push({ path: ["host", "sshPublicKey"], message: "a droplet needs a way in — set sshPublicKey (your ~/.ssh/id_ed25519.pub line) or sshKeys (fingerprints already in your account)" });
      if (!host.image && !DO_IMAGES[os]) out.push({ path: ["host", "os"], message: `DigitalOcean has no ${os} image — use one of ${Object.keys(DO_IMAGES).join(", ")}, or give host.image` });
      break;
    case "tencentcloud":
      if (!host.zone) out.push({ path: ["host", "zone"], message: "Tencent Cloud needs an availability zone — set zone, like ap-guangzhou-3" });
      if (!host.image) out.push({ path: ["host", "image"], message: `Tencent Cloud needs the image id of ${os} in your region — set image (img-…; the console or DescribeImages lists them)` });
      if (!host.sshPublicKey) out.push({ path: ["host", "sshPublicKey"], message: "a CVM needs a way in — set sshPublicKey (your ~/.ssh/id_ed25519.pub line)" });
      break;
    case "existing":
      if (!host.address) out.push({ path: ["host", "address"], message: "an existing server needs its address — set address (and port when not 22)" });
      break;
    case "local":
      break;
  }
  return out;
}
