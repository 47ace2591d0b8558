// A page trusted on a re-crawl (a document checked OK recently, reached through an unchanged list page) is asked
// after all when a changed page that links to it turns up later in the same crawl: here the list's second page is
// slow and has been republished, and the document it lists has since been deleted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { page, startTestSite, type Reply, type TestSite } from "./crawl-helpers.js";

let site: TestSite;
let dir: string;
let first: CrawlResult;
let second: CrawlResult;
let secondRequests: string[];
let deleted = false;

const withEtag = (body: string, etag: string, extra: Partial<Reply> = {}) => (req: http.IncomingMessage): Reply =>
  req.headers["if-none-match"] === etag ? { status: 304, headers: { etag }, ...extra } : { headers: { etag, "content-type": "text/html; charset=utf-8" }, body, ...extra };

const item = (href: string, title: string) => `<li><a href="${href}">${title}</a><span>2026-11-20</span></li>`;

beforeAll(async () => {
  site = await startTestSite({});
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-recrawl-late-"));
  site.route("/list.html", withEtag(page("政策文件", `<ul>${item("/doc.html", "关于印发实施办法的通知")}</ul><a href="/list_1.html">下一页</a>`), '"l1"'));
  // The second list page: slow, and republished between the crawls (a new ETag and a new line), still listing doc.html.
  site.route("/list_1.html", (req) =>
    withEtag(page("政策文件", `<ul>${item("/doc.html", "关于印发实施办法的通知")}${item("/other.html", "关于开展检查的通知")}</ul>${deleted ? "<p>更新</p>" : ""}`), deleted ? '"l2-b"' : '"l2-a"', { delayMs: deleted ? 400 : 0 })(req),
  );
  site.route("/doc.html", (req) =>
    deleted ? { status: 404, body: page("404", "页面不存在") } : withEtag(page("关于印发实施办法的通知", "<p>正文</p>"), '"d1"')(req),
  );
  site.route("/other.html", withEtag(page("关于开展检查的通知", "<p>正文</p>"), '"o1"'));
  const config = ConfigSchema.parse({
    site: { name: "测试局", baseUrl: site.baseUrl },
    columns: [{ id: "zcwj", name: "政策文件", url: `${site.baseUrl}list.html`, type: "policy", maintainer: { department: "办公室", name: "张三" } }],
  });
  const now = Date.parse("2026-11-26T02:00:00Z");
  const opts = { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out"), log: () => undefined };
  first = await runCrawl(config, { ...opts, now: new Date(now) });
  deleted = true;
  site.requests.length = 0;
  second = await runCrawl(config, { ...opts, now: new Date(now + 3600e3) });
  secondRequests = site.requests.map((r) => r.url);
});

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a trusted page linked from a changed page found later", () => {
  it("was healthy on the first crawl", () => {
    expect(first.findings.filter((f) => f.targetUrl?.endsWith("/doc.html"))).toEqual([]);
  });

  it("is asked after all, and its 404 is reported", () => {
    expect(secondRequests).toContain("/doc.html");
    const f = second.findings.filter((x) => x.targetUrl === `${site.baseUrl}doc.html` && x.reason === "http-404");
    expect(f.map((x) => x.pageUrl).sort()).toEqual([`${site.baseUrl}list.html`, `${site.baseUrl}list_1.html`]);
  });

  it("the unchanged document beside it is asked too (the changed page lists it), nothing is trusted in the end", () => {
    expect(secondRequests).toContain("/other.html");
    expect(second.data.stats.trustedPages).toBe(0);
  });
});
