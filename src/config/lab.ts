/**
 * The lab's cross-field rules and its roster, read at load time like the other files a stack
 * names: which providers can run a lab, the expiry read in its timezone, and the students with
 * their host names (`<namePrefix>-<slug of id>`, within the provider's name limit).
 */
import { isAbsolute, resolve } from "node:path";
import { parseExpiry, type Expiry } from "./expiry.js";
import type { Problem } from "./plan.js";
import { readRoster, type RosterSummary, type Student } from "./roster/roster.js";
import { LOCAL_NAME_MAX, TENCENT_NAME_BYTES } from "./sections/host-rules.js";
import type { Provider } from "./sections/host.js";
import type { LabInput } from "./sections/lab.js";

export type { Student, RosterSummary };

/**
 * Providers a lab runs on. Tencent Cloud labs run through the lab layer of berth's Tencent
 * provider (one shared security group and key pair per lab, lab-mode hosts with native expiry, and
 * a quota and price preflight), which components/lab-tencent.ts connects.
 */
export const LAB_PROVIDERS: readonly Provider[] = ["local", "digitalocean", "tencentcloud"];

export const LAB_NAME_LIMITS: Record<Provider, number> = { local: LOCAL_NAME_MAX, tencentcloud: TENCENT_NAME_BYTES, digitalocean: 63, existing: 63 };

/** Room a host name must leave for the student's part. */
const MIN_SLUG = 8;

export interface LabConfig {
  /** The roster as berth:lab.roster wrote it, and its full path. */
  readonly roster: string;
  readonly rosterPath: string;
  readonly students: readonly Student[];
  readonly summary: RosterSummary;
  readonly expiry: Expiry;
  readonly timezone: string | undefined;
  readonly budget: LabInput["budget"];
  /** Handout directory as written (relative paths: to the project directory). */
  readonly handouts: string;
  readonly namePrefix: string;
}

const p = (path: PropertyKey[], message: string): Problem => ({ path, message });

/** The name prefix: berth:lab.namePrefix, else the stack name made a DNS label. */
export function labPrefix(lab: LabInput, stack: string | undefined): string {
  if (lab.namePrefix) return lab.namePrefix;
  const s = (stack ?? "lab").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 24).replace(/-+$/, "");
  return s || "lab";
}

export function labProviderProblems(provider: Provider, rawHost: unknown): Problem[] {
  const out: Problem[] = [];
  if (provider === "existing") out.push(p(["lab"], "a lab makes one new host per student, and provider existing uses a server you already have — choose local, digitalocean or tencentcloud"));
  if (typeof rawHost === "object" && rawHost !== null && "name" in rawHost)
    out.push(p(["host", "name"], "names a single host; a lab names each student's host <namePrefix>-<student id> — remove host.name, or set berth:lab.namePrefix"));
  return out;
}

export function expiryProblems(lab: LabInput): Problem[] {
  const e = parseExpiry(lab.expires, lab.timezone);
  return typeof e === "string" ? [p(["lab", "expires"], e)] : [];
}

export interface LabRead {
  readonly lab?: LabConfig;
  readonly errors: string[];
}

/** Read the roster and build the lab's config; errors name berth:lab.roster and the file's row and column. */
export function readLab(lab: LabInput, provider: Provider, opts: { baseDir: string; stack?: string | undefined; readBytes: (path: string) => Uint8Array }): LabRead {
  const errors: string[] = [];
  const prefix = labPrefix(lab, opts.stack);
  const limit = LAB_NAME_LIMITS[provider];
  if (prefix.length + 1 + MIN_SLUG > limit) {
    const what = lab.namePrefix ? `berth:lab.namePrefix "${prefix}"` : `berth:lab.namePrefix (the stack name "${prefix}" when unset)`;
    errors.push(`${what} leaves less than ${MIN_SLUG} characters of the ${limit} a ${provider} host name may have for the student's part — set a shorter berth:lab.namePrefix`);
    return { errors };
  }
  const full = isAbsolute(lab.roster) ? lab.roster : resolve(opts.baseDir, lab.roster);
  let bytes: Uint8Array;
  try {
    bytes = opts.readBytes(full);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    return { errors: [`berth:lab.roster: cannot read "${lab.roster}" (${why}; paths are relative to ${opts.baseDir})`] };
  }
  const r = readRoster(bytes, { shown: lab.roster, encoding: lab.encoding, ...(lab.columns ? { columns: lab.columns } : {}), prefix, nameLimit: limit });
  if (!r.ok) return { errors: r.problems.map((m) => `berth:lab.roster: ${m}`) };
  const expiry = parseExpiry(lab.expires, lab.timezone);
  if (typeof expiry === "string") return { errors };
  const handouts = lab.handouts ?? `handouts/${opts.stack ?? prefix}`;
  return {
    errors,
    lab: { roster: lab.roster, rosterPath: full, students: r.students, summary: r.summary, expiry, timezone: lab.timezone, budget: lab.budget, handouts, namePrefix: prefix },
  };
}
