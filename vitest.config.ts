import { defineConfig } from "vitest/config";

/**
 * Four tiers, all run by `npm test`:
 *  - fast: unit tests, validators (cloud-init, shellcheck), ssh2 against a loopback sshd,
 *    the Tencent provider against its local API server;
 *  - vm: real VM containers on the Docker engine with the offline lab kit (set up once by
 *    the global setup); files run one at a time, the machine has two cores;
 *  - engine: the real Pulumi CLI (scripts/pulumi-cli.sh) running preview/up/destroy on copies
 *    of the project, with the kit and the local Tencent API stand-in;
 *  - ci: berth ci and the GitHub action: actionlint on the workflows, the example workflows run
 *    by act against an S3 server (moto) and a GitHub API stand-in (scripts/ci-tools.sh).
 */
/** Every project's first global setup: the run's own TMPDIR, removed at the end (test/setup/tmpdir.ts). */
const TMPDIR_SETUP = "test/setup/tmpdir.ts";

export default defineConfig({
  test: {
    pool: "forks",
    projects: [
      { test: { name: "fast", include: ["test/**/*.test.ts"], exclude: ["test/integration/**", "test/engine/**", "test/ci/**"], globalSetup: [TMPDIR_SETUP], testTimeout: 60_000 } },
      {
        test: {
          name: "vm",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: [TMPDIR_SETUP, "test/integration/setup.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: "engine",
          include: ["test/engine/**/*.test.ts"],
          globalSetup: [TMPDIR_SETUP, "test/engine/setup.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: "ci",
          include: ["test/ci/**/*.test.ts"],
          globalSetup: [TMPDIR_SETUP, "test/ci/setup.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
