// The crawler against the demo site, compared with the site's manifest: every planted link defect found on the
// right page with the right link text, none of the must-not-report cases reported, robots.txt and the trap rules
// kept, no URL fetched twice (retries aside), never more requests in flight to a host than configured, and a
// re-crawl that keeps ids stable and uses conditional requests.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, FindingsFileSchema, type Config } from "../../shared/schema.js";
import { normalizeUrl } from "../../shared/url.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";

const LINK_KINDS = new Set(["broken-link", "wrong-link"]);
// title-mismatch is judged by the content detectors (issue #4), not from link checks.
const OURS = (p: { kind: string; reason: string }) => LINK_KINDS.has(p.kind) && p.reason !== "title-mismatch";

let site: DemoSite;
let dir: string;
let config: Config;
let first: CrawlResult;
let firstRequests: DemoSite["requests"];
let second: CrawlResult;
let secondRequests: DemoSite["requests"];
let third: CrawlResult;
let thirdRequests: DemoSite["requests"];

beforeAll(async () => {
  site = await startDemoSite();
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-crawl-demo-"));
  config = ConfigSchema.parse(site.config);
  const opts = { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out"), now: new Date(site.manifest.now), log: () => undefined };
  first = await runCrawl(config, opts);
  firstRequests = [...site.requests];
  site.resetCounters();
  // An hour later: inside recheckAfterHours (20 h), so documents and links checked OK are trusted.
  second = await runCrawl(config, { ...opts, now: new Date(Date.parse(site.manifest.now) + 3600e3) });
  secondRequests = [...site.requests];
  site.resetCounters();
  // The next night: everything is asked again, conditionally.
  third = await runCrawl(config, { ...opts, now: new Date(Date.parse(site.manifest.now) + 25 * 3600e3) });
  thirdRequests = [...site.requests];
});

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("crawl of the demo site", () => {
  it("finishes with exit code 0", () => {
    expect(first.exitCode).toBe(0);
    expect(first.data.complete).toBe(true);
  });

  it("finds every planted link defect on the right page, with the right reason and link text", () => {
    const planted = site.manifest.planted.filter(OURS);
    expect(planted.length).toBeGreaterThanOrEqual(10);
    for (const p of planted) {
      const f = first.findings.find((f) => f.kind === p.kind && f.pageUrl === p.pageUrl && f.targetUrl === p.targetUrl);
      expect(f, `${p.kind}/${p.reason}: ${p.note}`).toBeDefined();
      expect({ reason: f!.reason, linkText: f!.linkText, columnId: f!.columnId }, p.note).toEqual({ reason: p.reason, linkText: p.linkText, columnId: p.columnId });
      expect(f!.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("reports no link problem that was not planted, and none of the must-not-report cases", () => {
    const planted = new Set(site.manifest.planted.map((p) => `${p.kind}|${p.pageUrl}|${p.targetUrl}`));
    const extra = first.findings.filter((f) => OURS(f) && !planted.has(`${f.kind}|${f.pageUrl}|${f.targetUrl}`));
    expect(extra.map((f) => `${f.reason} ${f.targetUrl} on ${f.pageUrl}`)).toEqual([]);
    const healthy = site.manifest.mustNotReport.filter((n) => !n.kind || LINK_KINDS.has(n.kind));
    expect(healthy.length, "the manifest names links that must not be reported").toBeGreaterThan(0);
    for (const n of healthy) {
      const hits = first.findings.filter(
        (f) => LINK_KINDS.has(f.kind) && (!n.kind || f.kind === n.kind) && (!n.pageUrl || f.pageUrl === n.pageUrl) && (!n.targetUrl || f.targetUrl === n.targetUrl),
      );
      expect(hits.map((h) => `${h.reason} ${h.targetUrl}`), n.note).toEqual([]);
    }
  });

  it("fetches nothing robots.txt disallows", () => {
    const requested = new Set(firstRequests.map((r) => normalizeUrl(`http://${r.host}${r.path}`)));
    expect(site.manifest.robotsDisallowed.length).toBeGreaterThan(0);
    for (const u of site.manifest.robotsDisallowed) expect(requested.has(u), u).toBe(false);
  });

  it("cuts the calendar trap short and says so", () => {
    const trap = firstRequests.filter((r) => `http://${r.host}${r.path}`.startsWith(site.manifest.trapPrefix));
    expect(trap.length).toBeGreaterThan(0);
    expect(trap.length).toBeLessThanOrEqual(25);
    const col = first.data.columns.find((c) => c.boundHit);
    expect(col?.boundReason).toBe("trap");
  });

  it("requests no URL twice, except retries of failures and a GET after a refused HEAD", () => {
    const byUrl = new Map<string, DemoSite["requests"]>();
    for (const r of firstRequests) {
      const k = `${r.host}${r.path}`;
      byUrl.set(k, [...(byUrl.get(k) ?? []), r]);
    }
    // An attachment whose HEAD says "0 bytes" is confirmed with a GET before it is called empty.
    const empty = new Set(first.findings.filter((f) => f.reason === "empty-file").map((f) => f.targetUrl!.replace(/^http:\/\//, "")));
    const unjustified: string[] = [];
    for (const [k, reqs] of byUrl) {
      if (reqs.length < 2) continue;
      if (empty.has(k) && reqs.length === 2 && reqs[0].method === "HEAD") continue;
      // Every request but the last must have failed (5xx, 429, a reset or no answer), or been a refused HEAD.
      for (const r of reqs.slice(0, -1)) {
        const failed = r.status <= 0 || r.status >= 500 || r.status === 429 || (r.method === "HEAD" && r.status >= 400);
        if (!failed) unjustified.push(`${k} ${reqs.map((x) => `${x.method}:${x.status}`).join(",")}`);
      }
    }
    expect(unjustified).toEqual([]);
    const unique = byUrl.size;
    expect(firstRequests.length / unique).toBeLessThanOrEqual(1.03);
  });

  it("never has more requests in flight to one host than configured", () => {
    const hosts = new Set(firstRequests.map((r) => r.host));
    for (const h of hosts) expect(site.maxInFlight(h), h).toBeLessThanOrEqual(config.crawl.concurrency);
  });

  it("decodes the GBK column (charset only in <meta>) into correct Chinese", () => {
    const gbk = site.manifest.columns.filter((c) => c.charset && /gb/i.test(c.charset));
    expect(gbk.length).toBeGreaterThan(0);
    for (const c of gbk) {
      const pages = first.data.pages.filter((p) => p.columns.some((x) => x.columnId === c.id));
      expect(pages.length).toBeGreaterThan(1);
      for (const p of pages) {
        expect(p.record.title, p.record.url).toMatch(/[\u4e00-\u9fff]{2}/);
        expect(p.record.title + p.record.bodyText).not.toMatch(/\uFFFD|锟斤拷/);
      }
      const walk = first.data.columns.find((w) => w.column.id === c.id)!;
      expect(walk.items.every((i) => /[\u4e00-\u9fff]/.test(i.title) && !/\uFFFD/.test(i.title))).toBe(true);
    }
  });

  it("writes findings.json in the contract's shape", () => {
    const file = FindingsFileSchema.parse(JSON.parse(readFileSync(first.findingsFile, "utf8")));
    expect(file.site.baseUrl).toBe(config.site.baseUrl);
    expect(file.run.pagesCrawled).toBe(first.data.pages.length);
    expect(file.run.requests).toBeGreaterThan(file.run.pagesCrawled);
    for (const f of file.findings) expect(f.maintainer.name.length).toBeGreaterThan(0);
  });
});

describe("re-crawl of the unchanged demo site", () => {
  it("keeps every finding's id and first-seen time", () => {
    expect(second.exitCode).toBe(0);
    const before = new Map(first.findings.map((f) => [f.id, f]));
    const link = second.findings.filter(OURS);
    expect(link.length).toBe(first.findings.filter(OURS).length);
    for (const f of link) {
      expect(before.has(f.id), `${f.reason} ${f.targetUrl}`).toBe(true);
      expect(f.firstSeen).toBe(before.get(f.id)!.firstSeen);
    }
  });

  it("an hour later, asks again (conditionally) for list pages, trusts documents and links checked OK since", () => {
    // (Attachments scanned for personal data are asked conditionally too, issue #15: only pages count here.)
    const notModified = secondRequests.filter((r) => r.status === 304 && !/\.(pdf|docx?|xlsx?)$/i.test(r.path.split("?")[0]!)).length;
    expect(second.data.stats.unchangedPages).toBe(notModified);
    expect(second.data.stats.trustedPages).toBeGreaterThan(0);
    expect(notModified + second.data.stats.trustedPages).toBeGreaterThan(first.data.pages.length * 0.9);
    const asked = new Set(secondRequests.map((r) => normalizeUrl(`http://${r.host}${r.path}`)));
    for (const c of first.data.columns) for (const lp of c.listPages) expect(asked.has(lp), lp).toBe(true);
    expect(second.data.stats.linksReused).toBeGreaterThan(0);
    expect(secondRequests.length).toBeLessThan(firstRequests.length * 0.8);
    // The URL that never answers was waited for once more, not twice (it timed out last time too).
    const hang = site.manifest.planted.find((p) => p.reason === "timeout")!.targetUrl!;
    expect(secondRequests.filter((r) => normalizeUrl(`http://${r.host}${r.path}`) === hang)).toHaveLength(1);
  });

  it("checks the broken links again rather than trusting the last crawl", () => {
    for (const reqs of [secondRequests, thirdRequests]) {
      const again = new Set(reqs.map((r) => normalizeUrl(`http://${r.host}${r.path}`)));
      const broken = site.manifest.planted.filter((p) => p.kind === "broken-link" && p.targetUrl?.startsWith(site.baseUrl));
      expect(broken.length, "the manifest plants broken links on the site").toBeGreaterThan(0);
      for (const p of broken) {
        // A missing-anchor target names its #fragment; the request is for the page.
        expect(again.has(normalizeUrl(p.targetUrl!)), p.note).toBe(true);
      }
    }
  });

  it("the next night, checks every link again (the last checks are too old to trust)", () => {
    expect(third.exitCode).toBe(0);
    expect(third.data.stats.linksReused).toBe(0);
    expect(thirdRequests.filter((r) => r.status === 304).length).toBeGreaterThan(first.data.pages.length * 0.9);
    expect(new Set(third.findings.filter(OURS).map((f) => f.id))).toEqual(new Set(first.findings.filter(OURS).map((f) => f.id)));
  });
});
