/** A mirror reference: a catalog name, or a custom `{ url }` laid out like TUNA unless told. */
import { z } from "zod";
import { domain, httpUrl, section } from "../fields.js";
import { unknownName } from "../messages.js";
import { byShape } from "../shapes.js";
import { MIRROR_NAMES, isMirrorName, type MirrorName } from "../mirrors.js";
import { keyFingerprint } from "../signing-keys.js";

export const mirrorName = z.string().superRefine((v, ctx) => {
  if (!isMirrorName(v)) ctx.addIssue({ code: "custom", message: unknownName("mirror", v, [...MIRROR_NAMES, "{ url: … }"]) });
}).transform((v) => v as MirrorName);

const pathOverride = z.union([z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, { message: "must start with / (a path under url)" }), z.null()]);

export const customMirror = section({
  url: httpUrl,
  /** A short name for logs and the status file; defaults to the URL's host. */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  /** Where each part lives under `url` (TUNA's layout by default); null: not served. */
  paths: section({
    dockerCe: pathOverride.optional(),
    dockerHub: pathOverride.optional(),
    miniconda: pathOverride.optional(),
    miniforge: pathOverride.optional(),
    conda: pathOverride.optional(),
    pypi: pathOverride.optional(),
  }).optional(),
  /**
   * Fingerprint of the key that signs this mirror's own docker-ce repository (a mirror that
   * re-signs, like the lab kit). Unset: the mirror copies Docker's and berth's copy of Docker's
   * key checks it. Set: the bootstrap fetches the mirror's key and installs it only if it is
   * exactly this key.
   */
  dockerCeKeyFingerprint: keyFingerprint.optional(),
}).superRefine((m, ctx) => {
  if (m.dockerCeKeyFingerprint !== undefined && m.paths?.dockerCe === null) {
    ctx.addIssue({ code: "custom", path: ["dockerCeKeyFingerprint"], message: "pins a docker-ce signing key, but paths.dockerCe is null (this mirror serves no docker-ce) — remove one of them" });
  }
});

export const mirrorRef = byShape([
  { label: "a mirror name", takes: "string", schema: domain(mirrorName, "mirror-name") },
  { label: "{ url, … }", takes: "object", schema: customMirror },
]);
export type MirrorRef = z.output<typeof mirrorRef>;

/** One mirror or an ordered fallback chain, tried at boot in order. */
export const mirrorChain = byShape([
  { label: "a mirror name", takes: "string", schema: domain(mirrorName, "mirror-name") },
  { label: "{ url, … }", takes: "object", schema: customMirror },
  { label: "a list of them", takes: "array", schema: z.array(mirrorRef).min(1) },
]).transform((v) => (Array.isArray(v) ? v : [v]));
