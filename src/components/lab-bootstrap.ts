/**
 * A lab host keeps the bootstrap it was made with. A berth upgrade (or a berth:bootstrap change)
 * renders a new user-data, and Tencent Cloud, DigitalOcean and local hosts are REPLACED when their
 * user-data changes — mid-course, every student's server would be rebuilt and their work lost. So
 * a lab host ignores changes to its user-data inputs after it is made (Pulumi `ignoreChanges`):
 * only new students' hosts get the new bootstrap, and `pulumi up --replace <urn>` rebuilds one
 * host on purpose, with the new one (a replacement takes the new inputs). The student's key still
 * replaces its host when it changes: its body is the host's `replacementTrigger`.
 *
 * Which bootstrap a host runs is read from what the host resource recorded (its user-data output,
 * which ignored changes never touch: the text it was made with, or its SHA-1 hex where only that is
 * kept — a Tencent lab host's, which sends the bytes once and keeps the digest, `userDataSha1`)
 * and kept in the lab's `students` output as a short digest of the lab's part, so preview can count
 * the hosts on an older one.
 */
import { createHash } from "node:crypto";
import type { Provider } from "../config/sections/host.js";

/** The host resource's inputs that carry the user-data, by provider. */
export const USER_DATA_INPUTS: Record<Provider, string[]> = {
  tencentcloud: ["userData", "userDataBase64", "userDataParts"],
  local: ["userData"],
  digitalocean: ["userData"],
  existing: [],
};

/** An OpenSSH key's type and data, without its comment: a comment change replaces nothing. */
export function keyBody(key: string | undefined): string {
  return (key ?? "").trim().split(/\s+/).slice(0, 2).join(" ");
}

/** The SHA-1 hex of a user-data text, as a host that does not keep the text records it. */
export function userDataSha1(userData: string): string {
  return createHash("sha1").update(userData, "utf8").digest("hex");
}

/** The digest a lab's rendered user-data (without any student's key) is known by. */
export function bootstrapDigest(labUserData: string): string {
  const text = labUserData.endsWith("\n") ? labUserData : `${labUserData}\n`; // as withStudentKey ends it
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 12);
}

/** withStudentKey's addition at the end of a host's user-data. */
const STUDENT_KEY = /ssh_authorized_keys:\n {2}- [^\n]*\n$/;

/**
 * The digest of the bootstrap a host was made with, from the user-data its resource recorded:
 * `expected` is the host's user-data as berth renders it now (digest `current`). A provider may
 * keep a SHA-1 of the user-data instead of the text (the Terraform-bridged DigitalOcean provider
 * does, for user_data, and berth's Tencent lab hosts do); such a record is either today's or an
 * older one, unknown which.
 */
export function bootstrapOf(recorded: string | undefined, expected: string, current: string): string {
  if (recorded === undefined || recorded === "") return "unknown";
  if (recorded === expected || recorded === userDataSha1(expected)) return current;
  if (/^[0-9a-f]{40}$/.test(recorded)) return "older";
  return bootstrapDigest(recorded.replace(STUDENT_KEY, ""));
}
