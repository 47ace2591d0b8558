// The bench's arithmetic and parsing: the figures in bench/results are only as good as these.
import { describe, expect, it } from "vitest";
import {
  boundSeconds,
  boundWithWaitsSeconds,
  slotBoundSeconds,
  efficiency,
  growthExponent,
  markdownTable,
  median,
  quantile,
  moduleOf,
  selfTimes,
  selfTimesByModule,
  inclusiveTimes,
  shortLocation,
  totalOf,
  emptyHostCounts,
  countLinks,
  looksLikeHtml,
  type CpuProfile,
} from "../../bench/lib/stats.js";
import { parseLinkinatorBroken, skipPattern } from "../../bench/lib/tools.js";
import { itemLinks, withExtraLink } from "../../bench/lib/change.js";
import { evaluateTargets } from "../../bench/lib/targets.js";
import { targetsTable } from "../../bench/lib/report.js";
import { sizeForPages } from "../../bench/lib/sizing.js";
import type { RunResult } from "../../bench/lib/types.js";

describe("politeness bound and efficiency", () => {
  it("is the busiest host's requests × latency ÷ concurrency", () => {
    // 20,000 URLs at 20 ms, 4 at a time: 100 s. A second host with fewer URLs runs alongside and does not add.
    expect(boundSeconds([20000, 300], 20, 4)).toBeCloseTo(100, 9);
    expect(boundSeconds([], 20, 4)).toBe(0);
    expect(() => boundSeconds([1], 20, 0)).toThrow();
  });
  it("the slot bound counts what the site really took, a hang included", () => {
    // 1,000 requests of 20 ms plus one hang held 15 s by the client, 4 slots: (20 s + 15 s) ÷ 4.
    expect(slotBoundSeconds([1000 * 20 + 15000, 500], 4)).toBeCloseTo(8.75, 9);
  });
  it("the bound with the site's waits adds one timeout per never-answering URL and every Retry-After pause", () => {
    // 15,252 URLs, one of which never answers: 15,251 × 20 ms + one 15 s timeout, over 4 slots; plus a 1 s pause.
    const busiest = { uniqueUrls: 15252, neverAnsweredUrls: 1, retryAfterMs: 1000 };
    expect(boundWithWaitsSeconds([busiest, { uniqueUrls: 10 }], 20, 4, 15000)).toBeCloseTo((15251 * 20 + 15000) / 4 / 1000 + 1, 9);
    // A site that answers everything: the plain bound.
    expect(boundWithWaitsSeconds([{ uniqueUrls: 20000 }], 20, 4, 15000)).toBeCloseTo(boundSeconds([20000], 20, 4), 9);
    expect(boundWithWaitsSeconds([], 20, 4, 15000)).toBe(0);
  });
  it("efficiency is bound ÷ wall, undefined at zero latency", () => {
    expect(efficiency(100, 125)).toBeCloseTo(0.8, 9);
    expect(efficiency(0, 10)).toBeUndefined();
  });
  it("sums hosts but keeps the largest in-flight figure, since hosts are limited separately", () => {
    const a = { ...emptyHostCounts(), requests: 10, uniqueUrls: 9, maxInFlight: 4, bytesOut: 100 };
    const b = { ...emptyHostCounts(), requests: 5, uniqueUrls: 5, maxInFlight: 3, bytesOut: 50 };
    expect(totalOf({ a, b })).toMatchObject({ requests: 15, uniqueUrls: 14, maxInFlight: 4, bytesOut: 150 });
  });
});

describe("memory growth exponent", () => {
  it("is 1 for linear growth and below 1 when memory grows slower than the site", () => {
    expect(growthExponent(5000, 100, 20000, 400)).toBeCloseTo(1, 9);
    expect(growthExponent(5000, 200, 20000, 400)).toBeCloseTo(0.5, 9);
    expect(growthExponent(5000, 200, 5000, 400)).toBeUndefined();
  });
  it("quantiles by nearest rank", () => {
    expect(quantile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(quantile([3], 0.5)).toBe(3);
  });
  it("median of odd and even lists", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("CPU profile summary", () => {
  const root = "/work/main";
  // main → extract (3 samples, 2 self in extract, 1 in cheerio parse) ; idle 5 samples; GC 1 sample. 1 ms apart.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1 }, children: [2, 5, 6] },
      { id: 2, callFrame: { functionName: "main", url: "file:///work/main/crawler/cli.ts", lineNumber: 9, columnNumber: 0 }, children: [3] },
      { id: 3, callFrame: { functionName: "extractPage", url: "file:///work/main/crawler/extract/scan.ts", lineNumber: 41, columnNumber: 0 }, children: [4] },
      { id: 4, callFrame: { functionName: "parse", url: "file:///work/main/node_modules/cheerio/dist/esm/parse.js", lineNumber: 0, columnNumber: 0 } },
      { id: 5, callFrame: { functionName: "(idle)", url: "", lineNumber: -1, columnNumber: -1 } },
      { id: 6, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: -1, columnNumber: -1 } },
    ],
    startTime: 0,
    endTime: 10_000,
    samples: [3, 3, 4, 5, 5, 5, 5, 5, 6, 3],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };
  it("gives self time per function, idle left out of the busy share", () => {
    const { rows, busyMs, totalMs } = selfTimes(profile, root);
    expect(totalMs).toBe(10);
    expect(busyMs).toBe(5);
    expect(rows[0]).toMatchObject({ name: "extractPage (crawler/extract/scan.ts:42)", selfMs: 3, share: 0.6 });
    expect(rows.map((r) => r.name)).not.toContain("(idle)");
    expect(rows.find((r) => r.name === "(garbage collector)")?.selfMs).toBe(1);
  });
  it("groups by package or by our own folder", () => {
    const byModule = selfTimesByModule(selfTimes(profile, root).rows);
    expect(byModule.map((m) => m.module)).toEqual(["crawler/extract", "cheerio", "(garbage collector)"]);
    expect(moduleOf(shortLocation("file:///x/node_modules/@crawlee/core/index.js"))).toBe("@crawlee/core");
    expect(moduleOf("node:internal/streams/readable")).toBe("node:internal");
  });
  it("counts callees in a function's inclusive time", () => {
    const incl = inclusiveTimes(profile, (_f, url) => url.includes("/crawler/"), root);
    expect(incl[0]).toEqual({ name: "extractPage (crawler/extract/scan.ts:42)", totalMs: 4 });
    expect(incl[1]).toEqual({ name: "main (crawler/cli.ts:10)", totalMs: 4 });
  });
});

describe("linkinator output", () => {
  it("reads broken targets and the summary line, colours or not", () => {
    const out = [
      "→ crawling http://127.0.0.1:8080/",
      "[404] http://127.0.0.1:8080/xxgk/missing.html",
      "\x1b[34mhttp://127.0.0.1:8080/xxgk/index.html\x1b[39m",
      "  [\x1b[31m500\x1b[39m] \x1b[90mhttp://127.0.0.2:9090/down.pdf\x1b[39m",
      "  [#] http://127.0.0.1:8080/a.html#nowhere",
      "ERROR: Detected 3 broken links. Scanned 1234 links in 5.2 seconds.",
    ].join("\n");
    const r = parseLinkinatorBroken(out);
    expect(r.broken.sort()).toEqual(["http://127.0.0.1:8080/a.html", "http://127.0.0.1:8080/xxgk/missing.html", "http://127.0.0.2:9090/down.pdf"]);
    expect(r.scanned).toBe(1234);
    expect(r.reportedBroken).toBe(3);
    expect(parseLinkinatorBroken("✓ Successfully scanned 77 links in 1 seconds.")).toEqual({ broken: [], scanned: 77, reportedBroken: 0 });
  });
  it("skip patterns match the prefix literally", () => {
    const re = new RegExp(skipPattern("http://127.0.0.1:8080/cal?d=1"));
    expect(re.test("http://127.0.0.1:8080/cal?d=1&x")).toBe(true);
    expect(re.test("http://127.0.0.1:8080/calXd=1")).toBe(false);
  });
});

describe("the small change", () => {
  const html = `<ul><li><a href="./202401/t20240101_1.html">一</a></li><li><a href="index_1.html">下一页</a></li>
    <li><a href="/xxgk/zcwj/202402/t20240202_2.html#x">二</a></li><li><a href="http://127.0.0.2:9/x.html">外</a></li>
    <li><a href="./202401/t20240101_1.html">一again</a></li><li><a href="a.pdf">附件</a></li></ul>`;
  it("picks same-host item pages, not pagination, attachments or other hosts", () => {
    expect(itemLinks(html, "http://127.0.0.1:8080/xxgk/zcwj/index.html")).toEqual([
      "http://127.0.0.1:8080/xxgk/zcwj/202401/t20240101_1.html",
      "http://127.0.0.1:8080/xxgk/zcwj/202402/t20240202_2.html",
    ]);
  });
  it("adds the new link inside the list", () => {
    const changed = withExtraLink(html, "http://127.0.0.1:8080/xxgk/zcwj/missing.html", "新链接");
    expect(changed).toContain('<li><a href="http://127.0.0.1:8080/xxgk/zcwj/missing.html">新链接</a></li></ul>');
    expect(withExtraLink("<body><p>x</p></body>", "/m.html", "m")).toBe('<body><p>x</p><p><a href="/m.html">m</a></p></body>');
  });
});

describe("targets", () => {
  const run = (over: Partial<RunResult>): RunResult =>
    ({ label: "x", tool: "gongkai", kind: "cold", latencyMs: 20, concurrency: 4, sitePages: 20000, wallSecs: 100, cpuSecs: 1, userSecs: 1, systemSecs: 0, slotBoundSecs: 95, maxRssBytes: 300 * 2 ** 20, requests: 100, uniqueUrls: 100, requestsPerUniqueUrl: 1, boundSecs: 95, efficiency: 0.95, bytesOut: 0, get: 0, head: 0, conditional: 0, notModified: 0, maxInFlightPerHost: 4, hosts: {}, siteCpuSecs: 0, reported: {}, measuredVia: "gnu-time", ...over }) as RunResult;
  it("says met or not per target, and nothing when not measured", () => {
    const t = evaluateTargets({
      options: { pages: 20000, smallPages: 5000, latencyMs: 20, concurrency: 4, repeat: 1, linkinator: true, overlay: false, profile: false },
      runs: [
        run({}),
        run({ tool: "linkinator", kind: "linkinator", wallSecs: 90 }),
        run({ latencyMs: 0, wallSecs: 10, efficiency: undefined }),
        run({ tool: "linkinator", kind: "linkinator", latencyMs: 0, wallSecs: 30 }),
      ],
      recrawl: { timeShare: 0.5, requestShare: 0.4 },
      rssGrowth: { smallPages: 5000, smallRssBytes: 200 * 2 ** 20, pages: 20000, rssBytes: 300 * 2 ** 20, exponent: growthExponent(5000, 200, 20000, 300) },
    });
    const by = Object.fromEntries(t.map((x) => [x.id, x.met]));
    expect(by).toEqual({
      efficiency: true,
      tail: undefined,
      "requests-per-url": true,
      rss: true,
      "rss-growth": true,
      recrawl: false,
      "vs-linkinator-20ms": false,
      "vs-linkinator-0ms": true,
      "overlay-load": undefined,
      "overlay-added": undefined,
    });
  });
  it("judges efficiency by the target's formula alone; the figure with the site's waits is a labelled reference row", () => {
    const opts = { pages: 20000, smallPages: 5000, latencyMs: 20, concurrency: 4, repeat: 1, linkinator: false, overlay: false, profile: false };
    const hosts = { a: { ...emptyHostCounts(), uniqueUrls: 15252, neverAnsweredUrls: 1, retryAfterMs: 1000 } };
    const rows = (e: number, w: number) => evaluateTargets({ options: opts, runs: [run({ efficiency: e, boundSecs: 76, waitsBoundSecs: 80, efficiencyWithWaits: w, hosts })] });
    const [target, reference] = ["efficiency", "efficiency-with-site-waits"].map((id) => rows(0.88, 0.93).find((x) => x.id === id)!);
    expect(target.met).toBe(false);
    expect(target.value).toBe("0.88");
    expect(target.note).toContain("bound ÷ wall");
    expect(reference.met).toBeUndefined();
    expect(reference.reference).toBe(true);
    expect(reference.value).toBe("0.93");
    expect(reference.note).toContain("1 URL(s) never answer");
    expect(targetsTable({ targets: [target, reference] }).map((r) => r[2])).toEqual(["❌ 未达到 not met", "参考 reference"]);
    expect(rows(0.91, 0.95).find((x) => x.id === "efficiency")!.met).toBe(true);
    // No site waits: no reference row.
    expect(evaluateTargets({ options: opts, runs: [run({ efficiency: 0.9, boundSecs: 76, waitsBoundSecs: 76, efficiencyWithWaits: 0.9 })] }).map((x) => x.id)).not.toContain("efficiency-with-site-waits");
  });
  it("judges the tail on the run nearest 5,000 pages: wall ≤ bound + one 15 s timeout + 2 s", () => {
    const opts = { pages: 20000, smallPages: 5000, latencyMs: 20, concurrency: 4, repeat: 1, linkinator: false, overlay: false, profile: false };
    const tail = (wallSecs: number) =>
      evaluateTargets({ options: opts, runs: [run({}), run({ kind: "size", sitePages: 5019, boundSecs: 20.3, wallSecs })] }).find((x) => x.id === "tail")!;
    expect(tail(37.3).met).toBe(true);
    expect(tail(37.4).met).toBe(false);
    expect(tail(32.1).note).toContain("5,019 pages");
    // The 20,000-page run is no tail run: without a run near 5,000 pages nothing is judged.
    expect(evaluateTargets({ options: opts, runs: [run({})] }).find((x) => x.id === "tail")!.met).toBeUndefined();
  });
});

describe("markdown table", () => {
  it("escapes pipes so a value cannot break the table", () => {
    expect(markdownTable(["a", "b"], [["x|y", "z"]])).toBe("| a | b |\n| --- | --- |\n| x\\|y | z |");
  });
});

describe("site size for a page count", () => {
  it("finds the item count whose site has the pages asked for", () => {
    // Like the demo site: 1.71 pages per item plus fixed pages.
    const pagesOf = (size: number) => Math.round(40 + 1.71 * size);
    const r = sizeForPages(20000, pagesOf);
    expect(Math.abs(r.pageCount - 20000)).toBeLessThanOrEqual(100);
    expect(r.pageCount).toBe(pagesOf(r.size));
  });
  it("rejects nonsense", () => {
    expect(() => sizeForPages(0, (s) => s)).toThrow(/positive integer/);
  });
});

describe("links on a page", () => {
  it("counts elements with href or src, not text that looks like one", () => {
    const html = `<!DOCTYPE html><html><head><link rel="stylesheet" href="/s.css"><script src="/a.js"></script></head>
      <body><a href="/x.html">x</a><A HREF='y'>y</A><img alt="p" src="/p.png"><a name="top">top</a><p>href="/not-a-link"</p>
      <iframe data-x="1" src="/f.html"></iframe></body></html>`;
    expect(countLinks(html)).toBe(6);
    expect(looksLikeHtml(html.slice(0, 300))).toBe(true);
    expect(looksLikeHtml("%PDF-1.4")).toBe(false);
    expect(looksLikeHtml("<!-- TRS --><html lang=zh>")).toBe(true);
  });
});
