/**
 * A lab host's user-data: the bootstrap rendered once for the whole lab, plus the student's own
 * key as cloud-config `ssh_authorized_keys` (cloud-init gives it to the image's default user, the
 * user berth logs in as, next to the key the provider installs). Deterministic: the same key gives
 * the same bytes, so only a changed key changes a host's user-data — which replaces the host.
 *
 * A Tencent lab host's state carries its user-data as parts (`userDataParts`): the lab's files
 * without berth's bootstrap script, and the student's key. The script — four fifths of the text,
 * the same in every host — is berth's code: the provider takes it from the checkout it runs in
 * (as it loads all its code, runtime-require.ts), rebuilds the text, and checks it against the
 * SHA-1 the program recorded before it sends anything. Each student's share of the Pulumi state,
 * which the file and S3 backends rewrite after every step, stays a few KB.
 */
import { stringify } from "yaml";
import { cloudConfig, gzipUserData, type HostFile, type Rendered } from "../bootstrap/render.js";
import { BUDGETS, measured } from "../bootstrap/budget.js";
import { PATHS, bootstrapScript } from "../bootstrap/script.js";
import type { Provider } from "../config/sections/host.js";

export function withStudentKey(userData: string, publicKey: string): string {
  const base = userData.endsWith("\n") ? userData : `${userData}\n`;
  return base + stringify({ ssh_authorized_keys: [publicKey.trim()] }, { lineWidth: 0 });
}

/** The user-data as the provider takes it: text, and base64 (gzip when over its budget). */
export function encodeUserData(userData: string, provider: Provider): { userData: string; compressed: boolean; userDataBase64: string } {
  const plain = Buffer.from(userData, "utf8");
  const budget = BUDGETS[provider];
  if (!budget || measured(plain, budget) <= budget.limit) return { userData, compressed: false, userDataBase64: plain.toString("base64") };
  return { userData, compressed: true, userDataBase64: gzipUserData(userData).toString("base64") };
}

/** The student's user-data as the provider takes it: text, and base64 (gzip when over its budget). */
export function studentUserData(rendered: Rendered, provider: Provider, publicKey: string): { userData: string; compressed: boolean; userDataBase64: string } {
  return encodeUserData(withStudentKey(rendered.userData, publicKey), provider);
}

/** A student's user-data without berth's bootstrap script: the lab's other files, and the student's key. */
export interface UserDataParts {
  readonly files: HostFile[];
  readonly studentKey: string;
}

/** The lab's user-data from its files without the script, and this checkout's bootstrap script. */
function withScript(files: readonly HostFile[]): string {
  return cloudConfig([...files, { path: PATHS.script, content: bootstrapScript(), permissions: "0755" }]);
}

/** The student's user-data text from its parts. */
export function fromParts(parts: UserDataParts): string {
  return withStudentKey(withScript(parts.files), parts.studentKey);
}

const rebuilds = new WeakMap<Rendered, boolean>();

/** The parts of a student's user-data; undefined when the text cannot be rebuilt from them (then the host carries the bytes). */
export function userDataParts(rendered: Rendered, publicKey: string): UserDataParts | undefined {
  const files = rendered.files.slice(0, -1).map((f) => ({ ...f }));
  let ok = rebuilds.get(rendered);
  if (ok === undefined) {
    ok = rendered.files.at(-1)?.path === PATHS.script && withScript(files) === rendered.userData;
    rebuilds.set(rendered, ok);
  }
  return ok ? { files, studentKey: publicKey } : undefined;
}
