/// <reference types="chrome" />
// The built extension in Debian's Chromium, driven as a maintainer would use it: fill the options page, browse the
// monitored site, read the marks, tooltips and banners, acknowledge from the popup. The findings live in a real
// SQLite store behind a real `startServer`; the site is a small loopback website (127.0.0.1, and 127.0.0.2 as
// another website). The real toolbar popup cannot be opened headless, so popup.html is opened in a tab with
// ?url=PAGE, which shows that page's findings exactly as the popup does for the active tab.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page, Worker } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXTENSION_ID, startServer, type RunningServer } from "../../crawler/serve/server.js";
import type { Store } from "../../crawler/store/types.js";
import type { FindingDraft } from "../../shared/schema.js";
import { translatorFrom, type MessagesJson, type Translate } from "../../extension/lib/i18n.js";
import { configure, ensureExtensionBuilt, launchWithExtension, patchedBuild, screenshotPath, startLoopbackSite, type LoopbackSite } from "./extension-helpers.js";
import { DEPT_OFFICE, DEPT_REG, TOKENS, maintainers, seedStore } from "./serve-helpers.js";

const zh: Translate = translatorFrom(JSON.parse(readFileSync(path.resolve("extension/locales/zh_CN/messages.json"), "utf8")) as MessagesJson);
const en: Translate = translatorFrom(JSON.parse(readFileSync(path.resolve("extension/locales/en/messages.json"), "utf8")) as MessagesJson);

const EVIL_TEXT = "<img src=x onerror=window.__pwned=1>";
const DETAIL = "/xxgk/zcwj/202403/t20240315_1001.html";
const CLEAN = "/xxgk/zcwj/202402/t20240201_1000.html";
const COLUMN = "/xxgk/zcwj/index.html";
const GUIDE = "/xxgk/bszn/202101/t20210105_2001.html";
const BIG = "/perf/big.html";
const BIG_LINKS = 3000;
const BIG_FINDINGS = 300;

const layout = (title: string, body: string, head = "") => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>
<meta name="SiteName" content="上海市嘉定区市场监督管理局"><meta name="ColumnName" content="政策文件">
<style>body{font:15px/1.7 "Noto Sans CJK SC",sans-serif;margin:0}.top{background:#b71c1c;color:#fff;padding:10px 24px;font-size:20px}
.main{max-width:900px;margin:0 auto;padding:8px 24px}.crumb{color:#666;font-size:13px}a{color:#1a4f9c}</style>${head}</head>
<body><div class="top">上海市嘉定区市场监督管理局 · 政府信息公开</div><div class="main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; <a href="${COLUMN}">政策文件</a></div>
${body}</div>
<script>window.__initialHTML = document.documentElement.outerHTML;</script></body></html>`;

function pages(): Record<string, string> {
  const big = Array.from({ length: BIG_LINKS }, (_, i) => `<li><a href="/perf/item-${i}.html">第${i}条信息</a></li>`).join("\n");
  return {
    [DETAIL]: layout(
      "关于印发《嘉定区市场监管领域实施细则》的通知",
      `<h1>关于印发《嘉定区市场监管领域实施细则》的通知</h1>
<table class="meta"><tr><td>索引号：11310114MB2F0123XK/2024-00012</td><td>发文字号：嘉市监规〔2024〕3号</td></tr></table>
<p>各科室、各市场监管所：现将《嘉定区市场监管领域实施细则》印发给你们，请认真贯彻执行。</p>
<p>附件：<a id="att1" href="/files/2024/attachment-1.pdf">附件1：实施细则</a></p>
<p>相关报告：<a id="report" href="../../fgwj/2023/report.html">2024年度报告</a></p>
<p>上一篇：<a id="ok" href="${CLEAN}">关于开展2024年度检查的通知</a></p>
<p>示意图：<img id="chart" src="/images/missing-chart.png" alt="示意图" width="160" height="40"></p>
<p>网友留言：<a id="evil" href="/files/evil.html">&lt;img src=x onerror=window.__pwned=1&gt;</a></p>
<div id="later"></div>
<script>setTimeout(() => { const a = document.createElement("a"); a.id = "later-link"; a.href = "/files/later.pdf";
a.textContent = "稍后加载的附件"; document.getElementById("later").append("附件2：", a);
window.__initialHTML = document.documentElement.outerHTML; }, 1500);</script>`,
    ),
    [CLEAN]: layout("关于开展2024年度检查的通知", `<h1>关于开展2024年度检查的通知</h1><p>正文。</p><p><a href="/files/2024/attachment-ok.pdf">附件：检查表</a></p>`),
    [COLUMN]: layout(
      "政策文件",
      `<h1>政策文件</h1><ul><li><a href="${DETAIL}">关于印发《嘉定区市场监管领域实施细则》的通知</a> <span>2024-03-15</span></li>
<li><a href="${CLEAN}">关于开展2024年度检查的通知</a> <span>2024-02-01</span></li></ul>`,
    ),
    // The guide page's own CSS tries to hide and restyle everything: the overlay must stay readable.
    [GUIDE]: layout(
      "企业设立登记办事指南",
      `<h1>企业设立登记办事指南</h1><p>设定依据：《中华人民共和国公司登记管理条例》</p><p>更新时间：2021-01-05</p>`,
      `<style>gongkai-overlay{display:none!important;opacity:0!important} *{font-family:serif!important;color:#0a0!important;letter-spacing:3px!important}
div{background:#ff0!important} section{display:none!important}</style>`,
    ),
    [BIG]: layout("信息公开目录", `<h1>信息公开目录</h1><ul id="big">${big}</ul>`),
  };
}

function drafts(site: string, other: string): FindingDraft[] {
  const office = maintainers[DEPT_OFFICE];
  const link = (id: string, target: string, text: string, message: string, extra: Partial<FindingDraft> = {}): FindingDraft => ({
    kind: "broken-link", reason: "http-404", severity: "high", columnId: "zcwj", pageUrl: `${site}${DETAIL}`,
    targetUrl: new URL(target, `${site}${DETAIL}`).href, linkText: text, message, maintainer: office, evidence: { status: 404, id }, ...extra,
  });
  const perf = Array.from({ length: BIG_FINDINGS }, (_, k): FindingDraft => ({
    kind: "broken-link", reason: "http-404", severity: "high", columnId: "gkml", pageUrl: `${site}${BIG}`,
    targetUrl: `${site}/perf/item-${k * 10}.html`, linkText: `第${k * 10}条信息`, message: `链接“第${k * 10}条信息”指向的页面不存在（404）。`,
    maintainer: { department: "信息中心", name: "钱七" }, evidence: {},
  }));
  const later = Array.from({ length: 10 }, (_, k): FindingDraft => ({
    ...perf[0], targetUrl: `${site}/perf/added-${k * 10}.html`, linkText: `新增${k * 10}`, message: "新增链接不存在。",
  }));
  return [
    link("att1", "/files/2024/attachment-1.pdf", "附件1：实施细则", "链接“附件1：实施细则”指向的文件不存在（404）。"),
    link("report", "../../fgwj/2023/report.html", "2024年度报告", "链接文字是“2024年度报告”，打开的却是《2023年度报告》。", {
      kind: "wrong-link", reason: "title-mismatch", severity: "medium",
    }),
    link("chart", "/images/missing-chart.png", "示意图", "图片“示意图”无法显示（404）。"),
    link("evil", "/files/evil.html", EVIL_TEXT, `链接“${EVIL_TEXT}”指向的页面不存在（404）。`),
    link("later", "/files/later.pdf", "稍后加载的附件", "链接“稍后加载的附件”指向的文件不存在（404）。"),
    {
      kind: "stale-column", reason: "not-updated", severity: "high", columnId: "zcwj", pageUrl: `${site}${COLUMN}`,
      message: "栏目“政策文件”最新信息发布于2024-03-15，已超过180天未更新。", maintainer: office, evidence: { newest: "2024-03-15" },
    },
    {
      kind: "stale-guide", reason: "repealed-law", severity: "high", columnId: "bszn", pageUrl: `${site}${GUIDE}`,
      message: "办事指南引用的《中华人民共和国公司登记管理条例》已于2022-03-01废止，由《中华人民共和国市场主体登记管理条例》取代。",
      maintainer: maintainers[DEPT_REG], evidence: { cited: "中华人民共和国公司登记管理条例" },
    },
    // The same page on another website: if the extension ran there, this would be marked.
    { ...link("other", "/files/2024/attachment-1.pdf", "附件1：实施细则", "另一站点的断链。"), pageUrl: `${other}${DETAIL}`, targetUrl: `${other}/files/2024/attachment-1.pdf` },
    ...perf,
    ...later,
  ];
}

let site: LoopbackSite;
let otherSite: LoopbackSite;
let store: Store;
let ids: string[];
let server: RunningServer;
let context: BrowserContext;
let worker: Worker;
let extensionId: string;
const serverLog: string[] = [];
const findingsRequests = () => serverLog.filter((l) => / GET \/api\/findings 200 /.test(l)).length;
const idOf = async (evidenceId: string) => (await store.findings()).find((f) => f.evidence.id === evidenceId)!.id;

beforeAll(async () => {
  ensureExtensionBuilt();
  site = await startLoopbackSite("127.0.0.1", pages);
  otherSite = await startLoopbackSite("127.0.0.2", pages);
  ({ store, ids } = await seedStore(drafts(site.baseUrl, otherSite.baseUrl), {
    site: { name: "上海市嘉定区市场监督管理局", baseUrl: `${site.baseUrl}/` },
    columnNames: { zcwj: "政策文件", bszn: "办事指南", gkml: "信息公开目录" },
    pageTitles: { [`${site.baseUrl}${DETAIL}`]: "关于印发《嘉定区市场监管领域实施细则》的通知" },
  }));
  server = await startServer({ store, tokens: Object.values(TOKENS), port: 0, cacheMs: 0, log: (l) => serverLog.push(l) });
  ({ context, extensionId, worker } = await launchWithExtension("zh_CN"));
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  await store?.close();
  await site?.close();
  await otherSite?.close();
});


const overlayPanel = (page: Page) => page.locator("gongkai-overlay .panel");
const tooltip = (page: Page) => page.locator("gongkai-overlay .tip");

describe("options page", () => {
  it("has the extension's fixed id, so the server's default CORS origin is right", () => {
    expect(extensionId).toBe(EXTENSION_ID);
  });

  it("says clearly what is wrong: bad URL, unreachable server, wrong server, bad token", async () => {
    const page = await context.newPage();
    expect(await configure(page, "ftp://example.invalid", TOKENS.officeMaintainer.token)).toBe(zh("options_err_url"));
    // A port nothing listens on.
    const closed = await startServer({ store, tokens: Object.values(TOKENS), port: 0 });
    await closed.close();
    expect(await configure(page, closed.url, TOKENS.officeMaintainer.token)).toBe(zh("err_unreachable", [closed.url]));
    // Some other web server: the monitored site itself.
    expect(await configure(page, site.baseUrl, TOKENS.officeMaintainer.token)).toBe(zh("err_not_gongkai", [404]));
    expect(await configure(page, server.url, "wrong-token-0123456789")).toBe(zh("err_unauthorized"));
    await page.screenshot({ path: screenshotPath("options-bad-token") });
    expect(await page.locator("#status").getAttribute("data-status")).toBe("error");
    await page.close();
  });

  it("connects with the right token and names the user and the site", async () => {
    const page = await context.newPage();
    const text = await configure(page, `${server.url}/`, TOKENS.officeMaintainer.token);
    expect(text).toBe(zh("options_ok", ["张三", DEPT_OFFICE, `上海市嘉定区市场监督管理局 ${site.baseUrl}/`]));
    await expect.poll(() => page.locator("#running").textContent()).toContain(site.baseUrl);
    await page.screenshot({ path: screenshotPath("options") });
    // Saved as typed (without the trailing slash) and kept after a reload.
    await page.reload();
    await expect.poll(() => page.locator("#server-url").inputValue()).toBe(server.url);
    expect(await page.locator("#token").inputValue()).toBe(TOKENS.officeMaintainer.token);
    await page.close();
  });
});

describe("on the monitored site", () => {
  let detail: Page;

  beforeAll(async () => {
    detail = await context.newPage();
    await detail.goto(`${site.baseUrl}${DETAIL}`);
  });

  it("marks each broken or wrong link with its kind, an outline and a marker; healthy links stay as they were", async () => {
    await detail.locator("#att1[data-gongkai-finding]").waitFor();
    expect(await detail.getAttribute("#att1", "data-gongkai-finding")).toBe("broken-link");
    expect(await detail.getAttribute("#report", "data-gongkai-finding")).toBe("wrong-link");
    expect(await detail.getAttribute("#chart", "data-gongkai-finding")).toBe("broken-link");
    expect(await detail.getAttribute("#evil", "data-gongkai-finding")).toBe("broken-link");
    expect(await detail.getAttribute("#ok", "data-gongkai-finding")).toBeNull();
    expect(await detail.getAttribute("#ok", "style")).toBeNull();
    const outline = await detail.locator("#att1").evaluate((e) => getComputedStyle(e).outlineStyle + " " + getComputedStyle(e).outlineColor);
    expect(outline).toBe("solid rgb(212, 56, 13)");
    expect(await detail.locator("#att1 + gongkai-marker").count()).toBe(1);
    expect(await detail.locator("#ok + gongkai-marker").count()).toBe(0);
    // The crawler-only finding on 127.0.0.2 is not for this page.
    expect(await detail.locator("[data-gongkai-finding]").count()).toBe(4);
  });

  it("marks a link the page adds later", async () => {
    await detail.locator("#later-link[data-gongkai-finding=broken-link]").waitFor({ timeout: 10_000 });
    expect(await detail.locator("#later-link + gongkai-marker").count()).toBe(1);
  });

  it("shows a tooltip on hover: what is wrong, since when, whose column, what to do", async () => {
    await detail.hover("#att1");
    const tip = tooltip(detail);
    await tip.waitFor();
    const text = (await tip.textContent()) ?? "";
    expect(text).toContain(zh("kind_broken_link"));
    expect(text).toContain("链接“附件1：实施细则”指向的文件不存在（404）。");
    expect(text).toContain(zh("tip_link_text", ["附件1：实施细则"]));
    expect(text).toMatch(/发现于 \d{4}-\d{2}-\d{2}（已持续 0 天）/);
    expect(text).toContain(zh("tip_column", ["政策文件"]));
    expect(text).toContain(zh("tip_owner", [DEPT_OFFICE, "张三"]));
    expect(text).toContain(zh("tip_advice", [zh("advice_broken_link")]));
    await detail.screenshot({ path: screenshotPath("broken-links") });
    await detail.mouse.move(5, 700);
    await expect.poll(() => tip.isVisible()).toBe(false);
  });

  it("shows the tooltip on keyboard focus too", async () => {
    await detail.focus("#report");
    const text = (await tooltip(detail).textContent()) ?? "";
    expect(text).toContain(zh("kind_wrong_link"));
    expect(text).toContain("打开的却是《2023年度报告》");
    await detail.locator("#report").blur();
  });

  it("shows crawled text holding HTML as text, never as markup", async () => {
    await detail.hover("#evil");
    const tip = tooltip(detail);
    await tip.waitFor();
    expect(await tip.textContent()).toContain(zh("tip_link_text", [EVIL_TEXT]));
    expect(await tip.locator("img").count()).toBe(0);
    expect(await detail.locator("gongkai-overlay img").count()).toBe(0);
    expect(await detail.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await detail.screenshot({ path: screenshotPath("hostile-text") });
    await detail.mouse.move(5, 700);
  });

  it("summarises the page's link problems in the banner, and can be dismissed and brought back", async () => {
    const panel = overlayPanel(detail);
    await expect.poll(() => panel.textContent()).toContain(zh("banner_links", [5]));
    await panel.locator(".close").click();
    await expect.poll(() => panel.isVisible()).toBe(false);
    const pill = detail.locator("gongkai-overlay .pill");
    expect(await pill.textContent()).toBe(zh("banner_reopen", [5]));
    await pill.click();
    await expect.poll(() => panel.isVisible()).toBe(true);
  });

  it("puts the page's count on the toolbar badge and keeps the token away from the page", async () => {
    const badge = await worker.evaluate(async (url) => {
      const [tab] = await chrome.tabs.query({ url });
      return chrome.action.getBadgeText({ tabId: tab.id });
    }, `${site.baseUrl}${DETAIL}`);
    expect(badge).toBe("5");
    expect(await detail.content()).not.toContain(TOKENS.officeMaintainer.token);
    expect(await detail.evaluate(() => typeof (globalThis as { chrome?: { storage?: unknown } }).chrome?.storage)).toBe("undefined");
  });

  it("shows the stale guide in a banner the site's CSS cannot hide", async () => {
    const page = await context.newPage();
    await page.goto(`${site.baseUrl}${GUIDE}`);
    const panel = overlayPanel(page);
    await panel.waitFor();
    expect(await panel.isVisible()).toBe(true);
    const text = (await panel.textContent()) ?? "";
    expect(text).toContain(zh("banner_title", [1]));
    expect(text).toContain(zh("kind_stale_guide"));
    expect(text).toContain("《中华人民共和国公司登记管理条例》已于2022-03-01废止");
    expect(text).toContain(zh("tip_owner", [DEPT_REG, "赵六"]));
    expect(text).toContain(zh("tip_advice", [zh("advice_stale_guide")]));
    expect(await page.locator("gongkai-overlay [data-kind=stale-guide]").count()).toBe(1);
    const style = await panel.evaluate((e) => ({ bg: getComputedStyle(e).backgroundColor, display: getComputedStyle(e).display, font: getComputedStyle(e).fontFamily }));
    expect(style).toMatchObject({ bg: "rgb(255, 251, 230)", display: "block" });
    expect(style.font).not.toBe("serif");
    await page.screenshot({ path: screenshotPath("guide-banner") });
    await page.close();
  });

  it("shows the stale column on its list page, with the column's other problems", async () => {
    const page = await context.newPage();
    await page.goto(`${site.baseUrl}${COLUMN}`);
    const panel = overlayPanel(page);
    await panel.waitFor();
    const text = (await panel.textContent()) ?? "";
    expect(text).toContain(zh("kind_stale_column"));
    expect(text).toContain("已超过180天未更新");
    expect(text).toContain(zh("banner_column_more", [6]));
    // Its pages are links (http URLs only), written as text.
    const hrefs = await panel.locator(".column-list a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(hrefs).toContain(`${site.baseUrl}${DETAIL}`);
    await page.screenshot({ path: screenshotPath("column-banner") });
    await page.close();
  });

  it("leaves a page without findings exactly as it was", async () => {
    const page = await context.newPage();
    const before = findingsRequests();
    await page.goto(`${site.baseUrl}${CLEAN}`);
    // The content script did ask (a request reached the server), and found nothing to show.
    await expect.poll(findingsRequests, { timeout: 10_000 }).toBeGreaterThan(before);
    await page.waitForTimeout(500);
    expect(await page.locator("gongkai-overlay, gongkai-marker, [data-gongkai-finding]").count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.outerHTML === (window as unknown as { __initialHTML: string }).__initialHTML)).toBe(true);
    await page.close();
  });

  it("does nothing at all on another website (127.0.0.2), even one with findings", async () => {
    const page = await context.newPage();
    const before = findingsRequests();
    await page.goto(`${otherSite.baseUrl}${DETAIL}`);
    await page.waitForTimeout(2500); // the same page on 127.0.0.1 is marked well within this
    expect(findingsRequests()).toBe(before);
    expect(await page.locator("gongkai-overlay, gongkai-marker, [data-gongkai-finding]").count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.outerHTML === (window as unknown as { __initialHTML: string }).__initialHTML)).toBe(true);
    await page.close();
  });

  it("marks 3,000 links with 300 findings, and 100 added later (timings printed, not asserted)", async () => {
    const page = await context.newPage();
    await page.goto(`${site.baseUrl}${BIG}`);
    const host = page.locator("gongkai-overlay");
    await expect.poll(() => host.getAttribute("data-marked"), { timeout: 15_000 }).toBe(String(BIG_FINDINGS));
    const passMs = await host.getAttribute("data-pass-ms");
    await page.evaluate(() => {
      const ul = document.getElementById("big")!;
      const frag = document.createDocumentFragment();
      for (let i = 0; i < 100; i++) {
        const li = document.createElement("li");
        li.innerHTML = `<a href="/perf/added-${i}.html">新增${i}</a>`;
        frag.append(li);
      }
      ul.append(frag);
    });
    await expect.poll(() => host.getAttribute("data-marked")).toBe(String(BIG_FINDINGS + 10));
    const batchMs = await host.getAttribute("data-batch-ms");
    expect(await host.getAttribute("data-batch-links")).toBe("100");
    console.log(`overlay: ${BIG_LINKS} links / ${BIG_FINDINGS} findings marked in ${passMs} ms; 100 added links (10 with findings) in ${batchMs} ms`);
    expect(await page.locator("a[data-gongkai-finding]").count()).toBe(BIG_FINDINGS + 10);
    await page.close();
  });
});

describe("popup", () => {
  let detail: Page;
  let popup: Page;

  beforeAll(async () => {
    detail = await context.newPage();
    await detail.goto(`${site.baseUrl}${DETAIL}`);
    await detail.locator("#att1[data-gongkai-finding]").waitFor();
    popup = await context.newPage();
    await popup.setViewportSize({ width: 440, height: 900 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html?url=${encodeURIComponent(`${site.baseUrl}${DETAIL}`)}`);
  });

  it("lists the page's findings and the department's open findings", async () => {
    const pageSection = popup.locator("#page-findings");
    await pageSection.locator(".finding").first().waitFor();
    expect(await pageSection.locator(".finding").count()).toBe(5);
    expect(await pageSection.locator("h2").textContent()).toContain(zh("popup_page_title"));
    const mine = popup.locator("#mine-findings");
    await mine.locator(".finding").first().waitFor();
    // 办公室: the five links on the detail page, the one on the other website, and the stale column.
    expect(await mine.locator("h2").textContent()).toBe(`${zh("popup_mine_title")} (7)`);
    expect(await popup.locator("header").textContent()).toContain(zh("popup_user", ["张三", DEPT_OFFICE]));
    // Hostile crawled text is text here too.
    expect(await pageSection.textContent()).toContain(EVIL_TEXT);
    expect(await popup.locator("img").count()).toBe(0);
    await popup.screenshot({ path: screenshotPath("popup"), fullPage: true });
  });

  it("acknowledges a finding: the server records who and why, and the mark leaves the page", async () => {
    const id = await idOf("att1");
    const card = popup.locator(`#page-findings .finding[data-finding-id="${id}"]`);
    await card.locator("input").fill("已通知信息中心重新上传附件");
    await card.locator("button[data-action=acknowledged]").click();
    await expect.poll(async () => (await store.finding(id))!.state).toBe("acknowledged");
    expect((await store.finding(id))!.stateBy).toMatchObject({ name: "张三", department: DEPT_OFFICE, note: "已通知信息中心重新上传附件" });
    await expect.poll(() => popup.locator("#status").textContent()).toContain(zh("popup_updated", [`${zh("kind_broken_link")} → ${zh("state_acknowledged")}`]));
    await expect.poll(() => card.getAttribute("data-state")).toBe("acknowledged");
    // The page in the other tab drops the mark (and its marker); the other marks stay.
    await expect.poll(() => detail.getAttribute("#att1", "data-gongkai-finding"), { timeout: 10_000 }).toBeNull();
    expect(await detail.locator("#att1 + gongkai-marker").count()).toBe(0);
    expect(await detail.getAttribute("#report", "data-gongkai-finding")).toBe("wrong-link");
    await expect.poll(() => overlayPanel(detail).textContent()).toContain(zh("banner_links", [4]));
    await detail.bringToFront();
    await detail.screenshot({ path: screenshotPath("after-ack") });
    await popup.bringToFront();
    await popup.screenshot({ path: screenshotPath("popup-after-ack"), fullPage: true });
  });

  it("reopens it: the mark comes back", async () => {
    const id = await idOf("att1");
    await popup.locator(`#page-findings .finding[data-finding-id="${id}"] button[data-action=open]`).click();
    await expect.poll(async () => (await store.finding(id))!.state).toBe("open");
    await expect.poll(() => detail.getAttribute("#att1", "data-gongkai-finding"), { timeout: 10_000 }).toBe("broken-link");
  });

  it("marks a false positive from the department list", async () => {
    const id = await idOf("chart");
    await popup.locator(`#mine-findings .finding[data-finding-id="${id}"] button[data-action=false-positive]`).click();
    await expect.poll(async () => (await store.finding(id))!.state).toBe("false-positive");
    await expect.poll(() => detail.getAttribute("#chart", "data-gongkai-finding"), { timeout: 10_000 }).toBeNull();
  });

  it("cannot change another department's finding: the server's refusal is shown, nothing changes", async () => {
    const guidePopup = await context.newPage();
    await guidePopup.goto(`chrome-extension://${extensionId}/popup.html?url=${encodeURIComponent(`${site.baseUrl}${GUIDE}`)}`);
    const card = guidePopup.locator("#page-findings .finding").first();
    await card.waitFor();
    const id = (await card.getAttribute("data-finding-id"))!;
    await card.locator("button[data-action=acknowledged]").click();
    await expect.poll(() => guidePopup.locator("#status").textContent()).toContain("403");
    expect((await store.finding(id))!.state).toBe("open");
    expect((await store.history(id)).filter((h) => h.by)).toEqual([]);
    await guidePopup.close();
  });
});

describe("in an English browser", () => {
  it("speaks English", async () => {
    const { context: enContext } = await launchWithExtension("en_US");
    try {
      const options = await enContext.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html`);
      expect(await options.locator("#save").textContent()).toBe(en("options_save"));
      await options.locator("#server-url").fill(server.url);
      await options.locator("#token").fill(TOKENS.reg.token);
      await options.locator("#save").click();
      await expect.poll(() => options.locator("#status").textContent()).toBe(
        en("options_ok", ["赵六", DEPT_REG, `上海市嘉定区市场监督管理局 ${site.baseUrl}/`]),
      );
      const page = await enContext.newPage();
      await page.goto(`${site.baseUrl}${GUIDE}`);
      const panel = overlayPanel(page);
      await panel.waitFor();
      const text = (await panel.textContent()) ?? "";
      expect(text).toContain(en("banner_title", [1]));
      expect(text).toContain(en("kind_stale_guide"));
      expect(text).toContain(en("tip_advice", [en("advice_stale_guide")]));
      await page.screenshot({ path: screenshotPath("english") });
    } finally {
      await enContext.close();
    }
  });
});

describe("a build for another site", () => {
  const launchPatched = async (patch: (m: Record<string, any>) => void) => {
    const dir = patchedBuild(patch);
    const launched = await launchWithExtension("zh_CN", dir);
    expect(launched.extensionId).toBe(EXTENSION_ID);
    return launched.context;
  };

  it("registers its content script at run time for a monitored origin it may access", async () => {
    // Built for some other site, but allowed on loopback: the site's origin is granted, not in the built-in matches.
    const ctx = await launchPatched((m) => {
      m.content_scripts[0].matches = ["http://127.0.0.1:1/*"];
    });
    try {
      const options = await ctx.newPage();
      expect(await configure(options, server.url, TOKENS.officeMaintainer.token)).toContain("张三");
      await expect.poll(() => options.locator("#running").textContent()).toContain(site.baseUrl);
      const page = await ctx.newPage();
      await page.goto(`${site.baseUrl}${DETAIL}`);
      await page.locator("#att1[data-gongkai-finding=broken-link]").waitFor({ timeout: 15_000 });
      const other = await ctx.newPage();
      await other.goto(`${otherSite.baseUrl}${DETAIL}`);
      await other.waitForTimeout(2000);
      expect(await other.locator("gongkai-overlay, [data-gongkai-finding]").count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  it("without any host permission: talks to the server through CORS, asks to be allowed on the site, and runs nowhere until then", async () => {
    const ctx = await launchPatched((m) => {
      m.content_scripts[0].matches = ["http://127.0.0.1:1/*"];
      m.host_permissions = [];
    });
    try {
      const options = await ctx.newPage();
      // The server answers this extension's origin (CORS), so the connection test works without host permissions.
      expect(await configure(options, server.url, TOKENS.officeMaintainer.token)).toBe(
        zh("options_ok", ["张三", DEPT_OFFICE, `上海市嘉定区市场监督管理局 ${site.baseUrl}/`]),
      );
      await options.locator("#grant").waitFor();
      expect(await options.locator("#grant").textContent()).toBe(zh("options_grant", [site.baseUrl]));
      await options.screenshot({ path: screenshotPath("options-grant") });
      const page = await ctx.newPage();
      await page.goto(`${site.baseUrl}${DETAIL}`);
      await page.waitForTimeout(2000);
      expect(await page.locator("gongkai-overlay, [data-gongkai-finding]").count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
