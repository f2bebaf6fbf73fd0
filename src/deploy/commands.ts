/**
 * Deploy commands as data: each builder returns the argv (and stdin) of one remote command.
 * Nothing here runs anything; tests compare these arrays exactly. Every positional value comes
 * after `--` (or is an argument of a fixed script), so a value starting with `-` is never read
 * as an option, wherever it came from.
 */
import { shellJoin } from "../util/shell.js";
import type { Sensitive } from "./sensitive.js";
import { SCRIPTS, type ScriptName } from "./scripts.js";

export interface Command {
  readonly argv: readonly string[];
  readonly stdin?: Sensitive;
  /** How logs and errors name the command when argv is a wrapper script. */
  readonly label?: string;
}

export const LABEL = { app: "berth.app", release: "berth.release", spec: "berth.spec" } as const;

export interface RunSpec {
  readonly name: string;
  readonly image: string;
  readonly ports: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Secret env as an env-file body (`NAME=value` lines): read by docker from stdin, never written to the host's disk. */
  readonly envFile?: Sensitive;
  readonly volumes: readonly string[];
  readonly restart: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly args: readonly string[];
}

/** `sh -c SCRIPT berth-NAME ARGS…`, named in errors by `label`. */
export function script(name: ScriptName, args: readonly string[], label: string, stdin?: Sensitive): Command {
  return { argv: ["sh", "-c", SCRIPTS[name], `berth-${name}`, ...args], label, ...(stdin ? { stdin } : {}) };
}

/** Where berth keeps an app's state on the host, relative to the login user's home. */
export const appDir = (app: string) => `.berth/${app}`;

export const docker = {
  /** Log in with a throwaway config directory (created 0700), never ~/.docker; the password goes on stdin. */
  login: (configDir: string, server: string, username: string, password: Sensitive): Command =>
    script("login", [configDir, username, server], `docker --config ${configDir} login --username ${username} --password-stdin -- ${server}`, password),
  /** Pull (with the login's config directory, if any), then print the image id. */
  pull: (image: string, configDir?: string): Command =>
    script("pull", [image, ...(configDir ? ["--config", configDir] : [])], `docker${configDir ? ` --config ${configDir}` : ""} pull -- ${image}`),
  load: (): Command => ({ argv: ["docker", "load"] }),
  imageId: (image: string): Command => ({ argv: ["docker", "image", "inspect", "--format", "{{.Id}}", "--", image] }),
  /** Name, state, image id, spec and release labels of each container that exists, one per line; exit 1 when any does not. */
  inspect: (...names: string[]): Command => ({
    argv: ["docker", "container", "inspect", "--format", `{{.Name}} {{.State.Status}} {{.Image}} {{index .Config.Labels "${LABEL.spec}"}} {{index .Config.Labels "${LABEL.release}"}}`, "--", ...names],
  }),
  health: (name: string): Command => ({ argv: ["docker", "container", "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.Status}}", "--", name] }),
  rename: (from: string, to: string): Command => ({ argv: ["docker", "rename", "--", from, to] }),
  stop: (name: string): Command => ({ argv: ["docker", "stop", "--time", "10", "--", name] }),
  start: (name: string): Command => ({ argv: ["docker", "start", "--", name] }),
  remove: (...names: string[]): Command => ({ argv: ["docker", "rm", "--force", "--volumes", "--", ...names] }),
  logs: (name: string, follow: boolean, lines = 100): Command => ({ argv: ["docker", "logs", "--tail", String(lines), ...(follow ? ["--follow"] : []), "--", name] }),
  run: (s: RunSpec): Command => ({
    argv: [
      "docker", "run", "--detach", "--name", s.name, "--restart", s.restart,
      ...s.ports.flatMap((p) => ["--publish", p]),
      ...(s.envFile ? ["--env-file", "/dev/stdin"] : []),
      ...Object.keys(s.env).sort().flatMap((k) => ["--env", `${k}=${s.env[k]}`]),
      ...s.volumes.flatMap((v) => ["--volume", v]),
      ...Object.keys(s.labels).sort().flatMap((k) => ["--label", `${k}=${s.labels[k]}`]),
      "--",
      s.image,
      ...s.args,
    ],
    ...(s.envFile ? { stdin: s.envFile } : {}),
  }),
};

export const host = {
  bootstrapStatus: (): Command => ({ argv: ["cat", "--", "/var/lib/berth/status.json"] }),
  bootstrapLogTail: (): Command => ({ argv: ["tail", "-n", "40", "--", "/var/log/berth/bootstrap.log"] }),
};

export interface FinishArgs {
  readonly loginDir?: string;
  readonly keep: number;
  readonly imageId: string;
  /** The set-aside container to remove. */
  readonly prev?: string;
}

const finishArgs = (dir: string, token: string, o: FinishArgs) => [dir, token, o.loginDir ?? "", String(o.keep), o.imageId, o.prev ?? ""];

/** The deploy lock and the bookkeeping around a release, as fixed scripts (see scripts.ts). */
export const lock = {
  acquire: (dir: string, token: string, holder: string): Command => script("acquire", [dir, token, holder], `berth lock ${dir}/lock`),
  status: (dir: string): Command => script("status", [dir], `berth lock status ${dir}/lock`),
  heartbeat: (dir: string, token: string): Command => script("heartbeat", [dir, token], `berth lock heartbeat ${dir}/lock`),
  break: (dir: string, token: string): Command => script("break", [dir, token], `berth lock break ${dir}/lock`),
  /** Run `cmd` on the host only while `token` still holds the lock in `dir`. */
  guard: (dir: string, token: string, cmd: Command): Command => ({ ...script("guard", [dir, token, ...cmd.argv], cmd.label ?? shellJoin(cmd.argv)), ...(cmd.stdin ? { stdin: cmd.stdin } : {}) }),
  finish: (dir: string, token: string, o: FinishArgs): Command => script("finish", finishArgs(dir, token, o), `berth finish ${dir}`),
  /** Start `run` (a docker.run command), check it over HTTP from the host, and finish when it passed: one exec. */
  launch: (dir: string, token: string, o: FinishArgs, check: { url: string; status: number; timeoutSeconds: number }, container: string, run: Command): Command => ({
    ...script("launch", [...finishArgs(dir, token, o), check.url, String(check.status), String(check.timeoutSeconds), container, ...run.argv], `berth launch ${container}: ${shellJoin(run.argv)}, check ${check.url}, finish ${dir}`),
    ...(run.stdin ? { stdin: run.stdin } : {}),
  }),
  verdict: (dir: string, token: string): Command => script("verdict", [dir, token], `berth verdict ${dir}/lock`),
  release: (dir: string, token: string, loginDir?: string): Command => script("release", [dir, token, loginDir ?? ""], `berth release ${dir}/lock`),
  teardown: (dir: string, token: string, app: string, server?: string): Command => script("teardown", [dir, token, app, server ?? ""], `berth teardown ${app}`),
};
