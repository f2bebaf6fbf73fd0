/**
 * Trust-on-first-use host keys: `host:port SHA256:…` lines in berth's own file
 * (~/.config/berth/known_hosts unless told otherwise), written when a host is first seen.
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export class KnownHosts {
  readonly #entries = new Map<string, string>();

  constructor(readonly path: string = join(homedir(), ".config/berth/known_hosts")) {
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return;
    }
    for (const line of text.split("\n")) {
      const [where, fp] = line.trim().split(/\s+/);
      if (where && fp && !where.startsWith("#")) this.#entries.set(where, fp);
    }
  }

  get(where: string): string | undefined {
    return this.#entries.get(where);
  }

  remember(where: string, fp: string): void {
    this.#entries.set(where, fp);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    appendFileSync(this.path, `${where} ${fp}\n`, { mode: 0o600 });
  }
}
