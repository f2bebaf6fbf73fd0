/**
 * Trust-on-first-use host keys: `host:port SHA256:…` lines in berth's own file, written when a
 * host is first seen. The file is `--known-hosts FILE` for the CLI, else $BERTH_KNOWN_HOSTS
 * (which the Pulumi program's providers read too), else ~/.config/berth/known_hosts.
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export function defaultKnownHostsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_KNOWN_HOSTS || join(homedir(), ".config/berth/known_hosts");
}

export class KnownHosts {
  readonly #entries = new Map<string, string>();

  constructor(readonly path: string = defaultKnownHostsPath()) {
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
