// cloud-vpc.ts — VPC (vpc.tencentcloudapi.com, 2017-03-12) security-group actions of the local
// API stand-in. One CreateSecurityGroupPolicies request may carry one direction only, as the
// API documentation says ("一次请求中只能创建单个方向的规则").
import { isIPv6 } from "node:net";
import { ApiError, CloudState, type Params, type Policy, type SecurityGroup, checkIds, missing, now, optNum, optObj, optStr, reqStr } from "./cloud-state.js";

type Handler = (s: CloudState, p: Params, region: string) => Record<string, unknown>;

const PROTOCOLS = new Set(["TCP", "UDP", "ICMP", "ICMPV6", "GRE", "ALL"]);

function group(s: CloudState, p: Params, region: string): SecurityGroup {
  const id = reqStr(p, "SecurityGroupId");
  checkIds([id], "sg", "InvalidParameterValue.Malformed");
  const sg = s.securityGroups.get(id);
  if (!sg || sg.region !== region) throw new ApiError("ResourceNotFound", `The security group \`${id}\` does not exist.`);
  return sg;
}

function validCidr(c: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(c);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && (m[5] === undefined || Number(m[5]) <= 32);
}

function validCidr6(c: string): boolean {
  const [addr, len, ...rest] = c.split("/");
  if (rest.length > 0 || addr === undefined || (len !== undefined && !(/^\d{1,3}$/.test(len) && Number(len) <= 128))) return false;
  return isIPv6(addr);
}

function validPort(port: string): boolean {
  if (port === "ALL") return true;
  return port.split(",").every((part) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (!m) return false;
    const lo = Number(m[1]), hi = Number(m[2] ?? m[1]);
    return lo >= 1 && hi <= 65535 && lo <= hi;
  });
}

function policy(raw: unknown, where: string, index: number): Policy {
  if (typeof raw !== "object" || raw === null) throw new ApiError("InvalidParameter", `${where} must be an object.`);
  const p = raw as Params;
  const protocol = (optStr(p, "Protocol") ?? "").toUpperCase();
  if (!PROTOCOLS.has(protocol)) throw new ApiError("InvalidParameterValue.Range", `${where}.Protocol \`${String(p.Protocol)}\` is not one of TCP, UDP, ICMP, ICMPV6, GRE, ALL.`);
  const port = optStr(p, "Port");
  if (port !== undefined && protocol !== "TCP" && protocol !== "UDP")
    throw new ApiError("InvalidParameterCombination", `${where}.Port is accepted only with Protocol TCP or UDP.`);
  if (port !== undefined && !validPort(port)) throw new ApiError("InvalidParameterValue.Malformed", `${where}.Port \`${port}\` is malformed.`);
  // IPv4 ranges in CidrBlock, IPv6 ranges in Ipv6CidrBlock: exactly one per rule.
  const cidr = optStr(p, "CidrBlock");
  const cidr6 = optStr(p, "Ipv6CidrBlock");
  if (cidr === undefined && cidr6 === undefined) throw missing(`${where}.CidrBlock`);
  if (cidr !== undefined && cidr6 !== undefined) throw new ApiError("InvalidParameterCombination", `${where}.CidrBlock and ${where}.Ipv6CidrBlock cannot be given together.`);
  if (cidr !== undefined && !validCidr(cidr)) throw new ApiError("InvalidParameterValue.Malformed", `${where}.CidrBlock \`${cidr}\` is malformed.`);
  if (cidr6 !== undefined && !validCidr6(cidr6)) throw new ApiError("InvalidParameterValue.Malformed", `${where}.Ipv6CidrBlock \`${cidr6}\` is malformed.`);
  const action = optStr(p, "Action") ?? "";
  if (action !== "ACCEPT" && action !== "DROP") throw new ApiError("InvalidParameterValue.Range", `${where}.Action must be ACCEPT or DROP.`);
  return { PolicyIndex: index, Protocol: protocol, ...(port !== undefined ? { Port: port } : {}), CidrBlock: cidr ?? "", Ipv6CidrBlock: cidr6 ?? "", Action: action, PolicyDescription: optStr(p, "PolicyDescription") ?? "" };
}

const CreateSecurityGroup: Handler = (s, p, region) => {
  const name = reqStr(p, "GroupName");
  const description = reqStr(p, "GroupDescription");
  if (name.length > 60) throw new ApiError("InvalidParameterValue.TooLong", "GroupName must be at most 60 characters.");
  if (description.length > 100) throw new ApiError("InvalidParameterValue.TooLong", "GroupDescription must be at most 100 characters.");
  const inRegion = [...s.securityGroups.values()].filter((g) => g.region === region).length;
  if (inRegion >= s.options.securityGroupLimit)
    throw new ApiError("LimitExceeded", `The region holds ${inRegion} security groups; the limit is ${s.options.securityGroupLimit}.`);
  const id = s.newId("sg");
  const projectId = Number(optStr(p, "ProjectId") ?? 0);
  s.securityGroups.set(id, { id, region, name, description, projectId, version: 0, ingress: [], egress: [], createdTime: now() });
  return {
    SecurityGroup: { SecurityGroupId: id, SecurityGroupName: name, SecurityGroupDesc: description, ProjectId: String(projectId), IsDefault: false, CreatedTime: now() },
  };
};

const CreateSecurityGroupPolicies: Handler = (s, p, region) => {
  const sg = group(s, p, region);
  const set = optObj(p, "SecurityGroupPolicySet");
  if (!set) throw missing("SecurityGroupPolicySet");
  const ingress = Array.isArray(set.Ingress) ? set.Ingress : [];
  const egress = Array.isArray(set.Egress) ? set.Egress : [];
  if (ingress.length > 0 && egress.length > 0) throw new ApiError("InvalidParameter", "Only one direction (Ingress or Egress) can be created per request.");
  if (ingress.length === 0 && egress.length === 0) throw missing("SecurityGroupPolicySet.Ingress");
  const version = optNum(set, "Version");
  if (version !== undefined && version !== sg.version) throw new ApiError("InvalidParameterValue.Range", `Policy version ${version} is stale; the current version is ${sg.version}.`);
  const [dir, list, target] = ingress.length > 0 ? ["Ingress", ingress, sg.ingress] as const : ["Egress", egress, sg.egress] as const;
  const parsed = list.map((raw, n) => policy(raw, `SecurityGroupPolicySet.${dir}.${n}`, target.length + n));
  checkPolicyLimit(s, sg.ingress.length + sg.egress.length + parsed.length);
  target.push(...parsed);
  sg.version += 1;
  return {};
};

/** SecurityGroupPolicyLimit: rules per group, both directions together ("安全组下的最大规则数"). */
function checkPolicyLimit(s: CloudState, rules: number): void {
  if (rules > s.options.securityGroupPolicyLimit)
    throw new ApiError("LimitExceeded.SecurityGroupPolicySet", `A security group holds at most ${s.options.securityGroupPolicyLimit} rules; this would make ${rules}.`);
}

/** Resets both directions: all rules are removed, then the given Ingress and Egress added ("先删除当前所有的出入站规则"). Version 0 clears all. */
const ModifySecurityGroupPolicies: Handler = (s, p, region) => {
  const sg = group(s, p, region);
  const set = optObj(p, "SecurityGroupPolicySet");
  if (!set) throw missing("SecurityGroupPolicySet");
  const version = set.Version === undefined ? undefined : String(set.Version);
  const list = (name: string) => (Array.isArray(set[name]) ? (set[name] as unknown[]) : []);
  const ingress = version === "0" ? [] : list("Ingress").map((raw, n) => policy(raw, `SecurityGroupPolicySet.Ingress.${n}`, n));
  const egress = version === "0" ? [] : list("Egress").map((raw, n) => policy(raw, `SecurityGroupPolicySet.Egress.${n}`, n));
  checkPolicyLimit(s, ingress.length + egress.length);
  Object.assign(sg, { ingress, egress, version: sg.version + 1 });
  return {};
};

const DescribeSecurityGroups: Handler = (s, p, region) => {
  const ids = p.SecurityGroupIds === undefined ? undefined : (p.SecurityGroupIds as unknown[]);
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((x) => typeof x !== "string"))) throw new ApiError("InvalidParameter", "The parameter `SecurityGroupIds` must be an array of strings.");
  if (ids) checkIds(ids as string[], "sg", "InvalidParameterValue.Malformed");
  const found = [...s.securityGroups.values()].filter((g) => g.region === region && (!ids || ids.includes(g.id)));
  const offset = Number(optStr(p, "Offset") ?? 0);
  const limit = Number(optStr(p, "Limit") ?? 20);
  if (!Number.isInteger(limit) || limit < 0 || limit > 100) throw new ApiError("InvalidParameterValue.Range", "Limit must be between 0 and 100.");
  return {
    TotalCount: found.length,
    SecurityGroupSet: found.slice(offset, offset + limit).map((g) => ({
      SecurityGroupId: g.id, SecurityGroupName: g.name, SecurityGroupDesc: g.description, ProjectId: String(g.projectId), IsDefault: false, CreatedTime: g.createdTime,
    })),
  };
};

/** The shape of DescribeSecurityGroupLimits' documented example, with the stand-in's settable values. */
const DescribeSecurityGroupLimits: Handler = (s) => ({
  SecurityGroupLimitSet: {
    SecurityGroupLimit: s.options.securityGroupLimit, SecurityGroupPolicyLimit: s.options.securityGroupPolicyLimit,
    SecurityGroupInstanceLimit: s.options.securityGroupInstanceLimit, InstanceSecurityGroupLimit: 2000, ReferedSecurityGroupLimit: 10,
  },
});

const DescribeSecurityGroupPolicies: Handler = (s, p, region) => {
  const sg = group(s, p, region);
  const out = (list: Policy[]) => list.map((x) => ({ ...x, SecurityGroupId: sg.id, ModifyTime: sg.createdTime }));
  return { SecurityGroupPolicySet: { Version: String(sg.version), Ingress: out(sg.ingress), Egress: out(sg.egress) } };
};

const DeleteSecurityGroup: Handler = (s, p, region) => {
  const sg = group(s, p, region);
  // Held by an instance that still exists (also while TERMINATING): refused.
  if (s.liveInstances().some((i) => i.securityGroupIds.includes(sg.id)))
    throw new ApiError("ResourceInUse", `The security group \`${sg.id}\` is associated with instances.`);
  s.securityGroups.delete(sg.id);
  return {};
};

export const vpcActions: Record<string, Handler> = {
  CreateSecurityGroup, CreateSecurityGroupPolicies, ModifySecurityGroupPolicies, DescribeSecurityGroupPolicies, DeleteSecurityGroup,
  DescribeSecurityGroups, DescribeSecurityGroupLimits,
};
