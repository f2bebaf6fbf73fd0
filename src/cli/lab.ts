/**
 * `berth lab …`: course labs made from a roster.
 *   berth lab init --provider local|digitalocean|tencentcloud [--dir D] [--name N]   a ready lab stack and an example roster
 *   berth lab handout --stack FILE [--out DIR]                          handouts per student, and the instructor's table
 *   berth lab reap --stack FILE [--json]                                destroy the lab if it has expired
 * Exit codes: 0 done (reap: destroyed, or nothing to do); 1 failed; 2 bad input (not a lab, files exist, unknown provider).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { LAB_PROVIDERS } from "../config/lab.js";
import type { Provider } from "../config/sections/host.js";
import { loadStackFile, readStackFile, stackNameOf } from "../config/stackfile.js";
import { render } from "../bootstrap/render.js";
import { writeHandouts, type LabStackOutputs } from "../lab/handout-files.js";
import { REAPED_TAG, reapDecision } from "../lab/reap.js";
import { EXAMPLE_ROSTER, scaffoldStack } from "../lab/scaffold.js";
import { runPulumi, stackOutputs, type RunPulumi } from "./lab-pulumi.js";
import type { CommandIo } from "./render.js";

export const LAB_EXIT = { ok: 0, failed: 1, usage: 2 } as const;
const BERTH_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface LabDeps {
  readonly pulumi?: RunPulumi;
  readonly now?: () => Date;
}

function stackOf(file: string, io: CommandIo): { projectDir: string; stack: string } | undefined {
  const stack = stackNameOf(file);
  if (!stack || !existsSync(file)) {
    io.stderr(`berth lab: ${file} is not a stack file (stacks/Pulumi.<stack>.yaml)\n`);
    return undefined;
  }
  try {
    return { projectDir: readStackFile(file).projectDir, stack };
  } catch (e) {
    io.stderr(`berth lab: ${(e as Error).message}\n`);
    return undefined;
  }
}

export async function labInitCommand(opts: { provider: string; dir: string; name: string; keyDir?: string }, io: CommandIo): Promise<number> {
  const provider = opts.provider as Provider;
  if (!(LAB_PROVIDERS as readonly string[]).includes(provider)) {
    io.stderr(`berth lab init: --provider must be local, digitalocean or tencentcloud (got "${opts.provider}")\n`);
    return LAB_EXIT.usage;
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$/.test(opts.name)) {
    io.stderr(`berth lab init: --name "${opts.name}" must be lowercase letters, digits and inner -, at most 24 characters (it names the stack and starts every host's name)\n`);
    return LAB_EXIT.usage;
  }
  const dir = resolve(opts.dir);
  const stackFile = join(dir, "stacks", `Pulumi.${opts.name}.yaml`);
  const roster = join(dir, "rosters", `${opts.name}.csv`);
  const existing = [stackFile, roster].filter((f) => existsSync(f));
  if (existing.length > 0) {
    io.stderr(`berth lab init: ${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""} — choose another --name, or remove ${existing.length === 1 ? "it" : "them"}\n`);
    return LAB_EXIT.usage;
  }
  let admin: { publicKey: string; file: string } | undefined;
  if (provider === "digitalocean" || provider === "tencentcloud") {
    const file = join(opts.keyDir ?? join(homedir(), ".ssh"), `berth_${opts.name}`);
    if (!existsSync(`${file}.pub`)) {
      const { ed25519KeyPair } = await import("../deploy/keypair.js");
      const { utils } = (await import("ssh2")).default;
      // Tencent Cloud's ImportKeyPair takes OpenSSH RSA keys only.
      const pair = provider === "tencentcloud" ? utils.generateKeyPairSync("rsa", { bits: 4096, comment: `berth-lab-${opts.name}` }) : ed25519KeyPair(`berth-lab-${opts.name}`);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, pair.private, { mode: 0o600 });
      writeFileSync(`${file}.pub`, `${pair.public}\n`);
      io.stderr(`made the lab's admin key ${file} (berth deploys with it; keep it)\n`);
    }
    admin = { publicKey: readFileSync(`${file}.pub`, "utf8").trim(), file };
  }
  const local = readStackFile(join(BERTH_ROOT, "stacks", "Pulumi.local.yaml")).config;
  const text = scaffoldStack({ provider, name: opts.name, roster: `rosters/${opts.name}.csv`, ...(admin ? { adminPublicKey: admin.publicKey, adminKeyFile: admin.file } : {}) }, local);
  mkdirSync(dirname(stackFile), { recursive: true });
  mkdirSync(dirname(roster), { recursive: true });
  writeFileSync(roster, EXAMPLE_ROSTER);
  writeFileSync(stackFile, text);
  const loaded = loadStackFile(stackFile);
  if (!loaded.ok) {
    io.stderr(`berth lab init: the scaffold does not load (a bug in berth's template):\n  ${loaded.errors.join("\n  ")}\n`);
    return LAB_EXIT.failed;
  }
  render(loaded.config);
  const shown = relative(process.cwd(), stackFile) || stackFile;
  io.stdout(`wrote ${shown} and ${relative(process.cwd(), roster) || roster} (${loaded.config.lab?.students.length ?? 0} example students)\n`);
  io.stdout(`next: put your students in the roster, then npx berth render --stack ${shown}; pulumi stack init ${opts.name}; pulumi up; npx berth lab handout --stack ${shown}\n`);
  return LAB_EXIT.ok;
}

export async function labHandoutCommand(opts: { stack: string; out?: string }, io: CommandIo, deps: LabDeps = {}): Promise<number> {
  const where = stackOf(opts.stack, io);
  if (!where) return LAB_EXIT.usage;
  let outputs: LabStackOutputs;
  try {
    outputs = (await stackOutputs(deps.pulumi ?? runPulumi, where.projectDir, where.stack, true)) as LabStackOutputs;
  } catch (e) {
    io.stderr(`berth lab handout: ${(e as Error).message}\n`);
    return LAB_EXIT.failed;
  }
  if (!outputs.lab || !outputs.students) {
    io.stderr(`berth lab handout: stack ${where.stack} has no lab outputs — run pulumi up on it first (and it must have berth:lab)\n`);
    return LAB_EXIT.usage;
  }
  const loaded = loadStackFile(opts.stack);
  // The environment to activate: the stack's, when the stack file still loads; conda's base otherwise.
  let condaEnv: string | null = "base";
  if (loaded.ok) condaEnv = loaded.config.bootstrap.conda.enabled ? (loaded.config.files.condaEnv?.name ?? "base") : null;
  const out = opts.out ?? (isAbsolute(outputs.lab.handouts) ? outputs.lab.handouts : join(where.projectDir, outputs.lab.handouts));
  const r = writeHandouts(outputs, out, { condaEnv });
  io.stdout(`handouts for ${Object.keys(outputs.students).length} students in ${out}: ${r.written.length} file(s) written, ${r.unchanged} unchanged${r.removed.length ? `, removed ${r.removed.map((p) => relative(out, p)).join(", ")}` : ""}\n`);
  io.stdout(`give each student only their own folder, ${join(out, "students", "<host name>")}; ${join(out, "instructor.csv")} lists everyone (no keys)\n`);
  return LAB_EXIT.ok;
}

export async function labReapCommand(opts: { stack: string; json: boolean }, io: CommandIo, deps: LabDeps = {}): Promise<number> {
  const log = opts.json ? io.stderr : io.stdout;
  const report = (r: Record<string, unknown>, code: number) => {
    if (opts.json) io.stdout(`${JSON.stringify({ ...r, exitCode: code })}\n`);
    return code;
  };
  const where = stackOf(opts.stack, io);
  if (!where) return report({ stack: opts.stack, action: "none", why: "bad-stack" }, LAB_EXIT.usage);
  const run = deps.pulumi ?? runPulumi;
  let outputs: Record<string, unknown>;
  try {
    outputs = await stackOutputs(run, where.projectDir, where.stack, false);
  } catch (e) {
    log(`berth lab reap: ${(e as Error).message}\n`);
    return report({ stack: where.stack, action: "none", why: "unreadable", message: (e as Error).message }, LAB_EXIT.failed);
  }
  const d = reapDecision(where.stack, outputs, (deps.now ?? (() => new Date()))());
  log(`berth lab reap: ${d.message}\n`);
  if (d.action === "none") return report({ stack: where.stack, action: "none", why: d.why, message: d.message }, d.why === "not-a-lab" ? LAB_EXIT.usage : LAB_EXIT.ok);
  const r = await run(where.projectDir, ["destroy", "--yes", "--skip-preview", "--stack", where.stack], { echo: log });
  const ok = r.code === 0;
  // Keeps berth ci up from creating the lab again (a duration would start anew on an empty stack).
  if (ok) await run(where.projectDir, ["stack", "tag", "set", REAPED_TAG, d.expiresAt, "--stack", where.stack]);
  log(`berth lab reap: ${ok ? `destroyed lab ${d.lab}` : `pulumi destroy exited ${r.code}; run it again, or see the output above`}\n`);
  return report({ stack: where.stack, lab: d.lab, expiresAt: d.expiresAt, action: ok ? "destroyed" : "failed", message: d.message }, ok ? LAB_EXIT.ok : LAB_EXIT.failed);
}

export function registerLab(cmd: Command, io: CommandIo): void {
  const lab = cmd.command("lab").description("course labs: one host per student of a roster (berth:lab)");
  lab.command("init").description("write a ready lab stack file and an example roster")
    .requiredOption("--provider <provider>", "local, digitalocean or tencentcloud")
    .option("--dir <dir>", "the berth project (stacks/ and rosters/ go in it)", ".")
    .option("--name <name>", "the stack's name, and every host's name prefix", "lab")
    .option("--key-dir <dir>", "where the lab's admin key is made (digitalocean, tencentcloud; default ~/.ssh)")
    .action(async (opts: { provider: string; dir: string; name: string; keyDir?: string }) => {
      process.exitCode = await labInitCommand(opts, io);
    });
  lab.command("handout").description("write each student's handout (Markdown, HTML; English and Chinese), their key, and the instructor's table")
    .requiredOption("--stack <file>", "the lab's stack file")
    .option("--out <dir>", "where to write (default berth:lab.handouts, handouts/<stack>)")
    .action(async (opts: { stack: string; out?: string }) => {
      process.exitCode = await labHandoutCommand(opts, io);
    });
  lab.command("reap").description("destroy the lab's stack if it has expired (nothing otherwise)")
    .requiredOption("--stack <file>", "the lab's stack file")
    .option("--json", "print one JSON result on stdout", false)
    .action(async (opts: { stack: string; json: boolean }) => {
      process.exitCode = await labReapCommand(opts, io);
    });
}
