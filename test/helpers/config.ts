/** Loading configs in tests: from a literal `berth:` map or from a stack file. */
import { load, type StackConfig } from "../../src/config/load.js";
import { loadStackFile } from "../../src/config/stackfile.js";

export const PROJECT_DIR = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

export function errorsOf(raw: Record<string, unknown>, baseDir = "/proj", stack?: string): string[] {
  const r = load(raw, { baseDir, stack });
  if (r.ok) throw new Error(`expected errors, the config loaded: ${JSON.stringify(raw)}`);
  return r.errors;
}

export function configOf(raw: Record<string, unknown>, baseDir = PROJECT_DIR): StackConfig {
  const r = load(raw, { baseDir });
  if (!r.ok) throw new Error(`config did not load:\n${r.errors.join("\n")}`);
  return r.config;
}

export function stackConfig(name: string): StackConfig {
  const r = loadStackFile(`${PROJECT_DIR}/stacks/Pulumi.${name}.yaml`);
  if (!r.ok) throw new Error(`stack ${name} did not load:\n${r.errors.join("\n")}`);
  return r.config;
}

/** A syntactically valid public key for configs that need one (no private half exists). */
export const PUBKEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthExampleKeyReplaceWithYourOwnPublicKey0 you@laptop";

/** A syntactically valid 4096-bit OpenSSH RSA public key (Tencent Cloud imports RSA keys only); no private half exists. */
export const RSA_PUBKEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAACAQDABerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnPublicKey0BerthExampleRSAKeyReplaceWithYourOwnAQ== you@laptop";

export const EXAMPLE_STACKS = ["local", "digitalocean", "tencent", "existing"] as const;
