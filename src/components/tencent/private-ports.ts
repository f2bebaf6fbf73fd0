// private-ports.ts — ports a Tencent host opens to its private network only (a lab cache's port
// 80 to the VPC's ranges), beside the app's ports, which are open to the app CIDRs.
import type { InstanceSpec } from "./instance.js";

/** TCP rules for each private port from each private CIDR (IPv6 ranges in Ipv6CidrBlock). */
export function privateIngressRules(spec: Pick<InstanceSpec, "privatePorts" | "privateCidrs">) {
  const block = (cidr: string) => (cidr.includes(":") ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr });
  return (spec.privatePorts ?? []).flatMap((p) => (spec.privateCidrs ?? []).map((c) => ({ Protocol: "TCP", Port: String(p), ...block(c), Action: "ACCEPT", PolicyDescription: `private ${p}` })));
}
