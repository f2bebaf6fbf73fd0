// errors.ts — every Tencent Cloud SDK failure becomes a TencentApiError whose message names the
// action, the Tencent error code, Tencent's message and the RequestId, plus what to do about it.
// Credentials never reach a message: known secret strings are replaced by [REDACTED].
//
//   Tencent Cloud RunInstances failed: InvalidAccount.InsufficientBalance — Insufficient balance.
//   (RequestId 5c1c…) Top up the Tencent Cloud account or switch to a cheaper instance type.

/** Throttling codes: RequestLimitExceeded and its sub-codes (e.g. .UinLimitExceeded). */
export function isThrottle(code: string): boolean {
  return code === "RequestLimitExceeded" || code.startsWith("RequestLimitExceeded.");
}

// Keyed on the codes Tencent documents for the actions berth calls (the CVM error-code list and
// each action's "可能返回的错误码"): RunInstances, ImportKeyPair, TerminateInstances, VPC security groups.
const HINTS: [RegExp, string][] = [
  [/^AuthFailure\.(SecretIdNotFound|SignatureFailure|InvalidSecretId)$/, "Check tencentcloud:secretId / tencentcloud:secretKey (or TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY)."],
  [/^AuthFailure\.SignatureExpire$/, "The local clock is off by more than 5 minutes; sync it (NTP) and retry."],
  [/^AuthFailure\.UnauthorizedOperation$|^UnauthorizedOperation/, "The API key lacks CAM permission for this action (cvm:* and vpc:* security groups)."],
  [/^RequestLimitExceeded/, "Tencent Cloud is throttling this account; the call was retried with backoff. Wait and run again."],
  [/^InvalidAccount\.(InsufficientBalance|UnpaidOrder)$/, "Top up the Tencent Cloud account (or settle unpaid orders) and run again."],
  [/^(ResourceInsufficient|ResourcesSoldOut|ResourceUnavailable)\./, "Choose another zone or instance type (berth:host.zone / berth:host.size)."],
  [/^InvalidParameterValue\.InvalidUserDataFormat$/, "The user-data must be base64-encoded; berth encodes it, so report this as a berth bug."],
  [/^InvalidParameterValue\.TooLarge$/, "A value is over Tencent's limit: the user-data may be at most 16 KB after base64 (trim the bootstrap config), and berth:host.bandwidth must be within your account's range."],
  [/^InvalidInstanceName\.TooLong$/, "Instance names are at most 60 bytes (UTF-8): shorten berth:host.name."],
  [/^InvalidPublicKey\.Malformed$/, "Tencent Cloud imports OpenSSH RSA public keys only: make one with ssh-keygen -t rsa -b 4096 and set berth:host.sshPublicKey to its .pub line."],
  [/^InvalidKeyPair\.LimitExceeded$/, "The account holds as many key pairs as it may (100); delete unused ones in the console."],
  [/^InvalidZone\.MismatchRegion$|^InvalidParameterValue\.ZoneNotSupported$/, "The zone must belong to the region and offer the instance type, e.g. ap-guangzhou-3 in ap-guangzhou."],
  [/^InstancesQuotaLimitExceeded$|^LimitExceeded\.InstanceQuota$/, "The zone's pay-as-you-go instance quota is used up: choose another zone (berth:host.zone), remove hosts, or ask Tencent Cloud to raise the quota (DescribeAccountQuota shows it)."],
  [/^LimitExceeded$/, "An account limit is reached (e.g. 50 security groups per region): delete unused ones in the console or ask Tencent Cloud to raise it."],
  [/^LimitExceeded\.SecurityGroupPolicySet$/, "A security group holds at most 100 rules: allow fewer address ranges (berth:host.allowSsh) or publish fewer ports."],
  [/^InvalidParameterValue\.InvalidTimeFormat$/, "The scheduled termination time must be YYYY-MM-DDThh:mm:ssZ (UTC), more than 5 minutes ahead."],
  [/^LimitExceeded\./, "An account quota is exhausted; delete unused resources or raise the quota."],
];

export function hintFor(code: string): string | undefined {
  return HINTS.find(([re]) => re.test(code))?.[1];
}

export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[REDACTED]");
  return out;
}

/** A failed Tencent Cloud API call. */
export class TencentApiError extends Error {
  override readonly name = "TencentApiError";
  constructor(
    readonly action: string,
    readonly code: string,
    readonly tencentMessage: string,
    readonly requestId: string,
    readonly attempts = 1,
  ) {
    const retried = attempts > 1 ? ` after ${attempts} attempts` : "";
    const hint = hintFor(code);
    const message =
      `Tencent Cloud ${action} failed${retried}: ${code} — ${tencentMessage}` + (requestId ? ` (RequestId ${requestId})` : "") + (hint ? ` ${hint}` : "");
    super(message);
    // Pulumi serializes this class into the state as a plain function whose super call is
    // `Error.call(this, message)`, which sets nothing on `this`: without this line the provider
    // host reports "error: undefined".
    this.message = message;
  }
}

/** SDK exception (TencentCloudSDKHttpException) or network error → TencentApiError, redacted. */
export function toTencentError(action: string, e: unknown, secrets: readonly (string | undefined)[], attempts = 1): TencentApiError {
  const err = (e ?? {}) as { code?: unknown; message?: unknown; requestId?: unknown; httpCode?: unknown };
  const code =
    typeof err.code === "string" && err.code !== "" ? err.code : typeof err.httpCode === "number" ? `HTTP.${err.httpCode}` : "ClientError";
  const message = redact(typeof err.message === "string" ? err.message : String(e), secrets);
  const requestId = typeof err.requestId === "string" ? err.requestId : "";
  return new TencentApiError(action, code, message, requestId, attempts);
}
