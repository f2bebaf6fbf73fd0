/**
 * The config keys of a stack, before any section is parsed: which namespaces this program reads,
 * which `berth:` settings exist, and the `tencentcloud:` settings berth's own Tencent provider
 * takes. A key nobody reads is an error, not a silent default: `berht:host` and `Berth:host`
 * would otherwise leave berth:host unset and the stack running on defaults.
 */
import { isHttpUrl } from "./fields.js";
import { suggest, unknownName } from "./messages.js";
import { isLoopback } from "./values.js";

export const SECTIONS = ["host", "bootstrap", "app", "lab", "cache"] as const;
export type SectionName = (typeof SECTIONS)[number];

/** Secret scalars the Pulumi program reads itself (never part of StackConfig). */
export const SECRET_SETTINGS = ["sshPrivateKey"] as const;

/** Every `berth:` setting, for "did you mean". */
export const BERTH_SETTINGS: readonly string[] = [...SECTIONS, ...SECRET_SETTINGS];

/** The namespaces something in this program reads: berth itself, its Tencent provider, the DigitalOcean provider, Pulumi. */
export const NAMESPACES = ["berth", "tencentcloud", "digitalocean", "pulumi"] as const;

/** What berth's Tencent Cloud provider reads (src/program.ts). */
export const TENCENT_SETTINGS = ["secretId", "secretKey", "endpoint"] as const;

export interface ClassifiedKeys {
  /** `berth:host` etc. by section name. */
  readonly sections: Partial<Record<SectionName, unknown>>;
  readonly problems: string[];
}

function namespaceOf(key: string): [string, string] {
  const i = key.indexOf(":");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}

/** Sort the keys into berth's sections and problems naming the key as written. */
export function classifyKeys(raw: Readonly<Record<string, unknown>>): ClassifiedKeys {
  const sections: Partial<Record<SectionName, unknown>> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const [ns, name] = namespaceOf(key);
    if (ns === "berth") {
      if ((SECTIONS as readonly string[]).includes(name)) sections[name as SectionName] = value;
      else if (!(SECRET_SETTINGS as readonly string[]).includes(name)) problems.push(`berth:${name}: ${unknownName("setting", name, BERTH_SETTINGS)}`);
      continue;
    }
    if (ns === "tencentcloud") {
      if (!(TENCENT_SETTINGS as readonly string[]).includes(name)) {
        const region = name === "region" ? " — the region is berth:host.region" : "";
        problems.push(`${key}: ${unknownName("Tencent Cloud setting", name, TENCENT_SETTINGS)}${region}`);
      } else if (name === "endpoint") {
        const p = endpointProblem(value);
        if (p) problems.push(`${key}: ${p}`);
      }
      continue;
    }
    if ((NAMESPACES as readonly string[]).includes(ns)) continue;
    const hint = suggest(ns, NAMESPACES);
    const mean = hint ? ` — did you mean "${hint}:${name}"?` : " — remove it";
    problems.push(`${key}: no part of this program reads the namespace "${ns}"${mean} (it reads ${NAMESPACES.map((n) => `${n}:`).join(", ")}; berth's settings are ${BERTH_SETTINGS.map((s) => `berth:${s}`).join(", ")})`);
  }
  return { sections, problems };
}

/**
 * `tencentcloud:endpoint` carries TC3-signed API calls (with the user-data): https anywhere,
 * plain http only to this machine (a local stand-in of the API).
 */
export function endpointProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || !isHttpUrl(value)) return `${JSON.stringify(value)} is not an http(s) URL — write it like https://cvm.tencentcloudapi.com`;
  const u = new URL(value);
  if (u.protocol === "https:" || isLoopback(u.hostname)) return undefined;
  return `"${value}" is plain HTTP to a host that is not this machine, so signed API calls and the user-data would cross the network unencrypted — use https://…, or http:// only with 127.0.0.1, ::1 or localhost`;
}

