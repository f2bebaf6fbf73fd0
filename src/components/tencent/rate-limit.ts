// rate-limit.ts — client-side limits on Tencent Cloud API calls, per action, at the rates Tencent
// documents ("默认接口请求频率限制"), so that a class-sized `pulumi up` is not refused with
// RequestLimitExceeded. One limiter per account (SecretId) and endpoint per action, shared by every
// resource of a run: all dynamic-resource operations of one `pulumi up` run in one provider
// process, and this module is loaded there at run time (berthRequire), so its registry is one per
// process and never part of the serialized provider.
//
// The window is measured from when a call ANSWERED, not from when it was sent: a slot taken at t
// is free again only a full window after its answer came back. The server received the call
// before it answered, so no N+1 calls can ever reach it within one window, whatever the delays
// on the way (a token bucket measured at send time can: a late first call and a prompt later one
// land closer together than they were sent).

/** Requests per second per action, as Tencent documents them (FIELD-NOTES, "Clouds"). */
export const DOCUMENTED_RATES: Readonly<Record<string, number>> = {
  RunInstances: 10, TerminateInstances: 10, InquiryPriceRunInstances: 10,
  DescribeInstances: 40, DescribeInstancesStatus: 40, DescribeInstancesActionTimer: 10,
  ImportInstancesActionTimer: 10, DeleteInstancesActionTimer: 10,
  ImportKeyPair: 10, DescribeKeyPairs: 10, DeleteKeyPairs: 10, DescribeAccountQuota: 20,
  CreateSecurityGroup: 100, CreateSecurityGroupPolicies: 100, ModifySecurityGroupPolicies: 100, DeleteSecurityGroup: 100,
  DescribeSecurityGroups: 100, DescribeSecurityGroupPolicies: 100, DescribeSecurityGroupLimits: 20,
};
/** For an action without a documented rate: the lowest of the documented ones. */
export const FALLBACK_RATE = 10;
/** Tencent counts per second; a little more, for timers and for a server that counts in its own windows. */
export const WINDOW_MS = 1050;

/** At most `limit` calls per window, counted from grant to answer + window. */
export class CallLimiter {
  private inFlight = 0;
  /** When each answered call leaves the window (ms, Date.now()). */
  private readonly cooling: number[] = [];
  private readonly waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly limit: number, readonly windowMs = WINDOW_MS) {}

  /** Waits for a slot (first come, first served); call the returned function once the call has answered or failed. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push(() => resolve(this.take()));
      this.drain();
    });
  }

  /** Calls in flight plus answered calls still inside the window. */
  get used(): number {
    this.expire();
    return this.inFlight + this.cooling.length;
  }

  private take(): () => void {
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.cooling.push(Date.now() + this.windowMs);
      this.drain();
    };
  }

  private expire(): void {
    const now = Date.now();
    while (this.cooling.length > 0 && this.cooling[0]! <= now) this.cooling.shift();
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.used < this.limit) this.waiting.shift()!();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.waiting.length === 0 || this.cooling.length === 0) return;
    const wait = Math.max(0, this.cooling[0]! - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; this.drain(); }, wait);
  }
}

const registry = new Map<string, CallLimiter>();

/** The limiter for one action of one account at one endpoint, shared across the process. */
export function limiterFor(account: string, action: string, rates: Readonly<Record<string, number>> = DOCUMENTED_RATES): CallLimiter {
  const key = `${account}\u0000${action}`;
  let l = registry.get(key);
  if (!l) registry.set(key, (l = new CallLimiter(rates[action] ?? FALLBACK_RATE)));
  return l;
}
