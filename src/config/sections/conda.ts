/** `berth:bootstrap.conda` and `berth:bootstrap.pip` — Python environments and their mirrors. */
import { z } from "zod";
import { absPath, choice, section } from "../fields.js";
import { DEFAULT_INSTALLER_VERSION } from "../installers.js";
import { mirrorRef } from "./mirror-ref.js";
import { condaEnv, requirements } from "./python-inputs.js";

/** A conda environment: an environment.yml (inline or a file) or a short spec (python-inputs.ts). */
export { condaEnv };

export const condaSchema = section({
  enabled: z.boolean().default(true),
  distribution: choice(["miniconda", "miniforge"], "conda distribution").default("miniconda"),
  /**
   * The installer's version (`py312_24.11.1-0` for Miniconda, `24.11.3-0` for Miniforge) or
   * `latest`; unset: the distribution's version in berth's table of checked installers.
   */
  version: z.string().regex(/^[A-Za-z0-9._-]+$/, { message: "must be latest or an installer version like py312_24.11.1-0" }).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: "must be 64 lowercase hex digits (sha256sum prints it)" }).optional(),
  prefix: absPath.default("/opt/conda"),
  /** Installer and channel mirror; defaults to the first mirror in berth:bootstrap.mirror that serves them. */
  mirror: mirrorRef.optional(),
  env: condaEnv.optional(),
  /**
   * Anaconda's terms of service for its own channels (repo.anaconda.com). `accept` accepts them
   * non-interactively; `decline` makes a stack that would need them a config error.
   */
  termsOfService: choice(["accept", "decline"], "termsOfService value").default("decline"),
}).transform((c) => ({ ...c, version: c.version ?? DEFAULT_INSTALLER_VERSION[c.distribution] }))
  .default({ enabled: true, distribution: "miniconda", version: DEFAULT_INSTALLER_VERSION.miniconda, prefix: "/opt/conda", termsOfService: "decline" });

export const pipSchema = section({
  /** PyPI index mirror; defaults to the first mirror in berth:bootstrap.mirror that serves one. */
  mirror: mirrorRef.optional(),
  /** requirements.txt: a file, inline text, or a list of requirement lines. */
  requirements: requirements.optional(),
}).default({});

export type CondaInput = z.output<typeof condaSchema>;
export type PipInput = z.output<typeof pipSchema>;
