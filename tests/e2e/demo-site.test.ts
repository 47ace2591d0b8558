// The demo site's manifest is the ground truth every crawler and detector test trusts. This test serves the site and
// checks the manifest against what the server really answers: planted broken targets really fail, must-not-report
// targets really succeed, the content defects are really on the pages, and the trap, robots.txt, charset, big-site
// and determinism promises hold. Loopback only (127.0.0.1, 127.0.0.2) plus .invalid names that never resolve.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { lookup } from "node:dns/promises";
import { createHash } from "node:crypto";
import * as cheerio from "cheerio";
import iconv from "iconv-lite";
import robotsParserModule from "robots-parser";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import { generateSite } from "../fixtures/demo-site/generate.js";
import { ConfigSchema, DEFAULT_UPDATE_WITHIN_DAYS, type ColumnType } from "../../shared/schema.js";
import { normalizeUrl } from "../../shared/url.js";

// robots-parser is CommonJS whose typings claim an ES default export; at runtime the import is the function itself.
const robotsParser = ((robotsParserModule as unknown as { default?: unknown }).default ?? robotsParserModule) as unknown as (
  url: string,
  body: string,
) => { isAllowed(url: string, ua?: string): boolean | undefined };

const NOW = new Date("2026-11-26T02:00:00Z");
const DAY = 86_400_000;
const REPEALED = ["中华人民共和国公司登记管理条例", "企业法人登记管理条例", "中华人民共和国合伙企业登记管理办法", "农民专业合作社登记管理条例", "个体工商户条例", "食品经营许可管理办法", "药品流通监督管理办法", "中华人民共和国食品卫生法"];

interface Got {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
  url: string;
}

/** GET (or another method) with a hard timeout; decodes GBK pages that declare their charset only in <meta>. */
async function get(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Got> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 5000) });
  } catch (e) {
    // The synchronous model tests hold the event loop for seconds: a kept-alive socket can reach the server's
    // keep-alive timeout at the moment fetch reuses it. A GET is asked again on a new connection, as browsers do.
    const code = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if ((init.method ?? "GET") !== "GET" || !["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"].includes(code ?? "")) throw e;
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 5000) });
  }
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: decode(body, res.headers.get("content-type") ?? ""), url: res.url };
}

function decode(body: Buffer, contentType: string): string {
  const header = /charset=([\w-]+)/i.exec(contentType)?.[1];
  const meta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(body.subarray(0, 2048).toString("latin1"))?.[1];
  const cs = (header ?? meta ?? "utf-8").toLowerCase();
  return cs === "utf-8" || cs === "utf8" ? body.toString("utf8") : iconv.decode(body, cs);
}

/** GET with retries that honour Retry-After, as a careful crawler would. */
async function getWithRetries(url: string, tries = 4): Promise<Got> {
  let last: Got | undefined;
  for (let i = 0; i < tries; i++) {
    last = await get(url);
    if (last.status < 500 && last.status !== 429) return last;
    const ra = Number(last.headers.get("retry-after") ?? 0);
    await new Promise((r) => setTimeout(r, Math.max(ra * 1000, 200)));
  }
  return last!;
}

/** Links on a page: [text, absolute normalised URL]. */
function linksOf(html: string, pageUrl: string): { text: string; url: string | null; raw: string }[] {
  const $ = cheerio.load(html);
  const baseHref = $("base[href]").attr("href");
  const base = baseHref ? new URL(baseHref, pageUrl).href : pageUrl;
  return $("a[href]")
    .toArray()
    .map((a) => {
      const raw = $(a).attr("href")!;
      return { text: $(a).text().replace(/\s+/g, " ").trim(), url: normalizeUrl(raw, base), raw };
    });
}

function crumbText(html: string): string {
  const $ = cheerio.load(html);
  return $(".crumb, .bt-position").first().text().replace(/\s+/g, "");
}
function metaOf(html: string, name: string): string | undefined {
  const $ = cheerio.load(html);
  return $(`meta[name="${name}"]`).attr("content");
}
function datesIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})/g)) out.push(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return out;
}
const todayMs = Math.floor((NOW.getTime() + 8 * 3600_000) / DAY) * DAY;
const ageDays = (ms: number) => Math.round((todayMs - ms) / DAY);

/** Every item URL listed on every list page of a column, following the manifest's page count. */
async function listedItems(site: DemoSite, columnId: string): Promise<{ pages: string[]; items: string[] }> {
  const col = site.manifest.columns.find((c) => c.id === columnId)!;
  const pages = [col.url];
  const items = new Set<string>();
  const proxied: string[] = [];
  for (let k = 0; k < pages.length; k++) {
    const page = await get(pages[k]);
    expect(page.status, pages[k]).toBe(200);
    // Records inside Hanweb's <script type="text/xml"> datastore are plain HTML inside CDATA.
    const html = page.text.replace(/<!\[CDATA\[|\]\]>/g, "").replace(/<script type="text\/xml">|<\/datastore><\/script>/g, "");
    const $ = cheerio.load(html);
    $("ul.list li a, record li a, li a[title]").each((_, a) => {
      const u = normalizeUrl($(a).attr("href")!, pages[k]);
      if (u && /\/t\d{8}_\d{8}\.html$|\/art_\d+_\d+\.html$/.test(u)) items.add(u);
    });
    // Next pages: every pagination form the site uses, resolved the way the field notes describe.
    const next: string[] = [];
    const trs = /createPageHTML\((\d+|countPage),\s*(\d+|currentPage),\s*"index",\s*"html"\)/.exec(page.text);
    const countVar = /var countPage = (\d+)/.exec(page.text)?.[1];
    if (trs && k === 0) {
      const n = Number(trs[1] === "countPage" ? countVar : trs[1]);
      for (let i = 1; i < n; i++) next.push(new URL(`index_${i}.html`, pages[0]).href);
    }
    const trsNew = /createPageHTML\('page_div', (\d+), (\d+), '(\w+)', '(\w+)', (\d+)\)/.exec(page.text);
    if (trsNew && k === 0) for (let i = 2; i <= Number(trsNew[1]); i++) next.push(new URL(`${trsNew[3]}_${i}.${trsNew[4]}`, pages[0]).href);
    for (const l of linksOf(page.text, pages[k])) if (l.text === "下一页" && l.url) next.push(l.url);
    // 大汉 jpage: records past the page's own group come from its dataproxy.jsp, POSTed as jpage asks (plants-coverage.ts).
    const proxy = /proxyUrl: "([^"]+)"/.exec(page.text)?.[1];
    const total = Number(/totalRecord: (\d+)/.exec(page.text)?.[1] ?? 0);
    const chunk = Number(/perPage: (\d+)/.exec(page.text)?.[1] ?? 0) * Number(/groupSize: (\d+)/.exec(page.text)?.[1] ?? 1);
    for (let start = items.size + 1; proxy && k === 0 && chunk > 0 && start <= total; start += chunk) {
      const url = normalizeUrl(`${proxy}?startrecord=${start}&endrecord=${Math.min(total, start + chunk - 1)}&perpage=${chunk}`, pages[0])!;
      const xml = await (await fetch(url, { method: "POST", body: "col=1" })).text();
      for (const m of xml.matchAll(/href="([^"]+art_\d+_\d+\.html)"/g)) items.add(normalizeUrl(m[1], url)!);
      proxied.push(url);
    }
    for (const n of next) {
      const u = normalizeUrl(n)!;
      if (!pages.includes(u)) pages.push(u);
    }
  }
  return { pages: [...pages, ...proxied], items: [...items] };
}

let site: DemoSite;
beforeAll(async () => {
  site = await startDemoSite({ now: NOW });
});
afterAll(async () => {
  await site?.close();
});

describe("demo site: shape and config", () => {
  it("serves both hosts on loopback and gives a valid config naming all 13 statutory columns", async () => {
    expect(site.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(site.externalBaseUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/$/);
    const cfg = ConfigSchema.parse(site.config);
    expect(cfg.crawl.requestTimeoutSecs).toBe(3);
    expect(cfg.crawl.retries).toBe(2);
    expect(cfg.crawl.concurrency).toBe(4);
    const names = cfg.columns.map((c) => c.name);
    for (const n of ["政策文件", "政策解读", "通知公告", "工作动态", "规划计划", "行政执法公示", "双随机一公开", "人事信息", "财政预决算", "办事指南", "政府信息公开年报", "政府信息公开指南", "机构职能"])
      expect(names).toContain(n);
    expect(new Set(cfg.columns.map((c) => c.maintainer.department)).size).toBeGreaterThanOrEqual(4);
    for (const c of cfg.columns) expect(c.maintainer.email).toMatch(/@example\.invalid$/);
    expect(site.manifest.pageCount).toBeGreaterThan(300);
    const home = await get(site.baseUrl);
    expect(home.status).toBe(200);
    expect(home.text).toContain("上海市嘉定区市场监督管理局");
  });

  it("every column paginates as the manifest says, and lists the number of items it says", async () => {
    for (const col of site.manifest.columns) {
      if (col.type === "page" || col.type === "catalogue") {
        expect((await get(col.url)).status).toBe(200);
        continue;
      }
      const { pages, items } = await listedItems(site, col.id);
      expect(pages.length, col.id).toBe(col.listPages);
      expect(items.length, col.id).toBe(col.items);
      for (const s of col.sampleItems ?? []) expect(items, col.id).toContain(s.url);
    }
  });

  it("holds no address outside loopback and .invalid anywhere on the site", () => {
    const m = generateSite({ now: NOW, baseUrl: "http://127.0.0.1:8080/", externalBaseUrl: "http://127.0.0.2:8081/" });
    const hosts = new Set<string>();
    for (const p of m.paths()) {
      const r = m.resolve("main", p);
      const text = decode(r.body, r.headers["content-type"] ?? "");
      for (const mm of text.matchAll(/(?:href|src|action)=["']?(?:https?:)?\/\/([^/"'\s<>]+)/g)) hosts.add(mm[1]);
      expect(text).not.toMatch(/\b(10\.\d+\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|192\.168\.\d+\.\d+)\b/);
    }
    expect(hosts).toContain("127.0.0.2:8081");
    expect([...hosts].some((h) => h.endsWith(".invalid"))).toBe(true);
    for (const h of hosts) expect(h, h).toMatch(/^(127\.0\.0\.[12](:\d+)?|[a-z0-9.-]+\.invalid(:\d+)?)$/i);
    expect(m.paths().length).toBeGreaterThan(300);
  });

  it.each([false, true])("every link on every page is in the manifest: healthy, planted, flaky, robots-disallowed, trap or must-not-report (jsColumn: %s)", (jsColumn) => {
    const base = "http://127.0.0.1:8080/";
    const m = generateSite({ now: NOW, baseUrl: base, externalBaseUrl: "http://127.0.0.2:8081/", jsColumn });
    const man = m.manifest;
    const known = new Set<string>([
      ...man.healthyTargets,
      ...man.planted.flatMap((p) => (p.targetUrl ? [p.targetUrl] : [])),
      ...man.flakyTargets.map((f) => f.url),
      ...man.robotsDisallowed,
      ...man.mustNotReport.flatMap((x) => (x.targetUrl ? [x.targetUrl] : [])),
    ]);
    const unknown = new Set<string>();
    let pages = 0;
    let links = 0;
    let withBase = 0;
    for (const p of m.paths()) {
      const r = m.resolve("main", p);
      if (r.status !== 200 || !/text\/html/.test(r.headers["content-type"] ?? "")) continue;
      pages++;
      const pageUrl = normalizeUrl(p, base)!;
      const $ = cheerio.load(decode(r.body, r.headers["content-type"]).replace(/<!\[CDATA\[|\]\]>/g, "").replace(/<script type="text\/xml">|<\/datastore><\/script>/g, ""));
      const baseHref = $("base[href]").attr("href");
      if (baseHref) withBase++;
      const resolveBase = baseHref ? new URL(baseHref, pageUrl).href : pageUrl;
      $("a[href], link[href], img[src], script[src], iframe[src], video[src]").each((_, el) => {
        const raw = $(el).attr("href") ?? $(el).attr("src")!;
        if (/^\s*(mailto|tel|javascript):/i.test(raw)) return;
        const u = normalizeUrl(raw, resolveBase);
        if (!u || u === pageUrl || u.startsWith(man.trapPrefix)) return;
        links++;
        if (!known.has(u)) unknown.add(`${u} (on ${p})`);
      });
    }
    expect([...unknown]).toEqual([]);
    expect(pages).toBeGreaterThan(300);
    expect(links).toBeGreaterThan(pages * 20);
    expect(withBase).toBeGreaterThan(0);
  });
});

describe("demo site: planted link defects really fail", () => {
  it("every link defect stands on its page with its link text and target", async () => {
    const linkCases = site.manifest.planted.filter((x) => x.targetUrl);
    expect(linkCases.length, "the manifest plants link defects").toBeGreaterThan(0);
    for (const p of linkCases) {
      const page = await get(p.pageUrl);
      expect(page.status, p.pageUrl).toBe(200);
      const links = linksOf(page.text, p.pageUrl);
      // A missing-anchor target keeps its #fragment; the link's URL is the page it points at.
      expect(links.some((l) => l.url === normalizeUrl(p.targetUrl!) && l.text === p.linkText), `${p.reason}: ${p.linkText} → ${p.targetUrl} on ${p.pageUrl}`).toBe(true);
    }
  });

  /** The planted link cases of a reason; a loop over none would prove nothing, so there must be at least one. */
  const planted = (reason: string) => {
    const cases = site.manifest.planted.filter((x) => x.reason === reason && x.targetUrl);
    expect(cases.length, `the manifest plants at least one ${reason} link`).toBeGreaterThan(0);
    return cases;
  };

  it("http-404 targets answer 404; http-5xx targets keep failing with 5xx", async () => {
    expect(planted("http-404").length).toBeGreaterThanOrEqual(2);
    for (const p of planted("http-404")) expect((await get(p.targetUrl!)).status, p.targetUrl).toBe(404);
    expect(planted("http-5xx").length).toBeGreaterThanOrEqual(1);
    for (const p of planted("http-5xx")) {
      for (let i = 0; i < 3; i++) {
        const r = await get(p.targetUrl!);
        expect(r.status, p.targetUrl).toBeGreaterThanOrEqual(500);
      }
    }
  });

  it("timeout targets never answer (aborted after 2 s)", async () => {
    const targets = planted("timeout");
    expect(targets.length).toBeGreaterThanOrEqual(1);
    for (const p of targets) {
      await expect(get(p.targetUrl!, { timeoutMs: 2000 })).rejects.toThrow(/abort|timeout/i);
      const path = new URL(p.targetUrl!).pathname;
      expect(site.requests.some((r) => r.path === path && r.status === 0)).toBe(true);
    }
  });

  it("dns targets are under .invalid and do not resolve; connection targets are refused", async () => {
    for (const p of planted("dns")) {
      const host = new URL(p.targetUrl!).hostname;
      expect(host).toMatch(/\.invalid$/);
      await expect(lookup(host)).rejects.toThrow();
    }
    for (const p of planted("connection")) {
      const u = new URL(p.targetUrl!);
      expect(u.hostname).toMatch(/^127\./);
      const code = await new Promise<string>((resolve) => {
        const req = http.get(u, () => resolve("answered"));
        req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
        req.setTimeout(2000, () => (req.destroy(), resolve("timeout")));
      });
      expect(code).toBe("ECONNREFUSED");
    }
    expect(planted("dns").length + planted("connection").length).toBeGreaterThanOrEqual(2);
  });

  it("soft-404 targets answer 200 with the error text; redirect-to-error goes 302 to a 200 error page", async () => {
    const text = site.manifest.softNotFoundText!;
    expect(text).toContain("对不起，您访问的页面不存在或已被删除");
    for (const p of planted("soft-404")) {
      const r = await get(p.targetUrl!);
      expect(r.status).toBe(200);
      expect(r.text).toContain(text);
    }
    for (const p of planted("redirect-to-error")) {
      const hop = await get(p.targetUrl!, { redirect: "manual" });
      expect(hop.status).toBe(302);
      const to = new URL(hop.headers.get("location")!, p.targetUrl!).href;
      expect(to).toBe(`${site.baseUrl}404.html`);
      const end = await get(to);
      expect(end.status).toBe(200);
      expect(end.text).toContain(text);
    }
    // A page that never existed answers the same way (what a crawler probing the site's error page sees).
    const probe = await get(`${site.baseUrl}xxgk/no-such-page-${Date.now()}.html`);
    expect(probe.status).toBe(200);
    expect(probe.text).toContain(text);
  });

  it("empty-file targets answer 200 with 0 bytes", async () => {
    for (const p of planted("empty-file")) {
      const r = await get(p.targetUrl!);
      expect(r.status).toBe(200);
      expect(r.body.length).toBe(0);
      expect(r.headers.get("content-length")).toBe("0");
    }
  });

  it("redirect-to-home goes to the home page; title-mismatch opens another year's report", async () => {
    for (const p of planted("redirect-to-home")) {
      const hop = await get(p.targetUrl!, { redirect: "manual" });
      expect(hop.status).toBe(302);
      expect(new URL(hop.headers.get("location")!, p.targetUrl!).href).toBe(site.baseUrl);
    }
    const [tm] = planted("title-mismatch");
    const promised = /(\d{4})年/.exec(tm.linkText!)![1];
    const target = await get(tm.targetUrl!);
    expect(target.status).toBe(200);
    const title = cheerio.load(target.text)("title").text();
    expect(title).toContain("政府信息公开工作年度报告");
    expect(title).not.toContain(`${promised}年`);
    expect(title).toContain(`${tm.evidenceIncludes![0]}年`);
  });
});

describe("demo site: content defects are really on the pages", () => {
  /** The planted cases of a reason; a loop over none would prove nothing, so there must be at least one. */
  const one = (reason: string) => {
    const cases = site.manifest.planted.filter((p) => p.reason === reason);
    expect(cases.length, `the manifest plants at least one ${reason} case`).toBeGreaterThan(0);
    return cases;
  };

  it("misfiled: breadcrumb and metadata mismatches; content mismatches with agreeing labels", async () => {
    const [bc] = one("breadcrumb-mismatch");
    const bcPage = (await get(bc.pageUrl)).text;
    expect(crumbText(bcPage)).toContain("工作动态");
    expect(crumbText(bcPage)).not.toContain("通知公告");
    expect(metaOf(bcPage, "ColumnName")).toBeUndefined();
    const { items: notices } = await listedItems(site, "tzgg");
    expect(notices).toContain(bc.pageUrl);

    const [md] = one("metadata-mismatch");
    const mdPage = (await get(md.pageUrl)).text;
    expect(metaOf(mdPage, "ColumnName")).toBe("财政预决算");
    expect(crumbText(mdPage)).toContain("人事信息");

    const [news, penalty] = one("content-mismatch");
    const newsPage = (await get(news.pageUrl)).text;
    expect(crumbText(newsPage)).toContain("政策文件");
    expect(metaOf(newsPage, "ColumnName")).toBe("政策文件");
    expect(newsPage).toMatch(/发文字号：<\/td><td><\/td>/);
    expect(newsPage).toContain("近日");
    const penaltyPage = (await get(penalty.pageUrl)).text;
    expect(crumbText(penaltyPage)).toContain("通知公告");
    expect(metaOf(penaltyPage, "ColumnName")).toBe("通知公告");
    expect(penaltyPage).toContain("行政处罚决定书");
    expect(penaltyPage).toContain("当事人");
  });

  it("stale guides: outdated, citing repealed rules, missing elements; healthy guides and look-alikes are fine", async () => {
    const guideDate = (html: string) => Math.max(...datesIn(cheerio.load(html)(".info").text()));
    const elements = ["事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程"];
    for (const p of one("outdated")) expect(ageDays(guideDate((await get(p.pageUrl)).text))).toBeGreaterThan(365);
    for (const p of one("repealed-law")) {
      const html = (await get(p.pageUrl)).text;
      const cited = [...html.matchAll(/《([^》]+)》/g)].map((m) => m[1]);
      expect(cited.some((c) => c.endsWith(p.evidenceIncludes![0]) && REPEALED.some((r) => r.endsWith(c) || c.endsWith(r)))).toBe(true);
      expect(ageDays(guideDate(html))).toBeLessThan(365);
    }
    for (const p of one("missing-elements")) {
      const text = cheerio.load((await get(p.pageUrl)).text)(".pages_content").text();
      for (const e of p.evidenceIncludes!) expect(text).not.toContain(e);
      for (const e of elements.filter((x) => !p.evidenceIncludes!.includes(x))) expect(text).toContain(e);
    }
    const healthy = site.manifest.mustNotReport.filter((m) => m.kind === "stale-guide" && m.pageUrl);
    expect(healthy.length).toBeGreaterThanOrEqual(5);
    for (const m of healthy) {
      const html = (await get(m.pageUrl!)).text;
      const cited = [...html.matchAll(/《([^》]+)》/g)].map((x) => x[1].replace(/^中华人民共和国/, ""));
      for (const r of REPEALED) expect(cited, m.pageUrl).not.toContain(r.replace(/^中华人民共和国/, ""));
      expect(ageDays(guideDate(html))).toBeLessThan(365);
      const text = cheerio.load(html)(".pages_content").text();
      if (!/synonyms/.test(m.note)) for (const e of elements) expect(text, `${m.pageUrl} ${e}`).toContain(e);
    }
    const lookAlikes = healthy.map((m) => m.note).join(" ");
    expect(lookAlikes).toContain("食品经营许可和备案管理办法");
    expect(lookAlikes).toContain("促进个体工商户发展条例");
    expect(lookAlikes).toContain("市场主体登记管理条例");
  });

  it("stale and empty columns; the up-to-date columns are up to date by their type's threshold", async () => {
    const newestOn = async (columnId: string) => {
      const col = site.manifest.columns.find((c) => c.id === columnId)!;
      const html = (await get(col.url)).text;
      const list = html.slice(html.indexOf('<div class="right">') > 0 ? html.indexOf('<div class="right">') : 0);
      return Math.max(...datesIn(list.replace(/<div class="footer">[\s\S]*/, "")));
    };
    for (const p of one("not-updated")) {
      const col = site.config.columns.find((c) => c.id === p.columnId)!;
      const limit = col.updateWithinDays ?? DEFAULT_UPDATE_WITHIN_DAYS[col.type as ColumnType]!;
      expect(ageDays(await newestOn(p.columnId))).toBeGreaterThan(limit);
    }
    for (const p of one("empty")) {
      const html = (await get(p.pageUrl)).text;
      expect(html).toContain("暂无信息");
      expect(datesIn(cheerio.load(html)(".right").text())).toEqual([]);
    }
    const upToDate = site.manifest.mustNotReport.filter((x) => x.kind === "stale-column");
    expect(upToDate.length, "the manifest names up-to-date columns").toBeGreaterThan(0);
    for (const m of upToDate) {
      const col = site.config.columns.find((c) => site.manifest.columns.find((mc) => mc.id === c.id)!.url === m.pageUrl)!;
      const limit = col.updateWithinDays ?? DEFAULT_UPDATE_WITHIN_DAYS[col.type as ColumnType]!;
      expect(ageDays(await newestOn(col.id)), col.id).toBeLessThanOrEqual(limit);
    }
    // The annual-report column holds last year's report.
    const reports = (await get(site.manifest.columns.find((c) => c.id === "ndbg")!.url)).text;
    expect(reports).toContain(`${NOW.getUTCFullYear() - 1}年政府信息公开工作年度报告`);
  });

  it("missing-interpretation: no 解读 links to or names the planted document; the others have one", async () => {
    const { items: interps } = await listedItems(site, "zcjd");
    const interpPages = await Promise.all(interps.map(async (u) => ({ url: u, text: (await get(u)).text })));
    const forms = interpPages.map((p) => cheerio.load(p.text)("h1").text()).join(" ");
    for (const f of ["图解", "一图读懂", "视频"]) expect(forms).toContain(f);
    const innerTitle = async (url: string) => /《([^》]+)》/.exec(cheerio.load((await get(url)).text)("h1").text())![1];
    const covered = async (url: string) => {
      const inner = await innerTitle(url);
      return interpPages.some((p) => linksOf(p.text, p.url).some((l) => l.url === url) || p.text.includes(`《${inner}》`));
    };
    const [missing] = site.manifest.planted.filter((p) => p.kind === "missing-interpretation");
    expect(await covered(missing.pageUrl)).toBe(false);
    const recent = site.manifest.mustNotReport.filter((m) => m.kind === "missing-interpretation" && /recent/.test(m.note));
    expect(recent.length).toBeGreaterThanOrEqual(5);
    for (const m of recent) expect(await covered(m.pageUrl!), m.pageUrl).toBe(true);
    // Some 解读 only name their document without linking it.
    const namedOnly = interpPages.filter((p) => !linksOf(p.text, p.url).some((l) => /\/xxgk\/zcwj\/\d{6}\/t/.test(l.url ?? "")));
    expect(namedOnly.length).toBeGreaterThan(0);
  });
});

describe("demo site: what must not be reported really works", () => {
  it("every healthy target answers 200 to GET", async () => {
    const targets = site.manifest.healthyTargets;
    expect(targets.length).toBeGreaterThan(300);
    const bad: string[] = [];
    for (let i = 0; i < targets.length; i += 8) {
      await Promise.all(
        targets.slice(i, i + 8).map(async (u) => {
          const r = await get(u);
          if (r.status !== 200) bad.push(`${r.status} ${u}`);
        }),
      );
    }
    expect(bad).toEqual([]);
  });

  it("flaky targets misbehave as described at first and succeed on GET with retries", async () => {
    site.resetCounters();
    const kinds = new Set(site.manifest.flakyTargets.map((f) => f.behaviour));
    for (const k of ["503-once", "429-retry-after", "head-405", "head-refused"] as const) expect(kinds).toContain(k);
    for (const f of site.manifest.flakyTargets) {
      switch (f.behaviour) {
        case "503-once":
          expect((await get(f.url)).status).toBe(503);
          expect((await get(f.url)).status).toBe(200);
          break;
        case "429-retry-after": {
          const first = await get(f.url);
          expect(first.status).toBe(429);
          expect(first.headers.get("retry-after")).toBe("1");
          expect((await getWithRetries(f.url)).status).toBe(200);
          break;
        }
        case "head-405":
          expect((await get(f.url, { method: "HEAD" })).status).toBe(405);
          expect((await get(f.url)).status).toBe(200);
          break;
        case "head-refused":
          await expect(get(f.url, { method: "HEAD" })).rejects.toThrow();
          expect((await get(f.url)).status).toBe(200);
          break;
      }
    }
    // resetCounters re-arms them.
    site.resetCounters();
    const once = site.manifest.flakyTargets.find((f) => f.behaviour === "503-once")!;
    expect((await get(once.url)).status).toBe(503);
    expect((await getWithRetries(once.url)).status).toBe(200);
  });

  it("must-not-report http targets succeed on GET; the pages holding them are healthy", async () => {
    const targets = site.manifest.mustNotReport.map((m) => m.targetUrl).filter((u): u is string => !!u && /^https?:/.test(u));
    expect(targets.length).toBeGreaterThan(5);
    for (const u of targets) expect((await getWithRetries(u)).status, u).toBe(200);
    for (const m of site.manifest.mustNotReport.filter((x) => x.pageUrl)) expect((await get(m.pageUrl!)).status, m.pageUrl).toBe(200);
  });

  it("the unencoded-Chinese href, scheme links and #top anchors are on the pages as described", async () => {
    const chinese = site.manifest.mustNotReport.find((m) => /unencoded/.test(m.note))!;
    const holder = site.manifest.columns.find((c) => c.id === "czyjs")!.sampleItems![0].url;
    const html = (await get(holder)).text;
    const raw = linksOf(html, holder).find((l) => l.url === chinese.targetUrl)!.raw;
    expect(raw).toMatch(/[\u4e00-\u9fff]/);
    expect((await get(chinese.targetUrl!)).body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(html).toContain('href="#top"');
    expect(html).toContain('id="top"');
    for (const s of ["mailto:", "tel:", "javascript:"]) expect(html).toContain(`href="${s}`);
    const guide = (await get(`${site.baseUrl}xxgk/xxgkzn/index.html`)).text;
    expect(guide).toContain('href="#gkfs"');
    expect(guide).toContain('id="gkfs"');
    expect((await get(`${site.baseUrl}xxgk/jgzn/index.html`)).text).toContain('id="ldxx"');
  });
});

describe("demo site: charset, robots, trap", () => {
  it("the GBK column is GBK bytes with the charset only in <meta>", async () => {
    const col = site.manifest.columns.find((c) => c.charset === "gbk")!;
    expect(col).toBeDefined();
    for (const url of [col.url, ...col.sampleItems!.map((s) => s.url)]) {
      const res = await fetch(url);
      expect(res.headers.get("content-type")).toBe("text/html");
      const body = Buffer.from(await res.arrayBuffer());
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(body)).toThrow();
      expect(body.subarray(0, 400).toString("latin1")).toMatch(/<meta[^>]+charset="?gbk/i);
      const text = iconv.decode(body, "gbk");
      expect(text).toContain("行政执法公示");
      expect(text).not.toContain("\ufffd");
    }
    const list = iconv.decode(Buffer.from(await (await fetch(col.url)).arrayBuffer()), "gbk");
    for (const s of col.sampleItems!) {
      expect(s.title).toMatch(/[\u4e00-\u9fff]/);
      expect(list).toContain(s.title.length > 30 ? s.title.slice(0, 28) : s.title);
      expect(iconv.decode(Buffer.from(await (await fetch(s.url)).arrayBuffer()), "gbk")).toContain(`<h1 class="title">${s.title}</h1>`);
    }
  });

  it("robots.txt disallows exactly the manifest's robotsDisallowed links, which the pages do link to", async () => {
    const robotsUrl = `${site.baseUrl}robots.txt`;
    const robots = robotsParser(robotsUrl, (await get(robotsUrl)).text);
    expect(site.manifest.robotsDisallowed.length).toBeGreaterThanOrEqual(2);
    for (const u of site.manifest.robotsDisallowed) expect(robots.isAllowed(u, "gongkai"), u).toBe(false);
    for (const u of site.manifest.healthyTargets.filter((x) => x.startsWith(site.baseUrl))) expect(robots.isAllowed(u, "gongkai"), u).toBe(true);
    const home = (await get(site.baseUrl)).text;
    expect(linksOf(home, site.baseUrl).map((l) => l.url)).toContain(site.manifest.robotsDisallowed[0]);
    const sjgk = site.manifest.columns.find((c) => c.id === "sjgk")!.sampleItems!;
    const printLinks = (await Promise.all(sjgk.map(async (s) => linksOf((await get(s.url)).text, s.url).map((l) => l.url)))).flat();
    for (const u of site.manifest.robotsDisallowed.filter((x) => x.includes("/print/"))) expect(printLinks).toContain(u);
  });

  it("the calendar trap links onward without end, inside a type-other column", async () => {
    const trap = site.manifest.trapPrefix;
    const col = site.config.columns.find((c) => trap.startsWith(new URL(".", c.url).href))!;
    expect(col.type).toBe("other");
    const entry = linksOf((await get(col.url)).text, col.url).find((l) => l.url?.startsWith(trap))!;
    expect(entry).toBeDefined();
    const seen = new Set<string>();
    let url = entry.url!;
    for (let hop = 0; hop < 50; hop++) {
      expect(url.startsWith(trap)).toBe(true);
      expect(seen.has(url)).toBe(false);
      seen.add(url);
      const r = await get(url);
      expect(r.status).toBe(200);
      const links = linksOf(r.text, url).filter((l) => l.url?.startsWith(trap));
      expect(links.length).toBeGreaterThan(28); // next/prev month and year, plus every day
      url = links.find((l) => l.text === "下一月")!.url!;
    }
  });
});

describe("demo site: the opt-in javascript column", () => {
  it("lists nothing in plain HTML, lists its items in Chromium from the JSON API, and holds its planted defect", async () => {
    const js = await startDemoSite({ now: NOW, jsColumn: true });
    const { chromium } = await import("playwright");
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
    try {
      const cfgCol = ConfigSchema.parse(js.config).columns.find((c) => c.javascript)!;
      expect(cfgCol.url).toMatch(/\/gkmlpt\/index#\d+$/);
      const col = js.manifest.columns.find((c) => c.id === cfgCol.id)!;
      // Without a browser the list page holds no item links: a crawler reading only <a> tags sees an empty column.
      const shell = await get(cfgCol.url);
      expect(linksOf(shell.text, col.url).filter((l) => l.url?.includes("/gkmlpt/content/"))).toEqual([]);
      const page = await browser.newPage();
      const seen: string[] = [];
      let url: string | undefined = cfgCol.url;
      let pages = 0;
      while (url) {
        await page.goto(url);
        await page.waitForSelector("#gkmlpt-list ul");
        pages++;
        seen.push(...(await page.$$eval("#gkmlpt-list li a", (as) => as.map((a) => (a as HTMLAnchorElement).href))));
        url = await page.$eval("#gkmlpt-pager", (p) => (p.querySelector("a") as HTMLAnchorElement | null)?.href);
      }
      expect(pages).toBe(col.listPages);
      expect(seen.length).toBe(col.items);
      const planted = js.manifest.planted.find((p) => p.columnId === col.id)!;
      expect(seen.map((u) => normalizeUrl(u))).toContain(planted.pageUrl);
      expect((await get(planted.targetUrl!)).status).toBe(404);
      for (const u of seen.slice(0, 3)) expect((await get(u)).status).toBe(200);
    } finally {
      await browser.close();
      await js.close();
    }
  });
});

describe("demo site: counters, overrides, big sites, determinism", () => {
  it("records every request per host, tracks in-flight maxima, and overrides resources until restored", async () => {
    site.resetCounters();
    const host = new URL(site.baseUrl).host;
    const target = site.manifest.columns[0].sampleItems![0].url;
    await Promise.all(Array.from({ length: 6 }, () => get(target)));
    await get(`${site.externalBaseUrl}zwgk/index.html`);
    expect(site.requests.filter((r) => r.host === host && r.method === "GET" && r.status === 200).length).toBe(6);
    expect(site.requests.some((r) => r.host === new URL(site.externalBaseUrl).host)).toBe(true);
    expect(site.maxInFlight(host)).toBeGreaterThanOrEqual(1);
    expect(site.maxInFlight(host)).toBeLessThanOrEqual(6);
    const path = new URL(target).pathname;
    site.override(path, { status: 404, body: "gone" });
    expect((await get(target)).status).toBe(404);
    site.override(path, { status: 200, body: "<html><title>新</title></html>" });
    expect((await get(target)).text).toContain("新");
    site.override(path, null);
    const back = await get(target);
    expect(back.status).toBe(200);
    expect(back.text).toContain(site.manifest.columns[0].sampleItems![0].title.slice(0, 10));
  });

  it("writes its config to a file the schema accepts", async () => {
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const file = `${mkdtempSync(`${tmpdir()}/gongkai-demo-`)}/config.json`;
    site.writeConfig(file);
    expect(ConfigSchema.safeParse(JSON.parse(readFileSync(file, "utf8"))).success).toBe(true);
  });

  it("a numeric size serves 20,000+ pages on demand with ETag/Last-Modified and 304s", async () => {
    const big = await startDemoSite({ now: NOW, size: 20_000, latencyMs: 5 });
    try {
      expect(big.manifest.pageCount).toBeGreaterThanOrEqual(20_000);
      const news = big.manifest.columns.find((c) => c.id === "gzdt")!;
      expect(news.items).toBeGreaterThan(3000);
      // The last list page of a column, and an item far down it.
      const { items: firstPage } = await listedItemsOf(big, news.url);
      expect(firstPage.length).toBe(15);
      const lastPage = `${news.url}?uid=5001&pageNum=${news.listPages}`;
      const last = await get(lastPage);
      expect(last.status).toBe(200);
      const farItems = (await listedItemsOf(big, lastPage)).items;
      expect(farItems.length).toBeGreaterThan(0);
      for (const u of [lastPage, farItems[farItems.length - 1], big.manifest.columns.find((c) => c.id === "zcwj")!.url]) {
        const r = await get(u);
        expect(r.status, u).toBe(200);
        const etag = r.headers.get("etag")!;
        expect(etag).toMatch(/^"[0-9a-f]+"$/);
        expect((await get(u, { headers: { "if-none-match": etag } })).status).toBe(304);
        const lm = r.headers.get("last-modified");
        if (lm) expect((await get(u, { headers: { "if-modified-since": lm } })).status).toBe(304);
      }
      // Links: far more than 100,000 on the whole site (about 60 per page, shared navigation included).
      const sample = await get(farItems[0]);
      expect(linksOf(sample.text, farItems[0]).length * big.manifest.pageCount).toBeGreaterThan(100_000);
      expect(big.manifest.planted.length).toBe(site.manifest.planted.length);
    } finally {
      await big.close();
    }
  });

  it("is deterministic for a given now, and dates move with now", () => {
    const opts = { baseUrl: "http://127.0.0.1:8080/", externalBaseUrl: "http://127.0.0.2:8081/" };
    const a = generateSite({ ...opts, now: NOW });
    const b = generateSite({ ...opts, now: new Date(NOW) });
    expect(JSON.stringify(b.manifest)).toBe(JSON.stringify(a.manifest));
    expect(JSON.stringify(b.config)).toBe(JSON.stringify(a.config));
    const digest = (m: typeof a) => {
      const h = createHash("sha1");
      for (const p of m.paths()) h.update(p).update(m.resolve("main", p).body);
      return h.digest("hex");
    };
    expect(digest(b)).toBe(digest(a));
    const later = generateSite({ ...opts, now: new Date(NOW.getTime() + 40 * DAY) });
    expect(later.manifest.columns[0].sampleItems![0].date).not.toBe(a.manifest.columns[0].sampleItems![0].date);
    expect(later.manifest.planted.map((p) => `${p.kind}/${p.reason}`)).toEqual(a.manifest.planted.map((p) => `${p.kind}/${p.reason}`));
  });
});

async function listedItemsOf(s: DemoSite, url: string): Promise<{ items: string[] }> {
  const page = await get(url);
  const html = page.text.replace(/<!\[CDATA\[|\]\]>/g, "").replace(/<script type="text\/xml">|<\/datastore><\/script>/g, "");
  const items = linksOf(html, url)
    .map((l) => l.url)
    .filter((u): u is string => !!u && /\/art_\d+_\d+\.html$/.test(u));
  void s;
  return { items: [...new Set(items)] };
}
