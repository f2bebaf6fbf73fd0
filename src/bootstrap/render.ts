/**
 * render(): a validated StackConfig → `#cloud-config` user-data. write_files carries the
 * script and its inputs; one runcmd runs it. Same input, same bytes.
 */
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import type { StackConfig } from "../config/load.js";
import { BUDGETS, kib, measured } from "./budget.js";
import { bootstrapConf, condarc, daemonJson, fallbackFiles, mirrorsList, pipConf } from "./files.js";
import { shippedKey } from "./keys.js";
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
  /** The `#cloud-config` text: what `berth render` prints and the snapshots hold. */
  readonly userData: string;
  /**
   * Whether the provider must send the user-data gzip-compressed to fit its budget (cloud-init
   * unpacks gzip user-data before reading it).
   */
  readonly compressed: boolean;
  /** The bytes to send, base64-encoded (for APIs that take base64, like Tencent's): gzip of userData when compressed. */
  readonly userDataBase64: string;
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
  files.push(...fallbackFiles(cfg).map((f) => etc(f.name, f.content)));
  if (cfg.files.condaEnv) files.push(etc("environment.yml", cfg.files.condaEnv.yaml));
  if (cfg.files.requirements !== undefined) files.push(etc("requirements.txt", cfg.files.requirements));
  const shipsKeys = BUDGETS[cfg.host.provider]?.shipsKeys ?? true;
  for (const fpr of shipsKeys ? [...new Set(cfg.mirrors.dockerCe.map((m) => m.key))].sort() : []) {
    const key = shippedKey(fpr);
    if (key !== undefined) files.push(etc(`keys/${fpr}.asc`, key));
  }
  files.push({ path: PATHS.script, content: bootstrapScript(), permissions: "0755" });
  return files;
}

export function cloudConfig(files: readonly HostFile[]): string {
  const writeFiles = files.map((f) => ({ path: f.path, owner: "root:root", permissions: f.permissions, content: f.content }));
  const doc = { write_files: writeFiles, runcmd: [["bash", PATHS.script]] };
  const body = stringify(doc, { sortMapEntries: true, lineWidth: 0 });
  return `#cloud-config\n# berth bootstrap: rendered from the stack config, do not edit (same input, same bytes)\n${body}`;
}

/** gzip with a fixed header (mtime 0, OS "Unix"), so every machine renders the same bytes. */
export function gzipUserData(text: string): Buffer {
  const gz = gzipSync(text, { level: 9 });
  gz[9] = 3;
  return gz;
}

export function render(cfg: StackConfig): Rendered {
  const files = hostFiles(cfg);
  const script = bootstrapScript();
  const budget = BUDGETS[cfg.host.provider];
  const userData = cloudConfig(files);
  const plain = Buffer.from(userData, "utf8");
  if (!budget || measured(plain, budget) <= budget.limit) return { files, script, userData, compressed: false, userDataBase64: plain.toString("base64") };
  const gz = gzipUserData(userData);
  const size = measured(gz, budget);
  if (size <= budget.limit) return { files, script, userData, compressed: true, userDataBase64: gz.toString("base64") };
  const largest = [...files]
    .sort((a, b) => Buffer.byteLength(b.content) - Buffer.byteLength(a.content))
    .slice(0, 3)
    .map((f) => `${f.path} ${kib(Buffer.byteLength(f.content))}`)
    .join(", ");
  throw new RenderError(
    `berth:bootstrap: the user-data is ${kib(size)} even gzip-compressed, over ${budget.label} of ${kib(budget.limit)} — largest files: ${largest}; trim berth:bootstrap.conda.env or berth:bootstrap.pip.requirements (install the rest from your app image)`,
  );
}
