// cloud-rates.ts — the per-action rate limits of the local Tencent Cloud API stand-in.
import { ApiError } from "./cloud-state.js";

/**
 * Requests per second per action and SecretId, as Tencent documents them (each action's
 * "默认接口请求频率限制"; FIELD-NOTES lists the sources). Kept apart from the client's own table on
 * purpose: a wrong number on either side shows up as refusals.
 */
export const RATES: Readonly<Record<string, number>> = {
  RunInstances: 10, TerminateInstances: 10, InquiryPriceRunInstances: 10, DescribeInstances: 40, DescribeInstancesStatus: 40,
  DescribeInstancesActionTimer: 10, ImportInstancesActionTimer: 10, DeleteInstancesActionTimer: 10,
  ImportKeyPair: 10, DescribeKeyPairs: 10, DeleteKeyPairs: 10, DescribeAccountQuota: 20,
  CreateSecurityGroup: 100, CreateSecurityGroupPolicies: 100, ModifySecurityGroupPolicies: 100, DeleteSecurityGroup: 100,
  DescribeSecurityGroups: 100, DescribeSecurityGroupPolicies: 100, DescribeSecurityGroupLimits: 20,
};

/** Arrival times of accepted requests per SecretId and action; RequestLimitExceeded at the rate within any one second. */
export class RateWindow {
  private readonly arrivals = new Map<string, number[]>();
  constructor(private readonly rates: Readonly<Record<string, number>>) {}

  check(secretId: string, action: string): void {
    const rate = this.rates[action];
    if (rate === undefined) return;
    const key = `${secretId}\u0000${action}`;
    const now = Date.now();
    const list = (this.arrivals.get(key) ?? []).filter((t) => now - t < 1000);
    this.arrivals.set(key, list);
    if (list.length >= rate) throw new ApiError("RequestLimitExceeded", `The number of requests exceeds the frequency limit (${rate} per second for ${action}).`);
    list.push(now);
  }
}
