/**
 * Deploy commands as data: each builder returns the argv (and stdin) of one remote command.
 * Nothing here runs anything; tests compare these arrays exactly.
 */
import type { Sensitive } from "./sensitive.js";

export interface Command {
  readonly argv: readonly string[];
  readonly stdin?: Sensitive;
}

export const LABEL = { app: "berth.app", release: "berth.release", spec: "berth.spec" } as const;

export interface RunSpec {
  readonly name: string;
  readonly image: string;
  readonly ports: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Path of the 0600 env-file holding secret env, when there is any. */
  readonly envFile?: string;
  readonly volumes: readonly string[];
  readonly restart: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly args: readonly string[];
}

export const docker = {
  login: (server: string, username: string, password: Sensitive): Command => ({
    argv: ["docker", "login", "--username", username, "--password-stdin", server],
    stdin: password,
  }),
  pull: (image: string): Command => ({ argv: ["docker", "pull", image] }),
  load: (): Command => ({ argv: ["docker", "load"] }),
  imageId: (image: string): Command => ({ argv: ["docker", "image", "inspect", "--format", "{{.Id}}", image] }),
  /** Name, state, image id and spec label of a container, or exit 1 when it does not exist. */
  inspect: (name: string): Command => ({
    argv: ["docker", "container", "inspect", "--format", `{{.Name}} {{.State.Status}} {{.Image}} {{index .Config.Labels "${LABEL.spec}"}} {{index .Config.Labels "${LABEL.release}"}}`, name],
  }),
  health: (name: string): Command => ({ argv: ["docker", "container", "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.Status}}", name] }),
  rename: (from: string, to: string): Command => ({ argv: ["docker", "rename", from, to] }),
  stop: (name: string): Command => ({ argv: ["docker", "stop", "--time", "10", name] }),
  start: (name: string): Command => ({ argv: ["docker", "start", name] }),
  remove: (...names: string[]): Command => ({ argv: ["docker", "rm", "--force", "--volumes", ...names] }),
  removeImage: (id: string): Command => ({ argv: ["docker", "image", "rm", id] }),
  /** Ids of one app's containers, any state, one per line. */
  ids: (app: string): Command => ({ argv: ["docker", "ps", "--all", "--quiet", "--filter", `label=${LABEL.app}=${app}`] }),
  logs: (name: string, follow: boolean, lines = 100): Command => ({ argv: ["docker", "logs", "--tail", String(lines), ...(follow ? ["--follow"] : []), name] }),
  run: (s: RunSpec): Command => ({
    argv: [
      "docker", "run", "--detach", "--name", s.name, "--restart", s.restart,
      ...s.ports.flatMap((p) => ["--publish", p]),
      ...(s.envFile ? ["--env-file", s.envFile] : []),
      ...Object.keys(s.env).sort().flatMap((k) => ["--env", `${k}=${s.env[k]}`]),
      ...s.volumes.flatMap((v) => ["--volume", v]),
      ...Object.keys(s.labels).sort().flatMap((k) => ["--label", `${k}=${s.labels[k]}`]),
      s.image,
      ...s.args,
    ],
  }),
};

export const host = {
  bootstrapStatus: (): Command => ({ argv: ["cat", "/var/lib/berth/status.json"] }),
  bootstrapLogTail: (): Command => ({ argv: ["tail", "-n", "40", "/var/log/berth/bootstrap.log"] }),
  /** HTTP status of a URL as seen from the host itself (000 when nothing answers). */
  httpStatus: (url: string): Command => ({ argv: ["curl", "--silent", "--output", "/dev/null", "--max-time", "5", "--write-out", "%{http_code}", url] }),
  mkdir: (path: string): Command => ({ argv: ["mkdir", "-p", "-m", "0700", path] }),
  cat: (path: string): Command => ({ argv: ["cat", path] }),
  /**
   * After a release: drop the env-files of other releases and write the image history (stdin)
   * to DIR/images, owner-only. One fixed script; DIR and KEEP travel as arguments.
   */
  recordRelease: (dir: string, keep: string): Command => ({
    argv: ["sh", "-c", 'umask 077 && mkdir -p "$1" && find "$1" -maxdepth 1 -name "*.env" ! -name "$2" -delete && cat > "$1/images"', "sh", dir, keep],
  }),
};
