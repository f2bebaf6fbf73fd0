/**
 * What doctor runs on a host: evidence.sh (read-only, one round trip) and, when the stack has a
 * registry and its password is at hand, a docker login into a throwaway config with the
 * password on stdin. Argument lists are data; the executor quotes them at the edge.
 */
import { readFileSync } from "node:fs";

let script: string | undefined;

/** evidence.sh, read once. */
export function evidenceScript(): string {
  script ??= readFileSync(new URL("./evidence.sh", import.meta.url), "utf8");
  return script;
}

export interface EvidenceArgs {
  /** The app's container name, "" without berth:app. */
  readonly app: string;
  /** The URL the app's health check probes on the host itself, "" for none. */
  readonly healthUrl: string;
  readonly condaPrefix: string;
  /** The app's published TCP ports, checked from the host itself. */
  readonly ports: readonly number[];
  /** Host names to resolve on the host, besides the mirrors it was bootstrapped with. */
  readonly names: readonly string[];
}

export function evidenceArgv(a: EvidenceArgs): string[] {
  return ["bash", "-c", evidenceScript(), "berth-doctor", a.app, a.healthUrl, a.condaPrefix, a.ports.join(","), ...a.names];
}

/** evidence.sh's output split into its sections (each without trailing newlines). */
export function parseSections(out: string): Record<string, string> {
  const sections: Record<string, string> = {};
  let name: string | undefined;
  let buf: string[] = [];
  const flush = () => {
    if (name !== undefined) sections[name] = buf.join("\n").replace(/\n+$/, "");
  };
  for (const line of out.split("\n")) {
    const m = /^@@berth-doctor (\S+)$/.exec(line);
    if (m) {
      flush();
      name = m[1];
      buf = [];
    } else if (name !== undefined) buf.push(line);
  }
  flush();
  return sections;
}

/** docker login with the password on stdin, into a config directory removed right after. */
export function loginArgv(username: string, server: string): string[] {
  return ["sh", "-c", 'd=$(mktemp -d) || exit 1; DOCKER_CONFIG="$d" docker login --username "$1" --password-stdin "$2" >/dev/null; c=$?; rm -rf "$d"; exit $c', "berth-doctor", username, server];
}
