/** The host ports an app publishes, for firewalls and security groups. */
export function publishedPorts(ports: readonly string[]): { port: number; protocol: "tcp" | "udp" }[] {
  return ports.map((p) => {
    const protocol = p.endsWith("/udp") ? "udp" : "tcp";
    const parts = p.replace(/\/(tcp|udp)$/, "").split(":");
    return { port: Number(parts[parts.length - 2]), protocol };
  });
}
