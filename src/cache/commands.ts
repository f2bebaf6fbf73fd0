/**
 * A cache host's commands as data (argv arrays run over SSH by the deploy Executor): what starts
 * the cache's containers from their specs, and what reads its logs for `berth cache status`.
 */
import { servicePort, type ContainerSpec } from "./containers.js";

export const LOGS = "/var/log/berth-cache";
export const HASH_LABEL = "berth.cache.spec";
/** The marker between the two logs in logsCommand's output. */
export const EGRESS_MARK = "#berth-cache-egress";

export const cacheCommands = {
  networkCreate: (network: string) => ["docker", "network", "create", "--label", "berth.cache=1", network],
  networkExists: (network: string) => ["docker", "network", "inspect", "--format", "{{.Name}}", network],
  /** The spec hash of a container, or exit 1 when there is none. */
  specOf: (name: string) => ["docker", "container", "inspect", "--format", `{{index .Config.Labels "${HASH_LABEL}"}} {{.State.Status}}`, name],
  remove: (name: string) => ["docker", "rm", "--force", name],
  start: (name: string) => ["docker", "start", name],
  run: (s: ContainerSpec, network: string): string[] => [
    "docker", "run", "--detach", "--name", s.name, "--restart", "unless-stopped", "--network", network,
    ...s.aliases.flatMap((a) => ["--network-alias", a]),
    "--label", "berth.cache=1", "--label", `${HASH_LABEL}=${s.hash}`,
    ...Object.keys(s.env).sort().flatMap((k) => ["--env", `${k}=${s.env[k]}`]),
    ...Object.keys(s.volumes).sort().flatMap((v) => ["--volume", `${v}:${s.volumes[v]}`]),
    ...(s.publish ? ["--publish", `${s.publish}:${servicePort(s.service)}`] : []),
    s.image, s.service,
  ],
  /** Both logs of a cache, access.log first, then EGRESS_MARK and egress.log. */
  logs: (front: string) => ["docker", "exec", front, "sh", "-c", `cat ${LOGS}/access.log 2>/dev/null; echo '${EGRESS_MARK}'; cat ${LOGS}/egress.log 2>/dev/null; true`],
  health: (port = 80) => ["curl", "--silent", "--output", "/dev/null", "--max-time", "5", "--write-out", "%{http_code}", `http://127.0.0.1:${port}/_berth/health`],
};

/** logsCommand's output → the two logs. */
export function splitLogs(out: string): { access: string; egress: string } {
  const at = out.indexOf(`${EGRESS_MARK}\n`);
  return at < 0 ? { access: out, egress: "" } : { access: out.slice(0, at), egress: out.slice(at + EGRESS_MARK.length + 1) };
}
