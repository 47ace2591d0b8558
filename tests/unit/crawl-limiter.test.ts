import { describe, expect, it } from "vitest";
import { HostLimiter, PRIORITY } from "../../crawler/crawl/limiter.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("HostLimiter", () => {
  it("never lets more than the limit run at once per host, whatever the mix of tasks", async () => {
    const limiter = new HostLimiter((h) => (h === "a" ? 3 : 2));
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const tasks: Promise<unknown>[] = [];
    for (let i = 0; i < 120; i++) {
      const host = i % 3 === 0 ? "b" : "a";
      const prio = rand() < 0.5 ? PRIORITY.walk : PRIORITY.check;
      tasks.push(
        limiter.run(
          host,
          async () => {
            running.set(host, (running.get(host) ?? 0) + 1);
            peak.set(host, Math.max(peak.get(host) ?? 0, running.get(host)!));
            await tick(Math.floor(rand() * 4));
            if (rand() < 0.1) {
              running.set(host, running.get(host)! - 1);
              throw new Error("task failed");
            }
            running.set(host, running.get(host)! - 1);
          },
          prio,
        ).catch(() => undefined),
      );
    }
    await Promise.all(tasks);
    expect(peak.get("a")).toBe(3);
    expect(peak.get("b")).toBe(2);
    expect(limiter.maxInFlight("a")).toBe(3);
    expect(limiter.inFlight("a")).toBe(0);
    expect(limiter.inFlight("b")).toBe(0);
  });

  it("lets the walk and the link checks take turns, each in arrival order", async () => {
    const limiter = new HostLimiter(() => 1);
    const order: string[] = [];
    let release!: () => void;
    const first = limiter.run("h", () => new Promise<void>((r) => (release = r)));
    await tick(1);
    const queued = [
      limiter.run("h", async () => void order.push("check-1"), PRIORITY.check),
      limiter.run("h", async () => void order.push("walk-1"), PRIORITY.walk),
      limiter.run("h", async () => void order.push("check-2"), PRIORITY.check),
      limiter.run("h", async () => void order.push("check-3"), PRIORITY.check),
      limiter.run("h", async () => void order.push("walk-2"), PRIORITY.walk),
    ];
    expect(limiter.waiting("h")).toBe(5);
    release();
    await Promise.all([first, ...queued]);
    // A slow link cannot be starved behind a long walk, nor the walk behind thousands of checks.
    expect(order).toEqual(["walk-1", "check-1", "walk-2", "check-2", "check-3"]);
  });

  it("holds new requests to a host that asked for a pause, and only that host", async () => {
    const limiter = new HostLimiter(() => 4);
    limiter.pause("slow", 60);
    const t0 = Date.now();
    let otherAt = 0;
    await Promise.all([
      limiter.run("slow", async () => undefined),
      limiter.run("other", async () => void (otherAt = Date.now() - t0)),
    ]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    expect(otherAt).toBeLessThan(50);
  });

  it("drops a waiter whose crawl was aborted without leaking its slot", async () => {
    const limiter = new HostLimiter(() => 1);
    let release!: () => void;
    const first = limiter.run("h", () => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    const waiting = limiter.run("h", async () => "ran", PRIORITY.check, ac.signal);
    ac.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    release();
    await first;
    expect(await limiter.run("h", async () => "next")).toBe("next");
    expect(limiter.inFlight("h")).toBe(0);
  });
});
