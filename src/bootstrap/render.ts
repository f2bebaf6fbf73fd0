/**
 * render(): a validated StackConfig → `#cloud-config` user-data. write_files carries the
 * script and its inputs; one runcmd runs it. Same input, same bytes.
 */
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import type { StackConfig } from "../config/load.js";
import { BUDGETS, kib, measured } from "./budget.js";
import { bootstrapConf, condarc, daemonJson, mirrorsList, pipConf } from "./files.js";
import { PATHS, bootstrapScript } from "./script.js";

export interface HostFile {
  readonly path: string;
  readonly content: string;
  readonly permissions: string;
}

export interface Rendered {
  /** The files the script needs, in the order they are written. */
  readonly files: readonly HostFile[];
  readonly script: string;
  readonly userData: string;
  /** Whether large files went in as gz+b64 to fit the provider's budget. */
  readonly compressed: boolean;
}

export class RenderError extends Error {
  override readonly name = "RenderError";
}

export function hostFiles(cfg: StackConfig): HostFile[] {
  const etc = (name: string, content: string): HostFile => ({ path: `${PATHS.etc}/${name}`, content, permissions: "0644" });
  const files = [
    etc("bootstrap.conf", bootstrapConf(cfg)),
    etc("mirrors.list", mirrorsList(cfg)),
    etc("daemon.json", daemonJson(cfg)),
    etc("pip.conf", pipConf(cfg)),
  ];
  if (cfg.bootstrap.conda.enabled) files.push(etc("condarc", condarc(cfg)));
  if (cfg.files.condaEnv) files.push(etc("environment.yml", cfg.files.condaEnv.yaml));
  if (cfg.files.requirements !== undefined) files.push(etc("requirements.txt", cfg.files.requirements));
  files.push({ path: PATHS.script, content: bootstrapScript(), permissions: "0755" });
  return files;
}

/** Files over this size are gzip+base64 encoded when the plain form is over budget. */
const COMPRESS_OVER = 512;

export function cloudConfig(files: readonly HostFile[], compress: boolean): string {
  const writeFiles = files.map((f) => {
    const big = compress && Buffer.byteLength(f.content) > COMPRESS_OVER;
    return {
      path: f.path,
      owner: "root:root",
      permissions: f.permissions,
      ...(big ? { encoding: "gz+b64", content: gzipSync(f.content, { level: 9 }).toString("base64") } : { content: f.content }),
    };
  });
  const doc = { write_files: writeFiles, runcmd: [["bash", PATHS.script]] };
  const body = stringify(doc, { sortMapEntries: true, lineWidth: 0 });
  return `#cloud-config\n# berth bootstrap: rendered from the stack config, do not edit (same input, same bytes)\n${body}`;
}

export function render(cfg: StackConfig): Rendered {
  const files = hostFiles(cfg);
  const script = bootstrapScript();
  const budget = BUDGETS[cfg.host.provider];
  let userData = cloudConfig(files, false);
  if (!budget || measured(userData, budget) <= budget.limit) return { files, script, userData, compressed: false };
  userData = cloudConfig(files, true);
  const size = measured(userData, budget);
  if (size <= budget.limit) return { files, script, userData, compressed: true };
  const largest = [...files]
    .sort((a, b) => Buffer.byteLength(b.content) - Buffer.byteLength(a.content))
    .slice(0, 3)
    .map((f) => `${f.path} ${kib(Buffer.byteLength(f.content))}`)
    .join(", ");
  throw new RenderError(
    `berth:bootstrap: the user-data is ${kib(size)} even with gz+b64, over ${budget.label} of ${kib(budget.limit)} — largest files: ${largest}; trim berth:bootstrap.conda.env or berth:bootstrap.pip.requirements (install the rest from your app image)`,
  );
}
