// Coverage on the demo site (issue #12): every list column's findings.json `coverage` matches what the site states
// and what can be reached; the Hanweb column only dataproxy.jsp (POST) fully lists is reached through it, after the
// pageNum pager that answers page 1 every time is abandoned (not called a trap); the planted gap is a coverage
// finding; a second crawl starts each column with the strategy that worked and asks no more than the first.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, FindingsFileSchema, type Config, type CoverageEntry } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";

let site: DemoSite;
let dir: string;
let config: Config;
let first: CrawlResult;
let firstRequests: DemoSite["requests"];
let firstLog: string[];
let second: CrawlResult;
let secondRequests: DemoSite["requests"];
let secondLog: string[];

/** findings.json's `coverage`, read through the contract's schema. */
const coverageOf = (r: CrawlResult): CoverageEntry[] => FindingsFileSchema.parse(JSON.parse(readFileSync(r.findingsFile, "utf8"))).coverage ?? [];

beforeAll(async () => {
  site = await startDemoSite();
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-coverage-demo-"));
  config = ConfigSchema.parse(site.config);
  const opts = { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out") };
  firstLog = [];
  first = await runCrawl(config, { ...opts, now: new Date(site.manifest.now), log: (l) => firstLog.push(l) });
  firstRequests = [...site.requests];
  site.resetCounters();
  // The next night (past recheckAfterHours): every page is asked again, so the request counts compare like for like.
  secondLog = [];
  second = await runCrawl(config, { ...opts, now: new Date(Date.parse(site.manifest.now) + 25 * 3600e3), log: (l) => secondLog.push(l) });
  secondRequests = [...site.requests];
});

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("coverage of the demo site", () => {
  it("writes one coverage entry per list column: what the site states, and every reachable item reached", () => {
    const listColumns = site.manifest.columns.filter((c) => c.reachable !== undefined);
    expect(listColumns.length).toBeGreaterThan(5);
    const entries = new Map(coverageOf(first).map((e) => [e.columnId, e]));
    for (const c of listColumns) {
      const e = entries.get(c.id);
      expect(e, c.id).toBeDefined();
      expect({ listed: e!.listed, reached: e!.reached }, c.id).toEqual({ listed: c.listed, reached: c.reachable });
      expect(e!.listPages, c.id).toBeGreaterThanOrEqual(1);
    }
    // Page and section columns have no entry.
    const notLists = site.manifest.columns.filter((c) => c.type === "page" || c.type === "other");
    expect(notLists.length).toBeGreaterThan(0);
    for (const c of notLists) expect(entries.has(c.id), c.id).toBe(false);
  });

  it("reaches the Hanweb column through dataproxy.jsp, asked by POST, after abandoning the pageNum pager", () => {
    const hanweb = first.data.columns.find((c) => c.column.id === "tzgs")!;
    expect(hanweb.coverage).toMatchObject({ how: "hanweb-dataproxy", abandoned: ["hanweb-pagenum"] });
    const posts = firstRequests.filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path.split("?")[0])).toEqual(["/module/jpage/dataproxy.jsp"]);
    // Only one pageNum page was tried before the strategy was abandoned.
    expect(firstRequests.filter((r) => /\/col\/col2302\/index\.html\?.*pageNum=/.test(r.path))).toHaveLength(1);
    const planted = site.manifest.planted.find((p) => p.columnId === "tzgs" && p.kind === "broken-link")!;
    expect(first.findings.some((f) => f.kind === "broken-link" && f.pageUrl === planted.pageUrl && f.targetUrl === planted.targetUrl), planted.note).toBe(true);
    expect(firstLog.join("\n")).toContain("通知公示 60/60（大汉 dataproxy");
  });

  it("reports the planted coverage gap to the office, and no other column", () => {
    const planted = site.manifest.planted.filter((p) => p.kind === "coverage");
    expect(planted.length).toBeGreaterThan(0);
    const found = first.findings.filter((f) => f.kind === "coverage");
    expect(found.map((f) => `${f.reason} ${f.pageUrl}`).sort()).toEqual(planted.map((p) => `${p.reason} ${p.pageUrl}`).sort());
    for (const f of found) {
      expect(f.message).toMatch(/[\u4e00-\u9fff]/);
      expect(f.evidence).toMatchObject({ listed: expect.any(Number), reached: expect.any(Number) });
    }
    const mustNot = site.manifest.mustNotReport.filter((n) => n.kind === "coverage");
    expect(mustNot.length).toBeGreaterThan(5);
    for (const n of mustNot) expect(found.filter((f) => f.pageUrl === n.pageUrl).map((f) => f.reason), n.note).toEqual([]);
  });

  it("reports no column as a crawler trap except the calendar's", () => {
    const trapped = first.data.columns.filter((c) => c.boundReason === "trap").map((c) => c.column.id);
    const calendarColumn = config.columns.find((c) => site.manifest.trapPrefix.startsWith(c.url.slice(0, c.url.lastIndexOf("/") + 1)))!;
    expect(trapped).toEqual([calendarColumn.id]);
    expect(firstLog.filter((l) => l.includes("crawler trap")).join("\n")).not.toContain("通知公示");
  });

  it("the guide listed two days ago whose page says 更新时间 two years ago is outdated, with both dates in the evidence", () => {
    const planted = site.manifest.planted.find((p) => p.kind === "stale-guide" && p.note.includes("two years"))!;
    const f = first.findings.find((x) => x.kind === "stale-guide" && x.reason === "outdated" && x.pageUrl === planted.pageUrl);
    expect(f, planted.note).toBeDefined();
    expect(f!.evidence.lastUpdateSource).toBe("更新时间");
    expect(JSON.stringify(f!.evidence.otherDates)).toContain("列表日期");
  });

  it("the next crawl starts each column with the strategy that worked, says so, and asks no more than the first", () => {
    for (const c of second.data.columns.filter((c) => c.coverage && !["single-page", "none"].includes(c.coverage.how))) {
      const before = first.data.columns.find((x) => x.column.id === c.column.id)!;
      expect(c.coverage!.how, c.column.id).toBe(before.coverage!.how);
      expect(c.coverage!.remembered, c.column.id).toBe(true);
    }
    expect(secondLog.join("\n")).toContain("通知公示 60/60（大汉 dataproxy，沿用上次的翻页方式");
    // The pageNum pager is not tried again.
    expect(secondRequests.filter((r) => /\/col\/col2302\/index\.html\?.*pageNum=/.test(r.path))).toHaveLength(0);
    expect(secondRequests.length).toBeLessThanOrEqual(firstRequests.length);
    expect(coverageOf(second)).toEqual(coverageOf(first));
  });
});
