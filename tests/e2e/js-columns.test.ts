// Script-driven list columns (`javascript: true`, issue #12 item 2) crawled in real Chromium on the demo site's
// opt-in JS columns: a list drawn from a JSON API behind a JavaScript pager (data-p links, a <select> jumper), the
// gkmlpt column, and a list with no API whose pages only a click shows. Every page's items are reached, the API is
// asked at most once per page, the defects planted on page 3 are found, and coverage reads reached == listed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, type Config } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import { JS_LIST_API } from "../fixtures/demo-site/plants-jslist.js";

const JS_COLUMNS = ["xzxk", "bmgs", "zdjc"];

let site: DemoSite;
let dir: string;
let crawl: CrawlResult;
let requests: DemoSite["requests"];
/** findings.json `coverage` (written once the coverage reporting is in). */
let coverageFile: { columnId: string; listed: number | null; reached: number; how: string }[];

beforeAll(async () => {
  site = await startDemoSite({ jsColumn: true });
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-js-columns-"));
  const all = ConfigSchema.parse(site.config);
  // Only the script-built columns: the rest of the demo site is crawl-demo.test.ts's.
  const config: Config = { ...all, columns: all.columns.filter((c) => JS_COLUMNS.includes(c.id)) };
  expect(config.columns.every((c) => c.javascript)).toBe(true);
  crawl = await runCrawl(config, { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out"), now: new Date(site.manifest.now), log: () => undefined });
  requests = [...site.requests];
  coverageFile = JSON.parse(readFileSync(crawl.findingsFile, "utf8")).coverage ?? [];
});

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const manifestColumn = (id: string) => site.manifest.columns.find((c) => c.id === id)!;
/** Item pages the crawl fetched for a column. */
const itemPages = (id: string) => crawl.data.pages.filter((p) => p.columns.some((c) => c.columnId === id && c.role === "item")).map((p) => p.record.url);

describe("javascript: true columns in a real browser", () => {
  it("crawls every page's items of the list drawn from a JSON API (3 pages behind a JavaScript pager)", () => {
    const mc = manifestColumn("xzxk");
    expect(mc.listPages).toBeGreaterThanOrEqual(3);
    const reached = itemPages("xzxk");
    expect(new Set(reached).size).toBe(mc.items);
    expect(crawl.data.columns.find((w) => w.column.id === "xzxk")!.items.length).toBe(mc.items);
  });

  it("asks the list API at most once per page, and asks every page", () => {
    const asked = new Map<number, number>();
    for (const r of requests) {
      const u = new URL(r.path, site.baseUrl);
      if (u.pathname !== JS_LIST_API) continue;
      const page = Number(u.searchParams.get("pageNo") ?? 1);
      asked.set(page, (asked.get(page) ?? 0) + 1);
    }
    const pages = manifestColumn("xzxk").listPages;
    expect([...asked.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    for (const [, n] of asked) expect(n).toBe(1);
    // The gkmlpt column's API too: each page once.
    const gk = new Map<string, number>();
    for (const r of requests) if (r.path.startsWith("/gkmlpt/api/")) gk.set(new URL(r.path, site.baseUrl).searchParams.get("page") ?? "1", (gk.get(new URL(r.path, site.baseUrl).searchParams.get("page") ?? "1") ?? 0) + 1);
    expect(gk.size).toBe(manifestColumn("zdjc").listPages);
    for (const [, n] of gk) expect(n).toBe(1);
    expect(itemPages("zdjc").length).toBe(manifestColumn("zdjc").items);
  });

  it("reaches every item of a list with no API by clicking its script pager (<select> jumper)", () => {
    const mc = manifestColumn("bmgs");
    expect(mc.listPages).toBeGreaterThanOrEqual(3);
    expect(new Set(itemPages("bmgs")).size).toBe(mc.items);
  });

  it("finds the broken links planted on items of page 3", () => {
    const planted = site.manifest.planted.filter((p) => JS_COLUMNS.includes(p.columnId) && p.kind === "broken-link");
    expect(planted.map((p) => p.columnId).sort()).toEqual(["bmgs", "xzxk", "zdjc"]);
    for (const p of planted) {
      const f = crawl.findings.find((f) => f.kind === p.kind && f.pageUrl === p.pageUrl && f.targetUrl === p.targetUrl);
      expect(f, `${p.note}: ${p.pageUrl} → ${p.targetUrl}`).toBeDefined();
      expect(f!.reason).toBe(p.reason);
    }
  });

  it("writes coverage with reached == listed and how it paged, and no coverage finding", () => {
    const how = { xzxk: "json-api", zdjc: "json-api", bmgs: "js-pager" } as Record<string, string>;
    for (const id of JS_COLUMNS) {
      const c = crawl.data.columns.find((w) => w.column.id === id)!.coverage;
      expect(c, id).toBeDefined();
      expect(c!.listed, id).toBe(manifestColumn(id).listed ?? manifestColumn(id).items);
      expect(c!.reached, id).toBe(c!.listed);
      expect(c!.how, id).toBe(how[id]);
      const written = coverageFile.find((x) => x.columnId === id);
      if (written) expect({ listed: written.listed, reached: written.reached, how: written.how }, id).toEqual({ listed: c!.listed, reached: c!.reached, how: c!.how });
    }
    expect(crawl.findings.filter((f) => f.kind === "coverage" || f.kind === "empty-column")).toEqual([]);
  });
});
