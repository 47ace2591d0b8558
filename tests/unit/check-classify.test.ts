import { describe, expect, it } from "vitest";
import { classify } from "../../crawler/check/classify.js";
import type { FetchOutcome } from "../../crawler/crawl/fetcher.js";

const U = "http://127.0.0.1:8080/a.html";
const at = "2026-11-26T02:00:00.000Z";
function outcome(p: Partial<FetchOutcome>): FetchOutcome {
  return { url: U, method: "GET", hops: [], finalUrl: U, attempts: 1, elapsedMs: 5, ...p };
}

describe("classify", () => {
  it("maps statuses to reasons", () => {
    expect(classify({ outcome: outcome({ status: 404, hops: [{ url: U, status: 404 }] }), checkedAt: at })).toMatchObject({ outcome: "broken", reason: "http-404", status: 404 });
    expect(classify({ outcome: outcome({ status: 410, hops: [{ url: U, status: 410 }] }), checkedAt: at }).reason).toBe("http-404");
    expect(classify({ outcome: outcome({ status: 403, hops: [{ url: U, status: 403 }] }), checkedAt: at }).reason).toBe("http-4xx");
    expect(classify({ outcome: outcome({ status: 502, hops: [{ url: U, status: 502 }], attempts: 4 }), checkedAt: at })).toMatchObject({ reason: "http-5xx", attempts: 4 });
    expect(classify({ outcome: outcome({ status: 200, hops: [{ url: U, status: 200 }] }), checkedAt: at }).outcome).toBe("ok");
    expect(classify({ outcome: outcome({ status: 304, hops: [{ url: U, status: 304 }] }), checkedAt: at }).outcome).toBe("ok");
  });
  it("maps network failures to reasons", () => {
    const net = (kind: "dns" | "timeout" | "refused" | "connection" | "tls", code?: string) =>
      classify({ outcome: outcome({ error: { kind, message: kind, code } }), checkedAt: at }).reason;
    expect(net("dns", "ENOTFOUND")).toBe("dns");
    expect(net("timeout")).toBe("timeout");
    expect(net("refused", "ECONNREFUSED")).toBe("connection");
    expect(net("connection", "ECONNRESET")).toBe("connection");
    expect(net("tls")).toBe("connection");
  });
  it("does not call a link broken for a 429 that outlived the retries", () => {
    expect(classify({ outcome: outcome({ status: 429, hops: [{ url: U, status: 429 }] }), checkedAt: at })).toMatchObject({ outcome: "skipped", skipped: "not-checked" });
  });
  it("reports loops and long chains with the chain as evidence", () => {
    const hops = [
      { url: U, status: 302 },
      { url: "http://127.0.0.1:8080/b.html", status: 302 },
    ];
    const c = classify({ outcome: outcome({ hops, status: 302, redirectProblem: "redirect-loop", finalUrl: U }), checkedAt: at });
    expect(c).toMatchObject({ outcome: "broken", reason: "redirect-loop" });
    expect(c.redirects).toEqual(hops);
    expect(classify({ outcome: outcome({ hops, status: 302, redirectProblem: "too-many-redirects" }), checkedAt: at }).reason).toBe("too-many-redirects");
  });
  it("an attachment with no byte in it is an empty file; an empty page is not", () => {
    const o = outcome({ status: 200, hops: [{ url: U, status: 200 }], headers: { "content-type": "application/pdf" } });
    expect(classify({ outcome: o, checkedAt: at, attachment: true, emptyBody: true }).reason).toBe("empty-file");
    expect(classify({ outcome: o, checkedAt: at, attachment: false, emptyBody: true }).outcome).toBe("ok");
  });
  it("robots.txt and private addresses are never fetched", () => {
    expect(classify({ outcome: outcome({ blocked: "robots" }), checkedAt: at })).toMatchObject({ outcome: "skipped", skipped: "robots", method: "none" });
    expect(classify({ outcome: outcome({ blocked: "private-address" }), checkedAt: at })).toMatchObject({ outcome: "wrong", reason: "private-address", method: "none" });
  });
  it("judges soft 404s from the page's text", () => {
    const c = classify({
      outcome: outcome({ status: 200, hops: [{ url: U, status: 200 }], headers: { "content-type": "text/html" } }),
      checkedAt: at,
      page: { title: "提示", text: "对不起，您访问的页面不存在或已被删除", anchors: [] },
    });
    expect(c).toMatchObject({ outcome: "broken", reason: "soft-404" });
  });
});
