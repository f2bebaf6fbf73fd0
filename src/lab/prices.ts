/**
 * What a lab host costs per hour, by provider. DigitalOcean publishes fixed prices per size and
 * has no price API berth can call without an account, so berth keeps a dated table of the sizes
 * it documents; Tencent Cloud prices come from its own API at preview (InquiryPriceRunInstances,
 * through the Tencent lab preflight); a local VM costs nothing.
 */
import type { Currency } from "../config/sections/lab.js";

export type { Currency };

/** When the DigitalOcean table was last compared with DigitalOcean's price list. */
export const DO_PRICES_CHECKED = "2026-11-27";
/** Where to check it. */
export const DO_PRICES_SOURCE = "https://www.digitalocean.com/pricing/droplets (Basic droplets, Regular CPU)";

/**
 * Basic droplets, Regular CPU, in USD: the hourly price and the monthly cap DigitalOcean bills up
 * to (672 hours a month). The list DigitalOcean has published since July 2022.
 */
export const DO_PRICES: Readonly<Record<string, { readonly hourly: number; readonly monthly: number }>> = {
  "s-1vcpu-512mb-10gb": { hourly: 0.00595, monthly: 4 },
  "s-1vcpu-1gb": { hourly: 0.00893, monthly: 6 },
  "s-1vcpu-2gb": { hourly: 0.01786, monthly: 12 },
  "s-2vcpu-2gb": { hourly: 0.02679, monthly: 18 },
  "s-2vcpu-4gb": { hourly: 0.03571, monthly: 24 },
  "s-4vcpu-8gb": { hourly: 0.07143, monthly: 48 },
  "s-8vcpu-16gb": { hourly: 0.14286, monthly: 96 },
};


export interface HostPrice {
  /** Per host and hour, in `currency`; 0 for local VMs. */
  readonly hourly: number;
  readonly currency: Currency | undefined;
  /** Where the number comes from, as preview prints it. */
  readonly source: string;
  /** The whole cost of one host for the lab's hours, when the source prices by steps or caps (else hourly × hours). */
  readonly perHost?: number;
}

/** A DigitalOcean size's price, or undefined when berth's table does not list it. */
export function digitalOceanPrice(size: string): HostPrice | undefined {
  const p = DO_PRICES[size];
  return p ? { hourly: p.hourly, currency: "USD", source: `DigitalOcean's price list (berth's table, checked ${DO_PRICES_CHECKED})` } : undefined;
}

export const LOCAL_PRICE: HostPrice = { hourly: 0, currency: undefined, source: "local VMs run on this machine" };
