// A re-crawl that trusts what it checked recently must still see #fragments that point nowhere: the anchors of a
// trusted page come from its cached record, and a link with a fragment is not settled from a saved check (saved
// checks do not keep anchors). Otherwise a missing-anchor finding would be marked fixed by a crawl that never looked.
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

/** A static file with an ETag: answers 304 to a matching If-None-Match, as a CMS-published page does. */
const staticPage = (body: string, etag: string) => (req: http.IncomingMessage): Reply =>
  req.headers["if-none-match"] === etag ? { status: 304, headers: { etag } } : { headers: { etag, "content-type": "text/html; charset=utf-8" }, body };

beforeAll(async () => {
  site = await startTestSite({});
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-recrawl-anchors-"));
  site.route(
    "/list.html",
    staticPage(
      page(
        "政策文件",
        `<ul><li><a href="/doc.html">关于印发实施办法的通知</a><span>2026-11-20</span></li>` +
          `<li><a href="/doc2.html">关于开展检查的通知</a><span>2026-11-19</span></li></ul>` +
          `<p><a href="/doc.html#sec2">第二条</a> <a href="/doc.html#sec9">第九条</a> <a href="/guide.html#nope">办事指南第五项</a></p>`,
      ),
      '"list-1"',
    ),
  );
  site.route("/doc.html", staticPage(page("关于印发实施办法的通知", `<h2 id="sec2">第二条</h2><p>正文</p>`), '"doc-1"'));
  site.route("/doc2.html", staticPage(page("关于开展检查的通知", `<p>正文</p>`), '"doc2-1"'));
  site.route("/guide.html", staticPage(page("办事指南", `<h2 id="step1">第一项</h2>`), '"guide-1"'));
  const config = ConfigSchema.parse({
    site: { name: "测试局", baseUrl: site.baseUrl },
    columns: [{ id: "zcwj", name: "政策文件", url: `${site.baseUrl}list.html`, type: "policy", maintainer: { department: "办公室", name: "张三" } }],
  });
  const now = Date.parse("2026-11-26T02:00:00Z");
  const opts = { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out"), log: () => undefined };
  first = await runCrawl(config, { ...opts, now: new Date(now) });
  site.requests.length = 0;
  second = await runCrawl(config, { ...opts, now: new Date(now + 3600e3) });
  secondRequests = site.requests.map((r) => r.url);
});

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const anchors = (r: CrawlResult) => r.findings.filter((f) => f.reason === "missing-anchor").map((f) => `${f.targetUrl} ${f.linkText}`).sort();

describe("missing anchors on a re-crawl within recheckAfterHours", () => {
  it("the first crawl reports both fragments that point nowhere, and not the one that exists", () => {
    const found = first.findings.filter((f) => f.reason === "missing-anchor");
    expect(found.map((f) => f.linkText).sort()).toEqual(["办事指南第五项", "第九条"]);
  });

  it("an hour later the item page is trusted without asking, and both findings stand", () => {
    expect(secondRequests).toContain("/list.html");
    expect(secondRequests).not.toContain("/doc2.html");
    expect(second.data.stats.trustedPages).toBeGreaterThan(0);
    expect(second.findings.filter((f) => f.reason === "missing-anchor").map((f) => f.id).sort()).toEqual(
      first.findings.filter((f) => f.reason === "missing-anchor").map((f) => f.id).sort(),
    );
    expect(anchors(second)).toEqual(anchors(first));
  });
});
