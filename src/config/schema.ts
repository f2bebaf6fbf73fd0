/**
 * The whole `berth:` namespace: one strict schema per section, then the cross-field rules,
 * which run only on input whose shape is already valid.
 */
import type { z } from "zod";
import { section } from "./fields.js";
import { MIRRORS } from "./mirrors.js";
import { planMirrors, type Problem } from "./plan.js";
import { bootstrapSchema } from "./sections/bootstrap.js";
import { LOG_DAEMON_KEYS } from "./sections/daemon-keys.js";
import { hostSchema } from "./sections/host.js";

export const stackSchema = section({
  host: hostSchema,
  bootstrap: bootstrapSchema,
});

export type StackInput = z.output<typeof stackSchema>;

/** Rules that span fields; each problem names the path to fix. */
export function stackRules(cfg: StackInput): Problem[] {
  const out: Problem[] = [];
  const add = (path: PropertyKey[], message: string) => out.push({ path, message });
  const { conda, docker, pip } = cfg.bootstrap;
  if (conda.sha256 !== undefined && conda.version === "latest") {
    add(["bootstrap", "conda", "sha256"], 'a checksum needs a pinned installer: "latest" changes under it — set conda.version too (like py312_24.11.1-0)');
  }
  if (!conda.enabled && conda.env !== undefined) {
    add(["bootstrap", "conda", "env"], "an environment needs conda — remove env or set conda.enabled: true");
  }
  if (!conda.enabled && pip.requirements !== undefined) {
    add(["bootstrap", "pip", "requirements"], "requirements are installed into a conda environment — set conda.enabled: true (or install them in your image)");
  }
  if (docker.logRotation !== false) {
    for (const key of Object.keys(docker.daemon).filter((k) => LOG_DAEMON_KEYS.includes(k))) {
      add(["bootstrap", "docker", "daemon", key], "set by berth's log rotation — change berth:bootstrap.docker.logRotation, or set it to false to choose your own logging");
    }
  }
  const { plan, problems } = planMirrors(cfg.host, cfg.bootstrap);
  out.push(...problems);
  if (conda.enabled && conda.distribution === "miniconda" && conda.termsOfService === "decline" && plan.conda?.url === MIRRORS.official.serves.conda) {
    add(["bootstrap", "conda", "termsOfService"], "Miniconda from Anaconda's own channels needs their terms of service accepted, and non-interactive installs fail without it — set termsOfService: accept, use a mirror for conda (tuna, aliyun, …), or distribution: miniforge");
  }
  return out;
}
