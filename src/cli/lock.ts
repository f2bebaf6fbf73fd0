/** `berth lock status|break`: see who holds an app's deploy lock on hosts, and remove a stale one. */
import type { Command } from "commander";
import { breakLock, describeLock, readLock, staleReason } from "../deploy/lock.js";
import { eachHost, type HostOptions } from "./deploy.js";
import type { CommandIo } from "./render.js";

export function lockStatusCommand(opts: HostOptions, io: CommandIo): Promise<number> {
  return eachHost(opts, io, async (s, app, out) => {
    const l = await readLock(s, app);
    if (!l) return void out.stdout(`${s.ex.target}  ${app}: not locked\n`), 0;
    const stale = staleReason(l);
    out.stdout(`${s.ex.target}  ${app}: locked by ${describeLock(l)}${stale ? ` — stale: ${stale}; berth lock break removes it` : ""}\n`);
    return 0;
  });
}

export function lockBreakCommand(opts: HostOptions & { force: boolean }, io: CommandIo): Promise<number> {
  return eachHost(opts, io, async (s, app, out) => {
    const l = await readLock(s, app);
    if (!l) return void out.stdout(`${s.ex.target}  ${app}: not locked — nothing to break\n`), 0;
    const stale = staleReason(l);
    if (!stale && !opts.force) {
      out.stderr(`${s.ex.target}  ${app}: locked by ${describeLock(l)} — its holder looks alive, and breaking the lock of a running deploy lets two deploys interleave; wait for it, or pass --force if you know it is gone\n`);
      return 1;
    }
    if (!(await breakLock(s, app, l.token))) {
      out.stderr(`${s.ex.target}  ${app}: the lock changed while breaking it — run berth lock status again\n`);
      return 1;
    }
    out.stdout(`${s.ex.target}  ${app}: removed the lock held by ${describeLock(l)}${stale ? ` (${stale})` : ""}\n`);
    return 0;
  });
}

/** `berth lock status|break`, with the host options the other host commands take (`hostOpts`). */
export function registerLock(root: Command, io: CommandIo, hostOpts: (c: Command) => Command): void {
  const lock = root.command("lock").description("the app's deploy lock on hosts: who holds it, since when; remove a stale one");
  hostOpts(lock.command("status").description("show who holds the deploy lock, since when, and whether it looks stale"))
    .action(async (opts: Parameters<typeof lockStatusCommand>[0]) => {
      process.exitCode = await lockStatusCommand(opts, io);
    });
  hostOpts(lock.command("break").description("remove a stale deploy lock (one whose holder is gone)"))
    .option("--force", "remove it even though its holder looks alive", false)
    .action(async (opts: Parameters<typeof lockBreakCommand>[0]) => {
      process.exitCode = await lockBreakCommand(opts, io);
    });
}
