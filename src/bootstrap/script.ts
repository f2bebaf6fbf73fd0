/**
 * bootstrap.sh: assembled from the parts in ./script in name order. The parts are kept small
 * and commented for reading; the host receives one script, and shellcheck checks that one.
 * Full-line comments stay in the source: the host gets the first part's header and the
 * shellcheck directives, which keeps Tencent's 16 KB user-data budget for the stack's own files.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PARTS_DIR = fileURLToPath(new URL("./script/", import.meta.url));

let cached: string | undefined;

/** Drops full-line comments (`# …`), keeping `#!` and `# shellcheck` directives. */
export function withoutComments(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s*#( |$)/.test(line) || /^\s*# shellcheck /.test(line))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

export function bootstrapScript(): string {
  if (cached === undefined) {
    const names = readdirSync(PARTS_DIR).filter((n) => n.endsWith(".sh")).sort();
    cached = names
      .map((n, i) => {
        const text = readFileSync(PARTS_DIR + n, "utf8");
        if (i > 0) return withoutComments(text.replace(/^# shellcheck shell=bash\n/, ""));
        const body = text.indexOf("\nset -");
        return text.slice(0, body + 1) + withoutComments(text.slice(body + 1));
      })
      .join("\n");
  }
  return cached;
}

/** Where cloud-init and the SSH delivery put things on the host. */
export const PATHS = {
  script: "/usr/local/lib/berth/bootstrap.sh",
  etc: "/etc/berth",
  log: "/var/log/berth/bootstrap.log",
  status: "/var/lib/berth/status.json",
} as const;
