// batch.ts — the instance calls of many hosts merged into few API calls. One InstanceBatcher per
// account, endpoint and region serves every resource of a run (the registry below is one per
// provider process, like rate-limit.ts):
//  - read(id): DescribeInstances for whatever ids are asked within a short window, up to 100 per
//    call (the documented maximum);
//  - poll(id): one shared poller — every host waiting to be RUNNING or gone is read on the same
//    tick, one DescribeInstances per 100 hosts, instead of one call per host per interval;
//  - terminate(id): TerminateInstances for up to 100 ids asked within a short window. Tencent
//    refuses a whole batch when one instance in it cannot be terminated (still PENDING, already
//    TERMINATING…), so a refused batch is retried one id per call: each host gets its own answer
//    and one host's state never fails another's deletion.
import type { CvmClient, TencentApi } from "./client.js";
import { type InstanceInfo, toInfo } from "./describe.js";

/** DescribeInstances and TerminateInstances take at most 100 InstanceIds per call. */
export const MAX_IDS = 100;
/**
 * How long a read or a termination waits for others to join its call. The engine starts a class's
 * operations tens of milliseconds apart (it records each step in the state as it goes), so a
 * shorter window catches few; against a 3 s poll interval 100 ms costs nothing.
 */
export const BATCH_WINDOW_MS = 100;

type Waiter<T> = { resolve: (v: T) => void; reject: (e: unknown) => void };
type Caller = Pick<TencentApi, "call"> & { cvm: CvmClient };

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A queue of ids flushed together: after `windowMs`, or at once when `max` ids wait. */
class IdQueue<T> {
  private waiting = new Map<string, Waiter<T>[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly flush: (ids: string[], waiters: Map<string, Waiter<T>[]>) => Promise<void>, private readonly max: number) {}

  add(id: string, delayMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const list = this.waiting.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(id, list);
      if (this.waiting.size >= this.max) this.fire();
      else this.timer ??= setTimeout(() => this.fire(), delayMs);
    });
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = new Map();
    for (const ids of chunks([...batch.keys()], this.max)) {
      this.flush(ids, batch).catch((e: unknown) => {
        for (const id of ids) for (const w of batch.get(id) ?? []) w.reject(e);
      });
    }
  }
}

export class InstanceBatcher {
  private readonly reads = new IdQueue<InstanceInfo | undefined>((ids, w) => this.describe(ids, w), MAX_IDS);
  private readonly polls = new IdQueue<InstanceInfo | undefined>((ids, w) => this.describe(ids, w), Number.POSITIVE_INFINITY);
  private readonly terms = new IdQueue<void>((ids, w) => this.terminateAll(ids, w), MAX_IDS);

  constructor(private readonly api: Caller) {}

  /** The instance as DescribeInstances lists it now; undefined when it is not listed. */
  read(instanceId: string): Promise<InstanceInfo | undefined> {
    return this.reads.add(instanceId, BATCH_WINDOW_MS);
  }

  /** The instance as listed on the shared poller's next tick, `intervalMs` from the first waiter. */
  poll(instanceId: string, intervalMs: number): Promise<InstanceInfo | undefined> {
    return this.polls.add(instanceId, intervalMs);
  }

  /** TerminateInstances for this instance, in a batch with others asked at about the same time. */
  terminate(instanceId: string): Promise<void> {
    return this.terms.add(instanceId, BATCH_WINDOW_MS);
  }

  private async describe(ids: string[], waiters: Map<string, Waiter<InstanceInfo | undefined>[]>): Promise<void> {
    await Promise.all(chunks(ids, MAX_IDS).map(async (part) => {
      try {
        const out = await this.api.call("DescribeInstances", () => this.api.cvm.DescribeInstances({ InstanceIds: part, Limit: MAX_IDS }));
        const byId = new Map((out.InstanceSet ?? []).map((i) => [i.InstanceId ?? "", i]));
        for (const id of part) {
          const found = byId.get(id);
          for (const w of waiters.get(id) ?? []) w.resolve(found ? toInfo(id, found) : undefined);
        }
      } catch (e) {
        for (const id of part) for (const w of waiters.get(id) ?? []) w.reject(e);
      }
    }));
  }

  private async terminateAll(ids: string[], waiters: Map<string, Waiter<void>[]>): Promise<void> {
    const settle = (id: string, e?: unknown) => {
      for (const w of waiters.get(id) ?? []) if (e === undefined) w.resolve(); else w.reject(e);
    };
    const one = (part: string[]) => {
      return this.api.call("TerminateInstances", () => this.api.cvm.TerminateInstances({ InstanceIds: part }));
    };
    try {
      await one(ids);
      for (const id of ids) settle(id);
    } catch (e) {
      if (ids.length === 1) return settle(ids[0]!, e);
      await Promise.all(ids.map((id) => one([id]).then(() => settle(id), (err: unknown) => settle(id, err))));
    }
  }
}

const registry = new Map<string, InstanceBatcher>();

/** The batcher for one account, endpoint and region, shared across the process. */
export function batcherFor(key: string, api: () => Caller): InstanceBatcher {
  let b = registry.get(key);
  if (!b) registry.set(key, (b = new InstanceBatcher(api())));
  return b;
}
