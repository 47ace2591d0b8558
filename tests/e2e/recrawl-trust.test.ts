// A re-crawl within recheckAfterHours does not ask again for document pages checked OK recently when nothing that
// leads to them has changed — but a list page that was republished has its items asked again, so an item deleted
// and unlisted-but-republished shows up at once; one deleted behind an untouched list shows up once the window is
// over (the next night), like any other link checked recently.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, type Config } from "../../shared/schema.js";
import { normalizeUrl } from "../../shared/url.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";

let site: DemoSite;
let dir: string;
let config: Config;
let first: CrawlResult;
let hour: CrawlResult;
let hourRequests: string[];
let night: CrawlResult;
let republishedItem: string;
let quietItem: string;
let listPage: string;

const requested = (s: DemoSite) => s.requests.map((r) => normalizeUrl(`http://${r.host}${r.path}`) ?? r.path);
const http404 = (r: CrawlResult, target: string) => r.findings.find((f) => f.kind === "broken-link" && f.targetUrl === target && f.reason === "http-404");

beforeAll(async () => {
  site = await startDemoSite();
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-recrawl-trust-"));
  config = ConfigSchema.parse(site.config);
  const opts = { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out"), now: new Date(site.manifest.now), log: () => undefined };
  first = await runCrawl(config, opts);

  // Two UTF-8 list columns with items: in one, an item is deleted and its list page republished (as a CMS does
  // when an editor takes a document down); in the other, an item's file is deleted behind an untouched list.
  const pages = new Map(first.data.pages.map((p) => [p.record.url, p.record]));
  // A document (no list of its own) listed on the column's first list page: one a re-crawl could trust.
  const documentOn = (columnUrl: string) => {
    const list = pages.get(normalizeUrl(columnUrl)!);
    return list?.listItems.map((i) => normalizeUrl(i.url)!).find((u) => {
      const r = pages.get(u);
      return r && r.listItems.length === 0 && r.pagination.length === 0;
    });
  };
  const cols = site.manifest.columns.filter((c) => !["page", "other"].includes(c.type) && !c.charset && documentOn(c.url));
  expect(cols.length).toBeGreaterThanOrEqual(2);
  const [a, b] = cols;
  republishedItem = documentOn(a.url)!;
  quietItem = documentOn(b.url)!;
  listPage = normalizeUrl(a.url)!;
  const original = await (await fetch(listPage)).text();
  site.override(new URL(listPage).pathname, { status: 200, body: original.replace("</body>", "<!-- 2024-05-01 重新发布 republished --></body>") });
  for (const item of [republishedItem, quietItem]) {
    site.override(new URL(item).pathname, { status: 404, body: "<!DOCTYPE html><html><head><title>404</title></head><body>页面不存在</body></html>" });
  }
  site.resetCounters();
  hour = await runCrawl(config, { ...opts, now: new Date(Date.parse(site.manifest.now) + 3600e3) });
  hourRequests = requested(site);
  night = await runCrawl(config, { ...opts, now: new Date(Date.parse(site.manifest.now) + 25 * 3600e3) });
});

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("re-crawl within recheckAfterHours", () => {
  it("the first crawl saw both items healthy", () => {
    expect(first.data.pages.some((p) => p.record.url === republishedItem)).toBe(true);
    expect(first.data.pages.some((p) => p.record.url === quietItem)).toBe(true);
    expect(http404(first, republishedItem)).toBeUndefined();
  });

  it("asks again for every list page, and trusts most documents without asking", () => {
    expect(hour.exitCode).toBe(0);
    for (const c of first.data.columns) for (const lp of c.listPages) expect(hourRequests, lp).toContain(lp);
    expect(hour.data.stats.trustedPages).toBeGreaterThan(first.data.pages.length * 0.5);
    expect(hourRequests.length).toBeLessThan(first.data.stats.requests * 0.4);
  });

  it("asks again for the items of a republished list page, and reports the deleted one at once", () => {
    expect(hourRequests).toContain(republishedItem);
    const onList = hour.findings.filter((f) => f.targetUrl === republishedItem && f.reason === "http-404").map((f) => f.pageUrl);
    expect(onList, "deleted item, reported on the republished list page").toContain(listPage);
  });

  it("trusts an item behind an untouched list within the window, and reports it the next night", () => {
    expect(hourRequests).not.toContain(quietItem);
    expect(http404(hour, quietItem)).toBeUndefined();
    expect(night.exitCode).toBe(0);
    expect(night.data.stats.trustedPages ?? 0).toBe(0);
    expect(http404(night, quietItem), "found once the last check is older than recheckAfterHours").toBeDefined();
  });

  it("keeps every other finding as it was (content findings judged from the trusted records too)", () => {
    const changed = new Set([republishedItem, quietItem]);
    const key = (f: CrawlResult["findings"][number]) => f.id;
    const before = new Set(first.findings.filter((f) => !changed.has(f.pageUrl) && !changed.has(f.targetUrl ?? "")).map(key));
    const after = new Set(hour.findings.filter((f) => !changed.has(f.pageUrl) && !changed.has(f.targetUrl ?? "")).map(key));
    expect(after).toEqual(before);
  });
});
