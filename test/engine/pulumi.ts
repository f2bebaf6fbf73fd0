/**
 * Driving the real Pulumi CLI (scripts/pulumi-cli.sh) on a copy of this project.
 *
 * The copy is needed because the CLI writes to the project: `pulumi stack init` adds an
 * `encryptionsalt` to stacks/Pulumi.<stack>.yaml and `pulumi config set` edits it. The copy
 * holds Pulumi.yaml, package.json, tsconfig.json, src/ and stacks/, with node_modules linked;
 * from the stack files it drops an `encryptionsalt` and `secure:` values that the developer's
 * own `pulumi stack init` may have left there (they belong to another passphrase), so Pulumi loads the program and the stack file the way it does in a
 * user's checkout (stackConfigDir: stacks). Each project gets its own file backend, secrets
 * passphrase and PULUMI_HOME in a temporary directory; update checks and plugin downloads are
 * off (scripts/pulumi-cli.sh).
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMap, parseDocument, visit } from "yaml";
import { PROJECT_DIR } from "../helpers/config.js";

export const PULUMI_CLI = join(PROJECT_DIR, "scripts/pulumi-cli.sh");
const COPIED = ["Pulumi.yaml", "package.json", "tsconfig.json", "src", "stacks"];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One engine event from `--event-log`, reduced to what tests look at. */
export interface StepEvent {
  op: string;
  type: string;
}

export class PulumiProject {
  readonly dir: string;
  readonly stateDir: string;
  readonly env: NodeJS.ProcessEnv;
  #events = 0;

  /**
   * `from`: the project to copy (default: this checkout). `stateDir`: a file backend to share
   * with other copies (default: the copy's own, removed with it).
   */
  constructor(readonly label: string, readonly passphrase = "berth engine test passphrase", opts: { from?: string; stateDir?: string } = {}) {
    const root = mkdtempSync(join(tmpdir(), `berth-engine-${label}-`));
    this.dir = join(root, "project");
    this.stateDir = opts.stateDir ?? join(root, "state");
    for (const f of COPIED) cpSync(join(opts.from ?? PROJECT_DIR, f), join(this.dir, f), { recursive: true });
    for (const f of readdirSync(join(this.dir, "stacks")).filter((n) => n.endsWith(".yaml"))) {
      const file = join(this.dir, "stacks", f);
      writeFileSync(file, withoutSecrets(readFileSync(file, "utf8")));
    }
    symlinkSync(join(PROJECT_DIR, "node_modules"), join(this.dir, "node_modules"), "dir");
    const { PULUMI_ACCESS_TOKEN: _token, ...inherited } = process.env;
    this.env = {
      ...inherited,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      PULUMI_HOME: join(root, "pulumi-home"),
      // Shows the hidden --event-log flag: one JSON engine event per line, what tests read steps from.
      PULUMI_DEBUG_COMMANDS: "true",
      NO_COLOR: "1",
    };
    mkdirSync(this.stateDir, { recursive: true });
  }

  /** `pulumi ARGS` in the project directory; never throws on a non-zero exit. */
  run(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = execFile("bash", [PULUMI_CLI, ...args, "--non-interactive"], { cwd: this.dir, env: { ...this.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err);
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      });
      child.stdin?.end(opts.stdin ?? "");
    });
  }

  /** Like run, but a non-zero exit is an error that carries the CLI's output. */
  async ok(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  /** Run a preview/up/destroy with an event log; returns the result and its resource steps. */
  async withEvents(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<RunResult & { steps: StepEvent[] }> {
    const log = join(this.stateDir, `events-${this.label}-${++this.#events}.jsonl`);
    const r = await this.run([...args, "--event-log", log], opts);
    return { ...r, steps: readSteps(log) };
  }

  stackFile(stack: string): string {
    return readFileSync(join(this.dir, "stacks", `Pulumi.${stack}.yaml`), "utf8");
  }

  /** Every file the backend wrote (state, backups, history), concatenated. */
  backendText(): string {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else out.push(readFileSync(p, "utf8"));
      }
    };
    walk(join(this.stateDir, ".pulumi"));
    return out.join("\n");
  }

  async outputs(stack: string): Promise<Record<string, unknown>> {
    const r = await this.ok(["stack", "output", "--json", "--stack", stack]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** `pulumi stack export` as text; with showSecrets, secrets decrypted. */
  async exportText(stack: string, opts: { showSecrets?: boolean } = {}): Promise<string> {
    return (await this.ok(["stack", "export", "--stack", stack, ...(opts.showSecrets ? ["--show-secrets"] : [])])).stdout;
  }

  /** The resources in the stack's state, from `pulumi stack export`. */
  async resources(stack: string, opts: { showSecrets?: boolean } = {}): Promise<{ type: string; urn: string; id?: string; outputs?: Record<string, unknown> }[]> {
    const d = JSON.parse(await this.exportText(stack, opts)) as { deployment: { resources?: { type: string; urn: string; id?: string; outputs?: Record<string, unknown> }[] } };
    return d.deployment.resources ?? [];
  }

  remove(): void {
    rmSync(join(this.dir, ".."), { recursive: true, force: true });
  }
}

/** A stack file without `encryptionsalt` and without `{ secure: … }` values; unchanged if it has neither. */
export function withoutSecrets(text: string): string {
  const doc = parseDocument(text);
  let changed = doc.delete("encryptionsalt");
  visit(doc, {
    Pair(_, pair) {
      if (isMap(pair.value) && pair.value.items.length === 1 && pair.value.has("secure")) {
        changed = true;
        return visit.REMOVE;
      }
      return undefined;
    },
  });
  return changed ? doc.toString() : text;
}

/** A secret as `pulumi stack export --show-secrets` writes it: `{ <sig>, plaintext: "<JSON>" }`. */
export function secretPlaintext(v: unknown): string {
  if (typeof v === "object" && v !== null && typeof (v as { plaintext?: unknown }).plaintext === "string") return JSON.parse((v as { plaintext: string }).plaintext) as string;
  throw new Error(`not a decrypted secret: ${JSON.stringify(v)?.slice(0, 80)}`);
}

/** The steps an event log announces (its resourcePreEvents), in order. */
export function readSteps(file: string): StepEvent[] {
  // A missing log is an error, so that "no steps" can never pass for "no log".
  const text = readFileSync(file, "utf8");
  const steps: StepEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const ev = JSON.parse(line) as { resourcePreEvent?: { metadata: { op: string; type: string } } };
    const m = ev.resourcePreEvent?.metadata;
    if (!m) continue;
    steps.push({ op: m.op, type: m.type });
  }
  return steps;
}

/** "op type" for each step, sorted, for exact comparisons. */
export function opsOf(steps: StepEvent[]): string[] {
  return steps.map((s) => `${s.op} ${s.type}`).sort();
}
