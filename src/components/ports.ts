/**
 * The host ports an app publishes to the network, for firewalls and security groups. A port
 * bound to a loopback address (`127.0.0.1:9000:9000`) is reachable only from the host itself,
 * so no firewall rule opens it.
 */
export interface PublishedPort {
  port: number;
  protocol: "tcp" | "udp";
}

/** 127.0.0.0/8: where `docker run -p 127.0.0.1:…` binds a port to the host alone. */
export function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

export function publishedPorts(ports: readonly string[]): PublishedPort[] {
  return ports.flatMap((p) => {
    const protocol = p.endsWith("/udp") ? "udp" : "tcp";
    const parts = p.replace(/\/(tcp|udp)$/, "").split(":");
    const bind = parts.length === 3 ? parts[0]! : undefined;
    if (bind !== undefined && isLoopback(bind)) return [];
    return [{ port: Number(parts[parts.length - 2]), protocol }];
  });
}
