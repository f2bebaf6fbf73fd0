/** `berth doctor`: check this machine, or hosts over SSH, and explain known failures in English or Chinese. */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { pickLang, type Lang } from "../diagnose/lang.js";
import { catalogTable } from "../diagnose/table.js";
import { EXIT, exitCode, renderText, toJson } from "../doctor/report.js";
import { berthVersion } from "../doctor/machine.js";
import { runDoctor } from "../doctor/run.js";
import { loadStackFile } from "../config/stackfile.js";
import type { CommandIo } from "./render.js";
import { parseTarget } from "./targets.js";

export interface DoctorCliOptions {
  readonly stack?: string;
  readonly host: string[];
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly fingerprint?: string;
  readonly concurrency: number;
  readonly json: boolean;
  readonly lang?: string;
  readonly list: boolean;
  readonly machine: boolean;
}

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The project directory of a stack file (the parent of stacks/), else berth's own. */
function projectDir(stack: string | undefined): string {
  if (!stack) return PROJECT_DIR;
  const dir = dirname(resolve(stack));
  const project = dir.endsWith("/stacks") ? dirname(dir) : dir;
  return existsSync(resolve(project, "package-lock.json")) || existsSync(resolve(project, "Pulumi.yaml")) ? project : PROJECT_DIR;
}

export async function doctorCommand(opts: DoctorCliOptions, io: CommandIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let lang: Lang;
  try {
    lang = pickLang(opts.lang, env);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return EXIT.usage;
  }
  if (opts.list) {
    io.stdout(catalogTable(lang));
    return EXIT.ok;
  }
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
    io.stderr(`--concurrency ${opts.concurrency}: give a whole number of hosts, 1 or more\n`);
    return EXIT.usage;
  }
  const loaded = opts.stack ? loadStackFile(opts.stack) : undefined;
  const defaultUser = loaded?.ok ? loaded.config.host.user : "root";
  let hosts;
  try {
    hosts = opts.host.map((h) => ({ ...parseTarget(h), ...(h.includes("@") ? {} : { user: defaultUser }) }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const result = await runDoctor({
    ...(opts.stack ? { stack: opts.stack } : {}),
    hosts,
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.knownHosts ? { knownHosts: opts.knownHosts } : {}),
    ...(opts.fingerprint ? { fingerprint: opts.fingerprint } : {}),
    concurrency: opts.concurrency,
    machine: opts.machine,
    env,
    projectDir: projectDir(opts.stack),
  });
  if (opts.json) io.stdout(`${JSON.stringify(toJson(result, lang, berthVersion(PROJECT_DIR)), null, 2)}\n`);
  else io.stdout(renderText(result, lang));
  return exitCode(result);
}

export function registerDoctor(cmd: Command, io: CommandIo): void {
  cmd
    .command("doctor")
    .description("check this machine (or hosts over SSH with --host) and explain known failures, in English or Chinese")
    .option("--stack <file>", "stack file, like stacks/Pulumi.local.yaml")
    .option("--host <user@addr[:port]>", "a host to check over SSH (repeat for several)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--identity <file>", "SSH private key (default ~/.ssh/id_ed25519, id_ecdsa or id_rsa)")
    .option("--known-hosts <file>", "trust-on-first-use host keys (default ~/.config/berth/known_hosts)")
    .option("--fingerprint <SHA256:…>", "pin the host key instead of trusting it on first use")
    .option("--concurrency <n>", "hosts checked at once", (v: string) => Number(v), 8)
    .option("--machine", "with --host, check this machine too", false)
    .option("--json", "machine-readable output (schema berth-doctor/1)", false)
    .option("--lang <en|zh>", "language of the report (default: from LC_ALL, LC_MESSAGES, LANG)")
    .option("--list", "print the catalogue of known failures as a table", false)
    .action(async (opts: DoctorCliOptions) => {
      process.exitCode = await doctorCommand(opts, io);
    });
}
