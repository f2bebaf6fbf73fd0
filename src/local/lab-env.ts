// lab-env.ts — what a shell needs to run `pulumi up` on the local stack, made private.
//
//   const env = labEnv();     // creates what is missing
//   env.stateDir              // ~/.cache/berth/state (0700): the file backend
//   env.passphraseFile        // ~/.cache/berth/pulumi-passphrase (0600): random, made once
//   shellExports(env)         // export lines for `eval "$(npx berth local env)"`
//
// Pulumi reads the secrets passphrase from PULUMI_CONFIG_PASSPHRASE_FILE, so the passphrase
// never sits in the environment or in shell history. The state is readable only by its owner:
// it holds the stack's secrets encrypted, and its resource ids and outputs in the clear.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cacheDir } from "./engine.js";
import { registryPasswordFile } from "./kit.js";

export interface LabEnv {
  stateDir: string;
  passphraseFile: string;
  registryPasswordFile: string;
}

export function labEnv(): LabEnv {
  mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
  const stateDir = cacheDir("state");
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  const passphraseFile = cacheDir("pulumi-passphrase");
  if (!existsSync(passphraseFile)) writeFileSync(passphraseFile, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(passphraseFile, 0o600);
  return { stateDir, passphraseFile, registryPasswordFile: registryPasswordFile() };
}

/** A single-quoted shell word. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Lines for `eval`: the backend, the passphrase file, and the kit's registry password (read from its file when evaluated). */
export function shellExports(env: LabEnv): string {
  return [
    `export PULUMI_BACKEND_URL=${shellQuote(`file://${env.stateDir}`)}`,
    `export PULUMI_CONFIG_PASSPHRASE_FILE=${shellQuote(env.passphraseFile)}`,
    "unset PULUMI_CONFIG_PASSPHRASE",
    `export BERTH_REGISTRY_PASSWORD="$(cat ${shellQuote(env.registryPasswordFile)})"`,
    "",
  ].join("\n");
}
