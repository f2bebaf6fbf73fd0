// preflight.ts — what a Tencent Cloud lab needs checked before any resource exists (at preview):
// the zone's pay-as-you-go instance quota (DescribeAccountQuota), the security-group and key-pair
// limits (DescribeSecurityGroupLimits, DescribeSecurityGroups, DescribeKeyPairs), and the price of
// one host per hour (InquiryPriceRunInstances, for the same instance RunInstances makes).
//
//   const p = await tencentLabPreflight({ region, zone, instanceType, imageId, count: 60, hours: 40, credentials, endpoint });
//   p.problems  // config errors to show before anything is created; [] when the lab fits
//   p.price     // { hourly, total, … } in CNY, from Tencent's own price answer
//
// Pricing (ItemPrice, POSTPAID_BY_HOUR): UnitPriceDiscount is the price per ChargeUnit (HOUR) after
// the account's discount; when UnitPriceSecondStep/ThirdStep come back, the first applies to hours
// 0–96, the second to 96–360 and the third beyond. Bandwidth counts per hour only when charged by
// the hour (BANDWIDTH_POSTPAID_BY_HOUR); berth's hosts are charged by traffic
// (TRAFFIC_POSTPAID_BY_HOUR, ChargeUnit GB), reported apart as trafficPerGb.
import type { ItemPrice } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { resolveCredentials, tencentApi, type TencentApi, type TencentCredentials } from "./client.js";
import { codeOf } from "./describe.js";
import { TencentApiError } from "./errors.js";
import { instanceRequest } from "./instance.js";
import { DEFAULT_RULES_PER_GROUP } from "./lab-network.js";

/** Tencent's documented ceiling on key pairs per account (InvalidKeyPair.LimitExceeded). */
export const KEY_PAIR_LIMIT = 100;

export interface LabPreflightInput {
  region: string;
  zone: string;
  instanceType: string;
  imageId: string;
  /** Hosts the lab asks for (the whole roster). */
  count: number;
  /** Of those, hosts already running in the zone (a lab that is up already holds their quota). Default 0. */
  existing?: number;
  /**
   * The lab's host names: when given, `existing` is counted from the account instead (instances
   * listed in the zone under one of these names), so hosts made by an `up` that failed part-way
   * (whose stack outputs were never written) still count as the lab's own.
   */
  hostNames?: readonly string[];
  /** Hours each host runs (until the lab's end). */
  hours: number;
  credentials?: Partial<TencentCredentials>;
  endpoint?: string;
  bandwidthOut?: number;
  systemDiskGb?: number;
  /** Rules the lab's security group needs (ingress + egress), when known. */
  rules?: number;
  /** The instructor's public key: no new key pair is needed when the account already holds it. */
  publicKey?: string;
}

export interface LabPreflight {
  zone: string;
  /** The zone's pay-as-you-go instance quota; undefined when Tencent lists none for the zone. */
  quota: { total: number; used: number; remaining: number } | undefined;
  /** Of the lab's hosts, those the zone holds already (hold their quota). */
  existing: number;
  securityGroups: { limit: number; used: number; rulesPerGroup: number; instancesPerGroup: number };
  keyPairs: { limit: number; used: number };
  /** CNY. hourly = instanceHourly + bandwidthHourly (first price step); total = count × hours, by steps. Undefined when Tencent could not price it. */
  price: { currency: "CNY"; instanceHourly: number; bandwidthHourly: number; hourly: number; trafficPerGb: number | undefined; perHost: number; total: number } | undefined;
  /** Config errors, each naming what is short, by how much, and the fix. */
  problems: string[];
}

/** Cost of `hours` at Tencent's stepped hourly prices (0–96 h, 96–360 h, beyond). */
export function steppedCost(p: ItemPrice | undefined, hours: number): number {
  if (!p || p.ChargeUnit !== "HOUR") return 0;
  const first = p.UnitPriceDiscount ?? p.UnitPrice ?? 0;
  const second = p.UnitPriceDiscountSecondStep ?? p.UnitPriceSecondStep ?? first;
  const third = p.UnitPriceDiscountThirdStep ?? p.UnitPriceThirdStep ?? second;
  return first * Math.min(hours, 96) + second * Math.max(0, Math.min(hours, 360) - 96) + third * Math.max(0, hours - 360);
}

const round = (n: number) => Math.round(n * 100) / 100;
const keyBody = (k: string | undefined) => (k ?? "").trim().split(/\s+/).slice(0, 2).join(" ");

async function zoneQuota(api: TencentApi, zone: string): Promise<LabPreflight["quota"]> {
  const out = await api.call("DescribeAccountQuota", () =>
    api.cvm.DescribeAccountQuota({ Filters: [{ Name: "zone", Values: [zone] }, { Name: "quota-type", Values: ["PostPaidQuotaSet"] }] }),
  );
  const q = out.AccountQuotaOverview?.AccountQuota?.PostPaidQuotaSet?.find((x) => x.Zone === zone);
  return q ? { total: q.TotalQuota ?? 0, used: q.UsedQuota ?? 0, remaining: q.RemainingQuota ?? 0 } : undefined;
}

/** Instances listed in the zone under one of `names` (DescribeInstances, 100 a page). */
async function labHostsIn(api: TencentApi, zone: string, names: readonly string[]): Promise<number> {
  const wanted = new Set(names);
  let found = 0;
  for (let offset = 0; ; offset += 100) {
    const out = await api.call("DescribeInstances", () => api.cvm.DescribeInstances({ Filters: [{ Name: "zone", Values: [zone] }], Offset: offset, Limit: 100 }));
    const page = out.InstanceSet ?? [];
    found += page.filter((i) => i.Placement?.Zone === zone && wanted.has(i.InstanceName ?? "")).length;
    if (page.length < 100) return found;
  }
}

async function price(api: TencentApi, input: LabPreflightInput): Promise<LabPreflight["price"] | string> {
  try {
    const out = await api.call("InquiryPriceRunInstances", () =>
      api.cvm.InquiryPriceRunInstances(instanceRequest({ zone: input.zone, imageId: input.imageId, instanceType: input.instanceType, systemDiskGb: input.systemDiskGb ?? 50, bandwidthOut: input.bandwidthOut ?? 5 })),
    );
    const inst = out.Price?.InstancePrice;
    const bw = out.Price?.BandwidthPrice;
    const instanceHourly = inst?.ChargeUnit === "HOUR" ? inst.UnitPriceDiscount ?? inst.UnitPrice ?? 0 : 0;
    const bandwidthHourly = bw?.ChargeUnit === "HOUR" ? bw.UnitPriceDiscount ?? bw.UnitPrice ?? 0 : 0;
    const perHost = steppedCost(inst, input.hours) + steppedCost(bw, input.hours);
    return {
      currency: "CNY", instanceHourly, bandwidthHourly, hourly: round(instanceHourly + bandwidthHourly),
      trafficPerGb: bw?.ChargeUnit === "GB" ? bw.UnitPriceDiscount ?? bw.UnitPrice : undefined,
      perHost: round(perHost), total: round(perHost * input.count),
    };
  } catch (e) {
    if (!(e instanceof TencentApiError) || codeOf(e).startsWith("AuthFailure") || codeOf(e).startsWith("RequestLimitExceeded")) throw e;
    return `berth:host.size: Tencent Cloud could not price ${input.count} × ${input.instanceType} (image ${input.imageId}) in ${input.zone}: ${e.code} — ${e.tencentMessage} Choose an instance type and image the zone sells (berth:host.size, berth:host.image, berth:host.zone).`;
  }
}

export async function tencentLabPreflight(input: LabPreflightInput): Promise<LabPreflight> {
  const credentials = resolveCredentials(input.credentials ?? {});
  const api = tencentApi({ ...credentials, region: input.region, ...(input.endpoint ? { endpoint: input.endpoint } : {}) });
  const problems: string[] = [];
  const [quota, limits, groups, keys, priced, counted] = await Promise.all([
    zoneQuota(api, input.zone),
    api.call("DescribeSecurityGroupLimits", () => api.vpc.request("DescribeSecurityGroupLimits", {})) as Promise<{ SecurityGroupLimitSet?: Record<string, number> }>,
    api.call("DescribeSecurityGroups", () => api.vpc.request("DescribeSecurityGroups", { Limit: "1" })) as Promise<{ TotalCount?: number }>,
    api.call("DescribeKeyPairs", () => api.cvm.DescribeKeyPairs({ Limit: 100 })),
    price(api, input),
    input.hostNames ? labHostsIn(api, input.zone, input.hostNames) : Promise.resolve(input.existing ?? 0),
  ]);
  const existing = Math.min(counted, input.count);

  if (!quota)
    problems.push(`berth:host.zone: Tencent Cloud lists no pay-as-you-go instance quota for zone ${input.zone} in ${input.region} — check the zone's name (like ${input.region}-3) and that it sells instances.`);
  else if (input.count - existing > quota.remaining)
    problems.push(
      `berth:lab: ${input.count - existing} ${existing ? "more " : ""}hosts are asked for in zone ${input.zone}, but the account's pay-as-you-go instance quota there has ${quota.remaining} left ` +
        `(${quota.used} of ${quota.total} in use). Shorten the roster, choose another zone (berth:host.zone), or ask Tencent Cloud to raise the zone's quota (console: CVM → quotas).`,
    );

  const set = limits.SecurityGroupLimitSet ?? {};
  const securityGroups = {
    limit: set.SecurityGroupLimit ?? 50, used: groups.TotalCount ?? 0,
    rulesPerGroup: set.SecurityGroupPolicyLimit ?? DEFAULT_RULES_PER_GROUP, instancesPerGroup: set.SecurityGroupInstanceLimit ?? 2000,
  };
  if (securityGroups.used >= securityGroups.limit)
    problems.push(`berth:lab: region ${input.region} already holds ${securityGroups.used} security groups, the account's limit (${securityGroups.limit}), and the lab needs one. Delete unused security groups in the console (VPC → security groups) or ask Tencent Cloud to raise the limit.`);
  if (input.rules !== undefined && input.rules > securityGroups.rulesPerGroup)
    problems.push(`berth:host.allowSsh / berth:app.ports: the lab's security group needs ${input.rules} rules and Tencent Cloud allows ${securityGroups.rulesPerGroup} per group — allow fewer address ranges or publish fewer ports.`);
  if (input.count > securityGroups.instancesPerGroup)
    problems.push(`berth:lab: ${input.count} hosts would share one security group, which holds at most ${securityGroups.instancesPerGroup} instances on this account — split the roster into several labs.`);

  const keyPairs = { limit: KEY_PAIR_LIMIT, used: keys.TotalCount ?? keys.KeyPairSet?.length ?? 0 };
  const held = input.publicKey !== undefined && (keys.KeyPairSet ?? []).some((k) => keyBody(k.PublicKey) === keyBody(input.publicKey));
  if (!held && keyPairs.used >= keyPairs.limit)
    problems.push(`berth:host.sshPublicKey: the account holds ${keyPairs.used} key pairs, Tencent Cloud's limit (${keyPairs.limit}), and the lab needs one for its key. Delete unused key pairs in the console (CVM → SSH keys).`);

  if (typeof priced === "string") problems.push(priced);
  return { zone: input.zone, quota, existing, securityGroups, keyPairs, price: typeof priced === "string" ? undefined : priced, problems };
}
