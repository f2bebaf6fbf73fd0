// Every leaf field of berth's config, found by walking the schemas: values outside its domain are
// refused with an error naming that field's path, values inside it load. Numbers take their bounds
// from the schema, strings their generators from the field's registered domain (or its regex), so
// a field added later is covered the moment it exists.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { load } from "../../src/config/load.js";
import { PROVIDER_KEYS } from "../../src/config/sections/host-rules.js";
import { PUBKEY, RSA_PUBKEY } from "../helpers/config.js";
import { DOMAINS } from "../helpers/domains.js";
import { leaves, regexOf, shown, type Leaf, type Path } from "../helpers/schema-walk.js";

const RUNS = 12;
const APP = { image: "reg.lab/app:v1", ports: ["80:8080"] };
const BASES: Record<string, Record<string, unknown>> = {
  local: { host: { provider: "local" }, bootstrap: { mirror: "tuna" }, app: APP },
  digitalocean: { host: { provider: "digitalocean", sshPublicKey: PUBKEY }, bootstrap: { mirror: "tuna" }, app: APP },
  tencentcloud: { host: { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY }, bootstrap: { mirror: "tuna" }, app: APP },
  existing: { host: { provider: "existing", address: "203.0.113.10" }, bootstrap: { mirror: "tuna" }, app: APP },
};
/** What else a field needs to be valid (a rule ties it to another field). */
const CONTEXT: [RegExp, Record<string, unknown>][] = [
  [/^bootstrap\.conda\.sha256$/, { bootstrap: { conda: { version: "py312_24.11.1-0" } } }],
  [/^bootstrap\.docker\.daemon\.(log-driver|log-opts)/, { bootstrap: { docker: { logRotation: false } } }],
  // A cache host runs nothing beside the cache: no app.
  [/^cache\./, { app: undefined }],
  [/^bootstrap\.docker\.daemon\.tlsverify$/, { bootstrap: { docker: { daemon: { tlscacert: "/etc/docker/ca.pem", tlscert: "/etc/docker/cert.pem", tlskey: "/etc/docker/key.pem" } } } }],
];
/** Fields whose in-domain values depend on a sibling, so only their refusals are generated here. */
const REFUSALS_ONLY: Record<string, string> = {
  "host.provider": "each provider needs its own keys (config-values.test.ts)",
  "bootstrap.docker.daemon.hosts[0]": "a tcp:// listener needs allowUnauthenticatedTcp or TLS verification (config-values.test.ts)",
  "bootstrap.docker.daemon.default-address-pools[0].base": "the size must fit the base's prefix",
  "bootstrap.docker.daemon.default-address-pools[0].size": "the size must fit the base's prefix",
  "bootstrap.docker.daemon.default-ulimits.nofile.Name": "must equal the key it is under",
  "bootstrap.docker.daemon.default-ulimits.nofile.name": "must equal the key it is under",
  "bootstrap.docker.daemon.default-ulimits.nofile.Hard": "Soft and Hard go together",
  "bootstrap.docker.daemon.default-ulimits.nofile.hard": "Soft and Hard go together",
  "bootstrap.docker.daemon.default-ulimits.nofile.Soft": "Soft and Hard go together",
  "bootstrap.docker.daemon.default-ulimits.nofile.soft": "Soft and Hard go together",
  "lab.encoding": "must match the roster file's bytes (roster.test.ts)",
  "lab.columns.id": "must name a header of the roster file (roster.test.ts)",
  "lab.columns.name": "must name a header of the roster file (roster.test.ts)",
  "lab.columns.email": "must name a header of the roster file (roster.test.ts)",
  "lab.columns.sshPublicKey": "must name a header of the roster file (roster.test.ts)",
};
/** Leaves that take anything (JSON passed through to dockerd's runtime options, a filter list or map). */
const OPEN = ["bootstrap.docker.daemon.runtimes.NAME.options.NAME", "bootstrap.docker.daemon.builder.gc.policy[0].filter", "bootstrap.docker.daemon.builder.history.maxAge"];

/** String domains that also take a number (sizes in bytes), so a number is not a wrong type there. */
const TAKES_NUMBERS = ["daemon-size"];

const def = (s: z.ZodType) => (s as unknown as { def: Record<string, unknown> }).def;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
function merge(a: unknown, b: unknown): unknown {
  if (!isObj(a) || !isObj(b)) return b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
  return out;
}

function providerFor(path: Path): string {
  return path[0] === "host" ? (PROVIDER_KEYS[String(path[1])]?.[0] ?? "local") : "local";
}

function configWith(leaf: Leaf, value: unknown): Record<string, unknown> {
  const key = shown(leaf.path);
  let cfg = merge(BASES[providerFor(leaf.path)], { [String(leaf.path[0])]: leaf.place(value) }) as Record<string, unknown>;
  for (const [re, extra] of CONTEXT) if (re.test(key)) cfg = merge(cfg, extra) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(cfg).map(([k, v]) => [`berth:${k}`, v]));
}

const loadWith = (leaf: Leaf, value: unknown) =>
  load(configWith(leaf, value), { baseDir: "/proj", readFile: () => "name: lab\n", readBytes: () => new TextEncoder().encode("id,name\ns001,Ada\n"), isSecret: () => leaf.domain === "secret" });

/** In-domain and out-of-domain generators for a leaf, from its schema and domain. */
interface Gens {
  readonly valid?: fc.Arbitrary<unknown>;
  readonly invalid: fc.Arbitrary<unknown>;
  /** For generated candidates that may happen to be valid: whether one is really out of the domain. */
  readonly refused?: (v: unknown) => boolean;
}

function generators(leaf: Leaf): Gens | undefined {
  const d = def(leaf.schema);
  const wrongType = (except: string) => fc.constantFrom<unknown>(...[42, true, "text", ["a"], { a: 1 }].filter((v) => (Array.isArray(v) ? "array" : typeof v) !== except));
  if (d.type === "number") {
    const n = leaf.schema as z.ZodNumber;
    const [min, max] = [n.minValue ?? -1e9, n.maxValue ?? 1e9];
    return {
      valid: fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) }),
      invalid: fc.oneof(fc.constant(min - 1), fc.constant(max + 1), fc.double({ min: Math.max(min, -1e6), max: Math.min(max, 1e6), noNaN: true }).filter((x) => !Number.isInteger(x)), wrongType("number")),
    };
  }
  if (d.type === "boolean") return { valid: fc.boolean(), invalid: fc.oneof(fc.constantFrom("true", "yes", "on", 1, 0), wrongType("boolean")) };
  if (d.type === "literal") return { valid: fc.constant((d.values as unknown[])[0]), invalid: fc.constantFrom(true, "no", 0, "false") };
  const choice = /^(choice|daemon-enum):(.+)$/.exec(leaf.domain ?? "");
  if (choice) {
    const values = (choice[2] ?? "").split("|");
    return { valid: fc.constantFrom(...values), invalid: fc.oneof(fc.stringMatching(/^[a-z]{2,10}$/).filter((s) => !values.includes(s)), wrongType("string")) };
  }
  const g = leaf.domain ? DOMAINS[leaf.domain] : undefined;
  const typed = !leaf.isKey && !TAKES_NUMBERS.includes(leaf.domain ?? "");
  const strings = (valid: fc.Arbitrary<unknown> | undefined, invalid: fc.Arbitrary<unknown>) => ({ valid, invalid: typed ? fc.oneof(invalid, wrongType("string")) : invalid });
  if (g) return strings(g.valid, g.invalid);
  const options = d.type === "union" ? (d.options as z.ZodType[]) : [leaf.schema];
  const re = options.map(regexOf).find((r) => r !== undefined);
  if (!re) return undefined;
  // null (a part the mirror does not serve) is valid only when another mirror serves that part: not generated here.
  // Any string the field's own options refuse (checked in the property with fc.pre, never an endless filter).
  const refused = (s: unknown) => !options.some((o) => o.safeParse(s).success);
  return { ...strings(fc.stringMatching(re), fc.string({ maxLength: 20, unit: "binary-ascii" })), refused };
}

const all = leaves();

describe("the schemas are covered", () => {
  it("every leaf has generators, or is listed as open", () => {
    const missing = all.filter((l) => !OPEN.includes(shown(l.path)) && !(l.isKey && l.domain === undefined) && generators(l) === undefined).map((l) => shown(l.path));
    expect(missing).toEqual([]);
  });
  it("the lists of exceptions name leaves that exist", () => {
    const paths = new Set(all.map((l) => shown(l.path)));
    expect([...Object.keys(REFUSALS_ONLY), ...OPEN].filter((p) => !paths.has(p))).toEqual([]);
  });
});

describe.each(all.filter((l) => !OPEN.includes(shown(l.path)) && generators(l) !== undefined).map((l) => [shown(l.path), l] as const))("%s", (path, leaf) => {
  const gen = generators(leaf)!;
  const at = `berth:${leaf.isKey ? path.replace(/\.<key>$/, "") : path}`;
  const named = (errors: string[]) => errors.some((e) => e.startsWith(at) && /^[:.[]/.test(e.slice(at.length)));

  it("refuses values outside its domain, naming the field", () => {
    fc.assert(fc.property(gen.invalid, (v) => {
      fc.pre(gen.refused?.(v) ?? true);
      const r = loadWith(leaf, v);
      return !r.ok && named(r.errors);
    }), { numRuns: RUNS, endOnFailure: true });
  });

  if (gen.valid && !(path in REFUSALS_ONLY)) {
    it("loads values inside its domain", () => {
      fc.assert(fc.property(gen.valid!, (v) => {
        const r = loadWith(leaf, v);
        if (!r.ok) throw new Error(`${JSON.stringify(v)} was refused:\n${r.errors.join("\n")}`);
      }), { numRuns: RUNS, endOnFailure: true });
    });
  }
});
