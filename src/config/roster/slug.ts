/**
 * Host names from student ids: a stable, DNS-label-safe slug (lowercase ASCII letters, digits and
 * inner `-`). An id that is already such a label (in any case) keeps its letters; an id with other
 * characters (non-ASCII names, `@`, spaces) keeps its ASCII letters and digits and gets a short
 * hash of the whole id, so it stays unique and the same on every run. A slug longer than the
 * room the provider's name limit leaves is cut and gets the hash too. Two ids with the same slug
 * are a roster error (naming both rows), never a silent merge.
 */
import { createHash } from "node:crypto";

const hash6 = (id: string) => createHash("sha256").update(id, "utf8").digest("hex").slice(0, 6);

/** `S001` → `s001`; `Zhang.San@uni.edu` → `zhang-san-uni-edu-3f2a9c`; `张三` → `u-8d5e1f`. */
export function slugOf(id: string, max = 63): string {
  const lower = id.toLowerCase();
  const ascii = lower.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  const plain = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(lower);
  let slug = plain ? lower : ascii === "" ? `u-${hash6(id)}` : `${ascii}-${hash6(id)}`;
  if (slug.length > max) slug = `${slug.slice(0, Math.max(1, max - 7)).replace(/-+$/, "")}-${hash6(id)}`;
  return slug;
}

/** The host name of a student: `<prefix>-<slug>`, within `limit` characters. */
export function hostNameOf(prefix: string, id: string, limit: number): string {
  return `${prefix}-${slugOf(id, limit - prefix.length - 1)}`;
}
