/** How large user-data may be on each provider, and how its size is counted there. */
import type { Provider } from "../config/sections/host.js";

export interface Budget {
  readonly limit: number;
  /** What the provider counts: the text itself, or its base64 form. */
  readonly counts: "bytes" | "base64";
  readonly label: string;
}

export const BUDGETS: Readonly<Record<Provider, Budget | undefined>> = {
  digitalocean: { limit: 64 * 1024, counts: "bytes", label: "DigitalOcean's 64 KiB user_data limit" },
  tencentcloud: { limit: 16 * 1024, counts: "base64", label: "Tencent Cloud's 16 KB UserData limit (counted after base64)" },
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
