/**
 * Reading a stack file's bytes the way the Pulumi CLI does (its Go reader: a UTF-8 BOM is
 * stripped, UTF-16 with a BOM is decoded, anything else must be valid UTF-8; gopkg.in/yaml.v3
 * resolves plain scalars), so `berth render` sees the same values `pulumi up` hands the program:
 * `012` is 10 (octal), `0b101` is 5, `1_000` is 1000, `yes` and `on` stay strings, `1e400` stays
 * a string, a date becomes Go's time string, merge keys (`<<: *base`) merge, and only the first
 * YAML document counts. Errors name the line, the column and the code frame.
 */
import { isScalar, parseAllDocuments, Scalar, visit, type Document, type ScalarTag } from "yaml";

export class FileProblem extends Error {}

/** Text of a stack file, or a FileProblem naming the byte that is not UTF-8. */
export function decodeStackBytes(bytes: Uint8Array, file: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return new TextDecoder(bytes[0] === 0xff ? "utf-16le" : "utf-16be").decode(bytes.subarray(2));
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad === undefined) return new TextDecoder("utf-8").decode(bytes);
  const before = bytes.subarray(0, bad);
  const line = before.filter((b) => b === 0x0a).length + 1;
  const col = bad - (before.lastIndexOf(0x0a) + 1) + 1;
  const hex = (bytes[bad] ?? 0).toString(16).toUpperCase().padStart(2, "0");
  throw new FileProblem(`${file}: not UTF-8 — byte 0x${hex} at offset ${bad} (line ${line}, byte ${col} of the line) is not valid UTF-8; Pulumi refuses the file too. Save it as UTF-8 (iconv -f GB18030 -t UTF-8, or your editor's "Save with encoding")`);
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number | undefined {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    let n = 0;
    let min = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) (n = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    let cp = n === 0 ? c : c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (n > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) return i;
    i += n + 1;
  }
  return undefined;
}

const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|[ ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?$/;
const pad = (n: string | number, w = 2) => String(n).padStart(w, "0");

/** A date as Go's time.Time prints it (what Pulumi passes on for an unquoted timestamp). */
function goTime(m: RegExpExecArray): string | undefined {
  const [, y, mo, d, t, h, mi, s, frac, zone] = m;
  if (t && !zone) return undefined; // RFC 3339 with T needs a zone
  if (!t && h !== undefined && zone) return undefined; // "2001-12-14 21:59:43 +…" is not one of Go's layouts
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) return undefined;
  const f = frac ? frac.replace(/0+$/, "") : "";
  const off = !zone || zone === "Z" ? "+0000 UTC" : `${zone.replace(":", "")} ${zone.replace(":", "")}`;
  return `${y}-${pad(mo ?? "")}-${pad(d ?? "")} ${pad(h ?? 0)}:${pad(mi ?? 0)}:${pad(s ?? 0)}${f ? `.${f}` : ""} ${off}`;
}

/** gopkg.in/yaml.v3's resolve() for plain scalars. */
export function goScalar(s: string): unknown {
  switch (s) {
    case "": case "~": case "null": case "Null": case "NULL": return null;
    case "true": case "True": case "TRUE": return true;
    case "false": case "False": case "FALSE": return false;
    case ".inf": case ".Inf": case ".INF": case "+.inf": case "+.Inf": case "+.INF": return Infinity;
    case "-.inf": case "-.Inf": case "-.INF": return -Infinity;
    case ".nan": case ".NaN": case ".NAN": return NaN;
  }
  const hint = s[0] ?? "";
  if (hint === ".") return GO_FLOAT.test(s) ? Number(s) : s;
  if (!/[-+0-9]/.test(hint)) return s;
  const time = GO_TIME.exec(s);
  if (time) return goTime(time) ?? s;
  const plain = s.replace(/_/g, "");
  if (GO_INT.test(plain)) {
    const neg = plain.startsWith("-");
    const body = plain.replace(/^[-+]/, "");
    const v = /^0[0-7]+$/.test(body) ? Number.parseInt(body, 8) : /^0[oO]/.test(body) ? Number.parseInt(body.slice(2), 8) : /^0[bB]/.test(body) ? Number.parseInt(body.slice(2), 2) : Number(body);
    return neg ? 0 - v : v;
  }
  if (GO_FLOAT.test(plain)) {
    const v = Number(plain);
    return Number.isFinite(v) ? v : s;
  }
  if (/^-?0[bB][01]+$/.test(plain)) return Number.parseInt(plain.replace("0b", "").replace("0B", ""), 2);
  if (/^-?0[oO][0-7]+$/.test(plain)) return (plain.startsWith("-") ? -1 : 1) * Number.parseInt(plain.replace(/^-?0[oO]/, ""), 8);
  return s;
}

const goPlain: ScalarTag = { tag: "tag:berth.dev,2025:go-plain", default: true, test: /^[\s\S]*$/, resolve: goScalar };

export interface ParsedYaml {
  readonly value: unknown;
  /** Further YAML documents after the first (Pulumi reads only the first). */
  readonly extraDocuments: number;
}

/** Parse YAML text as Pulumi's reader does; a syntax error is a FileProblem with line:column and code frame. */
export function parsePulumiYaml(text: string, file: string): ParsedYaml {
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true, customTags: (tags) => [goPlain, ...tags], intAsBigInt: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const first = list[0] as Document | undefined;
  const error = list.flatMap((d) => d.errors)[0];
  if (error) {
    const [line, col] = [error.linePos?.[0].line ?? 0, error.linePos?.[0].col ?? 0];
    const [reason = error.message, ...frame] = error.message.split("\n");
    throw new FileProblem(`${file}:${line}:${col}: ${reason.replace(/ at line \d+, column \d+:?$/, "")}${frame.length ? "\n" + frame.join("\n").replace(/^\n+|\n+$/g, "") : ""}`);
  }
  if (!first) return { value: null, extraDocuments: 0 };
  visit(first, {
    Scalar(_, node: Scalar) {
      if (isScalar(node) && typeof node.value === "number" && !Number.isFinite(node.value)) {
        const at = node.range ? lineOf(text, node.range[0]) : 0;
        throw new FileProblem(`${file}:${at}: ${String(node.source ?? node.value)} is not a number Pulumi can store (it refuses the file) — quote it, or write a finite number`);
      }
    },
  });
  return { value: first.toJS({ maxAliasCount: 1000 }) as unknown, extraDocuments: list.length - 1 };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}
