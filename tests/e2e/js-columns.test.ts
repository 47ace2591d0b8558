// Script-driven list columns (`javascript: true`, issue #12 item 2) crawled in real Chromium on the demo site's
// opt-in JS columns: a list drawn from a JSON API behind a JavaScript pager (data-p links, a <select> jumper), the
// gkmlpt column, and a list with no API whose pages only a click shows. Every page's items are reached, the API is
// asked at most once per page, the defects planted on page 3 are found, and coverage reads reached == listed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, type Config, type ConfigInput } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import { JS_LIST_API } from "../fixtures/demo-site/plants-jslist.js";
import { startTestSite, type Route, type TestSite } from "./crawl-helpers.js";

const JS_COLUMNS = ["xzxk", "bmgs", "zdjc"];

describe("javascript: true columns in a real browser", () => {
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

  it("reports none of the must-not-report cases (the list API, the script-built lists as empty or stale)", () => {
    const cases = site.manifest.mustNotReport;
    expect(cases.some((m) => m.targetUrl?.includes(JS_LIST_API))).toBe(true);
    for (const m of cases) {
      const hit = crawl.findings.find((f) => (!m.kind || f.kind === m.kind) && (!m.pageUrl || f.pageUrl === m.pageUrl) && (!m.targetUrl || f.targetUrl === m.targetUrl));
      expect(hit, m.note).toBeUndefined();
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
      expect(c!.listPages, id).toBe(manifestColumn(id).listPages);
      const written = coverageFile.find((x) => x.columnId === id);
      if (written) expect({ listed: written.listed, reached: written.reached, how: written.how }, id).toEqual({ listed: c!.listed, reached: c!.reached, how: c!.how });
    }
    expect(crawl.findings.filter((f) => f.kind === "coverage" || f.kind === "empty-column")).toEqual([]);
  });
});

// Pagers as sites write them, one column each: every page reached by clicking, whatever the control looks like.
const N = 13; // items per column: pages of 5, 5 and 3
const PER = 5;
const pad = (n: number) => String(n).padStart(2, "0");
const doc = (title: string, body = "") =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body><div class="main"><h1>${title}</h1><p>发布日期：2026-11-01</p><p>正文。</p>${body}</div></body></html>`;

/** A list page holding its records in an inline script (a JS literal, not JSON), drawing page p with `pager(p, pages)`. */
function inlineList(key: string, name: string, pager: string, stated = ""): string {
  const data = Array.from({ length: N }, (_, i) => `{t:"${name}第${i + 1}号公告",u:"/${key}/d${i + 1}.html",d:"2026-11-${pad(28 - i)}"}`).join(",");
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${name}</title></head><body>
<div class="main"><h2>${name}</h2><ul class="list" id="l"></ul><div class="pager" id="p"></div></div>
<script>
var D = [${data}], PER = ${PER}, cur = 1, pages = Math.ceil(D.length / PER);
function draw(p) {
  cur = Math.min(Math.max(1, Number(p)), pages);
  var h = "";
  D.slice((cur - 1) * PER, cur * PER).forEach(function (r) { h += '<li><a href="' + r.u + '">' + r.t + '</a><span class="date">' + r.d + "</span></li>"; });
  document.getElementById("l").innerHTML = h;
  document.getElementById("p").innerHTML = ${JSON.stringify(stated)} + (${pager})(cur, pages);
}
function goPage(p) { draw(p); }
function turn(p) { draw(p); }
draw(1);
</script></body></html>`;
}

const PAGERS: Record<string, { name: string; pager: string; stated?: string; script?: string }> = {
  // javascript:goPage(N) links
  gopage: { name: "通知", pager: `function (c, n) { var h = ""; for (var i = 1; i <= n; i++) h += i === c ? "<span>" + i + "</span> " : '<a href="javascript:goPage(' + i + ')">' + i + "</a> "; return h; }` },
  // onclick on list elements, the page number quoted
  onclick: { name: "公示", pager: `function (c, n) { var h = "<ul>"; for (var i = 1; i <= n; i++) h += "<li onclick=\\"turn('" + i + "')\\">" + i + "</li>"; return h + "</ul>"; }` },
  // 下一页 only, wired by addEventListener (nothing in the markup names a page)
  next: {
    name: "动态",
    pager: `function (c, n) { return '<a href="javascript:;" id="nx">下一页</a>'; }`,
    script: `document.addEventListener("click", function (e) { if (e.target.id === "nx") { e.preventDefault(); draw(cur + 1); } });`,
  },
  // 加载更多: each click adds the next page's items below the ones shown
  loadmore: {
    name: "公开",
    pager: `function () { return ""; }`,
    script: `draw = function (p) {
  cur = Math.min(Math.max(1, Number(p)), pages);
  var h = "";
  D.slice(0, cur * PER).forEach(function (r) { h += '<li><a href="' + r.u + '">' + r.t + '</a><span class="date">' + r.d + "</span></li>"; });
  document.getElementById("l").innerHTML = h;
  document.getElementById("p").innerHTML = cur < pages ? '<a href="javascript:;" id="more">加载更多</a>' : "";
};
draw(1);
document.addEventListener("click", function (e) { if (e.target.id === "more") { e.preventDefault(); draw(cur + 1); } });`,
  },
  // states 共13条, but its 下一页 always shows page 2: the click on page 2 brings nothing new and ends the paging
  stuck: { name: "公告", pager: `function (c, n) { return '<a href="javascript:void(0)" onclick="draw(2)">下一页</a>'; }`, stated: `共${N}条 ` },
};

/** A JSON API on loopback answering form POSTs (CORS open, as platforms' APIs are to their sites' pages). */
async function startFormApi(answer: (form: URLSearchParams) => unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const headers = { "access-control-allow-origin": "*", "content-type": "application/json;charset=UTF-8" };
      if (req.method !== "POST") {
        res.writeHead(req.url === "/robots.txt" ? 404 : 405, headers).end("{}");
        return;
      }
      res.writeHead(200, headers).end(JSON.stringify(answer(new URLSearchParams(body))));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

describe("script pagers of every kind, clicked in a real browser", () => {
  let test: TestSite;
  let dir: string;
  let result: CrawlResult;
  const apiAsked = new Map<string, number>();
  const jsonpAsked = new Map<string, number>();
  const postAsked = new Map<string, number>();
  let postApi: { url: string; close: () => Promise<void> };
  let firstAsked: Map<string, number>;
  let firstJsonpAsked: Map<string, number>;
  let firstPostAsked: Map<string, number>;
  let second: CrawlResult;
  let firstRequests = 0;
  let secondRequests = 0;

  beforeAll(async () => {
    const routes: Record<string, Route> = {};
    for (const [key, v] of Object.entries(PAGERS)) {
      const html = inlineList(key, v.name, v.pager, v.stated).replace("</body>", `<script>${v.script ?? ""}</script></body>`);
      routes[`/${key}/index.html`] = { body: html };
      for (let i = 1; i <= N; i++) routes[`/${key}/d${i}.html`] = { body: doc(`${v.name}第${i}号公告`) };
    }
    // A list API that names records by id only; the page draws /ids/content/post_<id>.html from them.
    routes["/ids/index.html"] = {
      body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>信息</title></head><body><div class="main"><ul class="list" id="l"></ul><div class="pager"><a href="javascript:;" id="nx">下一页</a></div></div>
<script>
var idx = 0;
function load() {
  fetch("/api/ids?col=7&pageIndex=" + idx).then(function (r) { return r.json(); }).then(function (d) {
    document.getElementById("l").innerHTML = d.rows.map(function (r) { return '<li><a href="/ids/content/post_' + r.docId + '.html">' + r.title + '</a><span>' + r.pubDate + "</span></li>"; }).join("");
  });
}
document.getElementById("nx").onclick = function () { idx++; load(); };
load();
</script></body></html>`,
    };
    routes["/api/ids?*"] = (req) => {
      const k = Number(new URL(req.url!, "http://x").searchParams.get("pageIndex") ?? 0);
      apiAsked.set(String(k), (apiAsked.get(String(k)) ?? 0) + 1);
      const rows = Array.from({ length: N }, (_, i) => ({ docId: 80100 + i, title: `信息第${i + 1}号`, pubDate: `2026-10-${pad(28 - i)}` })).slice(k * PER, (k + 1) * PER);
      return { headers: { "content-type": "application/json" }, body: JSON.stringify({ rows, totalCount: N, pageIndex: k }) };
    };
    for (let i = 0; i < N; i++) routes[`/ids/content/post_${80100 + i}.html`] = { body: doc(`信息第${i + 1}号`) };
    // A JSONP API loaded by <script> tags (jQuery's way across sites), paged by 下一页.
    routes["/jsonp/index.html"] = {
      body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>资讯</title></head><body><div class="main"><ul class="list" id="l"></ul><div class="pager"><a href="javascript:;" id="nx">下一页</a></div></div>
<script>
var pg = 1;
function jsonpCb(d) { document.getElementById("l").innerHTML = d.data.map(function (r) { return '<li><a href="' + r.link + '">' + r.title + '</a><span>' + r.time + "</span></li>"; }).join(""); }
function load() { var s = document.createElement("script"); s.src = "/api/jsonp?callback=jsonpCb&curPage=" + pg; document.body.appendChild(s); }
document.getElementById("nx").onclick = function () { pg++; load(); };
load();
</script></body></html>`,
    };
    routes["/api/jsonp?*"] = (req) => {
      const q = new URL(req.url!, "http://x").searchParams;
      const k = Number(q.get("curPage") ?? 1);
      jsonpAsked.set(String(k), (jsonpAsked.get(String(k)) ?? 0) + 1);
      const data = Array.from({ length: N }, (_, i) => ({ title: `资讯第${i + 1}期`, link: `/jsonp/c${i + 1}.html`, time: `2026-09-${pad(28 - i)} 10:00` })).slice((k - 1) * PER, k * PER);
      return { headers: { "content-type": "application/javascript" }, body: `${q.get("callback")}(${JSON.stringify({ data, pageCount: Math.ceil(N / PER) })});` };
    };
    for (let i = 1; i <= N; i++) routes[`/jsonp/c${i}.html`] = { body: doc(`资讯第${i}期`) };
    // A list API asked by a form POST (jQuery's $.post), the page number in the form; paged by 下一页. It answers
    // from a server of its own (the test site's routes cannot read a request body), as platforms' APIs often do.
    postApi = await startFormApi((form) => {
      const k = Number(form.get("pageNo") ?? 1);
      postAsked.set(String(k), (postAsked.get(String(k)) ?? 0) + 1);
      const records = Array.from({ length: N }, (_, i) => ({ title: `文件第${i + 1}号`, url: `${test.baseUrl}post/f${i + 1}.html`, pubDate: `2026-08-${pad(28 - i)}` })).slice((k - 1) * PER, k * PER);
      return { result: { records, total: N } };
    });
    routes["/post/index.html"] = {
      body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>文件</title></head><body><div class="main"><ul class="list" id="l"></ul><div class="pager"><a href="javascript:;" id="nx">下一页</a></div></div>
<script>
var pg = 1;
function load() {
  fetch("${postApi.url}api/post", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" }, body: "channelId=9&pageNo=" + pg + "&pageSize=${PER}" })
    .then(function (r) { return r.json(); })
    .then(function (d) { document.getElementById("l").innerHTML = d.result.records.map(function (r) { return '<li><a href="' + r.url + '">' + r.title + '</a><span>' + r.pubDate + "</span></li>"; }).join(""); });
}
document.getElementById("nx").onclick = function () { pg++; load(); };
load();
</script></body></html>`,
    };
    for (let i = 1; i <= N; i++) routes[`/post/f${i}.html`] = { body: doc(`文件第${i}号`) };
    test = await startTestSite(routes);
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-js-pagers-"));
    const maintainer = { department: "办公室", name: "张三", email: "zhangsan@example.invalid" };
    const input: ConfigInput = {
      site: { name: "测试区市场监督管理局", baseUrl: test.baseUrl },
      crawl: { concurrency: 2, requestTimeoutSecs: 3, maxPagesPerColumn: 60, contact: "ops@example.invalid", retries: 1 },
      columns: [...Object.keys(PAGERS), "ids", "jsonp", "post"].map((key) => ({ id: key, name: key, url: `${test.baseUrl}${key}/index.html`, type: "notice", javascript: true, maintainer })),
    };
    const opts = { dbFile: path.join(dir, "db.sqlite"), outDir: path.join(dir, "out"), log: () => undefined };
    result = await runCrawl(ConfigSchema.parse(input), { ...opts, now: new Date("2026-12-01T02:00:00Z") });
    firstAsked = new Map(apiAsked);
    firstJsonpAsked = new Map(jsonpAsked);
    firstPostAsked = new Map(postAsked);
    firstRequests = test.requests.length;
    apiAsked.clear();
    second = await runCrawl(ConfigSchema.parse(input), { ...opts, now: new Date("2026-12-02T02:00:00Z") });
    secondRequests = test.requests.length - firstRequests;
  });

  afterAll(async () => {
    await test?.close();
    await postApi?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const walk = (id: string) => result.data.columns.find((w) => w.column.id === id)!;
  const fetched = (id: string) => result.data.pages.filter((p) => p.columns.some((c) => c.columnId === id && c.role === "item")).length;

  it.each(["gopage", "onclick", "next", "loadmore"])("%s: every item on every page is reached by clicking", (id) => {
    expect(walk(id).items.length).toBe(N);
    expect(fetched(id)).toBe(N);
    expect(walk(id).coverage?.how).toBe("js-pager");
  });

  it("stops when a click brings no new item, and the stated count shows what was missed", () => {
    expect(walk("stuck").items.length).toBe(2 * PER);
    expect(walk("stuck").coverage).toMatchObject({ listed: N, reached: 2 * PER, how: "js-pager", listPages: 2 });
  });

  it("pages an id-only list API directly, each page once, and finds every record's page", () => {
    expect([...firstAsked.entries()].sort()).toEqual([["0", 1], ["1", 1], ["2", 1]]);
    expect(fetched("ids")).toBe(N);
    expect(walk("ids").coverage).toMatchObject({ listed: N, reached: N, how: "json-api" });
  });

  it("pages a JSONP API (loaded by <script> tags) directly, each page once", () => {
    expect([...firstJsonpAsked.entries()].sort()).toEqual([["1", 1], ["2", 1], ["3", 1]]);
    expect(fetched("jsonp")).toBe(N);
    expect(walk("jsonp").coverage).toMatchObject({ listed: N, reached: N, how: "json-api", listPages: 3 });
  });

  it("pages a list API asked by form POST directly (the page number changed in the form), each page once", () => {
    expect([...firstPostAsked.entries()].sort()).toEqual([["1", 1], ["2", 1], ["3", 1]]);
    expect(fetched("post")).toBe(N);
    expect(walk("post").coverage).toMatchObject({ listed: N, reached: N, how: "json-api", listPages: 3 });
  });

  it("a second crawl pages the same way, asking the API once per page again and no more requests than the first", () => {
    expect([...apiAsked.entries()].sort()).toEqual([["0", 1], ["1", 1], ["2", 1]]);
    expect(second.data.columns.find((w) => w.column.id === "ids")!.coverage).toMatchObject({ listed: N, reached: N, how: "json-api" });
    for (const id of ["gopage", "onclick", "next"]) expect(second.data.columns.find((w) => w.column.id === id)!.items.length, id).toBe(N);
    expect(secondRequests).toBeLessThanOrEqual(firstRequests);
  });
});
