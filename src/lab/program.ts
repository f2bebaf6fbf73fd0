/**
 * The Pulumi program of a lab stack: when the lab ends (a duration is anchored at the lab's first
 * creation, kept in the stack's own `lab.startedAt` output and read back through a reference to
 * this stack), what it costs until then, the checks that stop it before any resource (an expiry in
 * the past, an estimate over budget, a Tencent zone without quota), what preview says about it,
 * then the Lab component and the stack's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { RenderError, render, type Rendered } from "../bootstrap/render.js";
import { cacheUseFor, useCache } from "../cache/client.js";
import { expiresAt as expiryOf, showExpiry } from "../config/expiry.js";
import type { LabConfig } from "../config/lab.js";
import type { StackConfig } from "../config/load.js";
import { Lab, type LabArgs, type StudentHost } from "../components/lab.js";
import { tencentLabParts, type TencentLabParts } from "../components/lab-tencent.js";
import { budgetProblem, estimate, hoursUntil, showEstimate, type Estimate } from "./cost.js";
import { DO_PRICES, DO_PRICES_CHECKED, digitalOceanPrice, LOCAL_PRICE, type HostPrice } from "./prices.js";
import { labNotes, type Previous } from "./notes.js";

export interface LabSummary {
  readonly name: string;
  readonly provider: string;
  readonly roster: string;
  readonly students: number;
  /** ISO-8601 UTC. */
  readonly expiresAt: string;
  readonly expires: string;
  /** When a lab whose expiry is a duration was first created. */
  readonly startedAt?: string;
  readonly estimate: Estimate | null;
  readonly budget: LabConfig["budget"] | null;
  readonly handouts: string;
}

export interface LabOutputs {
  readonly lab: LabSummary;
  readonly students: pulumi.Output<Record<string, StudentHost>>;
  readonly studentKeys: pulumi.Output<Record<string, string>>;
  /** The lab's own cache (berth:cache), at its private address. */
  readonly cacheUrl?: pulumi.Output<string>;
}

export interface LabProgramArgs extends Omit<LabArgs, "expiresAt" | "config"> {
  readonly config: StackConfig & { readonly lab: LabConfig };
  readonly now?: Date;
}

/** This stack's outputs from its last update, or nothing (a new stack, or one that cannot be read). */
async function previousOutputs(): Promise<Previous> {
  try {
    const ref = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const [lab, students] = await Promise.all([ref.getOutputDetails("lab"), ref.getOutputDetails("students")]);
    return { lab: lab.value as Previous["lab"], students: students.value as Previous["students"] };
  } catch {
    return {};
  }
}

async function hostPrice(args: LabProgramArgs, hours: number, previous: Previous, errors: string[]): Promise<HostPrice | undefined> {
  const h = args.config.host;
  const lab = args.config.lab;
  switch (h.provider) {
    case "local":
      return LOCAL_PRICE;
    case "digitalocean": {
      const size = h.size ?? "s-1vcpu-2gb";
      const p = digitalOceanPrice(size);
      if (!p && lab.budget)
        errors.push(`berth:host.size: berth's DigitalOcean price table (checked ${DO_PRICES_CHECKED}) has no price for ${size}, so the lab's cost cannot be checked against berth:lab.budget — choose one of ${Object.keys(DO_PRICES).join(", ")}, or remove the budget`);
      return p;
    }
    case "tencentcloud": {
      const parts: TencentLabParts | undefined = args.tencentParts ?? tencentLabParts;
      if (!parts) return undefined;
      const t = args.tencent ?? {};
      const plain = (v: pulumi.Input<string> | undefined) => (typeof v === "string" ? v : undefined);
      const existing = Object.keys(previous.students ?? {}).filter((id) => lab.students.some((s) => s.id === id)).length;
      const pre = await parts.preflight({
        region: h.region ?? "ap-guangzhou", zone: h.zone ?? "", instanceType: h.size ?? "S5.MEDIUM4", imageId: h.image ?? "", count: lab.students.length + (args.config.cache ? 1 : 0), existing, hours,
        credentials: { ...(plain(t.secretId) ? { secretId: plain(t.secretId) } : {}), ...(plain(t.secretKey) ? { secretKey: plain(t.secretKey) } : {}) },
        ...(t.endpoint ? { endpoint: t.endpoint } : {}), bandwidthOut: h.bandwidth, ...(h.sshPublicKey ? { publicKey: h.sshPublicKey } : {}),
      });
      errors.push(...pre.problems);
      return pre.price ? { hourly: pre.price.hourly, currency: "CNY", perHost: pre.price.perHost, source: "Tencent Cloud's price for this zone, instance type and image (InquiryPriceRunInstances, now)" } : undefined;
    }
    case "existing":
      return undefined;
  }
}

export async function labProgram(args: LabProgramArgs): Promise<LabOutputs> {
  const cfg = args.config;
  const lab = cfg.lab;
  const now = args.now ?? new Date();
  const errors: string[] = [];
  // A duration is counted from the lab's first creation; Tencent's quota check counts the hosts already up.
  let previous: Previous | undefined = lab.expiry.kind === "after" || cfg.host.provider === "tencentcloud" ? await previousOutputs() : undefined;
  const startedAt = lab.expiry.kind === "after" ? (previous?.lab?.startedAt ?? now.toISOString()) : undefined;
  const expires = expiryOf(lab.expiry, new Date(startedAt ?? now));
  const shown = showExpiry(expires, lab.timezone);
  if (expires.getTime() <= now.getTime()) {
    const since = lab.expiry.kind === "after" ? ` (${lab.expiry.written} after it was first created, ${startedAt})` : "";
    errors.push(`berth:lab.expires: the lab ended at ${shown}${since} — set a later berth:lab.expires to keep it, or destroy it: npx berth lab reap --stack stacks/Pulumi.${pulumi.getStack()}.yaml (or pulumi destroy)`);
  }
  errors.push(...labCacheProblems(cfg));
  const hours = hoursUntil(expires, now);
  const price = errors.length === 0 ? await hostPrice(args, hours, previous ?? {}, errors) : undefined;
  // A lab's own cache is one host more.
  const est = price ? estimate(lab.students.length + (cfg.cache ? 1 : 0), price, hours) : undefined;
  const overBudget = est ? budgetProblem(est, lab.budget) : undefined;
  if (overBudget) errors.push(overBudget);
  if (errors.length > 0) throw new pulumi.RunError(`the stack config has ${errors.length} problem(s):\n  ${errors.join("\n  ")}`);
  previous ??= await previousOutputs();
  if (pulumi.runtime.isDryRun()) {
    const notes = labNotes(cfg, previous, { expires: shown, hours, estimate: est ? showEstimate(est) : undefined });
    for (const line of notes.info) void pulumi.log.info(line);
    for (const line of notes.warn) void pulumi.log.warn(line);
  }
  const component = new Lab(lab.namePrefix, { ...args, expiresAt: expires.toISOString() });
  const summary: LabSummary = {
    name: lab.namePrefix, provider: cfg.host.provider, roster: lab.roster, students: lab.students.length,
    expiresAt: expires.toISOString(), expires: shown, ...(startedAt ? { startedAt } : {}),
    estimate: est ?? null, budget: lab.budget ?? null, handouts: lab.handouts,
  };
  return { lab: summary, students: component.students, studentKeys: component.privateKeys, ...(component.cacheUrl ? { cacheUrl: component.cacheUrl } : {}) };
}

/**
 * What would stop a lab's own cache only once resources exist: a student whose host would have
 * the cache host's name, and a bootstrap that no longer fits the provider's user-data limit with
 * the cache first in every chain (checked with the longest address a cache can have).
 */
function labCacheProblems(cfg: LabProgramArgs["config"]): string[] {
  if (!cfg.cache) return [];
  const out: string[] = [];
  const cacheName = `${cfg.lab.namePrefix}-cache`;
  const clash = cfg.lab.students.find((s) => s.hostName === cacheName);
  if (clash) out.push(`berth:lab.roster: student "${clash.id}" would get the host name ${cacheName}, which is the lab's cache host (berth:cache) — set another berth:lab.namePrefix`);
  try {
    render(useCache(cfg, cacheUseFor(cfg, "255.255.255.255")));
  } catch (e) {
    if (!(e instanceof RenderError)) throw e;
    out.push(`berth:cache: ${e.message}`);
  }
  return out;
}

export type { Rendered };
