// teardown.ts — deleting a berth host on Tencent Cloud: terminate the instance and wait until it
// is no longer listed, then delete its security group and release its key pair (keys.ts).
//
// Tencent's InstanceState values: PENDING, LAUNCH_FAILED, RUNNING, STOPPED, STARTING, STOPPING,
// REBOOTING, SHUTDOWN (stopped, waiting to be destroyed: the recycle bin) and TERMINATING.
//  - RUNNING, STOPPED: TerminateInstances. A pay-as-you-go instance goes TERMINATING, then away;
//    a prepaid one (or one shut down for arrears) goes to the recycle bin in SHUTDOWN.
//  - SHUTDOWN: TerminateInstances again, which destroys it ("a second call destroys the instance").
//  - PENDING, STARTING, STOPPING, REBOOTING: waited out, then terminated.
//  - TERMINATING: waited out. LAUNCH_FAILED: cannot be terminated (InstanceStateLaunchFailed);
//    waited out until Tencent removes it.
// All waits are bounded by api.poll. An instance still listed after that bound keeps its security
// group and key pair; whatever can still be deleted is, and one error names the instance's state
// and everything left behind, with ids, so a later `pulumi destroy` (or the console) finishes.
import type { TencentApi } from "./client.js";
import { codeOf, type InstanceIds, pollInstance, readInstance, wait } from "./describe.js";
import { TencentApiError } from "./errors.js";
import { releaseKey } from "./keys.js";

/**
 * States TerminateInstances acts on (LAUNCH_FAILED is tried once: its refusal means "nothing to do").
 * Arrays, not Sets: Pulumi's closure serialization does not carry a Set's contents.
 */
const TERMINABLE = ["RUNNING", "STOPPED", "SHUTDOWN", "LAUNCH_FAILED"];
/** Refusals that mean "try again once the instance has settled". */
const BUSY = [
  "UnsupportedOperation.InstanceStatePending", "UnsupportedOperation.InstanceStateStarting", "UnsupportedOperation.InstanceStateStopping",
  "UnsupportedOperation.InstanceStateRebooting", "OperationDenied.InstanceOperationInProgress", "MutexOperation.TaskRunning",
];
/** Refusals that mean "already on its way out" (or gone). */
const ALREADY = [
  "InvalidInstanceId.NotFound", "UnsupportedOperation.InstanceStateTerminating", "UnsupportedOperation.InstanceStateTerminated",
  "UnsupportedOperation.InstanceStateLaunchFailed",
];

/** Retries `step` while it fails with one of `busy` (bounded by api.poll); `gone` codes count as done. */
export async function settle(api: TencentApi, step: () => Promise<unknown>, busy: string[], gone: string[]): Promise<void> {
  for (let n = 1; ; n++) {
    try {
      await step();
      return;
    } catch (e) {
      if (gone.includes(codeOf(e))) return;
      if (!busy.includes(codeOf(e)) || n >= api.poll.maxPolls) throw e;
      await wait(api);
    }
  }
}

/**
 * Terminates the instance and waits until it is no longer listed; its last state when it still is
 * after the bound. Reads go through the shared poller and TerminateInstances through the batcher
 * (batch.ts), so a class of hosts deleted together costs a few calls per hundred hosts.
 */
export async function terminate(api: TencentApi, instanceId: string): Promise<string | undefined> {
  let askedIn: string | undefined; // the state TerminateInstances was last accepted in
  let state = "UNKNOWN";
  let now = true; // read at once (first look, and right after TerminateInstances), else on the next poll
  for (let n = 0; n < api.poll.maxPolls; n++) {
    const info = now ? await readInstance(api, instanceId) : await pollInstance(api, instanceId);
    now = false;
    if (!info) return undefined;
    state = info.state;
    if (TERMINABLE.includes(state) && askedIn !== state) {
      try {
        await api.instances.terminate(instanceId);
        askedIn = state;
        now = true; // look again at once: a pay-as-you-go instance may already be gone
      } catch (e) {
        if (ALREADY.includes(codeOf(e))) askedIn = state;
        else if (!BUSY.includes(codeOf(e))) throw e;
      }
    }
  }
  return state;
}

const reason = (e: unknown) => (e instanceof TencentApiError ? e.code : (e as Error).message);

/** Terminates the instance, then deletes the security group and the owned key pair; see the header. */
export async function deleteInstance(api: TencentApi, ids: InstanceIds): Promise<void> {
  const { instanceId, securityGroupId, keyId } = ids;
  const stuck = instanceId ? await terminate(api, instanceId) : undefined;
  const left: string[] = [];
  if (securityGroupId) {
    try {
      // Still attached to a listed instance, a group is refused as ResourceInUse: waited on only once the instance is gone.
      await settle(api, () => api.call("DeleteSecurityGroup", () => api.vpc.request("DeleteSecurityGroup", { SecurityGroupId: securityGroupId })),
        stuck ? [] : ["ResourceInUse"], ["ResourceNotFound", "InvalidSecurityGroupID.NotFound"]);
    } catch (e) {
      left.push(`security group ${securityGroupId} (${reason(e)})`);
    }
  }
  if (keyId) {
    try {
      await releaseKey(api, keyId, ids.keyOwned !== false, { ...(instanceId ? { instanceId } : {}), wait: stuck === undefined });
    } catch (e) {
      left.push(reason(e).startsWith("key pair") ? reason(e) : `key pair ${keyId} (${reason(e)})`);
    }
  }
  if (stuck !== undefined)
    throw new Error(
      `Tencent Cloud instance ${instanceId} is still listed (state ${stuck}) after ${api.poll.maxPolls} polls following TerminateInstances` +
        (left.length > 0 ? `; left behind with it: ${left.join("; ")}` : "") +
        ". Check it in the Tencent Cloud console (a prepaid instance, or one stopped for arrears, waits in the recycle bin) and run `pulumi destroy` again once it is gone.",
    );
  if (left.length > 0)
    throw new Error(`Tencent Cloud host ${instanceId ?? "(never started)"}: left behind: ${left.join("; ")}. Delete them in the Tencent Cloud console, or run \`pulumi destroy\` again.`);
}
