// cloud-state.ts — in-memory state and request-parameter helpers shared by the CVM and VPC
// handlers of the local Tencent Cloud API stand-in.
import { randomBytes } from "node:crypto";

/** A Tencent API error: becomes {"Response":{"Error":{"Code","Message"},"RequestId"}}. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type InstanceState = "PENDING" | "RUNNING" | "TERMINATING";

export interface Instance {
  id: string;
  region: string;
  zone: string;
  imageId: string;
  instanceType: string;
  name: string;
  state: InstanceState;
  polls: number;
  wantPublicIp: boolean;
  bandwidthOut: number;
  publicIp?: string;
  privateIp: string;
  securityGroupIds: string[];
  keyIds: string[];
  userData?: string;
  createdTime: string;
}

export interface KeyPair {
  id: string;
  region: string;
  name: string;
  publicKey: string;
  projectId: number;
  createdTime: string;
}

export interface Policy {
  PolicyIndex: number;
  Protocol: string;
  Port?: string;
  /** "" when the rule is for the other address family, as the API answers. */
  CidrBlock: string;
  Ipv6CidrBlock: string;
  Action: string;
  PolicyDescription: string;
}

export interface SecurityGroup {
  id: string;
  region: string;
  name: string;
  description: string;
  projectId: number;
  version: number;
  ingress: Policy[];
  egress: Policy[];
  createdTime: string;
}

export interface CloudOptions {
  /** DescribeInstances/DescribeInstancesStatus polls an instance stays PENDING. */
  pendingPolls: number;
  /** Polls a terminated instance stays TERMINATING before it disappears. */
  terminatingPolls: number;
}

export class CloudState {
  readonly instances = new Map<string, Instance>();
  readonly keyPairs = new Map<string, KeyPair>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  /** RunInstances ClientToken → InstanceIdSet (idempotent retries). */
  readonly clientTokens = new Map<string, string[]>();
  private ipCounter = 10;
  constructor(readonly options: CloudOptions) {}

  newId(prefix: string): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    return `${prefix}-${[...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join("")}`;
  }
  nextIp(base: string): string {
    this.ipCounter += 1;
    return `${base}.${Math.floor(this.ipCounter / 250)}.${(this.ipCounter % 250) + 2}`;
  }
  /** Instances that still hold their security groups and key pairs (not yet gone). */
  liveInstances(): Instance[] {
    return [...this.instances.values()];
  }
}

export const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

// ---- parameter helpers: the real API answers type and presence errors like these ----

export type Params = Record<string, unknown>;

export function missing(name: string): ApiError {
  return new ApiError("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
}

export function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be a string.`);
  return v;
}

export function reqStr(p: Params, name: string, path = name): string {
  const v = optStr(p, name);
  if (v === undefined || v === "") throw missing(path);
  return v;
}

export function optNum(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an integer.`);
  return v;
}

export function optBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be a boolean.`);
  return v;
}

export function optObj(p: Params, name: string): Params | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an object.`);
  return v as Params;
}

export function optStrArr(p: Params, name: string): string[] | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an array of strings.`);
  return v as string[];
}

export function checkIds(ids: string[], prefix: string, code: string): void {
  const re = new RegExp(`^${prefix}-[a-z0-9]{8}$`);
  for (const id of ids) if (!re.test(id)) throw new ApiError(code, `The specified ID \`${id}\` is malformed.`);
}
