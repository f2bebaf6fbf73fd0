/**
 * A hash of what the berth cache image is built from (its Dockerfile, entrypoint and the pinned
 * proxpi wheel), read without a Docker engine: a cache host's services update when it changes.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PROXPI_WHEEL } from "../local/wheels.js";

const DIR = fileURLToPath(new URL("../local/images/cache/", import.meta.url));

export function cacheImageContext(): string {
  const h = createHash("sha256");
  for (const f of ["Dockerfile", "berth-cache"]) h.update(readFileSync(DIR + f)).update("\0");
  return h.update(PROXPI_WHEEL.sha256).digest("hex").slice(0, 16);
}
