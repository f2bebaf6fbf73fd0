// expiry.ts — scheduled termination of a host, natively: RunInstances' ActionTimer, as Tencent
// documents the ActionTimer type: TimerAction "TerminateInstances" (the only value), ActionTime
// "YYYY-MM-DDThh:mm:ssZ" in UTC and "at least 5 minutes after the current time". Externals,
// ActionTimerId, Status and InstanceId are documented as output only ("仅做出参使用"), so berth
// sends the first two only.
//
// A changed expiry is changed in place, not by replacing the host: ImportInstancesActionTimer
// sets the new time and DeleteInstancesActionTimer removes the old, unexecuted timers (only those
// can be deleted); DescribeInstancesActionTimer lists them.
import type { TencentApi } from "./client.js";

/** ActionTime must be later than now by this much. */
export const MIN_LEAD_MS = 5 * 60 * 1000;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** "2026-12-01T16:00:00.000Z" → "2026-12-01T16:00:00Z" (whole seconds, as the API writes them). */
export function actionTime(expiresAt: string): string {
  return new Date(expiresAt).toISOString().replace(/\.\d+Z$/, "Z");
}

/** What Tencent would refuse in this expiry; undefined when it can be scheduled. */
export function expiryProblem(expiresAt: string, now = new Date()): string | undefined {
  if (!ISO_UTC.test(expiresAt) || Number.isNaN(Date.parse(expiresAt)))
    return `expiresAt "${expiresAt}" is not an ISO-8601 UTC time like 2026-12-01T16:00:00Z.`;
  const lead = Date.parse(expiresAt) - now.getTime();
  if (lead <= MIN_LEAD_MS)
    return `expiresAt ${actionTime(expiresAt)} is ${lead <= 0 ? "in the past" : "less than 5 minutes away"}: Tencent Cloud schedules a termination (ActionTimer) only more than 5 minutes ahead (now ${actionTime(now.toISOString())}). Set the lab's end later.`;
  return undefined;
}

export function actionTimer(expiresAt: string): { TimerAction: "TerminateInstances"; ActionTime: string } {
  return { TimerAction: "TerminateInstances", ActionTime: actionTime(expiresAt) };
}

/** The instance's scheduled terminations that have not run yet. */
export async function pendingTimers(api: TencentApi, instanceId: string): Promise<{ id: string; time: string }[]> {
  const out = await api.call("DescribeInstancesActionTimer", () =>
    api.cvm.DescribeInstancesActionTimer({ InstanceIds: [instanceId], TimerAction: "TerminateInstances", StatusList: ["UNDO"] }),
  );
  return (out.ActionTimers ?? []).filter((t) => t.InstanceId === instanceId && t.ActionTimerId).map((t) => ({ id: t.ActionTimerId!, time: t.ActionTime ?? "" }));
}

/** Sets the instance's expiry to `expiresAt` (or none), replacing any pending one. */
export async function rescheduleExpiry(api: TencentApi, instanceId: string, expiresAt: string | undefined): Promise<void> {
  if (expiresAt !== undefined) {
    const problem = expiryProblem(expiresAt);
    if (problem) throw new Error(problem);
  }
  const old = await pendingTimers(api, instanceId);
  if (expiresAt !== undefined && old.length === 1 && old[0]!.time === actionTime(expiresAt)) return;
  if (expiresAt !== undefined)
    await api.call("ImportInstancesActionTimer", () => api.cvm.ImportInstancesActionTimer({ InstanceIds: [instanceId], ActionTimer: actionTimer(expiresAt) }));
  if (old.length > 0)
    await api.call("DeleteInstancesActionTimer", () => api.cvm.DeleteInstancesActionTimer({ ActionTimerIds: old.map((t) => t.id) }));
}
