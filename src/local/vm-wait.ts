// vm-wait.ts — polling a local VM container through dockerode exec.
//
//   const status = await waitForCloudInit(id, deadline);          // "done" | "error"
//   await waitForStatusFile(id, "s1", deadline);                   // berth's status.json
//   throw await vmFailure(id, "s1", "why");                        // error with log tails
import { explainBootstrap, STUCK } from "../diagnose/explain.js";
import { engine, execIn } from "./engine.js";

const POLL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const BOOTSTRAP_LOG = "/var/log/berth/bootstrap.log";
export const CLOUD_INIT_LOG = "/var/log/cloud-init-output.log";
export const STATUS_FILE = "/var/lib/berth/status.json";

async function tail(id: string, file: string, lines = 40): Promise<string> {
  try {
    const r = await execIn(id, ["tail", "-n", String(lines), file]);
    return r.code === 0 ? r.stdout : `(${file}: ${r.stderr.trim() || "not readable"})`;
  } catch (e) {
    return `(${file}: ${String(e)})`;
  }
}

/** An Error naming the VM, the reason, the tails of the bootstrap and cloud-init logs, and berth's diagnosis. */
export async function vmFailure(id: string, name: string, why: string): Promise<Error> {
  const bootstrapTail = await tail(id, BOOTSTRAP_LOG);
  const parts = [
    `local VM "${name}": ${why}`,
    `--- tail of ${BOOTSTRAP_LOG} ---`,
    bootstrapTail,
    `--- tail of ${CLOUD_INIT_LOG} ---`,
    await tail(id, CLOUD_INIT_LOG),
  ];
  return new Error(parts.join("\n") + explainBootstrap([why], bootstrapTail, why.startsWith("bootstrap failed") ? {} : STUCK));
}

async function running(id: string): Promise<boolean> {
  return (await engine().getContainer(id).inspect()).State.Running;
}

async function containerLogTail(id: string): Promise<string> {
  const buf = await engine().getContainer(id).logs({ stdout: true, stderr: true, tail: 40 });
  return buf.toString("utf8").replace(/[\x00-\x08]/g, "");
}

/** Poll `cloud-init status` until done or error; throws (with log tails) on timeout or a stopped container. */
export async function waitForCloudInit(id: string, name: string, deadline: number): Promise<"done" | "error"> {
  let last = "not polled";
  while (Date.now() < deadline) {
    if (!(await running(id))) {
      throw new Error(`local VM "${name}": container stopped while booting\n--- docker logs ---\n${await containerLogTail(id)}`);
    }
    const r = await execIn(id, ["cloud-init", "status"]).catch((e: unknown) => ({ code: -1, stdout: String(e), stderr: "" }));
    const m = /status:\s*(\w[\w ]*)/.exec(r.stdout);
    last = m?.[1]?.trim() ?? (r.stdout.trim() || r.stderr.trim());
    if (last === "done" || last === "error") return last;
    await sleep(POLL_MS);
  }
  throw await vmFailure(id, name, `cloud-init did not finish in time (last status: ${last})`);
}

interface StatusFile {
  phase?: string;
  [k: string]: unknown;
}

/** Poll berth's status file until phase is "ready" (ok) or "failed" (throws with log tails). */
export async function waitForStatusFile(id: string, name: string, deadline: number): Promise<StatusFile> {
  let last = "missing";
  while (Date.now() < deadline) {
    const r = await execIn(id, ["cat", STATUS_FILE]);
    if (r.code === 0) {
      try {
        const status = JSON.parse(r.stdout) as StatusFile;
        last = String(status.phase);
        if (status.phase === "ready") return status;
        if (status.phase === "failed") throw await vmFailure(id, name, `bootstrap failed: ${r.stdout.trim()}`);
      } catch (e) {
        if (e instanceof SyntaxError) last = "unparseable";
        else throw e;
      }
    }
    await sleep(POLL_MS);
  }
  throw await vmFailure(id, name, `timed out waiting for ${STATUS_FILE} (last phase: ${last})`);
}
