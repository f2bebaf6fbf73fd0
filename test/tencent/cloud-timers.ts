// cloud-timers.ts — scheduled termination in the local API stand-in, as Tencent documents the
// ActionTimer type and its actions (DescribeInstancesActionTimer, ImportInstancesActionTimer,
// DeleteInstancesActionTimer):
//  - TimerAction: only "TerminateInstances";
//  - ActionTime: "YYYY-MM-DDThh:mm:ssZ", UTC, "at least 5 minutes after the current time";
//  - Externals, ActionTimerId, Status, InstanceId: output only (an Externals sent in is ignored);
//  - Status: UNDO (not run), DOING, DONE; only UNDO timers can be deleted.
// The stand-in runs a timer when its clock (CloudState.now(), settable) passes ActionTime: the
// pay-as-you-go instance goes TERMINATING, then away. Codes the docs do not give for a rule are
// marked "(code not documented for this rule)".
import { randomUUID } from "node:crypto";
import { ApiError, type ActionTimer, CloudState, type Params, checkIds, missing, optObj, optStr, optStrArr } from "./cloud-state.js";

type Handler = (s: CloudState, p: Params, region: string) => Record<string, unknown>;
export const MIN_LEAD_MS = 5 * 60 * 1000;
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

export type TimerSpec = Pick<ActionTimer, "action" | "time">;

/** The request's ActionTimer, checked as documented; undefined when none is given. */
export function parseActionTimer(s: CloudState, p: Params, name = "ActionTimer", required = false): TimerSpec | undefined {
  const t = optObj(p, name);
  if (!t) {
    if (required) throw missing(name);
    return undefined;
  }
  const action = optStr(t, "TimerAction");
  if (action === undefined) throw missing(`${name}.TimerAction`);
  if (action !== "TerminateInstances") throw new ApiError("InvalidParameterValue", `${name}.TimerAction supports only TerminateInstances, not \`${action}\`.`);
  const time = optStr(t, "ActionTime");
  if (time === undefined) throw missing(`${name}.ActionTime`);
  const m = TIME.exec(time);
  if (!m || new Date(time).toISOString().replace(".000Z", "Z") !== time)
    throw new ApiError("InvalidParameterValue.InvalidTimeFormat", `${name}.ActionTime \`${time}\` is not in the format YYYY-MM-DDThh:mm:ssZ.`);
  if (Date.parse(time) - s.now() <= MIN_LEAD_MS)
    // (code not documented for this rule)
    throw new ApiError("InvalidParameterValue", `${name}.ActionTime \`${time}\` must be more than 5 minutes after the current time.`);
  return { action: "TerminateInstances", time };
}

export function addTimer(s: CloudState, instanceId: string, region: string, spec: TimerSpec): string {
  const id = randomUUID();
  s.timers.set(id, { ...spec, id, instanceId, region, status: "UNDO" });
  return id;
}

const view = (t: ActionTimer) => ({ ActionTimerId: t.id, InstanceId: t.instanceId, TimerAction: t.action, ActionTime: t.time, Status: t.status, Externals: {} });

const DescribeInstancesActionTimer: Handler = (s, p, region) => {
  const ids = optStrArr(p, "ActionTimerIds");
  const instances = optStrArr(p, "InstanceIds");
  if (instances) checkIds(instances, "ins", "InvalidInstanceId.Malformed");
  const action = optStr(p, "TimerAction");
  const statuses = optStrArr(p, "StatusList");
  const timers = [...s.timers.values()].filter(
    (t) => t.region === region && (!ids || ids.includes(t.id)) && (!instances || instances.includes(t.instanceId)) &&
      (!action || t.action === action) && (!statuses || statuses.includes(t.status)),
  );
  return { ActionTimers: timers.map(view) };
};

const ImportInstancesActionTimer: Handler = (s, p, region) => {
  const instances = optStrArr(p, "InstanceIds");
  if (!instances || instances.length === 0) throw missing("InstanceIds");
  checkIds(instances, "ins", "InvalidInstanceId.Malformed");
  const spec = parseActionTimer(s, p, "ActionTimer", true)!;
  for (const id of instances) {
    const i = s.instances.get(id);
    if (!i || i.region !== region) throw new ApiError("InvalidInstanceId.NotFound", `The instance \`${id}\` does not exist.`);
  }
  return { ActionTimerIds: instances.map((id) => addTimer(s, id, region, spec)) };
};

const DeleteInstancesActionTimer: Handler = (s, p, region) => {
  const ids = optStrArr(p, "ActionTimerIds");
  if (!ids || ids.length === 0) throw missing("ActionTimerIds");
  for (const id of ids) {
    const t = s.timers.get(id);
    // (codes not documented for these rules)
    if (!t || t.region !== region) throw new ApiError("InvalidParameterValue", `The action timer \`${id}\` does not exist.`);
    if (t.status !== "UNDO") throw new ApiError("InvalidParameterValue", `The action timer \`${id}\` has already run (${t.status}); only UNDO timers can be deleted.`);
  }
  for (const id of ids) s.timers.delete(id);
  return {};
};

export const timerActions: Record<string, Handler> = { DescribeInstancesActionTimer, ImportInstancesActionTimer, DeleteInstancesActionTimer };
