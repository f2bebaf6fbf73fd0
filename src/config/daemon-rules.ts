/**
 * Where dockerd listens (`daemon.hosts`). A TCP listener without TLS client verification gives
 * root on the host to anyone who reaches the port, so it needs a deliberate opt-in. (docker-ce's
 * systemd unit passes `-H fd://`, which dockerd refuses next to `hosts` in daemon.json; the
 * bootstrap starts dockerd through a drop-in without it when hosts are set: see files.ts.)
 */
import type { Problem } from "./plan.js";
import type { DockerInput } from "./sections/docker.js";

const DAEMON = ["bootstrap", "docker", "daemon"] as const;
const TLS_FILES = ["tlscacert", "tlscert", "tlskey"] as const;

const isTcp = (h: string) => h.startsWith("tcp://") || !h.includes("://");

export function daemonListenProblems(docker: DockerInput): Problem[] {
  const d = docker.daemon;
  const out: Problem[] = [];
  const missing = TLS_FILES.filter((k) => typeof d[k] !== "string");
  if (d.tlsverify === true && missing.length > 0) {
    out.push({ path: [...DAEMON, "tlsverify"], message: `TLS verification needs ${missing.join(", ")} too — without them dockerd looks in ~/.docker/ and refuses to start` });
  }
  const verified = d.tlsverify === true && missing.length === 0;
  const hosts = Array.isArray(d.hosts) ? (d.hosts as string[]) : [];
  hosts.forEach((h, i) => {
    if (isTcp(h) && !verified && !docker.allowUnauthenticatedTcp) {
      out.push({
        path: [...DAEMON, "hosts", i],
        message: `"${h}" opens the Docker API on TCP without TLS client verification: anyone who can reach the port is root on the host — reach it over SSH instead (DOCKER_HOST=ssh://user@host needs no listener), or set tlsverify: true with tlscacert, tlscert and tlskey; to take that risk anyway, set berth:bootstrap.docker.allowUnauthenticatedTcp: true`,
      });
    }
  });
  return out;
}
