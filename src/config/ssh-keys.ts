/**
 * OpenSSH public key lines (`ssh-ed25519 AAAA… comment`), checked the way ssh reads them: the
 * base64 blob must decode, and its wire-format fields must agree with the type written in front.
 */

export const KEY_TYPES = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export interface PublicKey {
  readonly type: KeyType;
  /** Modulus size in bits for RSA keys. */
  readonly bits?: number;
}

/** Reads SSH wire-format strings (uint32 length + bytes) from a blob. */
function fields(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const len = blob.readUInt32BE(at);
    at += 4;
    if (at + len > blob.length) return undefined;
    out.push(blob.subarray(at, at + len));
    at += len;
  }
  return out;
}

/** The key's type (and RSA size), or a sentence saying what is wrong with the line. */
export function parsePublicKey(line: string): PublicKey | string {
  const parts = line.trim().split(/[ \t]+/);
  const [type, data] = parts;
  if (!type || !data) return "must be an OpenSSH public key line (ssh-ed25519 AAAA… comment), as in ~/.ssh/id_ed25519.pub";
  if (/[\r\n]/.test(line.trim())) return "must be one line: the contents of one .pub file";
  if (!(KEY_TYPES as readonly string[]).includes(type)) return `unknown key type "${type}" — expected one of ${KEY_TYPES.join(", ")}`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return "the key data after the type is not base64 — copy the whole line from the .pub file";
  const f = fields(Buffer.from(data, "base64"));
  const inner = f?.[0]?.toString("latin1");
  if (!f || inner !== type) return `the key data is not a ${type} key${inner ? ` (it says ${inner})` : ""} — copy the whole line from the .pub file`;
  switch (type as KeyType) {
    case "ssh-ed25519":
      return f.length === 2 && f[1]?.length === 32 ? { type: "ssh-ed25519" } : "the ssh-ed25519 key data is truncated";
    case "ssh-rsa": {
      const n = f[2];
      if (f.length !== 3 || !f[1]?.length || !n?.length) return "the ssh-rsa key data is truncated";
      const first = n[0] === 0 ? n.subarray(1) : n;
      const bits = first.length === 0 ? 0 : (first.length - 1) * 8 + (32 - Math.clz32(first[0] ?? 0));
      return { type: "ssh-rsa", bits };
    }
    default: {
      const curve = type.slice("ecdsa-sha2-".length);
      return f.length === 3 && f[1]?.toString("latin1") === curve && (f[2]?.length ?? 0) > 0 ? { type: type as KeyType } : `the ${type} key data is truncated`;
    }
  }
}
