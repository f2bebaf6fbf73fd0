// keys.ts — the key pair a berth host gets on Tencent Cloud.
//
// ImportKeyPair takes "the public key in the OpenSSH RSA format" (InvalidPublicKey.Malformed
// otherwise), so berth refuses any other key type before it calls anything.
//
// Tencent refuses to import a public key the account already holds (InvalidPublicKey.Duplicate),
// which happens when every host of a lab gets the instructor's key. The first host imports it
// (keyOwned), later hosts reuse it; whichever host is destroyed last deletes it.
//
// DeleteKeyPairs "cannot delete key pairs referenced by instances or images, so check
// independently whether every key pair was deleted": it succeeds and leaves such a key in place.
// releaseKey waits (bounded by api.poll) while the key is still attached to the host's own
// instance, deletes it, and checks with DescribeKeyPairs that it is gone.
import type { TencentApi } from "./client.js";
import { TencentApiError } from "./errors.js";

export const KEY_PREFIX = "berth_";
const keyBody = (k: string | undefined) => (k ?? "").trim().split(/\s+/).slice(0, 2).join(" ");
const codeOf = (e: unknown) => (e instanceof TencentApiError ? e.code : "");
const wait = (api: TencentApi) => new Promise((resolve) => setTimeout(resolve, api.poll.intervalMs));

/** The key type an OpenSSH public key line declares, when its base64 blob encodes the same type; else undefined. */
export function publicKeyType(line: string): string | undefined {
  const [type, b64] = line.trim().split(/\s+/);
  if (!type || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const blob = Buffer.from(b64, "base64");
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (4 + n > blob.length) return undefined;
  return blob.subarray(4, 4 + n).toString("latin1") === type ? type : undefined;
}

/** Why Tencent Cloud would refuse this public key, in the user's terms; undefined when it is an OpenSSH RSA key. */
export function rsaKeyProblem(publicKey: string): string | undefined {
  const type = publicKeyType(publicKey);
  if (type === "ssh-rsa") return undefined;
  const what = type ? `an ${type} key` : "not an OpenSSH public key line";
  return (
    `berth:host.sshPublicKey: Tencent Cloud imports only OpenSSH RSA public keys (ssh-rsa …), and this is ${what}. ` +
    "Make an RSA key for Tencent Cloud — ssh-keygen -t rsa -b 4096 -f ~/.ssh/id_rsa_tencent — and set sshPublicKey to the line in ~/.ssh/id_rsa_tencent.pub " +
    "(and berth:sshPrivateKey to the private key when berth deploys an app)."
  );
}

export async function importKey(api: TencentApi, name: string, publicKey: string, tag: string): Promise<{ keyId: string; keyOwned: boolean }> {
  const keyName = `${KEY_PREFIX}${name.replace(/[^A-Za-z0-9]/g, "_").slice(0, 12)}_${tag}`; // ≤ 25 chars
  try {
    const out = await api.call("ImportKeyPair", () => api.cvm.ImportKeyPair({ KeyName: keyName, ProjectId: 0, PublicKey: publicKey.trim() }));
    return { keyId: out.KeyId!, keyOwned: true };
  } catch (e) {
    if (codeOf(e) !== "InvalidPublicKey.Duplicate") throw e;
    const all = await api.call("DescribeKeyPairs", () => api.cvm.DescribeKeyPairs({ Limit: 100 }));
    const same = all.KeyPairSet?.find((k) => keyBody(k.PublicKey) === keyBody(publicKey));
    if (!same?.KeyId) throw e;
    return { keyId: same.KeyId, keyOwned: false };
  }
}

async function describeKey(api: TencentApi, keyId: string) {
  const out = await api.call("DescribeKeyPairs", () => api.cvm.DescribeKeyPairs({ KeyIds: [keyId] }));
  return out.KeyPairSet?.find((k) => k.KeyId === keyId);
}

export interface ReleaseOptions {
  /** The host's own instance: while the key is attached to it, wait (it is being terminated). */
  instanceId?: string;
  /** false: the instance is known to stay (still listed after termination); fail at once instead of waiting. */
  wait?: boolean;
}

/**
 * Deletes the key pair and verifies it is gone. Left in place, without error: a key another
 * instance still uses (a lab's shared key), and a reused key that is not berth's. Throws, naming
 * the key id, when it stays attached to the host's instance or stays listed after deletion.
 */
export async function releaseKey(api: TencentApi, keyId: string, owned: boolean, opts: ReleaseOptions = {}): Promise<void> {
  for (let n = 1; ; n++) {
    const key = await describeKey(api, keyId);
    if (!key) return;
    if (!owned && !(key.KeyName ?? "").startsWith(KEY_PREFIX)) return;
    const users = key.AssociatedInstanceIds ?? [];
    const ours = opts.instanceId !== undefined && users.includes(opts.instanceId);
    if (!ours && users.length > 0) return;
    if (!ours) {
      try {
        await api.call("DeleteKeyPairs", () => api.cvm.DeleteKeyPairs({ KeyIds: [keyId] }));
      } catch (e) {
        if (codeOf(e) !== "InvalidKeyPairId.NotFound") throw e;
      }
      if (!(await describeKey(api, keyId))) return;
    }
    if (ours && opts.wait === false) throw new Error(`key pair ${keyId} is still attached to instance ${opts.instanceId}`);
    if (n >= api.poll.maxPolls)
      throw new Error(ours
        ? `key pair ${keyId} is still attached to instance ${opts.instanceId} after ${n} polls`
        : `key pair ${keyId} is still listed after DeleteKeyPairs (${n} attempts); an image or another instance may reference it`);
    await wait(api);
  }
}
