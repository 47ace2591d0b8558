// One limiter for every request gongkai makes: the column walk, link checks, robots.txt, soft-404 probes and the
// browser's own requests all take a slot here, so the number in flight to one host never exceeds the configured
// concurrency, whichever part of the crawler asks. When both the walk and the link checks are waiting, slots go to
// them in turn (each in arrival order): the walk keeps discovering work, and a slow link (a URL that never answers
// costs a whole timeout, twice) starts early instead of after the walk, where it would stretch the crawl's end.

export const PRIORITY = { walk: 0, check: 1 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

interface Waiter {
  grant: () => void;
  reject: (e: unknown) => void;
}

interface HostState {
  inFlight: number;
  maxInFlight: number;
  /** One FIFO per priority level. */
  queues: Waiter[][];
  /** The host asked us to wait (429/503 Retry-After): no new slot before this time. */
  pausedUntil: number;
  timer?: NodeJS.Timeout;
  /** Priority class served last, for taking turns. */
  lastServed: number;
}

export class HostLimiter {
  private hosts = new Map<string, HostState>();

  constructor(
    private readonly limit: (host: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Run `task` holding one of `host`'s slots. The slot is released however the task ends. */
  async run<T>(host: string, task: () => Promise<T>, priority: Priority = PRIORITY.check, signal?: AbortSignal): Promise<T> {
    await this.acquire(host, priority, signal);
    try {
      return await task();
    } finally {
      this.release(host);
    }
  }

  acquire(host: string, priority: Priority = PRIORITY.check, signal?: AbortSignal): Promise<void> {
    const h = this.state(host);
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
    if (h.inFlight < this.limit(host) && h.pausedUntil <= this.now() && h.queues.every((q) => q.length === 0)) {
      this.take(h);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const q = h.queues[priority];
        const i = q.indexOf(waiter);
        if (i >= 0) q.splice(i, 1);
        reject(signal!.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      (h.queues[priority] ??= []).push(waiter);
      this.pump(host, h);
    });
  }

  release(host: string): void {
    const h = this.state(host);
    h.inFlight--;
    if (h.inFlight < 0) throw new Error(`limiter: release without acquire for ${host}`);
    this.pump(host, h);
  }

  /** The host asked for a pause (Retry-After): hold new requests to it until then. */
  pause(host: string, ms: number): void {
    const h = this.state(host);
    h.pausedUntil = Math.max(h.pausedUntil, this.now() + ms);
    this.pump(host, h);
  }

  inFlight(host: string): number {
    return this.hosts.get(host)?.inFlight ?? 0;
  }

  /** Most requests ever in flight to the host at once (for the summary and tests). */
  maxInFlight(host: string): number {
    return this.hosts.get(host)?.maxInFlight ?? 0;
  }

  waiting(host: string): number {
    return this.hosts.get(host)?.queues.reduce((n, q) => n + (q?.length ?? 0), 0) ?? 0;
  }

  private state(host: string): HostState {
    let h = this.hosts.get(host);
    if (!h) {
      h = { inFlight: 0, maxInFlight: 0, queues: [[], []], pausedUntil: 0, lastServed: -1 };
      this.hosts.set(host, h);
    }
    return h;
  }

  private take(h: HostState): void {
    h.inFlight++;
    if (h.inFlight > h.maxInFlight) h.maxInFlight = h.inFlight;
  }

  private pump(host: string, h: HostState): void {
    const wait = h.pausedUntil - this.now();
    if (wait > 0) {
      if (!h.timer && h.queues.some((q) => q.length > 0)) {
        h.timer = setTimeout(() => {
          h.timer = undefined;
          this.pump(host, h);
        }, wait);
      }
      return;
    }
    const limit = this.limit(host);
    while (h.inFlight < limit) {
      const waiting = h.queues.map((q, i) => (q.length > 0 ? i : -1)).filter((i) => i >= 0);
      if (waiting.length === 0) return;
      // Take turns: the first waiting class after the one served last.
      const next = waiting.find((i) => i > h.lastServed) ?? waiting[0];
      h.lastServed = next;
      const w = h.queues[next].shift()!;
      this.take(h);
      w.grant();
    }
  }
}
