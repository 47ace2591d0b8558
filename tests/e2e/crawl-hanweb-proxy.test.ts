// 大汉 Hanweb's jpage proxy on hand-made sites: the records past the page's own group are asked from dataproxy.jsp
// as jpage asks them — POST with the <nextgroup> fields as the form, the range in the query — through the same
// per-host limit and robots.txt; a server that refuses the POST but answers the fields as a GET query is asked so.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ConfigSchema } from "../../shared/schema.js";
import { runCrawl } from "../../crawler/pipeline.js";
import { page, startTestSite, type Reply, type TestSite } from "./crawl-helpers.js";

const TOTAL = 20;
const li = (i: number) => `<li><a href="/art/2026/1/5/art_77_${i}.html">通知${i}</a><span>2026-01-05</span></li>`;
const records = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `<record><![CDATA[${li(from + k)}]]></record>`).join("");

function columnPage(): string {
  return page(
    "通知公告",
    `<div id="9001"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=77&unitid=9001&webname=%E6%B5%8B%E8%AF%95&permissiontype=0"></a>]]></nextgroup>
<recordset>${records(1, 6)}</recordset></datastore></script>
<script>$('#9001').jpage({ dataStore: dataStore, perPage: 3, totalRecord: ${TOTAL}, groupSize: 2, proxyUrl: '/module/jpage/dataproxy.jsp' });</script></div>`,
  );
}

/** The proxy: the range from the query; `post` decides whether it takes the POST or only a GET with the fields. */
function proxy(post: boolean, forms: string[]) {
  return (req: http.IncomingMessage): Reply => {
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    if (req.method === "POST") req.on("data", (d) => forms.push(String(d)));
    if ((req.method === "POST") !== post || !q.get("columnid") && !post) return { status: 405, headers: { allow: post ? "POST" : "GET" }, body: "" };
    const start = Number(q.get("startrecord"));
    const end = Math.min(TOTAL, Number(q.get("endrecord")));
    return { headers: { "content-type": "text/xml;charset=UTF-8" }, body: `<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>${TOTAL}</totalrecord><recordset>${records(start, end)}</recordset></datastore>` };
  };
}

function routes(post: boolean, forms: string[]) {
  const r: Record<string, Reply | ((req: http.IncomingMessage) => Reply)> = {
    "/robots.txt": { headers: { "content-type": "text/plain" }, body: "User-agent: *\nDisallow: /module/web/\n" },
    "/col/col77/index.html": { headers: { "content-type": "text/html; charset=utf-8" }, body: columnPage() },
    // ?uid=&pageNum=N answers page 1 every time.
    "/col/col77/index.html?*": { headers: { "content-type": "text/html; charset=utf-8" }, body: columnPage() },
    "/module/jpage/dataproxy.jsp?*": proxy(post, forms),
  };
  for (let i = 1; i <= TOTAL; i++) r[`/art/2026/1/5/art_77_${i}.html`] = { headers: { "content-type": "text/html; charset=utf-8" }, body: page(`通知${i}`, `<h1>通知${i}</h1><p>正文。</p>`) };
  return r;
}

const sites: TestSite[] = [];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-hanweb-proxy-"));
});
afterAll(async () => {
  for (const s of sites) await s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function crawl(post: boolean, maxPagesPerColumn?: number) {
  const forms: string[] = [];
  const site = await startTestSite(routes(post, forms));
  sites.push(site);
  const config = ConfigSchema.parse({
    site: { name: "测试站", baseUrl: site.baseUrl },
    crawl: { concurrency: 2, requestTimeoutSecs: 3, retries: 0, ...(maxPagesPerColumn ? { maxPagesPerColumn } : {}) },
    columns: [{ id: "tzgg", name: "通知公告", type: "notice", url: `${site.baseUrl}col/col77/index.html`, maintainer: { department: "办公室", name: "李娜" } }],
  });
  const out = path.join(dir, `${post ? "post" : "get"}-${maxPagesPerColumn ?? "all"}`);
  const result = await runCrawl(config, { dbFile: `${out}.sqlite`, outDir: out, log: () => undefined });
  return { site, forms, result, walk: result.data.columns[0] };
}

it("asks dataproxy.jsp by POST with the <nextgroup> fields, perPage × groupSize records at a time, and reaches every record", async () => {
  const { site, forms, walk } = await crawl(true);
  expect(walk.coverage).toMatchObject({ listed: TOTAL, reached: TOTAL, how: "hanweb-dataproxy", abandoned: ["hanweb-pagenum"] });
  const posts = site.requests.filter((r) => r.method === "POST").map((r) => r.url);
  expect(posts).toEqual([7, 13, 19].map((s) => `/module/jpage/dataproxy.jsp?startrecord=${s}&endrecord=${Math.min(TOTAL, s + 5)}&perpage=3`));
  for (const f of forms) expect(Object.fromEntries(new URLSearchParams(f))).toMatchObject({ columnid: "77", unitid: "9001", webname: "测试", appid: "1" });
  expect(site.requests.filter((r) => r.method === "POST").every((r) => /x-www-form-urlencoded/.test(String(r.headers["content-type"])))).toBe(true);
  expect(site.maxInFlight).toBeLessThanOrEqual(2);
});

it("falls back to a GET with the fields in the query when the proxy refuses the POST", async () => {
  const { site, walk } = await crawl(false);
  expect(walk.coverage).toMatchObject({ listed: TOTAL, reached: TOTAL, how: "hanweb-dataproxy" });
  const gets = site.requests.filter((r) => r.method === "GET" && r.url.startsWith("/module/jpage/dataproxy.jsp")).map((r) => new URL(r.url, "http://x").searchParams);
  expect(gets.map((q) => q.get("startrecord"))).toEqual(["7", "13", "19"]);
  expect(gets.every((q) => q.get("columnid") === "77")).toBe(true);
});

it("a column cut by maxPagesPerColumn is reported as items-unreached, with the count it states", async () => {
  const { walk, result } = await crawl(true, 8);
  expect(walk.boundReason).toBe("max-pages");
  expect(walk.coverage!.listed).toBe(TOTAL);
  expect(walk.coverage!.reached).toBeLessThan(TOTAL);
  const f = result.findings.find((x) => x.kind === "coverage");
  expect(f).toMatchObject({ reason: "items-unreached", pageUrl: walk.column.url, evidence: { listed: TOTAL, reached: walk.coverage!.reached, cutByMaxPagesPerColumn: 8 } });
  expect(f!.message).toContain("抓取上限");
});
