// network.ts — the security group a berth host (or a whole lab, lab-network.ts) gets on Tencent
// Cloud: SSH from the allowed CIDRs, the app's published ports (TCP and UDP, as the app publishes
// them; a loopback-bound port is never passed here, see ports.ts) from the app CIDRs, everything out.
import type { TencentApi } from "./client.js";
import type { InstanceSpec } from "./instance.js";
import { privateIngressRules } from "./private-ports.js";

export async function createSecurityGroup(api: TencentApi, spec: Pick<InstanceSpec, "name">, tag: string): Promise<string> {
  const out = (await api.call("CreateSecurityGroup", () =>
    api.vpc.request("CreateSecurityGroup", {
      GroupName: `berth-${spec.name}-${tag}`.slice(0, 60),
      GroupDescription: `berth host ${spec.name}`.slice(0, 100),
    }),
  )) as { SecurityGroup: { SecurityGroupId: string } };
  return out.SecurityGroup.SecurityGroupId;
}

/** The ingress rules of a host: SSH from sshCidrs, each app port (with its protocol) from appCidrs. */
export function ingressRules(spec: Pick<InstanceSpec, "sshCidrs" | "appPorts" | "appUdpPorts" | "appCidrs" | "privatePorts" | "privateCidrs">) {
  // The API takes IPv4 ranges in CidrBlock and IPv6 ranges in Ipv6CidrBlock (one of them per rule).
  const block = (cidr: string) => (cidr.includes(":") ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr });
  const rule = (protocol: "TCP" | "UDP", port: number, cidr: string, what: string) => ({ Protocol: protocol, Port: String(port), ...block(cidr), Action: "ACCEPT", PolicyDescription: what });
  return [
    ...spec.sshCidrs.map((c) => rule("TCP", 22, c, "ssh")),
    ...spec.appPorts.flatMap((p) => spec.appCidrs.map((c) => rule("TCP", p, c, `app ${p}`))),
    ...spec.appUdpPorts.flatMap((p) => spec.appCidrs.map((c) => rule("UDP", p, c, `app ${p}/udp`))),
    ...privateIngressRules(spec),
  ];
}

/** Everything out, IPv4 and IPv6. */
export function egressRules() {
  return [
    { Protocol: "ALL", CidrBlock: "0.0.0.0/0", Action: "ACCEPT", PolicyDescription: "all egress" },
    { Protocol: "ALL", Ipv6CidrBlock: "::/0", Action: "ACCEPT", PolicyDescription: "all egress (IPv6)" },
  ];
}

/** The ingress rules, then all egress: one direction per request, as the API requires. */
export async function addPolicies(api: TencentApi, spec: Pick<InstanceSpec, "sshCidrs" | "appPorts" | "appUdpPorts" | "appCidrs">, sgId: string): Promise<void> {
  const ingress = ingressRules(spec);
  if (ingress.length > 0)
    await api.call("CreateSecurityGroupPolicies", () =>
      api.vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: sgId, SecurityGroupPolicySet: { Ingress: ingress } }),
    );
  await api.call("CreateSecurityGroupPolicies", () =>
    api.vpc.request("CreateSecurityGroupPolicies", {
      SecurityGroupId: sgId,
      SecurityGroupPolicySet: { Egress: egressRules() },
    }),
  );
}
