// Doctor's checks of this machine's Docker engine and lab kit, against the real engine.
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { describe as describeFinding } from "../../src/diagnose/explain.js";
import { engineChecks, KIT_CONTAINERS } from "../../src/doctor/machine-engine.js";
import { engine } from "../../src/local/engine.js";

describe("the engine and the kit, for local stacks", () => {
  it("the running engine and kit pass", async () => {
    const [e, k] = await engineChecks("local");
    expect(e?.status).toBe("ok");
    expect(e?.params.version).toBe((await engine().version()).Version);
    expect(k).toMatchObject({ status: "ok", findings: [] });
  });

  it("a kit container that is not running is named", async () => {
    const [, k] = await engineChecks("local", engine(), [...KIT_CONTAINERS, "doc-no-such-kit-part"]);
    expect(k?.findings.map((f) => [f.id, f.params.missing])).toEqual([["kit-down", "doc-no-such-kit-part"]]);
    expect(k?.status).toBe("warn");
  });

  it("an engine that does not answer, in both languages", async () => {
    const [e] = await engineChecks("local", new Docker({ socketPath: "/nonexistent/docker.sock" }));
    const f = e?.findings[0];
    expect(f?.id).toBe("engine-down");
    expect(f?.params.detail).toBe("connect ENOENT /nonexistent/docker.sock");
    expect(f && describeFinding(f, "en").why).toBe("Local stacks run their VMs as containers on this machine's Docker engine, and none answers (connect ENOENT /nonexistent/docker.sock).");
    expect(f && describeFinding(f, "zh").why).toBe("本地 stack 的虚拟机是跑在本机 Docker 引擎上的容器，但 Docker 引擎没有响应（connect ENOENT /nonexistent/docker.sock）。");
  });

  it("other providers do not need them", async () => {
    expect((await engineChecks("tencentcloud")).map((c) => c.status)).toEqual(["skip", "skip"]);
  });
});
