// When a lab ends and what it costs until then: the forms of berth:lab.expires (with timezones,
// daylight saving and Pulumi's Go time strings), the estimate, and the budget check.
import { describe, expect, it } from "vitest";
import { expiresAt, parseExpiry, showExpiry } from "../../src/config/expiry.js";
import { budgetProblem, estimate, hoursUntil, showEstimate } from "../../src/lab/cost.js";
import { digitalOceanPrice, DO_PRICES, LOCAL_PRICE } from "../../src/lab/prices.js";

const at = (v: string, tz?: string) => {
  const e = parseExpiry(v, tz);
  if (typeof e === "string" || e.kind !== "at") throw new Error(String(typeof e === "string" ? e : e.kind));
  return e.at.toISOString();
};

describe("berth:lab.expires", () => {
  it("moments with an offset, dates and times in the lab's timezone (DST included)", () => {
    expect(at("2027-01-15T18:00:00+08:00")).toBe("2027-01-15T10:00:00.000Z");
    expect(at("2027-01-15T18:00Z")).toBe("2027-01-15T18:00:00.000Z");
    expect(at("2027-01-15", "Asia/Shanghai")).toBe("2027-01-15T16:00:00.000Z"); // the end of the 15th in Shanghai
    expect(at("2027-07-01T09:00", "Europe/Berlin")).toBe("2027-07-01T07:00:00.000Z"); // summer time, +02:00
    expect(at("2027-01-01T09:00", "Europe/Berlin")).toBe("2027-01-01T08:00:00.000Z"); // winter time, +01:00
  });

  it("Pulumi's Go time strings: midnight UTC is an unquoted date; other times keep their offset", () => {
    expect(at("2027-01-15 00:00:00 +0000 UTC", "Asia/Shanghai")).toBe("2027-01-15T16:00:00.000Z");
    expect(at("2027-01-15 18:00:00 +0800 +0800")).toBe("2027-01-15T10:00:00.000Z");
    expect(parseExpiry("2027-01-15 00:00:00 +0000 UTC", undefined)).toBe(
      '"2027-01-15 00:00:00 +0000 UTC" is a date without a timezone — set berth:lab.timezone (like Asia/Shanghai), or write the moment with its offset, like 2027-01-15T23:59:59+08:00',
    );
  });

  it("durations count from when the lab was first created", () => {
    const e = parseExpiry("2w", undefined);
    expect(e).toEqual({ kind: "after", hours: 336, written: "2w" });
    if (typeof e === "string") throw new Error(e);
    expect(expiresAt(e, new Date("2027-01-01T00:00:00Z")).toISOString()).toBe("2027-01-15T00:00:00.000Z");
  });

  it("impossible dates and times are refused", () => {
    expect(parseExpiry("2027-02-30", "UTC")).toBe('"2027-02-30" is not a real date and time');
    expect(parseExpiry("2027-01-15T24:00:00Z", "UTC")).toBe('"2027-01-15T24:00:00Z" is not a real date and time');
    expect(parseExpiry("0h", "UTC")).toBe("a lab runs at least one hour — write a duration like 36h, 14d or 2w");
  });

  it("is shown in the lab's timezone and in UTC", () => {
    expect(showExpiry(new Date("2027-01-15T16:00:00Z"), "Asia/Shanghai")).toBe("2027-01-16 00:00 Asia/Shanghai (2027-01-15T16:00:00Z)");
    expect(showExpiry(new Date("2027-01-15T16:00:00Z"), undefined)).toBe("2027-01-15T16:00:00Z");
  });
});

describe("cost and budget", () => {
  const now = new Date("2027-01-01T00:00:00Z");
  it("hosts × price per hour × whole hours until expiry", () => {
    expect(hoursUntil(new Date("2027-01-06T00:30:00Z"), now)).toBe(121);
    const e = estimate(40, digitalOceanPrice("s-1vcpu-2gb")!, 121);
    expect(e.total).toBe(86.44); // 40 × 0.01786 × 121
    expect(showEstimate(e)).toBe("40 hosts × 0.01786 USD/h × 121 h = 86.44 USD, from DigitalOcean's price list (berth's table, checked 2026-11-27)");
  });

  it("over budget is a config error naming the estimate and the fixes; local VMs cost nothing", () => {
    const e = estimate(40, digitalOceanPrice("s-2vcpu-4gb")!, 336);
    expect(budgetProblem(e, { amount: 400, currency: "USD" })).toBe(
      "berth:lab.budget: the lab would cost about 479.94 USD (40 hosts × 0.03571 USD/h × 336 h, from DigitalOcean's price list (berth's table, checked 2026-11-27)), over its budget of 400.00 USD — shorten the roster, end the lab sooner (berth:lab.expires), choose a smaller berth:host.size, or raise the budget",
    );
    expect(budgetProblem(e, { amount: 480, currency: "USD" })).toBeUndefined();
    expect(budgetProblem(e, { amount: 5000, currency: "CNY" })).toBe("berth:lab.budget: the budget is in CNY but this provider's prices are in USD — berth does not convert currencies; give the budget in USD");
    expect(budgetProblem(estimate(200, LOCAL_PRICE, 9000), { amount: 1, currency: "CNY" })).toBeUndefined();
  });

  it("the table's monthly prices are its hourly prices × 672 h (DigitalOcean's monthly cap), to a cent", () => {
    for (const [size, p] of Object.entries(DO_PRICES)) expect([size, Math.round(p.hourly * 672 * 100) / 100]).toEqual([size, p.monthly]);
  });
});
