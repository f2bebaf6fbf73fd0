/**
 * What the doctor VM tests assert with: a host result's problems, one finding, its texts in
 * both languages, an SSH session on the lab VM, the kit's app plan, and `berth doctor` run as a
 * command.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { appSchema } from "../../src/config/sections/app.js";
import { KnownHosts } from "../../src/deploy/known-hosts.js";
import { planApp, type AppPlan } from "../../src/deploy/plan.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { describe as describeFinding } from "../../src/diagnose/explain.js";
import type { Finding } from "../../src/diagnose/types.js";
import type { HostResult } from "../../src/doctor/report.js";
import { kitInfo } from "../../src/local/kit.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { IDENTITY, KEYS, KNOWN_HOSTS, STACK_FILE, type Lab } from "./doctor-lab.js";

const run = promisify(execFile);
export const kit = kitInfo();
export const PASSWORD = { BERTH_REGISTRY_PASSWORD: kit.registryPassword };

export const ssh = (lab: Lab, user = "debian") =>
  new SshExecutor({ host: lab.vm.ip, port: 22, username: user, privateKey: Buffer.from(KEYS.private), knownHosts: new KnownHosts(KNOWN_HOSTS) });

export const app = (over: Record<string, unknown> = {}): AppPlan =>
  planApp(appSchema.parse({ image: kit.appImages.v1, registry: { server: kit.registry, username: kit.registryUser, password: kit.registryPassword }, ports: ["8080:8080"], healthcheck: { type: "http", path: "/", timeoutSeconds: 30 }, ...over }));

/** `check:finding` for every finding, `check:unrecognised` for what doctor did not know. */
export function problems(h: HostResult): string[] {
  return h.checks.flatMap((c) => [...c.findings.map((f) => `${c.id}:${f.id}`), ...(c.unrecognised ? [`${c.id}:unrecognised`] : [])]);
}

export function finding(h: HostResult, check: string, id: string): Finding {
  const f = h.checks.find((c) => c.id === check)?.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no ${id} in ${check}: ${JSON.stringify(problems(h))}`);
  return f;
}

/** The diagnosis as the user reads it, in both languages. */
export function says(f: Finding, en: { title: string; fix?: string }, zh: { title: string; fix?: string }): void {
  const e = describeFinding(f, "en");
  const z = describeFinding(f, "zh");
  expect(e.title).toBe(en.title);
  expect(z.title).toBe(zh.title);
  if (en.fix) expect(e.fix).toBe(en.fix);
  if (zh.fix) expect(z.fix).toBe(zh.fix);
}

/** `berth doctor --stack … --host debian@VM` as a user runs it; its exit code and stdout. */
export async function cli(lab: Lab, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  try {
    const r = await run(join(PROJECT_DIR, "node_modules/.bin/tsx"), [join(PROJECT_DIR, "src/cli/main.ts"), "doctor", "--stack", STACK_FILE, "--host", `debian@${lab.vm.ip}`, "--identity", IDENTITY, "--known-hosts", KNOWN_HOSTS, ...args], { env: { ...process.env, LANG: "", LC_ALL: "", LC_MESSAGES: "", ...PASSWORD, ...env } });
    return { code: 0, stdout: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}
