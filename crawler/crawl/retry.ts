// Retry policy: which failures are worth another try, and how long to wait. Pure: no I/O, no clock of its own.
// A link is only called broken when its failure outlives these retries (a single 503 or 429 is not broken).

export type NetErrorKind = "timeout" | "dns" | "dns-temporary" | "connection" | "refused" | "tls" | "protocol" | "aborted";

/** Statuses that say "try again later" rather than "this is gone". */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Network failures that may pass: resets, refusals (a server restarting), timeouts, a DNS server hiccup. */
export function isTransientError(kind: NetErrorKind): boolean {
  return kind === "timeout" || kind === "connection" || kind === "refused" || kind === "dns-temporary" || kind === "protocol";
}

/**
 * How many attempts a failure of this kind gets in all. Timeouts cost a whole timeout each, so they get at most one
 * retry: a page that trickles bytes for 15 s is not better the fourth time.
 */
export function maxAttemptsFor(kind: NetErrorKind | "status", retries: number, timeoutRetries = 1): number {
  if (kind === "timeout") return 1 + Math.min(retries, timeoutRetries);
  return 1 + retries;
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds to wait (0 for dates in the
 * past), or undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (/^\d+\.\d+$/.test(v)) return Math.round(Number(v) * 1000); // not standard, but seen in the wild
  // An HTTP-date names a weekday or month; anything else ("-5", "2024") is not one, whatever Date.parse thinks.
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface BackoffOptions {
  /** First delay, ms (default 500). */
  baseMs?: number;
  /** Longest delay we are willing to sleep, ms (default 30 s): a Retry-After beyond it means giving up. */
  maxMs?: number;
  /** 0..1: random spread so retries to one host do not march in lockstep (default 0.2). */
  jitter?: number;
  /** Random source in [0,1), for tests. */
  random?: () => number;
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential (base, 2·base, 4·base …) with jitter,
 * capped; a server's Retry-After wins when it asks for longer. Returns undefined when the server asks for longer
 * than `maxMs`: waiting that long in a nightly crawl is not worth it, so the caller stops retrying.
 */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, opts: BackoffOptions = {}): number | undefined {
  const base = opts.baseMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  const jitter = opts.jitter ?? 0.2;
  const random = opts.random ?? Math.random;
  if (retryAfterMs !== undefined && retryAfterMs > max) return undefined;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const spread = exp * jitter * (2 * random() - 1);
  const delay = Math.round(Math.min(max, Math.max(0, exp + spread)));
  return retryAfterMs !== undefined ? Math.max(delay, retryAfterMs) : delay;
}

/** The decision after one attempt: stop with this answer, or wait and try again. */
export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

export function decideRetry(
  outcome: { status: number; retryAfter?: string | string[] } | { error: NetErrorKind },
  attempt: number,
  retries: number,
  nowMs: number,
  opts: BackoffOptions = {},
  timeoutRetries = 1,
): RetryDecision {
  if ("error" in outcome) {
    if (!isTransientError(outcome.error) || attempt >= maxAttemptsFor(outcome.error, retries, timeoutRetries)) return { retry: false };
    const d = backoffMs(attempt, undefined, opts);
    return d === undefined ? { retry: false } : { retry: true, delayMs: d };
  }
  if (!isTransientStatus(outcome.status) || attempt >= maxAttemptsFor("status", retries)) return { retry: false };
  const ra = outcome.status === 429 || outcome.status === 503 ? parseRetryAfter(outcome.retryAfter, nowMs) : undefined;
  const d = backoffMs(attempt, ra, opts);
  return d === undefined ? { retry: false } : { retry: true, delayMs: d };
}
