// Re-crawls within recheckAfterHours on small hand-made sites whose pages answer 304 to a matching ETag (as a CMS's
// static files do): what is trusted without asking must not hide a defect the crawl could know about.
// 1. #fragments that point nowhere: the anchors of a trusted page come from its cached record, and a link with a
//    fragment is never settled from a saved check (saved checks keep no anchors). Otherwise a missing-anchor finding
//    would be marked fixed by a crawl that never looked.
// 2. A page trusted early (a document reached through an unchanged list page) is asked after all when a changed page
//    that lists it turns up later in the same crawl: here the list's slow second page was republished, and the
//    document it lists has since been deleted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { page, startTestSite, withEtag, type TestSite } from "./crawl-helpers.js";

const NOW = Date.parse("2026-11-26T02:00:00Z");
const item = (href: string, title: string) => `<li><a href="${href}">${title}</a><span>2026-11-20</span></li>`;

interface TwoCrawls {
  first: CrawlResult;
  second: CrawlResult;
  /** Paths the site was asked for in the second crawl. */
  asked: string[];
}

/** Crawl the site's one list column, run `between`, crawl again an hour later (inside recheckAfterHours). */
async function crawlTwice(site: TestSite, dir: string, between: () => void = () => undefined): Promise<TwoCrawls> {
  const config = ConfigSchema.parse({
    site: { name: "测试局", baseUrl: site.baseUrl },
    columns: [{ id: "zcwj", name: "政策文件", url: `${site.baseUrl}list.html`, type: "policy", maintainer: { department: "办公室", name: "张三" } }],
  });
  const opts = { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out"), log: () => undefined };
  const first = await runCrawl(config, { ...opts, now: new Date(NOW) });
  between();
  site.requests.length = 0;
  const second = await runCrawl(config, { ...opts, now: new Date(NOW + 3600e3) });
  return { first, second, asked: site.requests.map((r) => r.url) };
}

const sites: TestSite[] = [];
const dirs: string[] = [];
async function freshSite(): Promise<{ site: TestSite; dir: string }> {
  const site = await startTestSite({});
  const dir = mkdtempSync(path.join(tmpdir(), "gongkai-recrawl-mini-"));
  sites.push(site);
  dirs.push(dir);
  return { site, dir };
}

afterAll(async () => {
  for (const s of sites) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("missing anchors on a re-crawl within recheckAfterHours", () => {
  let r: TwoCrawls;
  beforeAll(async () => {
    const { site, dir } = await freshSite();
    const links = `<p><a href="/doc.html#sec2">第二条</a> <a href="/doc.html#sec9">第九条</a> <a href="/guide.html#nope">办事指南第五项</a></p>`;
    site.route("/list.html", withEtag(page("政策文件", `<ul>${item("/doc.html", "关于印发实施办法的通知")}${item("/doc2.html", "关于开展检查的通知")}</ul>${links}`), '"list-1"'));
    site.route("/doc.html", withEtag(page("关于印发实施办法的通知", `<h2 id="sec2">第二条</h2><p>正文</p>`), '"doc-1"'));
    site.route("/doc2.html", withEtag(page("关于开展检查的通知", `<p>正文</p>`), '"doc2-1"'));
    site.route("/guide.html", withEtag(page("办事指南", `<h2 id="step1">第一项</h2>`), '"guide-1"'));
    r = await crawlTwice(site, dir);
  });
  const missing = (x: CrawlResult) => x.findings.filter((f) => f.reason === "missing-anchor");

  it("the first crawl reports both fragments that point nowhere, and not the one that exists", () => {
    expect(missing(r.first).map((f) => f.linkText).sort()).toEqual(["办事指南第五项", "第九条"]);
  });

  it("an hour later the item pages are trusted without asking, and both findings stand", () => {
    expect(r.asked).toContain("/list.html");
    expect(r.asked).not.toContain("/doc2.html");
    expect(r.second.data.stats.trustedPages).toBeGreaterThan(0);
    expect(missing(r.second).map((f) => f.id).sort()).toEqual(missing(r.first).map((f) => f.id).sort());
  });
});

describe("a trusted page that a changed page found later links to", () => {
  let r: TwoCrawls;
  let base: string;
  beforeAll(async () => {
    const { site, dir } = await freshSite();
    base = site.baseUrl;
    let deleted = false;
    site.route("/list.html", withEtag(page("政策文件", `<ul>${item("/doc.html", "关于印发实施办法的通知")}</ul><a href="/list_1.html">下一页</a>`), '"l1"'));
    // The second list page: slow, and republished between the crawls (new ETag, a new line), still listing doc.html.
    site.route("/list_1.html", (req) =>
      withEtag(
        page("政策文件", `<ul>${item("/doc.html", "关于印发实施办法的通知")}${item("/other.html", "关于开展检查的通知")}</ul>${deleted ? "<p>更新</p>" : ""}`),
        deleted ? '"l2-b"' : '"l2-a"',
        { delayMs: deleted ? 400 : 0 },
      )(req),
    );
    site.route("/doc.html", (req) => (deleted ? { status: 404, body: page("404", "页面不存在") } : withEtag(page("关于印发实施办法的通知", "<p>正文</p>"), '"d1"')(req)));
    site.route("/other.html", withEtag(page("关于开展检查的通知", "<p>正文</p>"), '"o1"'));
    r = await crawlTwice(site, dir, () => (deleted = true));
  });

  it("was healthy on the first crawl", () => {
    expect(r.first.findings.filter((f) => f.targetUrl?.endsWith("/doc.html"))).toEqual([]);
  });

  it("is asked after all, and its 404 is reported on both list pages", () => {
    expect(r.asked).toContain("/doc.html");
    const f = r.second.findings.filter((x) => x.targetUrl === `${base}doc.html` && x.reason === "http-404");
    expect(f.map((x) => x.pageUrl).sort()).toEqual([`${base}list.html`, `${base}list_1.html`]);
  });

  it("the unchanged document beside it is asked too (the changed page lists it): nothing trusted in the end", () => {
    expect(r.asked).toContain("/other.html");
    expect(r.second.data.stats.trustedPages).toBe(0);
  });
});
