// client.ts — Tencent Cloud clients over the OFFICIAL SDK: CVM through
// `tencentcloud-sdk-nodejs-cvm` (cvm.v20170312.Client), VPC security groups through
// `CommonClient` from `tencentcloud-sdk-nodejs-common` (there is no -vpc package).
//
//   const api = tencentApi({ secretId, secretKey, region: "ap-guangzhou" });
//   const out = await api.call("DescribeInstances", () => api.cvm.DescribeInstances({ InstanceIds: [id] }));
//
// `endpoint` (tests, the local API stand-in) is the address to connect to, e.g.
// "http://127.0.0.1:41234". The SDK still builds production URLs (cvm.tencentcloudapi.com,
// vpc.tencentcloudapi.com) over plain HTTP, so the Host header, the credential scope's service
// and the TC3 signature keep their production shape; only the TCP connection is redirected,
// by an http.Agent whose createConnection dials the endpoint. (An endpoint with a port, e.g.
// `cvm.tencentcloudapi.com:PORT`, does not verify: the SDK sends `Host: name:PORT` but signs
// `host:name`.) A given agent also stops the SDK from applying `http_proxy`.
//
// Every call waits for its action's documented rate for the account (rate-limit.ts), and the
// instance reads, polls and terminations of many hosts are merged (batch.ts): both keep one
// registry per process, shared by every resource of a `pulumi up`. The providers load this module
// when their methods run (runtime-require.ts), so none of it is part of the serialized provider;
// SDK modules are require()d inside functions all the same.
import type { CommonClient } from "tencentcloud-sdk-nodejs-common";
import type { cvm } from "tencentcloud-sdk-nodejs-cvm";
import { batcherFor, type InstanceBatcher } from "./batch.js";
import { isThrottle, toTencentError } from "./errors.js";
import { limiterFor } from "./rate-limit.js";

export type CvmClient = InstanceType<typeof cvm.v20170312.Client>;

export interface TencentCredentials {
  secretId: string;
  secretKey: string;
}

export interface RetryPolicy {
  /** Total attempts for a throttled call (RequestLimitExceeded), first one included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface PollPolicy {
  intervalMs: number;
  /** Upper bound on polls while waiting for an instance state (bounded waits). */
  maxPolls: number;
}

export interface TencentClientOptions extends TencentCredentials {
  region: string;
  endpoint?: string;
  retry?: Partial<RetryPolicy>;
  poll?: Partial<PollPolicy>;
}

export interface TencentApi {
  readonly cvm: CvmClient;
  readonly vpc: CommonClient;
  readonly region: string;
  readonly poll: PollPolicy;
  /**
   * Runs one SDK call: within the documented rate of `action` for this account (rate-limit.ts),
   * throttling retried with exponential backoff; failures → TencentApiError.
   */
  call<T>(action: string, fn: () => Promise<T>): Promise<T>;
  /** Batched DescribeInstances / TerminateInstances and the shared poller (batch.ts). */
  readonly instances: InstanceBatcher;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 8000 };
export const DEFAULT_POLL: PollPolicy = { intervalMs: 3000, maxPolls: 100 };

/** `require`, also when this module runs as native ESM (then resolved from the working directory). */
export function sdkRequire(): NodeJS.Require {
  if (typeof require === "function") return require;
  const mod = process.getBuiltinModule("node:module");
  return mod.createRequire(`${process.cwd()}/`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Credentials from explicit values (Pulumi config, secret) or TENCENTCLOUD_SECRET_ID/KEY. */
export function resolveCredentials(given: Partial<TencentCredentials> = {}, env: NodeJS.ProcessEnv = process.env): TencentCredentials {
  const secretId = given.secretId || env.TENCENTCLOUD_SECRET_ID;
  const secretKey = given.secretKey || env.TENCENTCLOUD_SECRET_KEY;
  if (!secretId || !secretKey)
    throw new Error(
      "Tencent Cloud credentials are missing: set them with `pulumi config set tencentcloud:secretId …` and " +
        "`pulumi config set --secret tencentcloud:secretKey …`, or export TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY.",
    );
  return { secretId, secretKey };
}

/**
 * The endpoint override is for a Tencent API stand-in on this machine only: the calls it carries
 * are signed with the account's keys and travel as plain HTTP, so any address other than
 * loopback (127.0.0.0/8, ::1, localhost) is refused.
 */
export function checkEndpoint(endpoint: string): URL {
  const refuse = () =>
    new Error(`tencentcloud:endpoint must be http://127.0.0.1:PORT (a Tencent API stand-in on this machine): signed calls go over plain HTTP, so only a loopback address is allowed — got "${endpoint}". Remove it to use Tencent Cloud itself.`);
  let target: URL;
  try {
    target = new URL(endpoint);
  } catch {
    throw refuse();
  }
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (target.protocol !== "http:" || !target.port || !loopback || target.username || target.password) throw refuse();
  return target;
}

function redirectAgent(endpoint: string): unknown {
  const target = checkEndpoint(endpoint);
  const r = sdkRequire();
  const http = r("node:http") as typeof import("node:http");
  const net = r("node:net") as typeof import("node:net");
  const agent = new http.Agent({ keepAlive: false });
  (agent as unknown as { createConnection: () => unknown }).createConnection = () =>
    net.createConnection({ host: target.hostname.replace(/^\[|\]$/g, ""), port: Number(target.port) });
  return agent;
}

export function tencentApi(options: TencentClientOptions): TencentApi {
  const r = sdkRequire();
  const { cvm: cvmSdk } = r("tencentcloud-sdk-nodejs-cvm") as typeof import("tencentcloud-sdk-nodejs-cvm");
  const common = r("tencentcloud-sdk-nodejs-common") as typeof import("tencentcloud-sdk-nodejs-common");
  const httpProfile: Record<string, unknown> = { reqTimeout: 30 };
  if (options.endpoint) Object.assign(httpProfile, { protocol: "http://", agent: redirectAgent(options.endpoint) });
  const config = {
    credential: { secretId: options.secretId, secretKey: options.secretKey },
    region: options.region,
    profile: { httpProfile },
  };
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const secrets = [options.secretId, options.secretKey];
  // Limits and batches are per account (and endpoint); the key never leaves this process.
  const { createHash } = r("node:crypto") as typeof import("node:crypto");
  const account = [options.endpoint ?? "tencentcloudapi.com", options.secretId, createHash("sha256").update(options.secretKey).digest("hex").slice(0, 16)].join("|");
  const cvm = new cvmSdk.v20170312.Client(config);
  async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const release = await limiterFor(account, action).acquire();
      try {
        return await fn();
      } catch (e) {
        const err = toTencentError(action, e, secrets, attempt);
        if (!isThrottle(err.code) || attempt >= retry.attempts) throw err;
        release();
        const cap = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1));
        await sleep(cap / 2 + Math.random() * (cap / 2));
      } finally {
        release();
      }
    }
  }
  return {
    cvm,
    vpc: new common.CommonClient("vpc.tencentcloudapi.com", "2017-03-12", config),
    region: options.region,
    poll: { ...DEFAULT_POLL, ...options.poll },
    call,
    instances: batcherFor(`${account}|${options.region}`, () => ({ call, cvm })),
  };
}
