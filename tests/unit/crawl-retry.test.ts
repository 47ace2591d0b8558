import { describe, expect, it } from "vitest";
import { backoffMs, decideRetry, isTransientStatus, maxAttemptsFor, parseRetryAfter } from "../../crawler/crawl/retry.js";

const NOW = Date.parse("2026-11-26T02:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("3", NOW)).toBe(3000);
    expect(parseRetryAfter(["0"], NOW)).toBe(0);
  });
  it("reads an HTTP-date, in the future or already past", () => {
    expect(parseRetryAfter("Thu, 26 Nov 2026 02:00:05 GMT", NOW)).toBe(5000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 01:00:00 GMT", NOW)).toBe(0);
  });
  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter("-5", NOW)).toBeUndefined();
  });
});

describe("backoffMs", () => {
  const fixed = { jitter: 0, baseMs: 500, maxMs: 30_000 };
  it("doubles per attempt and is capped", () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, undefined, fixed))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(20, undefined, fixed)).toBe(30_000);
  });
  it("spreads by the jitter and never below zero", () => {
    expect(backoffMs(1, undefined, { jitter: 0.2, random: () => 0 })).toBe(400);
    expect(backoffMs(1, undefined, { jitter: 0.2, random: () => 0.999999 })).toBe(600);
  });
  it("waits at least as long as the server asks", () => {
    expect(backoffMs(1, 3000, fixed)).toBe(3000);
    expect(backoffMs(4, 100, fixed)).toBe(4000);
  });
  it("gives up when the server asks for longer than the cap", () => {
    expect(backoffMs(1, 3_600_000, fixed)).toBeUndefined();
  });
});

describe("decideRetry", () => {
  it("retries 5xx, 429 and 408 but not 404, 403 or 501", () => {
    expect(isTransientStatus(503)).toBe(true);
    expect(isTransientStatus(429)).toBe(true);
    expect(isTransientStatus(408)).toBe(true);
    expect(isTransientStatus(404)).toBe(false);
    expect(isTransientStatus(403)).toBe(false);
    expect(isTransientStatus(501)).toBe(false);
    expect(decideRetry({ status: 404 }, 1, 3, NOW).retry).toBe(false);
  });
  it("honours Retry-After on 429", () => {
    const d = decideRetry({ status: 429, retryAfter: "2" }, 1, 3, NOW, { jitter: 0 });
    expect(d).toEqual({ retry: true, delayMs: 2000 });
  });
  it("stops once the retries are used up", () => {
    expect(decideRetry({ status: 503 }, 3, 3, NOW).retry).toBe(true);
    expect(decideRetry({ status: 503 }, 4, 3, NOW).retry).toBe(false);
    expect(decideRetry({ status: 503 }, 1, 0, NOW).retry).toBe(false);
  });
  it("retries resets and refusals, a timeout only once, an unknown host never", () => {
    expect(decideRetry({ error: "connection" }, 1, 3, NOW).retry).toBe(true);
    expect(decideRetry({ error: "refused" }, 3, 3, NOW).retry).toBe(true);
    expect(maxAttemptsFor("timeout", 3)).toBe(2);
    expect(decideRetry({ error: "timeout" }, 1, 3, NOW).retry).toBe(true);
    expect(decideRetry({ error: "timeout" }, 2, 3, NOW).retry).toBe(false);
    expect(decideRetry({ error: "dns" }, 1, 3, NOW).retry).toBe(false);
    expect(decideRetry({ error: "dns-temporary" }, 1, 3, NOW).retry).toBe(true);
  });
});
