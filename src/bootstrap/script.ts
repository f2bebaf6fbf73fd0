/**
 * bootstrap.sh: assembled from the parts in ./script in name order. The parts are kept small
 * for reading; the host receives one script, and shellcheck checks that one.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PARTS_DIR = fileURLToPath(new URL("./script/", import.meta.url));

let cached: string | undefined;

export function bootstrapScript(): string {
  if (cached === undefined) {
    const names = readdirSync(PARTS_DIR).filter((n) => n.endsWith(".sh")).sort();
    cached = names
      .map((n, i) => {
        const text = readFileSync(PARTS_DIR + n, "utf8");
        return i === 0 ? text : text.replace(/^# shellcheck shell=bash\n/, "");
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
