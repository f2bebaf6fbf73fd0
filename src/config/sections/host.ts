/** `berth:host` — where the server comes from and what it runs. */
import { z } from "zod";
import { choice, section, userName } from "../fields.js";
import { unknownName } from "../messages.js";
import { OS_TABLE, SUPPORTED_OS, parseOs } from "../os.js";

export const PROVIDERS = ["local", "digitalocean", "tencentcloud", "existing"] as const;
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
}).default({ provider: "local" });

export type HostInput = z.output<typeof hostSchema>;

/** Provider defaults filled in: the OS each provider boots without being told. */
export function hostOs(host: HostInput): string {
  if (host.os) return host.os;
  return host.provider === "local" ? "debian-12" : "ubuntu-24.04";
}

/** The login user: root on DigitalOcean, the image's own user on Tencent's Ubuntu, berth locally. */
export function hostUser(host: HostInput): string {
  if (host.user) return host.user;
  switch (host.provider) {
    case "local":
      return "berth";
    case "tencentcloud":
      return hostOs(host).startsWith("ubuntu-") ? "ubuntu" : "root";
    case "digitalocean":
    case "existing":
      return "root";
  }
}
