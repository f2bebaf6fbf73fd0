// cloud-quota.ts — quotas and prices in the local API stand-in: DescribeAccountQuota (the
// response shape Tencent documents: AccountQuotaOverview.AccountQuota.PostPaidQuotaSet[] of
// {Zone, TotalQuota, UsedQuota, RemainingQuota}) and InquiryPriceRunInstances (Price.InstancePrice /
// BandwidthPrice as ItemPrice: UnitPrice, UnitPriceDiscount, ChargeUnit, and the stepped
// UnitPrice*SecondStep / *ThirdStep for hours 96–360 and beyond).
//
// THE PRICES ARE THE STAND-IN'S OWN, not Tencent's: round numbers of the right size (CNY per hour)
// so that berth's arithmetic can be checked. Real prices come from Tencent's answer at run time.
import { ApiError, CloudState, type Params, optNum, optObj, optStr, optStrArr, placement } from "./cloud-state.js";

type Handler = (s: CloudState, p: Params, region: string) => Record<string, unknown>;

/** The stand-in's price list: CNY per instance-hour, pay-as-you-go; `steps` = [96–360 h, beyond 360 h]. */
export const STAND_IN_PRICES: Record<string, { hour: number; steps?: [number, number] }> = {
  "S5.SMALL1": { hour: 0.07 }, "S5.SMALL2": { hour: 0.12 }, "S5.SMALL4": { hour: 0.2 },
  "S5.MEDIUM2": { hour: 0.16 }, "S5.MEDIUM4": { hour: 0.32 }, "S5.MEDIUM8": { hour: 0.46 },
  "S5.LARGE8": { hour: 0.64 }, "S5.LARGE16": { hour: 0.92 },
  "S6.MEDIUM4": { hour: 0.3 }, "SA2.MEDIUM4": { hour: 0.26 }, "SA3.MEDIUM4": { hour: 0.27 },
  "SA5.MEDIUM4": { hour: 0.3, steps: [0.25, 0.2] },
};
/** CNY per GB-hour of CLOUD_PREMIUM system disk, folded into InstancePrice. */
export const DISK_GB_HOUR = 0.0004;
/** Bandwidth: per GB when charged by traffic, per Mbps-hour when charged by bandwidth. */
export const TRAFFIC_PER_GB = 0.8;
export const BANDWIDTH_MBPS_HOUR = 0.063;

const r4 = (n: number) => Math.round(n * 10000) / 10000;

function zonesOf(s: CloudState, region: string): string[] {
  const zones = new Set([1, 2, 3, 4, 5, 6, 7].map((n) => `${region}-${n}`));
  for (const z of Object.keys(s.options.zoneQuotas)) if (z.startsWith(`${region}-`)) zones.add(z);
  for (const i of s.instances.values()) if (i.region === region) zones.add(i.zone);
  return [...zones].sort();
}

const DescribeAccountQuota: Handler = (s, p, region) => {
  const filters = p.Filters === undefined ? [] : p.Filters;
  if (!Array.isArray(filters)) throw new ApiError("InvalidParameter", "The parameter `Filters` must be an array.");
  const values = (name: string) => {
    const f = filters.find((x) => typeof x === "object" && x !== null && (x as Params).Name === name) as Params | undefined;
    return f ? optStrArr(f, "Values") : undefined;
  };
  for (const f of filters) {
    const name = typeof f === "object" && f !== null ? (f as Params).Name : undefined;
    if (name !== "zone" && name !== "quota-type") throw new ApiError("InvalidFilter", `The filter \`${String(name)}\` is not supported.`);
  }
  const zones = values("zone");
  const types = values("quota-type");
  const postPaid = zonesOf(s, region)
    .filter((z) => !zones || zones.includes(z))
    .map((z) => {
      const total = s.quotaOf(z);
      const used = s.usedIn(z);
      return { Zone: z, TotalQuota: total, UsedQuota: used, RemainingQuota: Math.max(0, total - used) };
    });
  const want = (t: string) => !types || types.includes(t);
  return {
    AppId: 1250000000,
    AccountQuotaOverview: {
      Region: region,
      AccountQuota: {
        PostPaidQuotaSet: want("PostPaidQuotaSet") ? postPaid : [], PrePaidQuotaSet: [], SpotPaidQuotaSet: [], ImageQuotaSet: [], DisasterRecoverGroupQuotaSet: [],
      },
    },
  };
};

const InquiryPriceRunInstances: Handler = (_s, p, region) => {
  const { instanceType } = placement(p, region);
  const charge = optStr(p, "InstanceChargeType") ?? "POSTPAID_BY_HOUR";
  if (charge !== "POSTPAID_BY_HOUR") throw new ApiError("InvalidParameterValue", `This stand-in prices POSTPAID_BY_HOUR only, not \`${charge}\`.`);
  const listed = STAND_IN_PRICES[instanceType];
  if (!listed) throw new ApiError("InvalidParameterValue.InstanceTypeNotFound", `The instance type \`${instanceType}\` does not exist.`);
  const count = optNum(p, "InstanceCount") ?? 1;
  if (count < 1 || count > 100) throw new ApiError("InvalidParameterValue.Range", "InstanceCount must be between 1 and 100.");
  const disk = optObj(p, "SystemDisk") ?? {};
  const diskHour = (optNum(disk, "DiskSize") ?? 50) * DISK_GB_HOUR;
  const hour = (base: number) => r4((base + diskHour) * count);
  const instance = {
    UnitPrice: hour(listed.hour), UnitPriceDiscount: hour(listed.hour), Discount: 100, ChargeUnit: "HOUR",
    ...(listed.steps ? {
      UnitPriceSecondStep: hour(listed.steps[0]), UnitPriceDiscountSecondStep: hour(listed.steps[0]),
      UnitPriceThirdStep: hour(listed.steps[1]), UnitPriceDiscountThirdStep: hour(listed.steps[1]),
    } : {}),
  };
  const net = optObj(p, "InternetAccessible") ?? {};
  const netCharge = optStr(net, "InternetChargeType") ?? "TRAFFIC_POSTPAID_BY_HOUR";
  const mbps = optNum(net, "InternetMaxBandwidthOut") ?? 0;
  const bandwidth = netCharge === "BANDWIDTH_POSTPAID_BY_HOUR"
    ? { UnitPrice: r4(BANDWIDTH_MBPS_HOUR * mbps * count), UnitPriceDiscount: r4(BANDWIDTH_MBPS_HOUR * mbps * count), Discount: 100, ChargeUnit: "HOUR" }
    : { UnitPrice: TRAFFIC_PER_GB, UnitPriceDiscount: TRAFFIC_PER_GB, Discount: 100, ChargeUnit: "GB" };
  return { Price: { InstancePrice: instance, BandwidthPrice: bandwidth } };
};

export const quotaActions: Record<string, Handler> = { DescribeAccountQuota, InquiryPriceRunInstances };
