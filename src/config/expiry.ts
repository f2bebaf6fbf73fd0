/**
 * berth:lab.expires: when the lab ends. Either a moment — `2027-01-15T18:00:00+08:00`, or a date
 * or a time without an offset, read in berth:lab.timezone (refused without one: "18:00" in
 * whose time?) — or a duration (`36h`, `14d`, `2w`) counted from when the lab was first created.
 * A date alone means the end of that day. Pulumi hands an unquoted YAML date to the program as
 * Go's time string (`2027-01-15 00:00:00 +0000 UTC`); that form at midnight UTC is read as the
 * date alone, since it is what an unquoted `2027-01-15` becomes.
 */
export type Expiry =
  | { readonly kind: "at"; readonly at: Date; readonly written: string }
  | { readonly kind: "after"; readonly hours: number; readonly written: string };

const DURATION = /^(\d{1,4})\s*(h|d|w)$/i;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const GO = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ([+-]\d{4}) \S+$/;
const HOURS = { h: 1, d: 24, w: 168 } as const;
/** A lab longer than this is almost certainly a typo (`2027` for `2026`, `300d` for `30d`). */
export const MAX_LAB_HOURS = 366 * 24;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Minutes east of UTC in `tz` at instant `t`. */
function offsetMinutes(tz: string, t: number): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(t / 1000) * 1000) / 60000);
}

/** The instant a wall-clock time in `tz` stands for. */
export function zonedTime(wallUtcMs: number, tz: string): Date {
  let t = wallUtcMs - offsetMinutes(tz, wallUtcMs) * 60000;
  t = wallUtcMs - offsetMinutes(tz, t) * 60000;
  return new Date(t);
}

function offsetOf(zone: string): number {
  if (zone === "Z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The parsed expiry, or a sentence saying what is wrong (the caller names the key). */
export function parseExpiry(value: string, timezone: string | undefined): Expiry | string {
  const written = value.trim();
  const d = DURATION.exec(written);
  if (d) {
    const hours = Number(d[1]) * HOURS[(d[2] ?? "h").toLowerCase() as keyof typeof HOURS];
    if (hours < 1) return "a lab runs at least one hour — write a duration like 36h, 14d or 2w";
    if (hours > MAX_LAB_HOURS) return `${written} is more than a year — berth refuses labs longer than ${MAX_LAB_HOURS / 24} days; write the course's end date`;
    return { kind: "after", hours, written };
  }
  const go = GO.exec(written);
  const iso = ISO.exec(written);
  const m = go ?? iso;
  if (!m) return `"${written}" is neither a date (2027-01-15, 2027-01-15T18:00:00+08:00) nor a duration (36h, 14d, 2w)`;
  const [y, mo, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dateOnly = go ? m[4] === "00" && m[5] === "00" && m[6] === "00" && m[7] === "+0000" : m[4] === undefined;
  const [h, mi, s] = dateOnly ? [24, 0, 0] : [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const wall = Date.UTC(y, mo - 1, day, h, mi, s);
  const check = new Date(Date.UTC(y, mo - 1, day));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== day || h > 24 || mi > 59 || s > 59 || (h === 24 && !dateOnly)) return `"${written}" is not a real date and time`;
  const zone = dateOnly ? undefined : (m[7] ?? undefined);
  if (zone !== undefined) return { kind: "at", at: new Date(wall - offsetOf(zone) * 60000), written };
  if (timezone === undefined) {
    const what = dateOnly ? "a date" : "a time";
    const example = `${m[1]}-${m[2]}-${m[3]}T${dateOnly ? "23:59:59" : `${m[4]}:${m[5]}:${m[6] ?? "00"}`}+08:00`;
    return `"${written}" is ${what} without a timezone — set berth:lab.timezone (like Asia/Shanghai), or write the moment with its offset, like ${example}`;
  }
  return { kind: "at", at: zonedTime(wall, timezone), written };
}

/** When the lab ends: the moment, or the duration from when it was first created. */
export function expiresAt(e: Expiry, createdAt: Date): Date {
  return e.kind === "at" ? e.at : new Date(createdAt.getTime() + e.hours * 3600_000);
}

/** `2027-01-16 00:00 Asia/Shanghai (2027-01-15T16:00:00Z)`. */
export function showExpiry(at: Date, timezone: string | undefined): string {
  const utc = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (!timezone) return utc;
  const local = new Intl.DateTimeFormat("sv-SE", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  return `${local} ${timezone} (${utc})`;
}
