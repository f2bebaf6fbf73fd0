// network.ts — the key pair and security group a berth host gets on Tencent Cloud.
//
// Key pairs: Tencent refuses to import a public key the account already holds
// (InvalidPublicKey.Duplicate), which happens when every host of a lab gets the instructor's
// key. The first host imports it (keyOwned), later hosts reuse it. A key pair still bound to an
// instance cannot be deleted, so whichever host is destroyed last deletes it.
import type { TencentApi } from "./client.js";
import type { InstanceSpec } from "./instance.js";
import { TencentApiError } from "./errors.js";

const KEY_PREFIX = "berth_";
const keyBody = (k: string | undefined) => (k ?? "").trim().split(/\s+/).slice(0, 2).join(" ");
const codeOf = (e: unknown) => (e instanceof TencentApiError ? e.code : "");

export async function importKey(api: TencentApi, spec: InstanceSpec, tag: string): Promise<{ keyId: string; keyOwned: boolean }> {
  const keyName = `${KEY_PREFIX}${spec.name.replace(/[^A-Za-z0-9]/g, "_").slice(0, 12)}_${tag}`; // ≤ 25 chars
  try {
    const out = await api.call("ImportKeyPair", () => api.cvm.ImportKeyPair({ KeyName: keyName, ProjectId: 0, PublicKey: spec.publicKey.trim() }));
    return { keyId: out.KeyId!, keyOwned: true };
  } catch (e) {
    if (codeOf(e) !== "InvalidPublicKey.Duplicate") throw e;
    const all = await api.call("DescribeKeyPairs", () => api.cvm.DescribeKeyPairs({ Limit: 100 }));
    const same = all.KeyPairSet?.find((k) => keyBody(k.PublicKey) === keyBody(spec.publicKey));
    if (!same?.KeyId) throw e;
    return { keyId: same.KeyId, keyOwned: false };
  }
}

/** Deletes the key pair unless another instance still uses it (or, when reused, it is not berth's). */
export async function releaseKey(api: TencentApi, keyId: string, owned: boolean): Promise<void> {
  const out = await api.call("DescribeKeyPairs", () => api.cvm.DescribeKeyPairs({ KeyIds: [keyId] }));
  const key = out.KeyPairSet?.find((k) => k.KeyId === keyId);
  if (!key || (key.AssociatedInstanceIds ?? []).length > 0) return;
  if (!owned && !(key.KeyName ?? "").startsWith(KEY_PREFIX)) return;
  try {
    await api.call("DeleteKeyPairs", () => api.cvm.DeleteKeyPairs({ KeyIds: [keyId] }));
  } catch (e) {
    if (!["InvalidKeyPairId.NotFound", "ResourceInUse"].includes(codeOf(e))) throw e;
  }
}

export async function createSecurityGroup(api: TencentApi, spec: InstanceSpec, tag: string): Promise<string> {
  const out = (await api.call("CreateSecurityGroup", () =>
    api.vpc.request("CreateSecurityGroup", {
      GroupName: `berth-${spec.name}-${tag}`.slice(0, 60),
      GroupDescription: `berth host ${spec.name}`.slice(0, 100),
    }),
  )) as { SecurityGroup: { SecurityGroupId: string } };
  return out.SecurityGroup.SecurityGroupId;
}

/** SSH and app ports in from the given CIDRs, everything out. One direction per request, as the API requires. */
export async function addPolicies(api: TencentApi, spec: InstanceSpec, sgId: string): Promise<void> {
  // The API takes IPv4 ranges in CidrBlock and IPv6 ranges in Ipv6CidrBlock (one of them per rule).
  const block = (cidr: string) => (cidr.includes(":") ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr });
  const rule = (port: number, cidr: string, what: string) => ({ Protocol: "TCP", Port: String(port), ...block(cidr), Action: "ACCEPT", PolicyDescription: what });
  const ingress = [
    ...spec.sshCidrs.map((c) => rule(22, c, "ssh")),
    ...spec.appPorts.flatMap((p) => spec.appCidrs.map((c) => rule(p, c, `app ${p}`))),
  ];
  if (ingress.length > 0)
    await api.call("CreateSecurityGroupPolicies", () =>
      api.vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: sgId, SecurityGroupPolicySet: { Ingress: ingress } }),
    );
  await api.call("CreateSecurityGroupPolicies", () =>
    api.vpc.request("CreateSecurityGroupPolicies", {
      SecurityGroupId: sgId,
      SecurityGroupPolicySet: {
        Egress: [
          { Protocol: "ALL", CidrBlock: "0.0.0.0/0", Action: "ACCEPT", PolicyDescription: "all egress" },
          { Protocol: "ALL", Ipv6CidrBlock: "::/0", Action: "ACCEPT", PolicyDescription: "all egress (IPv6)" },
        ],
      },
    }),
  );
}
