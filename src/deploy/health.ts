/** Health checks run from the host itself, so a firewall in front of it does not matter. */
import { docker, host } from "./commands.js";
import type { HealthCheck } from "./plan.js";
import type { Session } from "./session.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HealthResult {
  readonly ok: boolean;
  /** What was checked and what came back, for the error message. */
  readonly detail: string;
}

export async function checkHealth(s: Session, container: string, check: HealthCheck): Promise<HealthResult> {
  switch (check.type) {
    case "none":
      return { ok: true, detail: "no health check" };
    case "running": {
      await sleep(check.seconds * 1000);
      const r = await s.try(docker.health(container));
      const state = r.stdout.trim().split(" ")[1] ?? "missing";
      return { ok: state === "running", detail: `container ${container} is ${state} after ${check.seconds} s` };
    }
    case "image":
      return poll(check.timeoutSeconds, async () => {
        const [health = "missing", state = "missing"] = (await s.try(docker.health(container))).stdout.trim().split(" ");
        if (health === "none") return { done: true, ok: false, detail: `image of ${container} has no HEALTHCHECK` };
        if (state !== "running") return { done: true, ok: false, detail: `container ${container} is ${state}` };
        return { done: health !== "starting", ok: health === "healthy", detail: `HEALTHCHECK of ${container} is ${health}` };
      });
    case "http": {
      const url = `http://127.0.0.1:${check.port}${check.path}`;
      return poll(check.timeoutSeconds, async () => {
        const [status, health] = await Promise.all([s.try(host.httpStatus(url)), s.try(docker.health(container))]);
        const code = status.stdout.trim() || "000";
        const state = health.stdout.trim().split(" ")[1] ?? "missing";
        if (state !== "running") return { done: true, ok: false, detail: `GET ${url} (want ${check.status}): container ${container} is ${state}` };
        return { done: code === String(check.status), ok: code === String(check.status), detail: `GET ${url} answered ${code}, want ${check.status}` };
      });
    }
  }
}

/** Probe until done: every 50 ms at first (most apps answer within a second), then every 500 ms. */
async function poll(timeoutSeconds: number, probe: () => Promise<{ done: boolean; ok: boolean; detail: string }>): Promise<HealthResult> {
  const start = Date.now();
  const deadline = start + timeoutSeconds * 1000;
  let last = { done: false, ok: false, detail: "not checked" };
  while (Date.now() < deadline) {
    last = await probe();
    if (last.done) return { ok: last.ok, detail: last.detail };
    await sleep(Date.now() - start < 3000 ? 50 : 500);
  }
  return { ok: false, detail: `${last.detail} (gave up after ${timeoutSeconds} s)` };
}
