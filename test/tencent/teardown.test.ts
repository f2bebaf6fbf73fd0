// Deleting a host the way Tencent documents its states and its key pairs, against the local API
// server: a key pair still attached after its instance left the listing is waited for and
// verified gone; the recycle bin (SHUTDOWN) gets a second TerminateInstances; an instance that
// stays listed is reported with everything left behind, after deleting what could be deleted;
// LAUNCH_FAILED is waited out.
import { afterEach, describe, expect, it } from "vitest";
import { createInstance, readInstance } from "../../src/components/tencent/instance.js";
import { deleteInstance } from "../../src/components/tencent/teardown.js";
import type { ServerOptions, TencentApiServer } from "./server.js";
import { apiFor, isEmpty, spec, startServer } from "./helpers.js";

let server: TencentApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(options: ServerOptions): Promise<TencentApiServer> {
  server = await startServer({ pendingPolls: 0, terminatingPolls: 1, ...options });
  return server;
}

const codes = (s: TencentApiServer, action: string) => s.calls(action).map((r) => r.errorCode ?? "ok");

describe("key pairs are verified gone", () => {
  it("DeleteKeyPairs skips a key that is still referenced and still answers success, as documented", async () => {
    const s = await start({});
    const api = apiFor(s);
    const host = await createInstance(api, spec());
    await api.cvm.DeleteKeyPairs({ KeyIds: [host.keyId] });
    expect(s.state.keyPairs.has(host.keyId)).toBe(true);
    expect(codes(s, "DeleteKeyPairs")).toEqual(["ok"]);
    await deleteInstance(api, host);
    expect(isEmpty(s)).toBe(true);
  });

  it("waits while the key pair still names the instance after it left the listing, then deletes it and checks", async () => {
    const s = await start({ keyDetachPolls: 3 });
    const api = apiFor(s);
    const host = await createInstance(api, spec());
    await deleteInstance(api, host);
    expect(isEmpty(s)).toBe(true);
    // Three answers still list the instance, the fourth does not; then delete and one check that it is gone.
    expect(codes(s, "DescribeKeyPairs")).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(codes(s, "DeleteKeyPairs")).toEqual(["ok"]);
    const describes = s.calls("DescribeKeyPairs").map((r) => s.requests.indexOf(r));
    expect(s.requests.indexOf(s.calls("DeleteKeyPairs")[0]!)).toBeGreaterThan(describes[3]!);
  });

  it("fails with the key id when the key pair stays attached to the host's instance past the bound", async () => {
    const s = await start({ keyDetachPolls: 1000 });
    const api = apiFor(s, { poll: { intervalMs: 1, maxPolls: 5 } });
    const host = await createInstance(api, spec());
    await expect(deleteInstance(api, host)).rejects.toThrow(new Error(
      `Tencent Cloud host ${host.instanceId}: left behind: key pair ${host.keyId} is still attached to instance ${host.instanceId} after 5 polls. ` +
        "Delete them in the Tencent Cloud console, or run `pulumi destroy` again.",
    ));
    expect(s.state.instances.size).toBe(0);
    expect(s.state.securityGroups.size).toBe(0);
    expect([...s.state.keyPairs.keys()]).toEqual([host.keyId]);
    expect(s.calls("DeleteKeyPairs")).toEqual([]);
  });
});

describe("instance states on the way out", () => {
  it("SHUTDOWN (the recycle bin): a second TerminateInstances destroys it, and everything is removed", async () => {
    const s = await start({ recycleBin: true });
    const api = apiFor(s);
    const host = await createInstance(api, spec());
    await deleteInstance(api, host);
    expect(isEmpty(s)).toBe(true);
    expect(codes(s, "TerminateInstances")).toEqual(["ok", "ok"]);
    expect(codes(s, "DeleteSecurityGroup")).toEqual(["ok"]);
  });

  it("an instance still listed after the bound: what can be deleted is tried, and one error names the state and what is left", async () => {
    const s = await start({ terminatingPolls: 1000 });
    const api = apiFor(s, { poll: { intervalMs: 1, maxPolls: 5 } });
    const host = await createInstance(api, spec());
    await expect(deleteInstance(api, host)).rejects.toThrow(new Error(
      `Tencent Cloud instance ${host.instanceId} is still listed (state TERMINATING) after 5 polls following TerminateInstances; ` +
        `left behind with it: security group ${host.securityGroupId} (ResourceInUse); key pair ${host.keyId} is still attached to instance ${host.instanceId}. ` +
        "Check it in the Tencent Cloud console (a prepaid instance, or one stopped for arrears, waits in the recycle bin) and run `pulumi destroy` again once it is gone.",
    ));
    expect(codes(s, "TerminateInstances")).toEqual(["ok"]);
    expect(codes(s, "DeleteSecurityGroup")).toEqual(["ResourceInUse"]);
    expect(s.state.keyPairs.has(host.keyId)).toBe(true);
    // Run again once the instance is gone, the same call finishes the job.
    s.state.options.terminatingPolls = 0;
    await deleteInstance(apiFor(s), host);
    expect(isEmpty(s)).toBe(true);
  });

  it("LAUNCH_FAILED: creation fails with the state, the instance is waited out, nothing is left", async () => {
    const s = await start({ terminatingPolls: 2 });
    s.failLaunch();
    const api = apiFor(s);
    const e = await createInstance(api, spec()).then(() => undefined, (err: Error) => err);
    expect(e?.message).toMatch(/^Tencent Cloud instance ins-[a-z0-9]{8} \(lab-07\) failed to launch \(LAUNCH_FAILED\)\.$/);
    expect(codes(s, "TerminateInstances")).toEqual(["UnsupportedOperation.InstanceStateLaunchFailed"]);
    expect(isEmpty(s)).toBe(true);
  });

  it("an instance already gone is deleted without a TerminateInstances call", async () => {
    const s = await start({ terminatingPolls: 0 });
    const api = apiFor(s);
    const host = await createInstance(api, spec());
    await api.cvm.TerminateInstances({ InstanceIds: [host.instanceId] });
    expect(await readInstance(api, host.instanceId)).toBeUndefined();
    await deleteInstance(api, host);
    expect(codes(s, "TerminateInstances")).toEqual(["ok"]);
    expect(isEmpty(s)).toBe(true);
  });
});
