/**
 * A lab host's user-data: the bootstrap rendered once for the whole lab, plus the student's own
 * key as cloud-config `ssh_authorized_keys` (cloud-init gives it to the image's default user, the
 * user berth logs in as, next to the key the provider installs). Deterministic: the same key gives
 * the same bytes, so only a changed key changes a host's user-data — which replaces the host.
 */
import { stringify } from "yaml";
import { gzipUserData, type Rendered } from "../bootstrap/render.js";
import { BUDGETS, measured } from "../bootstrap/budget.js";
import type { Provider } from "../config/sections/host.js";

export function withStudentKey(userData: string, publicKey: string): string {
  const base = userData.endsWith("\n") ? userData : `${userData}\n`;
  return base + stringify({ ssh_authorized_keys: [publicKey.trim()] }, { lineWidth: 0 });
}

/** The student's user-data as the provider takes it: text, and base64 (gzip when over its budget). */
export function studentUserData(rendered: Rendered, provider: Provider, publicKey: string): { userData: string; compressed: boolean; userDataBase64: string } {
  const userData = withStudentKey(rendered.userData, publicKey);
  const plain = Buffer.from(userData, "utf8");
  const budget = BUDGETS[provider];
  if (!budget || measured(plain, budget) <= budget.limit) return { userData, compressed: false, userDataBase64: plain.toString("base64") };
  return { userData, compressed: true, userDataBase64: gzipUserData(userData).toString("base64") };
}
