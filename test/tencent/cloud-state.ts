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

/** Tencent's InstanceState values the stand-in produces (STOPPED, STARTING, STOPPING, REBOOTING are never entered here). */
export type InstanceState = "PENDING" | "LAUNCH_FAILED" | "RUNNING" | "SHUTDOWN" | "TERMINATING";

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
  /** Goes PENDING → LAUNCH_FAILED instead of RUNNING (failLaunch). */
  launchFails?: boolean;
}

/** A scheduled action on an instance (RunInstances' or ImportInstancesActionTimer's ActionTimer). */
export interface ActionTimer {
  id: string;
  instanceId: string;
  region: string;
  action: "TerminateInstances";
  /** YYYY-MM-DDThh:mm:ssZ */
  time: string;
  status: "UNDO" | "DOING" | "DONE";
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
  /** Polls a terminated (or LAUNCH_FAILED) instance stays listed before it disappears. */
  terminatingPolls: number;
  /**
   * Recycle bin: TerminateInstances moves a RUNNING instance to SHUTDOWN, where it stays listed
   * (holding its security groups and key pairs) until a second TerminateInstances destroys it, as
   * Tencent documents for prepaid instances.
   */
  recycleBin: boolean;
  /** DescribeKeyPairs calls for which a key pair stays associated with an instance that is gone. */
  keyDetachPolls: number;
  /** Pay-as-you-go instances per zone (DescribeAccountQuota's TotalQuota); a new account's is small. */
  zoneQuota: number;
  /** Per-zone overrides of zoneQuota. */
  zoneQuotas: Record<string, number>;
  /** DescribeSecurityGroupLimits: groups per region, rules per group, instances per group. */
  securityGroupLimit: number;
  securityGroupPolicyLimit: number;
  securityGroupInstanceLimit: number;
  /** Key pairs per account (InvalidKeyPair.LimitExceeded beyond). */
  keyPairLimit: number;
}

/** Tencent's documented defaults (DescribeSecurityGroupLimits' example, the key-pair limit) and a new account's zone quota. */
export const DEFAULT_LIMITS = {
  zoneQuota: 30, zoneQuotas: {}, securityGroupLimit: 50, securityGroupPolicyLimit: 100, securityGroupInstanceLimit: 2000, keyPairLimit: 100,
} satisfies Partial<CloudOptions>;

export class CloudState {
  readonly instances = new Map<string, Instance>();
  readonly keyPairs = new Map<string, KeyPair>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  /** RunInstances ClientToken → InstanceIdSet (idempotent retries). */
  readonly clientTokens = new Map<string, string[]>();
  /** Instances gone from DescribeInstances whose key pairs still list them (keyDetachPolls). */
  readonly departed = new Map<string, { keyIds: string[]; polls: number }>();
  /** How many coming RunInstances instances fail to launch. */
  launchFailures = 0;
  /** Instance names that fail to launch (PENDING → LAUNCH_FAILED), once each. */
  readonly launchFailNames = new Set<string>();
  readonly timers = new Map<string, ActionTimer>();
  /** The cloud's clock for scheduled actions (ms): real time plus a settable offset. */
  clockOffsetMs = 0;
  private ipCounter = 10;
  constructor(readonly options: CloudOptions) {}

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Runs every pending timer whose time has come: pay-as-you-go instances go TERMINATING (then away). */
  runTimers(): void {
    const now = this.now();
    for (const t of this.timers.values()) {
      if (t.status !== "UNDO" || Date.parse(t.time) > now) continue;
      t.status = "DONE";
      const inst = this.instances.get(t.instanceId);
      if (inst && inst.state !== "TERMINATING") Object.assign(inst, { state: "TERMINATING", polls: 0, publicIp: undefined });
    }
  }

  quotaOf(zone: string): number {
    return this.options.zoneQuotas[zone] ?? this.options.zoneQuota;
  }

  /** Listed instances in a zone: they hold the zone's quota until they are gone. */
  usedIn(zone: string): number {
    return [...this.instances.values()].filter((i) => i.zone === zone).length;
  }

  newId(prefix: string): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    return `${prefix}-${[...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join("")}`;
  }
  nextIp(base: string): string {
    this.ipCounter += 1;
    return `${base}.${Math.floor(this.ipCounter / 250)}.${(this.ipCounter % 250) + 2}`;
  }
  /** Instances that still hold their security groups and key pairs: every listed one, TERMINATING and SHUTDOWN too. */
  liveInstances(): Instance[] {
    return [...this.instances.values()];
  }
  /** An instance is gone from the listing; its key pairs may still name it for a while. */
  remove(inst: Instance): void {
    this.instances.delete(inst.id);
    if (this.options.keyDetachPolls > 0) this.departed.set(inst.id, { keyIds: inst.keyIds, polls: this.options.keyDetachPolls });
  }
  /** The instances a key pair is associated with (AssociatedInstanceIds). */
  keyUsers(keyId: string): string[] {
    const gone = [...this.departed.entries()].filter(([, d]) => d.keyIds.includes(keyId)).map(([id]) => id);
    return [...this.liveInstances().filter((i) => i.keyIds.includes(keyId)).map((i) => i.id), ...gone];
  }
  /** One DescribeKeyPairs call has passed: lingering associations fade. */
  tickKeys(): void {
    for (const [id, d] of this.departed) if (--d.polls <= 0) this.departed.delete(id);
  }
}

export const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

export * from "./cloud-params.js";
