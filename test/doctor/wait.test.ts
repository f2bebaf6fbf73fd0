// The diagnosis travels with the failure: deploy's wait for the bootstrap (what `pulumi up` and
// `berth deploy` print when a host ends failed) appends it. The executor here replays what a
// host answered (status.json and bootstrap.log recorded on a local VM).
import { describe, expect, it } from "vitest";
import type { ExecResult, Executor } from "../../src/deploy/executor.js";
import { Session } from "../../src/deploy/session.js";
import { waitForBootstrap } from "../../src/deploy/wait.js";
import { RECORDED } from "./recorded.js";

function host(status: object, log: string): Executor {
  return {
    target: "debian@203.0.113.7:22",
    async exec(argv: readonly string[]): Promise<ExecResult> {
      if (argv[0] === "cat") return { code: 0, stdout: JSON.stringify(status), stderr: "" };
      if (argv[0] === "tail") return { code: 0, stdout: log, stderr: "" };
      return { code: 127, stdout: "", stderr: "unexpected" };
    },
    async upload() {},
    async close() {},
  };
}

async function failure(status: object, log: string, env: Record<string, string> = {}): Promise<string> {
  const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LC_MESSAGES: process.env.LC_MESSAGES };
  Object.assign(process.env, { LANG: "", LC_ALL: "", LC_MESSAGES: "" }, env);
  try {
    await waitForBootstrap(new Session(host(status, log), () => undefined), 5);
    return "";
  } catch (e) {
    return (e as Error).message;
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

describe("waitForBootstrap on a failed host", () => {
  const log = `2026-11-27T15:46:41Z berth: bootstrap starting\n${RECORDED["mirror-forbidden"]?.text}`;
  const status = { phase: "failed", errors: ["no docker-ce mirror answered for debian 12: aliyun (http://doc-standin.berth.lab/forbidden)"], mirrors: {} };

  it("keeps the log tail and adds the diagnosis", async () => {
    const msg = await failure(status, log);
    expect(msg).toContain("debian@203.0.113.7:22: the bootstrap failed: no docker-ce mirror answered for debian 12: aliyun (http://doc-standin.berth.lab/forbidden)\n/var/log/berth/bootstrap.log ends:\n");
    expect(msg).toContain("\n── berth's diagnosis ──\n  [mirror-forbidden] A mirror answered 403 Forbidden\n    why: The mirror aliyun (http://doc-standin.berth.lab/forbidden) refused the request.");
    expect(msg).toContain("    config key: berth:bootstrap.mirror\n");
  });

  it("in Chinese when the locale is Chinese", async () => {
    const msg = await failure(status, log, { LANG: "zh_CN.UTF-8" });
    expect(msg).toContain("── berth 的诊断 ──\n  [mirror-forbidden] 镜像源返回 403 Forbidden\n");
  });

  it("adds nothing it cannot back with evidence", async () => {
    const msg = await failure({ phase: "failed", errors: ["frobnicator: quantum flux misaligned (E42)"], mirrors: {} }, "2026-11-27T16:00:00Z berth: bootstrap starting\nfrobnicator: quantum flux misaligned (E42)");
    expect(msg).toContain("frobnicator: quantum flux misaligned (E42)");
    expect(msg).not.toContain("diagnosis");
  });
});
