/** How large user-data may be on each provider, and how its size is counted there. */
import type { Provider } from "../config/sections/host.js";

export interface Budget {
  readonly limit: number;
  /** What the provider counts: the text itself, or its base64 form. */
  readonly counts: "bytes" | "base64";
  readonly label: string;
  /**
   * Whether the user-data carries berth's copies of signing keys. Docker's key is 2.7 KB of
   * incompressible key material (3.7 KB after base64): a quarter of Tencent's 16 KB. Without the
   * copy the host downloads the mirror's key and keeps it only if its fingerprint is the pinned
   * one (15-keys.sh: gpg drops what the key itself did not sign; only that key is exported).
   */
  readonly shipsKeys: boolean;
}

export const BUDGETS: Readonly<Record<Provider, Budget | undefined>> = {
  digitalocean: { limit: 64 * 1024, counts: "bytes", label: "DigitalOcean's 64 KiB user_data limit", shipsKeys: true },
  tencentcloud: { limit: 16 * 1024, counts: "base64", label: "Tencent Cloud's 16 KB UserData limit (counted after base64)", shipsKeys: false },
  local: undefined,
  existing: undefined,
};

/** The size the provider checks, of the bytes it is sent. */
export function measured(userData: string | Buffer, budget: Budget): number {
  const bytes = typeof userData === "string" ? Buffer.byteLength(userData, "utf8") : userData.length;
  return budget.counts === "bytes" ? bytes : 4 * Math.ceil(bytes / 3);
}

export function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}
