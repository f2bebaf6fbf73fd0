/**
 * `berth:lab` — one host per student of a course: the roster, when the lab ends, what it may
 * cost, and where the handouts go. Everything in berth:host, berth:bootstrap and berth:app is the
 * template every student's host is made from.
 */
import { z } from "zod";
import { isTimeZone, parseExpiry } from "../expiry.js";
import { argument, choice, domain, section, wholeNumber } from "../fields.js";
import { ROSTER_ENCODINGS } from "../roster/decode.js";

/** Budget currencies: the currencies providers price in (DigitalOcean USD, Tencent Cloud CNY). */
export const CURRENCIES = ["USD", "CNY"] as const;
export type Currency = (typeof CURRENCIES)[number];

const header = domain(z.string().min(1, { message: "must name a column of the header row" }), "roster-header");

export const labSchema = section({
  /** The roster CSV, relative to the project directory (the parent of stacks/). */
  roster: domain(z.string({ error: (iss) => (iss.input === undefined ? "required: the roster file, like rosters/ml-2027.csv (one row per student: id, name, email, sshPublicKey)" : undefined) }).min(1, { message: "must name the roster file" }), "roster-file"),
  /** The roster's text encoding; `auto` reads a BOM, UTF-16 and UTF-8, else GB18030. */
  encoding: choice(ROSTER_ENCODINGS, "encoding").default("auto"),
  /** Header names of the roster's columns, when berth does not recognise them. */
  columns: section({ id: header.optional(), name: header.optional(), email: header.optional(), sshPublicKey: header.optional() }).optional(),
  /** When the lab ends: a date (time), or a duration from its creation (`14d`). */
  expires: domain(z.string({ error: (iss) => (iss.input === undefined ? "required: when the lab ends, like 2027-01-15 (with berth:lab.timezone) or 14d — berth destroys nothing by itself, but every host carries this date" : `expected a date like 2027-01-15 or a duration like 14d, not ${JSON.stringify(iss.input)}`) }).superRefine((v, ctx) => {
    const e = parseExpiry(v, "UTC");
    if (typeof e === "string") ctx.addIssue({ code: "custom", message: e });
  }), "lab-expires"),
  /** The IANA timezone dates without an offset are read in (Asia/Shanghai). */
  timezone: domain(z.string().refine(isTimeZone, { error: (iss) => `unknown timezone ${JSON.stringify(iss.input)} — write an IANA name like Asia/Shanghai, Europe/Berlin or UTC` }), "timezone").optional(),
  /** The most the lab may cost; preview fails when the estimate is over it. */
  budget: section({
    amount: wholeNumber(1, 1_000_000_000, "a whole amount"),
    currency: choice(CURRENCIES, "currency"),
  }).optional(),
  /** Where `berth lab handout` writes (default handouts/<stack>), relative to the project directory. */
  handouts: domain(z.string().min(1, { message: "must name a directory" }), "file-path").optional(),
  /** Host names are `<namePrefix>-<student>`; default the stack name. */
  namePrefix: domain(argument().regex(/^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$/, { message: "must be lowercase letters, digits and inner -, at most 24 characters (it starts every host's name)" }), "lab-prefix").optional(),
});

export type LabInput = z.output<typeof labSchema>;
