// cloud-keys.ts — CVM key pair actions of the local API stand-in (ImportKeyPair,
// DescribeKeyPairs, DeleteKeyPairs), as Tencent documents them:
//  - ImportKeyPair takes the public key "in the OpenSSH RSA format"; anything else is
//    InvalidPublicKey.Malformed ("does not meet the OpenSSH RSA format requirements").
//  - DeleteKeyPairs "cannot delete key pairs referenced by instances or images, so check
//    independently whether every key pair was deleted": a referenced key is skipped, and the
//    call still succeeds. A key pair is referenced while its instance is listed (TERMINATING and
//    SHUTDOWN too), and for keyDetachPolls DescribeKeyPairs calls after the instance is gone.
import ssh2 from "ssh2";
import { ApiError, CloudState, type Params, checkIds, missing, now, optNum, optStr, optStrArr, reqStr } from "./cloud-state.js";

type Handler = (s: CloudState, p: Params, region: string) => Record<string, unknown>;

/** An OpenSSH RSA public key line (`ssh-rsa AAAA… comment`), parsed the way an SSH library reads it. */
export function isOpenSshRsa(line: string): boolean {
  const parts = line.trim().split(/\s+/);
  if (parts[0] !== "ssh-rsa" || parts.length < 2) return false;
  const parsed = ssh2.utils.parseKey(`${parts[0]} ${parts[1]}`);
  return !(parsed instanceof Error) && !Array.isArray(parsed) && parsed.type === "ssh-rsa" && parsed.getPublicSSH().length > 0;
}

const ImportKeyPair: Handler = (s, p, region) => {
  const name = optStr(p, "KeyName") ?? "";
  if (name === "") throw new ApiError("InvalidKeyPairNameEmpty", "The key name cannot be empty.");
  if (name.length > 25) throw new ApiError("InvalidKeyPairNameTooLong", "The key name cannot exceed 25 characters.");
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new ApiError("InvalidKeyPairNameIncludeIllegalChar", "Key names may contain only letters, digits and underscores.");
  const projectId = optNum(p, "ProjectId");
  if (projectId === undefined) throw missing("ProjectId");
  const publicKey = reqStr(p, "PublicKey").trim();
  if (!isOpenSshRsa(publicKey)) throw new ApiError("InvalidPublicKey.Malformed", "The specified public key does not meet the `OpenSSH RSA` format requirements.");
  const mine = [...s.keyPairs.values()].filter((k) => k.region === region);
  if (mine.some((k) => k.name === name)) throw new ApiError("InvalidKeyPairName.Duplicate", `The key name \`${name}\` already exists.`);
  const body = (k: string) => k.split(" ").slice(0, 2).join(" ");
  if (mine.some((k) => body(k.publicKey) === body(publicKey))) throw new ApiError("InvalidPublicKey.Duplicate", "The public key already exists.");
  if (s.keyPairs.size >= s.options.keyPairLimit)
    throw new ApiError("InvalidKeyPair.LimitExceeded", `The account holds ${s.keyPairs.size} key pairs; the limit is ${s.options.keyPairLimit}.`);
  const id = s.newId("skey");
  s.keyPairs.set(id, { id, region, name, publicKey, projectId, createdTime: now() });
  return { KeyId: id };
};

const DescribeKeyPairs: Handler = (s, p, region) => {
  const ids = optStrArr(p, "KeyIds");
  if (ids) checkIds(ids, "skey", "InvalidKeyPairId.Malformed");
  const all = [...s.keyPairs.values()].filter((k) => k.region === region && (!ids || ids.includes(k.id)));
  const offset = optNum(p, "Offset") ?? 0;
  const limit = optNum(p, "Limit") ?? 20;
  if (limit < 0 || limit > 100) throw new ApiError("InvalidParameterValue.Range", "Limit must be between 0 and 100.");
  const set = all.slice(offset, offset + limit);
  const out = {
    TotalCount: all.length,
    KeyPairSet: set.map((k) => ({
      KeyId: k.id, KeyName: k.name, ProjectId: k.projectId, PublicKey: k.publicKey, CreatedTime: k.createdTime,
      AssociatedInstanceIds: s.keyUsers(k.id),
    })),
  };
  s.tickKeys();
  return out;
};

const DeleteKeyPairs: Handler = (s, p, region) => {
  const ids = optStrArr(p, "KeyIds");
  if (!ids || ids.length === 0) throw missing("KeyIds");
  checkIds(ids, "skey", "InvalidKeyPairId.Malformed");
  for (const id of ids) {
    const k = s.keyPairs.get(id);
    if (!k || k.region !== region) throw new ApiError("InvalidKeyPairId.NotFound", `The key pair \`${id}\` does not exist.`);
  }
  // Referenced key pairs are skipped without an error, as documented.
  for (const id of ids) if (s.keyUsers(id).length === 0) s.keyPairs.delete(id);
  return {};
};

export const keyPairActions: Record<string, Handler> = { ImportKeyPair, DescribeKeyPairs, DeleteKeyPairs };
