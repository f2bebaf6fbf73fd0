/**
 * The Pulumi program of a lab stack: when the lab ends (a duration is anchored at the lab's first
 * creation: kept by a LabStart resource, which the hosts' expiry reads, and in the stack's own
 * `lab.startedAt` output, read back through a reference to this stack), what it costs until then,
 * the checks that stop it before any resource (an expiry in the past, an estimate over budget, a
 * Tencent zone without quota), what preview says about it, then the Lab component and the
 * stack's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { RenderError, render, type Rendered } from "../bootstrap/render.js";
import { cacheUseFor, useCache } from "../cache/client.js";
import { expiresAt as expiryOf, showExpiry } from "../config/expiry.js";
import type { LabConfig } from "../config/lab.js";
import type { StackConfig } from "../config/load.js";
import { Lab, type LabArgs, type StudentHost } from "../components/lab.js";
import { bootstrapDigest } from "../components/lab-bootstrap.js";
import { LabStart } from "../components/lab-start.js";
import { tencentLabParts } from "../components/lab-tencent.js";
import { budgetProblem, estimate, hoursUntil, showEstimate, type Estimate } from "./cost.js";
import { DO_PRICES, DO_PRICES_CHECKED, digitalOceanPrice, LOCAL_PRICE, type HostPrice } from "./prices.js";
import { labNotes, olderBootstrap, olderBootstrapNote, type Previous } from "./notes.js";
import { tencentPrice } from "./tencent-price.js";

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
  readonly lab: pulumi.Output<LabSummary>;
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

async function hostPrice(args: LabProgramArgs, hours: number, previous: Previous, errors: string[], notes: string[]): Promise<HostPrice | undefined> {
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
    case "tencentcloud":
      return tencentPrice({ config: args.config, parts: args.tencentParts ?? tencentLabParts, tencent: args.tencent }, hours, previous, errors, notes);
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
  const extra: string[] = [];
  const price = errors.length === 0 ? await hostPrice(args, hours, previous ?? {}, errors, extra) : undefined;
  // A lab's own cache is one host more.
  const est = price ? estimate(lab.students.length + (cfg.cache ? 1 : 0), price, hours) : undefined;
  const overBudget = est ? budgetProblem(est, lab.budget) : undefined;
  if (overBudget) errors.push(overBudget);
  if (errors.length > 0) throw new pulumi.RunError(`the stack config has ${errors.length} problem(s):\n  ${errors.join("\n  ")}`);
  previous ??= await previousOutputs();
  if (pulumi.runtime.isDryRun()) {
    const notes = labNotes(cfg, previous, { expires: shown, hours, estimate: est ? showEstimate(est) : undefined, quota: extra[0] });
    for (const line of notes.info) void pulumi.log.info(line);
    for (const line of notes.warn) void pulumi.log.warn(line);
  }
  // The hosts' expiry reads the lab's start from its LabStart, which a failed `up` keeps (unlike the stack's outputs).
  const anchor = startedAt ? new LabStart(`${lab.namePrefix}-start`, { startedAt }) : undefined;
  const ends = (start: string | undefined) => (start ? expiryOf(lab.expiry, new Date(start)) : expires);
  const component = new Lab(lab.namePrefix, { ...args, expiresAt: anchor ? anchor.startedAt.apply((s) => ends(s).toISOString()) : expires.toISOString() });
  if (pulumi.runtime.isDryRun()) {
    const rendered = renderedNow(args, previous);
    const older = rendered ? olderBootstrap(lab, previous, bootstrapDigest(rendered.userData)) : [];
    const first = older[0] ? component.hostUrns[older[0].id] : undefined;
    if (first) first.apply((urn) => void pulumi.log.info(olderBootstrapNote(lab, older, urn)));
  }
  const summary = (start: string | undefined): LabSummary => ({
    name: lab.namePrefix, provider: cfg.host.provider, roster: lab.roster, students: lab.students.length,
    expiresAt: ends(start).toISOString(), expires: showExpiry(ends(start), lab.timezone), ...(start ? { startedAt: start } : {}),
    estimate: est ?? null, budget: lab.budget ?? null, handouts: lab.handouts,
  });
  const outputs = anchor ? anchor.startedAt.apply(summary) : pulumi.output(summary(undefined));
  return { lab: outputs, students: component.students, studentKeys: component.privateKeys, ...(component.cacheUrl ? { cacheUrl: component.cacheUrl } : {}) };
}

/**
 * What a student's host would be made with now: through the lab's cache at the address the last
 * `up` gave it (undefined before the cache exists).
 */
function renderedNow(args: LabProgramArgs, previous: Previous): Rendered | undefined {
  if (!args.config.cache) return args.rendered;
  if (!previous.cacheUrl) return undefined;
  return render(useCache(args.config, cacheUseFor(args.config, new URL(previous.cacheUrl).hostname.replace(/^\[|\]$/g, ""))));
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
