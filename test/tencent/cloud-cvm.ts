// cloud-cvm.ts — CVM (cvm.tencentcloudapi.com, 2017-03-12) actions of the local API stand-in.
// Names, shapes and error codes follow Tencent's CVM API documentation and the official
// SDK's error-code list; where the docs state a rule but not its code, the code is marked.
import {
  ApiError, CloudState, type Instance, type Params, checkIds, missing, now, optBool, optNum, optObj, optStr, optStrArr, placement,
} from "./cloud-state.js";
import { keyPairActions } from "./cloud-keys.js";
import { quotaActions } from "./cloud-quota.js";
import { addTimer, parseActionTimer, timerActions } from "./cloud-timers.js";

export const USER_DATA_LIMIT = 16 * 1024; // 16 KB, counted on the base64 text
/** InvalidInstanceName.TooLong: "必须小于等于60字节" — 60 bytes (UTF-8), not characters. */
export const INSTANCE_NAME_BYTES = 60;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Handler = (s: CloudState, p: Params, region: string) => Record<string, unknown>;

function advance(s: CloudState, inst: Instance): void {
  inst.polls += 1;
  if (inst.state === "PENDING" && inst.polls > s.options.pendingPolls) {
    if (inst.launchFails) {
      Object.assign(inst, { state: "LAUNCH_FAILED", polls: 0 });
      return;
    }
    inst.state = "RUNNING";
    if (inst.wantPublicIp) inst.publicIp = s.nextIp("203.0");
  } else if ((inst.state === "TERMINATING" || inst.state === "LAUNCH_FAILED") && inst.polls > s.options.terminatingPolls) {
    s.remove(inst);
  }
}

function view(i: Instance) {
  return {
    InstanceId: i.id, InstanceName: i.name, InstanceType: i.instanceType, InstanceState: i.state,
    Placement: { Zone: i.zone, ProjectId: 0 }, ImageId: i.imageId,
    PrivateIpAddresses: [i.privateIp], PublicIpAddresses: i.publicIp ? [i.publicIp] : null,
    InternetAccessible: { InternetChargeType: "TRAFFIC_POSTPAID_BY_HOUR", InternetMaxBandwidthOut: i.bandwidthOut, PublicIpAssigned: i.wantPublicIp },
    SecurityGroupIds: i.securityGroupIds, LoginSettings: { KeyIds: i.keyIds },
    InstanceChargeType: "POSTPAID_BY_HOUR", CreatedTime: i.createdTime, RestrictState: "NORMAL",
  };
}

/** Instances named by InstanceIds (those in this region that still exist), each advanced one poll. */
function polled(s: CloudState, p: Params, region: string): Instance[] {
  const ids = optStrArr(p, "InstanceIds");
  if (ids && p.Filters !== undefined) throw new ApiError("InvalidParameterCombination", "`InstanceIds` and `Filters` cannot be specified at the same time.");
  if (ids && ids.length > 100) throw new ApiError("InvalidParameterValueLimit", "At most 100 `InstanceIds` per request.");
  if (ids) checkIds(ids, "ins", "InvalidInstanceId.Malformed");
  const found = [...s.instances.values()].filter((i) => i.region === region && (!ids || ids.includes(i.id)));
  const offset = optNum(p, "Offset") ?? 0;
  const limit = optNum(p, "Limit") ?? 20;
  const page = found.slice(offset, offset + limit);
  for (const i of page) advance(s, i);
  return page.filter((i) => s.instances.has(i.id));
}

const RunInstances: Handler = (s, p, region) => {
  const { zone, imageId, instanceType } = placement(p, region);
  const userData = optStr(p, "UserData");
  if (userData !== undefined) {
    if (!BASE64.test(userData)) throw new ApiError("InvalidParameterValue.InvalidUserDataFormat", "UserData must be base64-encoded.");
    // RunInstances lists InvalidParameterValue.TooLarge ("the parameter value exceeds the maximum limit") among its errors.
    if (userData.length > USER_DATA_LIMIT)
      throw new ApiError("InvalidParameterValue.TooLarge", `UserData is ${userData.length} bytes after base64; the limit is ${USER_DATA_LIMIT}.`);
  }
  const name = optStr(p, "InstanceName") ?? "未命名";
  const nameBytes = Buffer.byteLength(name, "utf8");
  if (nameBytes > INSTANCE_NAME_BYTES)
    throw new ApiError("InvalidInstanceName.TooLong", `The InstanceName is ${nameBytes} bytes; it must be at most ${INSTANCE_NAME_BYTES} bytes.`);
  const token = optStr(p, "ClientToken");
  if (token !== undefined && token.length > 64) throw new ApiError("InvalidClientToken.TooLong", "ClientToken must be at most 64 bytes.");
  if (token !== undefined && s.clientTokens.has(token)) return { InstanceIdSet: s.clientTokens.get(token) };
  const login = optObj(p, "LoginSettings") ?? {};
  const keyIds = optStrArr(login, "KeyIds") ?? [];
  for (const k of keyIds) {
    const kp = s.keyPairs.get(k);
    if (!kp || kp.region !== region) throw new ApiError("InvalidParameterValue.KeyPairNotFound", `The key pair \`${k}\` does not exist.`);
  }
  const sgIds = optStrArr(p, "SecurityGroupIds") ?? [];
  checkIds(sgIds, "sg", "InvalidSgId.Malformed");
  for (const g of sgIds) {
    const sg = s.securityGroups.get(g);
    if (!sg || sg.region !== region) throw new ApiError("InvalidSecurityGroupId.NotFound", `The security group \`${g}\` does not exist.`);
  }
  const net = optObj(p, "InternetAccessible") ?? {};
  const wantPublicIp = optBool(net, "PublicIpAssigned") ?? false;
  const bandwidthOut = optNum(net, "InternetMaxBandwidthOut") ?? 0;
  if (wantPublicIp && bandwidthOut <= 0)
    throw new ApiError("InvalidParameterCombination", "A public IP needs `InternetAccessible.InternetMaxBandwidthOut` greater than 0.");
  const count = optNum(p, "InstanceCount") ?? 1;
  if (count < 1 || count > 100) throw new ApiError("InvalidParameterValue.Range", "InstanceCount must be between 1 and 100.");
  const timer = parseActionTimer(s, p);
  // The zone's pay-as-you-go quota (DescribeAccountQuota): every listed instance holds it.
  const remaining = s.quotaOf(zone) - s.usedIn(zone);
  if (count > remaining)
    throw new ApiError("InstancesQuotaLimitExceeded", `The number of instances to create (${count}) exceeds the remaining quota (${Math.max(0, remaining)}) in zone ${zone}.`);
  for (const g of sgIds) {
    const members = s.liveInstances().filter((i) => i.securityGroupIds.includes(g)).length;
    if (members + count > s.options.securityGroupInstanceLimit)
      throw new ApiError("LimitExceeded.CvmsVifsPerSecGroupLimitExceeded", `The security group \`${g}\` is associated with ${members} instances; the limit is ${s.options.securityGroupInstanceLimit}.`);
  }
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    let launchFails = s.launchFailures > 0;
    if (launchFails) s.launchFailures -= 1;
    if (s.launchFailNames.delete(name)) launchFails = true;
    const id = s.newId("ins");
    s.instances.set(id, {
      id, region, zone, imageId, instanceType, name, state: "PENDING", polls: 0, wantPublicIp, bandwidthOut,
      privateIp: s.nextIp("10.0"), securityGroupIds: sgIds, keyIds, createdTime: now(),
      ...(userData !== undefined ? { userData } : {}),
      ...(launchFails ? { launchFails } : {}),
    });
    ids.push(id);
    if (timer) addTimer(s, id, region, timer);
  }
  if (token !== undefined) s.clientTokens.set(token, ids);
  return { InstanceIdSet: ids };
};

const DescribeInstances: Handler = (s, p, region) => {
  const set = polled(s, p, region);
  return { TotalCount: set.length, InstanceSet: set.map(view) };
};

const DescribeInstancesStatus: Handler = (s, p, region) => {
  const set = polled(s, p, region);
  return { TotalCount: set.length, InstanceStatusSet: set.map((i) => ({ InstanceId: i.id, InstanceState: i.state })) };
};

/**
 * Pay-as-you-go instances are destroyed at once (TERMINATING, then gone). With the recycle bin
 * on, the first call moves a RUNNING instance to SHUTDOWN and a second destroys it, as Tencent
 * documents for prepaid instances. Transitional states and LAUNCH_FAILED are refused with the
 * documented UnsupportedOperation.InstanceState* codes.
 */
const TerminateInstances: Handler = (s, p, region) => {
  const ids = optStrArr(p, "InstanceIds");
  if (!ids || ids.length === 0) throw missing("InstanceIds");
  checkIds(ids, "ins", "InvalidInstanceId.Malformed");
  const found = ids.map((id) => s.instances.get(id));
  found.forEach((i, n) => {
    if (!i || i.region !== region) throw new ApiError("InvalidInstanceId.NotFound", `The instance \`${ids[n]}\` does not exist.`);
    if (i.state === "PENDING") throw new ApiError("UnsupportedOperation.InstanceStatePending", `The instance \`${i.id}\` is still being created.`);
    if (i.state === "LAUNCH_FAILED") throw new ApiError("UnsupportedOperation.InstanceStateLaunchFailed", `The instance \`${i.id}\` failed to launch.`);
    if (i.state === "TERMINATING") throw new ApiError("UnsupportedOperation.InstanceStateTerminating", `The instance \`${i.id}\` is being terminated.`);
  });
  for (const i of found) {
    const next = s.options.recycleBin && i!.state === "RUNNING" ? "SHUTDOWN" : "TERMINATING";
    Object.assign(i!, { state: next, polls: 0, publicIp: undefined });
  }
  return {};
};

export const cvmActions: Record<string, Handler> = {
  RunInstances, DescribeInstances, DescribeInstancesStatus, TerminateInstances, ...keyPairActions, ...timerActions, ...quotaActions,
};
