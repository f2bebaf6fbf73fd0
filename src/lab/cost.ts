/**
 * A lab's cost estimate and its budget check: hosts × price per host-hour × hours until the lab
 * expires (whole hours, rounded up, as clouds bill), checked against berth:lab.budget before any
 * resource is created.
 */
import type { Currency, HostPrice } from "./prices.js";

export interface Budget {
  readonly amount: number;
  readonly currency: Currency;
}

export interface Estimate {
  readonly hosts: number;
  readonly hours: number;
  readonly hourly: number;
  readonly total: number;
  readonly currency: Currency | undefined;
  readonly source: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Whole hours from `now` until `expires` (at least 0). */
export function hoursUntil(expires: Date, now: Date): number {
  return Math.max(0, Math.ceil((expires.getTime() - now.getTime()) / 3600_000));
}

export function estimate(hosts: number, price: HostPrice, hours: number): Estimate {
  const perHost = price.perHost ?? price.hourly * hours;
  return { hosts, hours, hourly: price.hourly, total: round2(perHost * hosts), currency: price.currency, source: price.source };
}

export const money = (n: number, c: Currency | undefined) => (c ? `${n.toFixed(2)} ${c}` : n.toFixed(2));

const hostsTimes = (e: Estimate) => `${e.hosts} host${e.hosts === 1 ? "" : "s"} × ${e.hourly} ${e.currency ?? ""}/h × ${e.hours} h`;

/** `4 hosts × 0.01786 USD/h × 120 h = 8.57 USD, from DigitalOcean's price list …`. */
export function showEstimate(e: Estimate): string {
  if (e.hourly === 0 && e.currency === undefined) return `${e.hosts} host${e.hosts === 1 ? "" : "s"} × ${e.hours} h: no cost (${e.source})`;
  return `${hostsTimes(e)} = ${money(e.total, e.currency)}, from ${e.source}`;
}

/** A config error when the estimate exceeds the budget (or cannot be compared with it). */
export function budgetProblem(e: Estimate, budget: Budget | undefined): string | undefined {
  if (!budget) return undefined;
  if (e.currency !== undefined && e.currency !== budget.currency)
    return `berth:lab.budget: the budget is in ${budget.currency} but this provider's prices are in ${e.currency} — berth does not convert currencies; give the budget in ${e.currency}`;
  if (e.total <= budget.amount) return undefined;
  return `berth:lab.budget: the lab would cost about ${money(e.total, e.currency)} (${hostsTimes(e)}, from ${e.source}), over its budget of ${money(budget.amount, budget.currency)} — shorten the roster, end the lab sooner (berth:lab.expires), choose a smaller berth:host.size, or raise the budget`;
}
