/**
 * OpenPGP fingerprints the bootstrap trusts for docker-ce repositories. berth ships Docker's
 * key itself (src/bootstrap/keys/docker-ce.asc) and never takes it from a mirror; a custom
 * mirror with its own key names that key's fingerprint (`dockerCeKeyFingerprint`).
 */
import { z } from "zod";
import { domain } from "./fields.js";

/** Docker's repository signing key, `9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88`. */
export const DOCKER_CE_KEY_FINGERPRINT = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88";

const EXAMPLE = "9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88";

/**
 * A full v4 fingerprint: 40 hex digits, spaces allowed (as `gpg --fingerprint` groups them),
 * stored upper-case without spaces. A 16-digit key id is refused: ids can be forged.
 */
export const keyFingerprint = domain(z.string(), "openpgp-fingerprint").transform((v, ctx) => {
  const hex = v.replace(/\s+/g, "").replace(/^0x/i, "").toUpperCase();
  if (/^[0-9A-F]{40}$/.test(hex)) return hex;
  const message = /^[0-9A-F]{8}$|^[0-9A-F]{16}$/.test(hex)
    ? `"${v}" is a key id, which anyone can forge — give the key's full 40-hex fingerprint (gpg --show-keys KEYFILE prints it)`
    : `"${v}" is not an OpenPGP fingerprint — give 40 hex digits like ${EXAMPLE} (gpg --show-keys KEYFILE prints it)`;
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
});
