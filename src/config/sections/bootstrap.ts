/** `berth:bootstrap` — mirrors, docker-ce, conda and pip. */
import type { z } from "zod";
import { section } from "../fields.js";
import { DEFAULT_INSTALLER_VERSION } from "../installers.js";
import { cacheUse } from "./cache.js";
import { condaSchema, pipSchema } from "./conda.js";
import { dockerSchema } from "./docker.js";
import { mirrorChain } from "./mirror-ref.js";

export const bootstrapSchema = section({
  /** A catalog name, a custom `{ url }`, or an ordered fallback chain of them. */
  mirror: mirrorChain.default(["official"]),
  docker: dockerSchema,
  conda: condaSchema,
  pip: pipSchema,
  /** A berth cache this host uses first in every chain (`http://10.0.0.5`). */
  cache: cacheUse.optional(),
}).default({
  mirror: ["official"],
  docker: { registryMirrors: [], insecureRegistries: [], users: [], logRotation: { maxSize: "10m", maxFile: 3 }, daemon: {}, allowUnauthenticatedTcp: false },
  conda: { enabled: true, distribution: "miniconda", version: DEFAULT_INSTALLER_VERSION.miniconda, prefix: "/opt/conda", termsOfService: "decline" },
  pip: {},
});

export type BootstrapInput = z.output<typeof bootstrapSchema>;
