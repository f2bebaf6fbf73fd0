// globalSetup of every vitest project: each run gets its own temporary directory, and it is
// removed when the run ends, whatever the tests left in it (temp stacks, known_hosts files,
// sshd host keys, private keys, engine-test projects).
//
// TMPDIR is set before the test workers start, so os.tmpdir() in every test file and in every
// process the tests spawn (the CLI, the Pulumi CLI, sshd's helpers) points into the run's
// directory. Several projects of one run share it: the first setup makes it, and the teardown
// of the project that made it removes it. BERTH_KEEP_TEST_TMPDIR=1 keeps it, for debugging.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MARK = "BERTH_TEST_RUN_TMPDIR";

export function setup(): () => void {
  if (process.env[MARK]) return () => undefined;
  const before = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), "berth-test-run-"));
  process.env[MARK] = dir;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env[MARK];
    if (process.env.BERTH_KEEP_TEST_TMPDIR === "1") console.log(`kept the run's temporary directory ${dir}`);
    else rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
