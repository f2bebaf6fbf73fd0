/**
 * A Tencent Cloud lab's price and quota, asked at every preview (and `up`) before any resource:
 * the Tencent lab layer's preflight (DescribeAccountQuota, the security-group and key-pair limits,
 * InquiryPriceRunInstances) with the lab's host names (the zone's instances under them are the
 * lab's own, holding their quota already) and its security group's rule count. Its problems are
 * config errors; so is a preflight that cannot reach Tencent at all (credentials missing or
 * refused), said in one line rather than as a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LabConfig } from "../config/lab.js";
import type { StackConfig } from "../config/load.js";
import { labRuleCount, type TencentLabParts } from "../components/lab-tencent.js";
import type { Previous } from "./notes.js";
import type { HostPrice } from "./prices.js";

export interface TencentPriceArgs {
  readonly config: StackConfig & { readonly lab: LabConfig };
  readonly parts: TencentLabParts;
  readonly tencent?: { secretId?: pulumi.Input<string>; secretKey?: pulumi.Input<string>; endpoint?: string } | undefined;
}

/** A config value (a secret is an Output) as the program holds it; config values are known at preview too. */
function valueOf(v: pulumi.Input<string> | undefined): Promise<string | undefined> {
  if (v === undefined || typeof v === "string") return Promise.resolve(v);
  return new Promise((resolve) => void pulumi.output(v).apply((x) => resolve(x)));
}

export async function tencentPrice(args: TencentPriceArgs, hours: number, previous: Previous, errors: string[], notes: string[]): Promise<HostPrice | undefined> {
  const h = args.config.host;
  const lab = args.config.lab;
  const t = args.tencent ?? {};
  const [secretId, secretKey] = await Promise.all([valueOf(t.secretId), valueOf(t.secretKey)]);
  const existing = Object.keys(previous.students ?? {}).filter((id) => lab.students.some((s) => s.id === id)).length;
  let pre: Awaited<ReturnType<TencentLabParts["preflight"]>>;
  try {
    pre = await args.parts.preflight({
      region: h.region ?? "ap-guangzhou", zone: h.zone ?? "", instanceType: h.size ?? "S5.MEDIUM4", imageId: h.image ?? "", count: lab.students.length + (args.config.cache ? 1 : 0), existing, hours,
      // A lab's own cache is one host more.
      hostNames: [...lab.students.map((s) => s.hostName), ...(args.config.cache ? [`${lab.namePrefix}-cache`] : [])], rules: labRuleCount(args.config),
      credentials: { ...(secretId ? { secretId } : {}), ...(secretKey ? { secretKey } : {}) },
      ...(t.endpoint ? { endpoint: t.endpoint } : {}), bandwidthOut: h.bandwidth, ...(h.sshPublicKey ? { publicKey: h.sshPublicKey } : {}),
    });
  } catch (e) {
    errors.push(`berth:lab: berth asks Tencent Cloud for the zone's quota and the price before it makes anything, and could not: ${(e as Error).message}`);
    return undefined;
  }
  errors.push(...pre.problems);
  const q = pre.quota;
  const up = pre.existing ?? existing;
  if (q) notes.push(`Tencent Cloud zone ${h.zone} has a pay-as-you-go quota of ${q.total} instances, ${q.used} in use and ${q.remaining} left; the lab has ${lab.students.length + (args.config.cache ? 1 : 0)} hosts${up ? `, ${up} of them up already` : ""} (DescribeAccountQuota, now)`);
  return pre.price ? { hourly: pre.price.hourly, currency: "CNY", perHost: pre.price.perHost, source: "Tencent Cloud's price for this zone, instance type and image (InquiryPriceRunInstances, now)" } : undefined;
}
