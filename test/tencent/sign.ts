// sign.ts — TC3-HMAC-SHA256 ("Signature v3") exactly as Tencent Cloud documents it.
//
// Used by the local Tencent Cloud API stand-in (server.ts) to VERIFY requests; it is
// independent of the SDK's own signer, so a signer bug in either shows up as a mismatch.
//
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//                      CanonicalHeaders \n SignedHeaders \n hex(sha256(payload))
//   StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/service/tc3_request \n hex(sha256(CanonicalRequest))
//   Signature        = hex(HMAC(HMAC(HMAC(HMAC("TC3"+SecretKey, Date), service), "tc3_request"), StringToSign))
import { createHash, createHmac } from "node:crypto";

export const TC3_ALGORITHM = "TC3-HMAC-SHA256";

export interface Tc3Input {
  method: string;
  /** Canonical URI, "/" for every Tencent API 3.0 call. */
  path?: string;
  /** Canonical query string: empty for POST. */
  query?: string;
  /** The signed headers, name → value; names and values are lower-cased and trimmed here. */
  headers: Record<string, string>;
  payload: string | Buffer;
  /** Unix seconds (X-TC-Timestamp). */
  timestamp: number;
  service: string;
  secretKey: string;
}

export interface Tc3Result {
  signature: string;
  signedHeaders: string;
  credentialScope: string;
  canonicalRequest: string;
  stringToSign: string;
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** UTC date (YYYY-MM-DD) of a Unix timestamp, as used in the credential scope. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export function tc3Sign(input: Tc3Input): Tc3Result {
  const entries = Object.entries(input.headers)
    .map(([k, v]) => [k.trim().toLowerCase(), v.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = entries.map(([k, v]) => `${k}:${v}\n`).join("");
  const signedHeaders = entries.map(([k]) => k).join(";");
  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path ?? "/",
    input.query ?? "",
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.payload),
  ].join("\n");
  const date = tc3Date(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(input.timestamp), credentialScope, sha256Hex(canonicalRequest)].join("\n");
  const kDate = hmac("TC3" + input.secretKey, date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, "tc3_request");
  const signature = createHmac("sha256", kSigning).update(stringToSign, "utf8").digest("hex");
  return { signature, signedHeaders, credentialScope, canonicalRequest, stringToSign };
}

/** The Authorization header value a client sends for these inputs. */
export function tc3Authorization(input: Tc3Input, secretId: string): string {
  const r = tc3Sign(input);
  return `${TC3_ALGORITHM} Credential=${secretId}/${r.credentialScope}, SignedHeaders=${r.signedHeaders}, Signature=${r.signature}`;
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `TC3-HMAC-SHA256 Credential=…/date/service/tc3_request, SignedHeaders=…, Signature=…`. */
export function parseTc3Authorization(value: string | undefined): ParsedAuthorization | undefined {
  const m = /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/([^/\s,]+)\/([^/\s,]+)\/([^/\s,]+), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
    (value ?? "").trim(),
  );
  if (!m) return undefined;
  const [, secretId, date, service, terminator, signed, signature] = m as unknown as string[];
  return { secretId: secretId!, date: date!, service: service!, terminator: terminator!, signedHeaders: signed!.split(";"), signature: signature! };
}
