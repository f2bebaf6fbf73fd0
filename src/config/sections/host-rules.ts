/**
 * What each provider takes and needs: the keys it reads (a key another provider reads is an
 * error, not a silent no-op), its naming rule, and the settings without which no host you can
 * log in to can be made.
 */
import { isPlainObject } from "../fields.js";
import type { Problem } from "../plan.js";
import { parsePublicKey } from "../ssh-keys.js";
import { isDnsLabel, isHostname, utf8Bytes } from "../values.js";
import { DO_IMAGES, hostOs, PROVIDERS, type HostInput, type Provider } from "./host.js";

/**
 * Keys of berth:host that only some providers read. Keys not listed (provider, os, user, name)
 * apply to all. A host-key pin makes sense wherever the address stays put for the host's life
 * (a droplet, a CVM, an existing server); a local VM reports its own generated key.
 */
export const PROVIDER_KEYS: Readonly<Record<string, readonly Provider[]>> = {
  region: ["digitalocean", "tencentcloud"],
  size: ["digitalocean", "tencentcloud"],
  image: ["digitalocean", "tencentcloud"],
  sshPublicKey: ["digitalocean", "tencentcloud", "local"],
  sshKeys: ["digitalocean"],
  allowSsh: ["digitalocean", "tencentcloud"],
  tags: ["digitalocean"],
  monitoring: ["digitalocean"],
  vpcUuid: ["digitalocean"],
  reservedIp: ["digitalocean"],
  zone: ["tencentcloud"],
  bandwidth: ["tencentcloud"],
  address: ["existing"],
  port: ["existing"],
  hostKeyFingerprint: ["digitalocean", "tencentcloud", "existing"],
};

/** Why a key means nothing on a provider, where that is not obvious. */
const WHY_NOT: Partial<Record<Provider, Partial<Record<string, string>>>> = {
  local: { allowSsh: "a local VM has no firewall: its SSH port is published on this machine only", hostKeyFingerprint: "a local VM makes its host key at first boot and berth reads it from the VM", region: "a local VM runs on this machine's Docker engine", size: "a local VM takes what the Docker engine gives it", image: "local VMs boot berth's own Debian 12 image" },
  existing: { sshPublicKey: "berth logs in to an existing server with berth:sshPrivateKey; it installs no key there" },
};

const orList = (xs: readonly string[]) => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`);

/** Keys the stack's provider does not read, named with the providers that do. */
export function providerKeyProblems(rawHost: unknown, provider: Provider): Problem[] {
  if (!isPlainObject(rawHost)) return [];
  const out: Problem[] = [];
  for (const key of Object.keys(rawHost)) {
    const takers = PROVIDER_KEYS[key];
    if (!takers || takers.includes(provider)) continue;
    const why = WHY_NOT[provider]?.[key];
    const who = `only provider${takers.length === 1 ? "" : "s"} ${orList(takers)} take${takers.length === 1 ? "s" : ""} ${key}`;
    const fix = takers.length === 1 ? `remove it, or set provider: ${takers[0]}` : "remove it";
    out.push({ path: ["host", key], message: `${who}, and this stack's provider is ${provider}${why ? ` (${why})` : ""} — ${fix}` });
  }
  return out;
}

/** Tencent Cloud's InstanceName limit, in UTF-8 bytes. */
export const TENCENT_NAME_BYTES = 60;
/** Local VM names become container, volume and host names (src/local/vm.ts). */
export const LOCAL_NAME_MAX = 52;

/** Each provider's own rule for the host name (given, or the stack name when unset). */
export function nameProblem(provider: Provider, name: string, fromStack: boolean): string | undefined {
  const what = fromStack ? `the stack name "${name}" (used when host.name is unset)` : `"${name}"`;
  const fix = fromStack ? " — set host.name" : "";
  switch (provider) {
    case "tencentcloud":
      if (utf8Bytes(name) > TENCENT_NAME_BYTES) return `${what} is ${utf8Bytes(name)} bytes in UTF-8; Tencent Cloud instance names are at most ${TENCENT_NAME_BYTES} bytes${fix}`;
      return /^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u.test(name) ? undefined : `${what} is not a Tencent Cloud instance name berth uses: letters (any script), digits, ., _ and -, starting with a letter or digit${fix}`;
    case "digitalocean":
      return isHostname(name) ? undefined : `${what} is not a droplet name: DigitalOcean takes a host name (letters, digits, - and ., labels of at most 63 characters)${fix}`;
    case "local":
      return isDnsLabel(name, { lowercase: true, max: LOCAL_NAME_MAX }) ? undefined : `${what} is not a local VM name: lowercase letters, digits and inner -, at most ${LOCAL_NAME_MAX} characters (it names a container and its host)${fix}`;
    case "existing":
      // The name of an existing server only names berth's resources; the stack name always does.
      return fromStack || isDnsLabel(name, { lowercase: true }) ? undefined : `${what} must be a DNS label: lowercase letters, digits and inner -, at most 63 characters${fix}`;
  }
}

const FORMATS: Partial<Record<Provider, Partial<Record<"region" | "size" | "image", [RegExp, string]>>>> = {
  digitalocean: {
    region: [/^[a-z]{3}\d$/, "a DigitalOcean region slug like sgp1 or fra1"],
    size: [/^[a-z0-9]+(-[a-z0-9]+)*$/, "a DigitalOcean size slug like s-1vcpu-2gb"],
    image: [/^([a-z0-9]+([.-][a-z0-9]+)*|[1-9]\d*)$/, "a DigitalOcean image slug (ubuntu-24-04-x64) or image id"],
  },
  tencentcloud: {
    region: [/^[a-z]{2}-[a-z]+(-[a-z]+)*$/, "a Tencent Cloud region like ap-guangzhou"],
    size: [/^[A-Z0-9]+\.[A-Z0-9]+$/, "a Tencent Cloud instance type like S5.MEDIUM4"],
    image: [/^img-[a-z0-9]{8}$/, "a Tencent Cloud image id like img-487zeit5"],
  },
};

/** Values that are well-formed in general but not for this provider. */
export function formatProblems(host: HostInput): Problem[] {
  const out: Problem[] = [];
  for (const key of ["region", "size", "image"] as const) {
    const f = FORMATS[host.provider]?.[key];
    const v = host[key];
    if (f && v !== undefined && !f[0].test(v)) out.push({ path: ["host", key], message: `"${v}" is not ${f[1]}` });
  }
  if (host.provider === "tencentcloud" && host.zone && host.region && !host.zone.startsWith(`${host.region}-`)) {
    out.push({ path: ["host", "zone"], message: `"${host.zone}" is not a zone of region ${host.region} — zones of ${host.region} look like ${host.region}-3` });
  }
  if (host.provider === "tencentcloud" && host.sshPublicKey) {
    const k = parsePublicKey(host.sshPublicKey);
    if (typeof k !== "string" && k.type !== "ssh-rsa") {
      out.push({ path: ["host", "sshPublicKey"], message: `Tencent Cloud imports OpenSSH RSA keys only (ImportKeyPair), not ${k.type} — make one for berth: ssh-keygen -t rsa -b 4096 -f ~/.ssh/berth_tencent, give the line in ~/.ssh/berth_tencent.pub here, and set berth:sshPrivateKey from ~/.ssh/berth_tencent` });
    }
  }
  return out;
}

/** What each provider needs to make a host you can log in to. */
export function requiredProblems(host: HostInput): Problem[] {
  const out: Problem[] = [];
  const os = hostOs(host);
  switch (host.provider) {
    case "digitalocean":
      if (!host.sshPublicKey && host.sshKeys.length === 0) out.push({ path: ["host", "sshPublicKey"], message: "a droplet needs a way in — set sshPublicKey (your ~/.ssh/id_ed25519.pub line) or sshKeys (fingerprints already in your account)" });
      if (!host.image && !DO_IMAGES[os]) out.push({ path: ["host", "os"], message: `DigitalOcean has no ${os} image — use one of ${Object.keys(DO_IMAGES).join(", ")}, or give host.image` });
      break;
    case "tencentcloud":
      if (!host.zone) out.push({ path: ["host", "zone"], message: "Tencent Cloud needs an availability zone — set zone, like ap-guangzhou-3" });
      if (!host.image) out.push({ path: ["host", "image"], message: `Tencent Cloud needs the image id of ${os} in your region — set image (img-…; the console or DescribeImages lists them)` });
      if (!host.sshPublicKey) out.push({ path: ["host", "sshPublicKey"], message: "a CVM needs a way in — set sshPublicKey to an OpenSSH RSA public key line (ssh-keygen -t rsa -b 4096 -f ~/.ssh/berth_tencent makes one)" });
      break;
    case "existing":
      if (!host.address) out.push({ path: ["host", "address"], message: "an existing server needs its address — set address (and port when not 22)" });
      break;
    case "local":
      break;
  }
  return out;
}

export { PROVIDERS };
