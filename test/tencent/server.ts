// server.ts — a local Tencent Cloud API 3.0 server: a STAND-IN for cvm/vpc.tencentcloudapi.com
// (no real cloud is reachable from tests). Plain HTTP on 127.0.0.1; clients keep the production
// Host header (e.g. `cvm.tencentcloudapi.com`) and TC3 signature, and every request's signature
// is verified exactly as Tencent's "Signature v3" page defines it (see sign.ts).
//
//   const api = await startTencentApiServer({ credentials: { AKIDtest: "secret" } });
//   api.failNext("RunInstances", "RequestLimitExceeded", { times: 2 });
//   … api.requests (action, params, signatureOk, errorCode) … await api.stop();
//
// State is in memory and lives as long as the server. Errors come back as HTTP 200 with
// {"Response":{"Error":{"Code","Message"},"RequestId"}}, as the real API answers them.
//
// Like Tencent, it enforces each action's documented rate per SecretId (RATES in cloud-rates.ts; a request
// over it is refused with RequestLimitExceeded, counted over any one-second span of arrivals),
// and the account's quotas: pay-as-you-go instances per zone (zoneQuota, 30 by default as for a
// new account; settable), 50 security groups per region, 100 rules per group, 2000 instances per
// group, 100 key pairs (CloudOptions). Scheduled terminations (ActionTimer) run when the cloud's
// clock — real time plus `advanceClock()` — passes them.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, CloudState, DEFAULT_LIMITS, type CloudOptions, type Params } from "./cloud-state.js";
import { cvmActions } from "./cloud-cvm.js";
import { vpcActions } from "./cloud-vpc.js";
import { RATES, RateWindow } from "./cloud-rates.js";
import { parseTc3Authorization, tc3Date, tc3Sign } from "./sign.js";

export { tc3Sign, tc3Authorization } from "./sign.js";
export { RATES } from "./cloud-rates.js";

const SERVICES: Record<string, { version: string; actions: Record<string, (s: CloudState, p: Params, r: string) => Record<string, unknown>> }> = {
  cvm: { version: "2017-03-12", actions: cvmActions },
  vpc: { version: "2017-03-12", actions: vpcActions },
};
const REGIONS = new Set(["ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-nanjing", "ap-hongkong", "ap-singapore", "na-siliconvalley", "eu-frankfurt"]);
export const MAX_SKEW_SECONDS = 300;

export interface RecordedRequest {
  host: string;
  service: string;
  action: string;
  region: string | undefined;
  params: Params | undefined;
  signatureOk: boolean;
  secretId: string | undefined;
  errorCode?: string;
  /** The error came from failNext, not from the server's own rules. */
  injected?: boolean;
  requestId: string;
  /** Arrival time, ms (Date.now()). */
  at: number;
}

export interface ServerOptions extends Partial<CloudOptions> {
  /** SecretId → SecretKey accepted by the server. */
  credentials?: Record<string, string>;
  /** Per-action rates to enforce (default RATES); false: none. */
  rates?: Readonly<Record<string, number>> | false;
}

interface Fault {
  code: string;
  message: string;
  times: number;
}

export class TencentApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly state: CloudState;
  private readonly credentials: Map<string, string>;
  private readonly faults = new Map<string, Fault[]>();
  private readonly rates: RateWindow | undefined;
  private server: Server | undefined;
  port = 0;

  constructor(options: ServerOptions = {}) {
    this.credentials = new Map(Object.entries(options.credentials ?? {}));
    this.rates = options.rates === false ? undefined : new RateWindow(options.rates ?? RATES);
    this.state = new CloudState({
      ...DEFAULT_LIMITS,
      pendingPolls: options.pendingPolls ?? 2, terminatingPolls: options.terminatingPolls ?? 2,
      recycleBin: options.recycleBin ?? false, keyDetachPolls: options.keyDetachPolls ?? 0,
      ...Object.fromEntries(Object.entries(options).filter(([k, v]) => k in DEFAULT_LIMITS && v !== undefined)),
    });
  }

  /** Moves the cloud's clock (for scheduled actions) forward and runs what is due. */
  advanceClock(ms: number): void {
    this.state.clockOffsetMs += ms;
    this.state.runTimers();
  }

  /** The instance named `name` fails to launch (PENDING → LAUNCH_FAILED) the next time it is made. */
  failLaunchOf(name: string): void {
    this.state.launchFailNames.add(name);
  }

  /** Requests refused for going over an action's rate. */
  get throttled(): RecordedRequest[] {
    return this.requests.filter((r) => r.errorCode === "RequestLimitExceeded" && !r.injected);
  }

  /** Base URL to connect to (the Host header stays the production one). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` (default 1) calls of `action` fail with `code`, after authentication. */
  failNext(action: string, code: string, opts: { times?: number; message?: string } = {}): void {
    const list = this.faults.get(action) ?? [];
    list.push({ code, times: opts.times ?? 1, message: opts.message ?? `Injected failure: ${code}.` });
    this.faults.set(action, list);
  }

  /** The next `times` instances RunInstances makes go PENDING → LAUNCH_FAILED. */
  failLaunch(times = 1): void {
    this.state.launchFailures += times;
  }

  calls(action: string): RecordedRequest[] {
    return this.requests.filter((r) => r.action === action);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const requestId = randomUUID();
    const host = String(req.headers.host ?? "");
    const service = host.split(".")[0] ?? "";
    const action = String(req.headers["x-tc-action"] ?? "");
    const region = req.headers["x-tc-region"] as string | undefined;
    const rec: RecordedRequest = { host, service, action, region, params: undefined, signatureOk: false, secretId: undefined, requestId, at: Date.now() };
    this.requests.push(rec);
    const reply = (payload: Record<string, unknown>) => {
      res.writeHead(200, { "content-type": "application/json", "x-tc-traceid": requestId });
      res.end(JSON.stringify({ Response: { ...payload, RequestId: requestId } }));
    };
    try {
      this.authenticate(req, body, host, service, rec);
      rec.signatureOk = true;
      if (req.method !== "POST" || !String(req.headers["content-type"] ?? "").startsWith("application/json"))
        throw new ApiError("InvalidParameter", "This stand-in accepts POST with an application/json body only.");
      let params: unknown;
      try {
        params = JSON.parse(body.toString("utf8") || "{}");
      } catch {
        throw new ApiError("InvalidParameter", "The request body is not valid JSON.");
      }
      if (typeof params !== "object" || params === null || Array.isArray(params)) throw new ApiError("InvalidParameter", "The request body must be a JSON object.");
      rec.params = params as Params;
      const svc = SERVICES[service];
      if (!svc) throw new ApiError("InvalidAction", `The service \`${service}\` is not served here.`);
      if (!action) throw new ApiError("MissingParameter", "The request is missing a required parameter `Action`.");
      const handler = svc.actions[action];
      if (!handler) throw new ApiError("InvalidAction", `The action \`${action}\` does not exist.`);
      if (req.headers["x-tc-version"] !== svc.version) throw new ApiError("NoSuchVersion", `The version \`${String(req.headers["x-tc-version"])}\` does not exist.`);
      if (!region) throw new ApiError("MissingParameter", "The request is missing a required parameter `Region`.");
      if (!REGIONS.has(region)) throw new ApiError("UnsupportedRegion", `The region \`${region}\` is not supported.`);
      this.rates?.check(rec.secretId ?? "", action);
      const fault = this.faults.get(action)?.[0];
      if (fault) {
        fault.times -= 1;
        if (fault.times <= 0) this.faults.get(action)!.shift();
        rec.injected = true;
        throw new ApiError(fault.code, fault.message);
      }
      this.state.runTimers();
      reply(handler(this.state, rec.params, region));
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError("InternalError", "An internal error occurred.");
      rec.errorCode = err.code;
      reply({ Error: { Code: err.code, Message: err.message } });
    }
  }

  /** TC3-HMAC-SHA256 verification, in Tencent's order of checks. Throws ApiError on failure. */
  private authenticate(req: IncomingMessage, body: Buffer, host: string, service: string, rec: RecordedRequest): void {
    const auth = parseTc3Authorization(req.headers.authorization);
    if (!auth) throw new ApiError("AuthFailure.InvalidAuthorization", "Authorization header is missing or not in TC3-HMAC-SHA256 format.");
    rec.secretId = auth.secretId;
    const tsHeader = String(req.headers["x-tc-timestamp"] ?? "");
    const timestamp = Number(tsHeader);
    if (!/^\d+$/.test(tsHeader)) throw new ApiError("MissingParameter", "The request is missing a valid `X-TC-Timestamp`.");
    if (Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS)
      throw new ApiError("AuthFailure.SignatureExpire", "Signature expired. Timestamp and server time cannot differ by more than 5 minutes.");
    const secretKey = this.credentials.get(auth.secretId);
    if (secretKey === undefined) throw new ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.");
    const signatureFailure = new ApiError("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.");
    if (auth.terminator !== "tc3_request" || auth.service !== service || auth.date !== tc3Date(timestamp)) throw signatureFailure;
    const signed = auth.signedHeaders;
    if (!signed.includes("content-type") || !signed.includes("host")) throw signatureFailure;
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = name === "host" ? host : req.headers[name];
      if (typeof value !== "string") throw signatureFailure;
      headers[name] = value;
    }
    const url = new URL(req.url ?? "/", "http://stand-in");
    const expected = tc3Sign({ method: req.method ?? "", path: url.pathname, query: url.search.slice(1), headers, payload: body, timestamp, service, secretKey });
    if (expected.signedHeaders !== signed.join(";") || expected.signature !== auth.signature) throw signatureFailure;
  }
}

export async function startTencentApiServer(options: ServerOptions = {}): Promise<TencentApiServer> {
  return new TencentApiServer(options).start();
}
