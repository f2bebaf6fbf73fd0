/** A TCP connect from this machine: is a host's port reachable from outside it. */
import { connect } from "node:net";
import type { PortProbe } from "./host-facts.js";

export function tcpProbe(host: string, port: number, timeoutMs = 4000): Promise<PortProbe> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (open: boolean, detail: string) => {
      sock.destroy();
      resolve({ port, open, detail });
    };
    sock.setTimeout(timeoutMs, () => done(false, `no answer in ${timeoutMs / 1000} s`));
    sock.once("connect", () => done(true, "connected"));
    sock.once("error", (e: NodeJS.ErrnoException) => done(false, e.code === "ECONNREFUSED" ? "connection refused" : (e.code ?? e.message)));
  });
}

export const isLoopback = (host: string): boolean => /^(127\.|::1$|localhost$)/.test(host);
