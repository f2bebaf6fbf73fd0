/**
 * Removing an app from a host (AppDeployment.delete, `pulumi destroy`): under the app's lock, its
 * containers, berth's state for it (~/.berth/APP: image history, login directories, env-files
 * older berth versions wrote, the lock itself), and the registry login older berth versions left
 * in the login user's ~/.docker/config.json.
 */
import { lock as lockCmd } from "./commands.js";
import { asDeployError } from "./errors.js";
import type { Executor } from "./executor.js";
import { DEFAULT_LOCK_TIMEOUT_SECONDS, DeployLock, type Holder } from "./lock.js";
import { Session, type Log } from "./session.js";

export interface TeardownOptions {
  readonly log: Log;
  /** The registry the app was pulled from, to log out of. */
  readonly registryServer?: string;
  readonly lockTimeoutSeconds?: number;
  readonly holder?: Holder;
}

export async function teardown(ex: Executor, app: string, opts: TeardownOptions): Promise<void> {
  const s = new Session(ex, opts.log);
  const lock = new DeployLock(s, app, opts.holder);
  try {
    await s.step("lock", () => lock.acquire(opts.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS));
    await s.step("teardown", () => s.run(lockCmd.teardown(lock.dir, lock.token, app, opts.registryServer)));
  } catch (e) {
    throw asDeployError(ex.target, e);
  }
}
