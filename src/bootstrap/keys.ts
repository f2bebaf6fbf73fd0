/**
 * The OpenPGP keys berth ships to hosts, so that no host trusts a key because a mirror served
 * it. Each goes to `/etc/berth/keys/<fingerprint>.asc`; the bootstrap checks the fingerprint
 * again before it installs the key.
 */
import { readFileSync } from "node:fs";
import { DOCKER_CE_KEY_FINGERPRINT } from "../config/signing-keys.js";

const FILES: Readonly<Record<string, URL>> = {
  [DOCKER_CE_KEY_FINGERPRINT]: new URL("./keys/docker-ce.asc", import.meta.url),
};

const cache = new Map<string, string>();

/** The armored key berth ships for this fingerprint, or undefined when it ships none. */
export function shippedKey(fingerprint: string): string | undefined {
  const file = FILES[fingerprint];
  if (file === undefined) return undefined;
  let text = cache.get(fingerprint);
  if (text === undefined) cache.set(fingerprint, (text = readFileSync(file, "utf8")));
  return text;
}

/** Docker's docker-ce repository key (fingerprint DOCKER_CE_KEY_FINGERPRINT), armored. */
export function dockerCeKey(): string {
  return shippedKey(DOCKER_CE_KEY_FINGERPRINT) ?? "";
}
