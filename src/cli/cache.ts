/** `berth cache status`: hits, misses and bytes saved per cache, from the cache's own logs. */
import { cacheCommands, splitLogs } from "../cache/commands.js";
import { cacheStats, statsTable } from "../cache/stats.js";
import { engine, execIn } from "../local/engine.js";
import type { CommandIo } from "./render.js";
import { executorFor, hostKeyPin, parseTarget, readIdentity } from "./targets.js";

export interface CacheStatusOptions {
  /** A cache host over SSH (`user@addr[:port]`); without it, the lab kit's cache on this machine. */
  readonly host?: string;
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly fingerprint?: string;
  /** Container name prefix: berth-cache on a cache host, berth-kit-cache in the kit. */
  readonly prefix?: string;
  readonly json?: boolean;
}

async function readLogs(opts: CacheStatusOptions): Promise<{ where: string; out: string }> {
  if (!opts.host) {
    const front = `${opts.prefix ?? "berth-kit-cache"}-front`;
    const argv = cacheCommands.logs(front).slice(3);
    try {
      await engine().getContainer(front).inspect();
    } catch {
      throw new Error(`no ${front} container on this machine's Docker engine — start the lab kit (berth kit up), or name a cache host with --host`);
    }
    const r = await execIn(front, argv);
    if (r.code !== 0) throw new Error(`${front}: reading the cache's logs exited ${r.code}: ${r.stderr.trim()}`);
    return { where: `${front} (this machine)`, out: r.stdout };
  }
  const pin = hostKeyPin(opts.fingerprint, undefined, () => undefined);
  const ex = executorFor(parseTarget(opts.host), readIdentity(opts.identity), { ...(opts.knownHosts ? { knownHosts: opts.knownHosts } : {}), ...(pin ? { pin } : {}) });
  try {
    const r = await ex.exec(cacheCommands.logs(`${opts.prefix ?? "berth-cache"}-front`));
    if (r.code !== 0) throw new Error(`${ex.target}: reading the cache's logs exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return { where: ex.target, out: r.stdout };
  } finally {
    await ex.close();
  }
}

export async function cacheStatusCommand(opts: CacheStatusOptions, io: CommandIo): Promise<number> {
  let logs: { where: string; out: string };
  try {
    logs = await readLogs(opts);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 1;
  }
  const { access, egress } = splitLogs(logs.out);
  const rows = cacheStats(access, egress);
  if (opts.json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  else io.stdout(`cache at ${logs.where}\n${statsTable(rows)}`);
  return 0;
}
