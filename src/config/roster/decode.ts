/**
 * A roster file's bytes → text, the way spreadsheets write CSV: Excel's "CSV UTF-8" starts with a
 * BOM, "Unicode text" is UTF-16LE (with a BOM) and tab-separated, and plain "CSV" is written in the
 * machine's code page — GB18030/GBK in mainland China. Without a BOM, valid UTF-8 is UTF-8 and
 * anything else is read as `fallback` (GB18030 unless berth:lab.encoding says otherwise). Node's
 * TextDecoder (full ICU, Node 20) does the decoding.
 */
import { firstInvalidUtf8 } from "../pulumi-yaml.js";

/** Encodings a roster may be given in, as TextDecoder labels (berth:lab.encoding). */
export const ROSTER_ENCODINGS = ["auto", "utf-8", "utf-16le", "utf-16be", "gb18030", "gbk", "big5", "shift_jis", "euc-kr", "windows-1252"] as const;
export type RosterEncoding = (typeof ROSTER_ENCODINGS)[number];

export interface DecodedRoster {
  readonly text: string;
  /** What the bytes were read as, for messages: `UTF-8 with BOM`, `GB18030`, … */
  readonly encoding: string;
}

const NAMES: Record<string, string> = { "utf-8": "UTF-8", "utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE", gb18030: "GB18030", gbk: "GBK", big5: "Big5", shift_jis: "Shift_JIS", "euc-kr": "EUC-KR", "windows-1252": "Windows-1252" };

function decodeAs(bytes: Uint8Array, label: string): string {
  return new TextDecoder(label, { fatal: false }).decode(bytes);
}

/** UTF-16 without a BOM: every other byte is NUL in ASCII-heavy text. */
function utf16Guess(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 400);
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.4 && evenNul === 0) return "utf-16le";
  if (evenNul > pairs * 0.4 && oddNul === 0) return "utf-16be";
  return undefined;
}

export function decodeRoster(bytes: Uint8Array, encoding: RosterEncoding = "auto"): DecodedRoster {
  const [a, b, c] = [bytes[0], bytes[1], bytes[2]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return { text: decodeAs(bytes.subarray(3), "utf-8"), encoding: "UTF-8 with BOM" };
  if (a === 0xff && b === 0xfe) return { text: decodeAs(bytes.subarray(2), "utf-16le"), encoding: "UTF-16LE" };
  if (a === 0xfe && b === 0xff) return { text: decodeAs(bytes.subarray(2), "utf-16be"), encoding: "UTF-16BE" };
  if (encoding !== "auto") return { text: decodeAs(bytes, encoding), encoding: NAMES[encoding] ?? encoding };
  const wide = utf16Guess(bytes);
  if (wide) return { text: decodeAs(bytes, wide), encoding: NAMES[wide] ?? wide };
  if (firstInvalidUtf8(bytes) === undefined) return { text: decodeAs(bytes, "utf-8"), encoding: "UTF-8" };
  return { text: decodeAs(bytes, "gb18030"), encoding: "GB18030 (not UTF-8; read as the mainland-China code page — set berth:lab.encoding if it is another)" };
}
