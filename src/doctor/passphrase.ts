/**
 * Whether a passphrase opens a stack's secrets, the way the Pulumi CLI checks it: the stack's
 * `encryptionsalt` is `v1:<salt>:v1:<nonce>:<ciphertext>`, "pulumi" sealed with AES-256-GCM
 * under PBKDF2-SHA256(passphrase, salt, 1 000 000 rounds, 32 bytes)
 * (pulumi/pkg/secrets/passphrase, sdk/go/common/resource/config/crypt.go).
 */
import { createDecipheriv, pbkdf2 } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

const derive = promisify(pbkdf2);

export async function passphraseOpens(passphrase: string, encryptionsalt: string): Promise<boolean> {
  const [v1, salt, v, nonce, sealed] = encryptionsalt.split(":");
  if (v1 !== "v1" || v !== "v1" || !salt || !nonce || !sealed) return false;
  const key = await derive(passphrase, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  const bytes = Buffer.from(sealed, "base64");
  try {
    const d = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString("utf8");
    return plain === "pulumi";
  } catch {
    return false;
  }
}

/** The passphrase Pulumi would use and where it came from: the variable (even empty) wins over the file. */
export function passphraseFromEnv(env: Readonly<Record<string, string | undefined>>): { value: string; source: string } | { error: string } | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return { value: env.PULUMI_CONFIG_PASSPHRASE, source: "PULUMI_CONFIG_PASSPHRASE" };
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (!file) return undefined;
  try {
    return { value: readFileSync(file, "utf8").trim(), source: `PULUMI_CONFIG_PASSPHRASE_FILE (${file})` };
  } catch (e) {
    return { error: `PULUMI_CONFIG_PASSPHRASE_FILE=${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}
