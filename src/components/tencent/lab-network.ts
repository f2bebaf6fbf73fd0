// lab-network.ts — what every host of a lab shares on Tencent Cloud: ONE security group (SSH from
// allowSsh, the app's ports, everything out) and ONE key pair (the instructor's OpenSSH RSA key,
// the one berth deploys with). A region holds 50 security groups and an account 100 key pairs
// (Tencent's documented defaults), so a class cannot have one of each per student.
//
//   const net = await createLabNetwork(api, { name: "ml-2026", publicKey, sshCidrs, appPorts, … });
//   … hosts with spec.shared = net …
//   await deleteLabNetwork(api, net);   // after the last host: group, then key pair, verified gone
//
// Deletion waits (bounded by api.poll) while terminated hosts still hold the group or the key, and
// checks with DescribeSecurityGroups / DescribeKeyPairs that both are gone, as keys.ts does.
import type { TencentApi } from "./client.js";
import { codeOf, wait } from "./describe.js";
import { TencentApiError } from "./errors.js";
import { importKey, KEY_PREFIX, rsaKeyProblem } from "./keys.js";
import { addPolicies, createSecurityGroup, egressRules, ingressRules } from "./network.js";
import { settle } from "./teardown.js";

export interface LabNetworkSpec {
  /** The lab's name: the group and key pair names derive from it. */
  name: string;
  publicKey: string;
  sshCidrs: string[];
  appPorts: number[];
  appUdpPorts: number[];
  appCidrs: string[];
}

export interface LabNetwork {
  securityGroupId: string;
  keyId: string;
  /** false when the account already held this public key (reused, deleted only if berth's and unused). */
  keyOwned: boolean;
}

/** Tencent's documented default rules per security group (DescribeSecurityGroupLimits' SecurityGroupPolicyLimit). */
export const DEFAULT_RULES_PER_GROUP = 100;

/** What Tencent would refuse in this lab network, before any call; undefined when none. */
export function labNetworkProblem(spec: LabNetworkSpec, rulesPerGroup = DEFAULT_RULES_PER_GROUP): string | undefined {
  const rules = ingressRules(spec).length + egressRules().length;
  if (rules > rulesPerGroup)
    return `berth:host.allowSsh / berth:app.ports: the lab's security group would need ${rules} rules (one per allowed range and port) and Tencent Cloud allows ${rulesPerGroup} per group — allow fewer address ranges or publish fewer ports.`;
  return rsaKeyProblem(spec.publicKey);
}

const suffix = () => Math.random().toString(16).slice(2, 8).padEnd(6, "0");

export async function createLabNetwork(api: TencentApi, spec: LabNetworkSpec): Promise<LabNetwork> {
  const problem = labNetworkProblem(spec);
  if (problem) throw new Error(problem);
  const tag = suffix();
  const made: Partial<LabNetwork> = {};
  try {
    Object.assign(made, await importKey(api, spec.name, spec.publicKey, tag));
    made.securityGroupId = await createSecurityGroup(api, { name: `lab-${spec.name}` }, tag);
    await addPolicies(api, spec, made.securityGroupId);
    return made as LabNetwork;
  } catch (e) {
    try {
      await deleteLabNetwork(api, made);
    } catch (cleanup) {
      if (e instanceof Error) e.message += ` Cleanup of ${JSON.stringify(made)} also failed: ${(cleanup as Error).message}`;
    }
    throw e;
  }
}

/** Replaces the group's rules with the spec's (one ModifySecurityGroupPolicies call: the hosts keep their group). */
export async function updateLabRules(api: TencentApi, securityGroupId: string, spec: Pick<LabNetworkSpec, "sshCidrs" | "appPorts" | "appUdpPorts" | "appCidrs">): Promise<void> {
  await api.call("ModifySecurityGroupPolicies", () =>
    api.vpc.request("ModifySecurityGroupPolicies", { SecurityGroupId: securityGroupId, SecurityGroupPolicySet: { Ingress: ingressRules(spec), Egress: egressRules() } }),
  );
}

/** Whether the account still lists the security group (read, refresh). */
export async function labNetworkListed(api: TencentApi, id: string): Promise<boolean> {
  try {
    const out = (await api.call("DescribeSecurityGroups", () => api.vpc.request("DescribeSecurityGroups", { SecurityGroupIds: [id] }))) as { SecurityGroupSet?: { SecurityGroupId?: string }[] };
    return (out.SecurityGroupSet ?? []).some((g) => g.SecurityGroupId === id);
  } catch (e) {
    if (["ResourceNotFound", "InvalidSecurityGroupID.NotFound"].includes(codeOf(e))) return false;
    throw e;
  }
}

async function describeKey(api: TencentApi, keyId: string) {
  const out = await api.call("DescribeKeyPairs", () => api.cvm.DescribeKeyPairs({ KeyIds: [keyId] }));
  return out.KeyPairSet?.find((k) => k.KeyId === keyId);
}

/**
 * Deletes the lab's key pair once no instance holds it (waiting, bounded, for hosts that are still
 * on their way out) and checks it is gone. A reused key that is not berth's is left alone; so is a
 * reused berth key that other instances still use after the wait.
 */
async function releaseLabKey(api: TencentApi, keyId: string, owned: boolean): Promise<void> {
  let users: string[] = [];
  for (let n = 1; n <= api.poll.maxPolls; n++) {
    const key = await describeKey(api, keyId);
    if (!key) return;
    if (!owned && !(key.KeyName ?? "").startsWith(KEY_PREFIX)) return;
    users = key.AssociatedInstanceIds ?? [];
    if (users.length === 0) {
      try {
        await api.call("DeleteKeyPairs", () => api.cvm.DeleteKeyPairs({ KeyIds: [keyId] }));
      } catch (e) {
        if (codeOf(e) !== "InvalidKeyPairId.NotFound") throw e;
      }
      if (!(await describeKey(api, keyId))) return;
    }
    if (n < api.poll.maxPolls) await wait(api);
  }
  if (!owned && users.length > 0) return; // someone else's instances use it: theirs to remove
  throw new Error(users.length > 0
    ? `key pair ${keyId} is still used by ${users.join(", ")} after ${api.poll.maxPolls} polls`
    : `key pair ${keyId} is still listed after DeleteKeyPairs (${api.poll.maxPolls} attempts); an image may reference it`);
}

/** Deletes the group, then the key pair, each verified gone; one error names whatever is left. */
export async function deleteLabNetwork(api: TencentApi, net: Partial<LabNetwork>): Promise<void> {
  const left: string[] = [];
  const reason = (e: unknown) => (e instanceof TencentApiError ? e.code : (e as Error).message);
  if (net.securityGroupId) {
    const id = net.securityGroupId;
    try {
      // ResourceInUse while a terminated host is still listed: waited on (bounded).
      await settle(api, () => api.call("DeleteSecurityGroup", () => api.vpc.request("DeleteSecurityGroup", { SecurityGroupId: id })),
        ["ResourceInUse"], ["ResourceNotFound", "InvalidSecurityGroupID.NotFound"]);
      if (await labNetworkListed(api, id)) left.push(`security group ${id} (still listed after DeleteSecurityGroup)`);
    } catch (e) {
      left.push(`security group ${id} (${reason(e)})`);
    }
  }
  if (net.keyId) {
    try {
      await releaseLabKey(api, net.keyId, net.keyOwned !== false);
    } catch (e) {
      left.push(reason(e).startsWith("key pair") ? reason(e) : `key pair ${net.keyId} (${reason(e)})`);
    }
  }
  if (left.length > 0)
    throw new Error(`Tencent Cloud lab network: left behind: ${left.join("; ")}. Run \`pulumi destroy\` again once the lab's hosts are gone, or delete them in the Tencent Cloud console.`);
}
