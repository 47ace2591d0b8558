// The extension's plain modules (what the tooltip and banner say, which link a finding marks, where the extension
// may run, how server failures are told apart), tested outside the browser; the API client against real servers.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../crawler/serve/server.js";
import type { StoredFinding } from "../../crawler/store/types.js";
import { ApiClient, ApiError, cleanServerUrl, errorText, type ApiErrorInfo } from "../../extension/lib/api.js";
import { buildLinkIndex, describeFinding, findingsForLink, kindLabel, pageAnswerForExtension, safeHttpUrl, stateLabel } from "../../extension/lib/findings.js";
import { normalizeUrl } from "../../shared/url.js";
import type { PageFindingsResponse } from "../../crawler/serve/api-types.js";
import { translatorFrom, type MessagesJson } from "../../extension/lib/i18n.js";
import { onMonitoredSite, patternCoversOrigin } from "../../extension/lib/origins.js";
import { DEPT_LAW, DEPT_OFFICE, TOKENS, maintainers, seedStore } from "../e2e/serve-helpers.js";

const load = (lang: string) => JSON.parse(readFileSync(path.resolve(`extension/locales/${lang}/messages.json`), "utf8")) as MessagesJson;
const zhMessages = load("zh_CN");
const enMessages = load("en");
const zh = translatorFrom(zhMessages);
const en = translatorFrom(enMessages);
const FINDING_FOR_LABELS = { id: "x", kind: "broken-link", reason: "r", severity: "low", columnId: "c", pageUrl: "http://site.invalid/", message: "m", maintainer: { department: "办公室", name: "张三" }, firstSeen: "2026-11-01T00:00:00Z", lastSeen: "2026-11-01T00:00:00Z", evidence: {} };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (["node_modules", "build", ".plasmo", "scripts", "locales", "assets"].includes(name)) return [];
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

describe("locales", () => {
  it("has the same keys and placeholders in Chinese and English", () => {
    expect(Object.keys(enMessages).sort()).toEqual(Object.keys(zhMessages).sort());
    for (const key of Object.keys(zhMessages))
      expect(Object.keys(enMessages[key].placeholders ?? {}).sort(), key).toEqual(Object.keys(zhMessages[key].placeholders ?? {}).sort());
  });

  it("defines every message the extension asks for", () => {
    const used = new Set<string>();
    for (const file of sources(path.resolve("extension"))) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([a-z_]+)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(30);
    for (const key of used) expect(zhMessages[key], key).toBeDefined();
    for (const kind of ["broken-link", "wrong-link", "misfiled", "stale-guide", "stale-column", "empty-column", "missing-interpretation"])
      expect(kindLabel(zh, kind)).not.toMatch(/^kind_/);
    for (const state of ["open", "acknowledged", "false-positive", "fixed"]) expect(stateLabel(en, state)).not.toMatch(/^state_/);
  });

  it("names every kind a crawl can report, and a kind it does not know as 其他问题", () => {
    for (const kind of ["late-publication", "missed-deadline", "missing-feedback", "catalogue-gap", "privacy-leak"]) {
      expect(kindLabel(zh, kind), kind).not.toBe(zh("kind_other"));
      expect(kindLabel(en, kind), kind).not.toMatch(/^kind_/);
    }
    expect(kindLabel(zh, "privacy-leak")).toBe("公开个人隐私信息");
    expect(kindLabel(zh, "some-future-kind")).toBe("其他问题");
    expect(describeFinding(zh, { ...FINDING_FOR_LABELS, kind: "some-future-kind" } as StoredFinding, new Date()).advice).toBe(`处理建议：${zh("advice_other")}`);
  });

  it("substitutes like chrome.i18n", () => {
    expect(zh("banner_title", [3])).toBe("公开 · 本页有 3 个问题");
    expect(en("tip_owner", ["办公室", "张三"])).toBe("Responsible: 办公室 (张三)");
    expect(translatorFrom({ k: { message: "a $$1 $1 $X$", placeholders: { x: { content: "$2" } } } })("k", ["one", "two"])).toBe("a $1 one two");
    expect(zh("no_such_key")).toBe("no_such_key");
  });
});

describe("what a finding says", () => {
  const finding = {
    id: "abc",
    kind: "broken-link",
    reason: "http-404",
    severity: "high",
    columnId: "zcwj",
    columnName: "政策文件",
    pageUrl: "http://site.invalid/a.html",
    targetUrl: "http://site.invalid/x.pdf",
    linkText: "<img src=x onerror=alert(1)>",
    message: "链接指向的文件不存在（404）。",
    maintainer: { department: "办公室", name: "张三" },
    department: "办公室",
    firstSeen: "2026-11-01T02:00:00.000Z",
    lastSeen: "2026-11-20T02:00:00.000Z",
    state: "open",
    reopenedCount: 0,
    evidence: {},
  } as StoredFinding;

  it("tells what is wrong, since when, whose column, what to do — in Chinese and English", () => {
    const now = new Date("2026-11-21T02:00:00.000Z");
    const text = describeFinding(zh, finding, now);
    expect(text.message).toBe("链接指向的文件不存在（404）。");
    expect(text.details).toEqual(["链接文字：<img src=x onerror=alert(1)>", "目标地址：http://site.invalid/x.pdf"]);
    expect(text.meta[0]).toMatch(/^发现于 2026-11-0[12]（已持续 20 天）$/);
    expect(text.meta.slice(1)).toEqual(["所属栏目：政策文件", "责任科室：办公室（张三）"]);
    expect(text.advice).toBe(`处理建议：${zh("advice_broken_link")}`);
    const english = describeFinding(en, finding, now);
    expect(english.meta.slice(1)).toEqual(["Column: 政策文件", "Responsible: 办公室 (张三)"]);
    expect(english.advice).toMatch(/^What to do: Correct the link/);
  });

  it("says who acknowledged it and why", () => {
    const ack = { ...finding, state: "acknowledged", stateBy: { name: "李四", department: "办公室", note: "已联系", at: "2026-11-20T00:00:00Z" } } as StoredFinding;
    expect(describeFinding(zh, ack, new Date()).stateNote).toBe("已确认 由 李四 标记：已联系");
  });

  it("maps targets by their normalised URL, worst first, ignoring what cannot be a link", () => {
    const index = buildLinkIndex([
      { ...finding, id: "low", severity: "low", targetUrl: "HTTP://Site.Invalid:80/x.pdf?" },
      { ...finding, id: "high" },
      { ...finding, id: "js", targetUrl: "javascript:alert(1)" },
      { ...finding, id: "none", targetUrl: undefined },
    ] as StoredFinding[]);
    expect([...index.keys()]).toEqual(["http://site.invalid/x.pdf"]);
    expect(index.get("http://site.invalid/x.pdf")!.map((f) => f.id)).toEqual(["high", "low"]);
  });

  it("leaves coverage findings out of a page's answer and the column's count", () => {
    const coverage = { ...finding, id: "cov", kind: "coverage", reason: "pagination-not-followed", targetUrl: undefined } as StoredFinding;
    const answer = pageAnswerForExtension({ page: "http://site.invalid/a.html", linkFindings: [finding], pageFindings: [coverage], column: null, columnFindings: [coverage, finding], columnFindingsTotal: 7 });
    expect(answer.pageFindings).toEqual([]);
    expect(answer.linkFindings.map((f) => f.id)).toEqual(["abc"]);
    expect(answer.columnFindings.map((f) => f.id)).toEqual(["abc"]);
    expect(answer.columnFindingsTotal).toBe(6);
  });

  it("lets only http(s) URLs become links", () => {
    expect(safeHttpUrl("https://a.invalid/x")).toBe("https://a.invalid/x");
    expect(safeHttpUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeHttpUrl(" JaVaScRiPt:alert(1)")).toBeUndefined();
    expect(safeHttpUrl("data:text/html,<script>")).toBeUndefined();
    expect(safeHttpUrl("/relative")).toBeUndefined();
  });
});

// Every form an href takes on real pages, on a page and (where it matters) under a <base href>: the crawler's target
// (as stored in the finding, written out here) and the link on the page must meet. Each form is looked up twice: with
// the browser's own resolution (the element's href property, which Node's URL reproduces) and from the raw attribute.
describe("which link a finding marks, whatever form the href takes", () => {
  const PAGE = "http://127.0.0.1:8080/xxgk/zcwj/202411/t20241101_10000009.html";
  const BASE = "http://127.0.0.1:8080/xxgk/rsxx/";
  const F = (id: string, targetUrl: string, reason = "http-404") => ({ id, kind: "broken-link", reason, severity: "high", targetUrl, firstSeen: "2026-11-01T00:00:00Z" }) as StoredFinding;
  const cases: { form: string; href: string; base?: string; target: string }[] = [
    { form: "relative ./", href: "./P0a.pdf", target: "http://127.0.0.1:8080/xxgk/zcwj/202411/P0a.pdf" },
    { form: "../", href: "../P0b.pdf", target: "http://127.0.0.1:8080/xxgk/zcwj/P0b.pdf" },
    { form: "<base href>", href: "files/P0c.pdf", base: BASE, target: "http://127.0.0.1:8080/xxgk/rsxx/files/P0c.pdf" },
    { form: "../ under <base href>", href: "../zcwj/P0d.pdf", base: BASE, target: "http://127.0.0.1:8080/xxgk/zcwj/P0d.pdf" },
    { form: "raw Chinese", href: "/xxgk/附件/目录（2019年版）.pdf", target: "http://127.0.0.1:8080/xxgk/%E9%99%84%E4%BB%B6/%E7%9B%AE%E5%BD%95%EF%BC%882019%E5%B9%B4%E7%89%88%EF%BC%89.pdf" },
    { form: "raw Chinese under <base href>", href: "files/名单.xls", base: BASE, target: "http://127.0.0.1:8080/xxgk/rsxx/files/%E5%90%8D%E5%8D%95.xls" },
    { form: "lower-case escapes, escaped unreserved", href: "/uploadfiles/old/%e5%90%8d%e5%8d%95%2Dv1.doc", target: "http://127.0.0.1:8080/uploadfiles/old/%E5%90%8D%E5%8D%95-v1.doc" },
    { form: "folder URL", href: "/zwgk/jdhy/", target: "http://127.0.0.1:8080/zwgk/jdhy/" },
    { form: "its index.html", href: "/zwgk/jdhy/index.html", target: "http://127.0.0.1:8080/zwgk/jdhy/index.html" },
    { form: "trailing #", href: "/xxgk/old.html#", target: "http://127.0.0.1:8080/xxgk/old.html" },
    { form: "#fragment on a broken target", href: "/xxgk/old.html#fj", target: "http://127.0.0.1:8080/xxgk/old.html" },
    { form: "explicit :80", href: "http://www.site.invalid:80/bsdt/index.html", target: "http://www.site.invalid/bsdt/index.html" },
    { form: "explicit :443", href: "https://zwfw.site.invalid:443/", target: "https://zwfw.site.invalid/" },
    { form: "upper-case scheme and host, empty query", href: "HTTP://WWW.SITE.INVALID/x.pdf?", target: "http://www.site.invalid/x.pdf" },
    { form: "whitespace around, newline inside", href: "  /xxgk/a\nb.pdf \n", target: "http://127.0.0.1:8080/xxgk/ab.pdf" },
    { form: "query kept in order", href: "/down.jsp?b=2&a=1", target: "http://127.0.0.1:8080/down.jsp?b=2&a=1" },
  ];

  it.each(cases)("$form: $href", ({ href, base, target }) => {
    const b = base ?? PAGE;
    // The crawler stores a broken link's target in this form (the URL it fetched: no fragment) …
    expect(normalizeUrl(href, b)).toBe(target);
    // … and the page's link finds that finding, by the browser's resolution and from the attribute alike.
    const index = buildLinkIndex([F("f", target)]);
    expect(findingsForLink(index, href, b, new URL(href.trim(), b).href)?.map((f) => f.id), "via the browser's href").toEqual(["f"]);
    expect(findingsForLink(index, href, b)?.map((f) => f.id), "via the attribute").toEqual(["f"]);
  });

  it("keeps a folder URL and its index.html apart, and http apart from https (each is its own URL)", () => {
    const index = buildLinkIndex([F("folder", "http://127.0.0.1:8080/zwgk/jdhy/"), F("https", "https://127.0.0.1:8443/x.pdf")]);
    expect(findingsForLink(index, "/zwgk/jdhy/index.html", PAGE)).toBeUndefined();
    expect(findingsForLink(index, "/zwgk/jdhy/", PAGE)?.map((f) => f.id)).toEqual(["folder"]);
    expect(findingsForLink(index, "http://127.0.0.1:8443/x.pdf", PAGE, "http://127.0.0.1:8443/x.pdf")).toBeUndefined();
    expect(findingsForLink(index, "https://127.0.0.1:8443/x.pdf", PAGE, "https://127.0.0.1:8443/x.pdf")?.map((f) => f.id)).toEqual(["https"]);
  });

  it("marks a missing anchor only on links naming that fragment; a broken page on every link to it", () => {
    const jgzn = "http://127.0.0.1:8080/xxgk/jgzn/index.html";
    const index = buildLinkIndex([F("anchor", `${jgzn}#nsjg`, "missing-anchor"), F("page", "http://127.0.0.1:8080/gone.html")]);
    const ids = (href: string) => findingsForLink(index, href, PAGE, new URL(href, PAGE).href)?.map((f) => f.id);
    expect(ids("/xxgk/jgzn/index.html#nsjg")).toEqual(["anchor"]);
    expect(ids("../../jgzn/index.html#%6Esjg")).toEqual(["anchor"]);
    expect(ids("/xxgk/jgzn/index.html")).toBeUndefined();
    expect(ids("/xxgk/jgzn/index.html#ldxx")).toBeUndefined();
    expect(ids("/xxgk/jgzn/index.html#")).toBeUndefined();
    expect(ids("/gone.html#any")).toEqual(["page"]);
  });
});

describe("where the extension runs", () => {
  it("knows which manifest patterns cover a monitored origin", () => {
    expect(patternCoversOrigin("http://127.0.0.1/*", "http://127.0.0.1:8080")).toBe(true);
    expect(patternCoversOrigin("http://127.0.0.1/*", "http://127.0.0.2:8080")).toBe(false);
    expect(patternCoversOrigin("http://127.0.0.1:8080/*", "http://127.0.0.1:8081")).toBe(false);
    expect(patternCoversOrigin("https://*.gov.cn/*", "https://www.jiading.gov.cn")).toBe(true);
    expect(patternCoversOrigin("https://*.gov.cn/*", "http://www.jiading.gov.cn")).toBe(false);
    expect(patternCoversOrigin("https://*.gov.cn/*", "https://evilgov.cn")).toBe(false);
    expect(patternCoversOrigin("https://www.a.gov.cn/xxgk/*", "https://www.a.gov.cn")).toBe(false);
  });

  it("asks the server only about pages of the monitored origins", () => {
    const origins = ["http://127.0.0.1:8080"];
    expect(onMonitoredSite("http://127.0.0.1:8080/xxgk/index.html", origins)).toBe(true);
    expect(onMonitoredSite("http://127.0.0.1:8787/api/me", origins)).toBe(false);
    expect(onMonitoredSite("http://127.0.0.2:8080/xxgk/index.html", origins)).toBe(false);
    expect(onMonitoredSite("chrome-extension://x/popup.html", origins)).toBe(false);
    expect(onMonitoredSite(undefined, origins)).toBe(false);
  });

  it("accepts only http(s) server URLs", () => {
    expect(cleanServerUrl(" http://127.0.0.1:8787/ ")).toBe("http://127.0.0.1:8787");
    expect(cleanServerUrl("https://gongkai.example.invalid/api-root//")).toBe("https://gongkai.example.invalid/api-root");
    expect(cleanServerUrl("ftp://x.invalid")).toBeNull();
    expect(cleanServerUrl("127.0.0.1:8787")).toBeNull();
  });
});

describe("ApiClient against real servers", () => {
  let server: RunningServer;
  let other: http.Server;
  let otherUrl: string;
  let ids: string[];
  let close: () => Promise<void>;

  beforeAll(async () => {
    const seeded = await seedStore([
      {
        kind: "broken-link", reason: "http-404", severity: "high", columnId: "zcwj", pageUrl: "http://site.invalid/a.html",
        targetUrl: "http://site.invalid/x.pdf", linkText: "附件", message: "断链。", maintainer: maintainers[DEPT_OFFICE], evidence: {},
      },
      {
        kind: "coverage", reason: "items-unreached", severity: "medium", columnId: "zcwj", pageUrl: "http://site.invalid/a.html",
        message: "栏目称有 60 条，只抓到 45 条。", maintainer: maintainers[DEPT_OFFICE], evidence: { listed: 60, reached: 45 },
      },
    ]);
    ids = seeded.ids;
    close = () => seeded.store.close();
    server = await startServer({ store: seeded.store, tokens: Object.values(TOKENS), port: 0 });
    other = http.createServer((req, res) => {
      res.writeHead(req.url === "/api/me" ? 200 : 404, { "Content-Type": "text/html" });
      res.end("<h1>some other service</h1>");
    });
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server.close();
    other.close();
    close();
  });

  const failure = async (p: Promise<unknown>): Promise<ApiErrorInfo> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      return (e as ApiError).info;
    }
    throw new Error("expected a failure");
  };

  it("works with a good token", async () => {
    const api = new ApiClient(server.url, TOKENS.officeMaintainer.token);
    expect((await api.me()).user.name).toBe("张三");
    expect((await api.pageFindings("http://site.invalid/a.html")).linkFindings).toHaveLength(1);
    expect((await api.setState(ids[0], "acknowledged", "好")).finding.state).toBe("acknowledged");
  });

  it("never shows a coverage finding (for the office running gongkai): the server sends it, the client leaves it out", async () => {
    const raw = (await (
      await fetch(`${server.url}/api/findings?page=${encodeURIComponent("http://site.invalid/a.html")}&states=open,acknowledged`, { headers: { Authorization: `Bearer ${TOKENS.office.token}` } })
    ).json()) as PageFindingsResponse;
    expect(raw.pageFindings.map((f) => f.kind)).toContain("coverage");
    const api = new ApiClient(server.url, TOKENS.office.token);
    const page = await api.pageFindings("http://site.invalid/a.html", ["open", "acknowledged"]);
    expect([...page.pageFindings, ...page.linkFindings, ...page.columnFindings].map((f) => f.kind)).toEqual(["broken-link"]);
    const mine = await api.mine();
    expect(mine.findings.map((f) => f.kind)).not.toContain("coverage");
    expect(mine.total).toBe(mine.findings.length);
  });

  it("tells apart a bad token, another department, an unknown id, an unreachable server and some other server", async () => {
    expect(await failure(new ApiClient(server.url, "wrong-token-1234567").me())).toMatchObject({ kind: "unauthorized", status: 401 });
    const law = await failure(new ApiClient(server.url, TOKENS.law.token).setState(ids[0], "open"));
    expect(law).toMatchObject({ kind: "forbidden", status: 403 });
    expect(errorText(zh, law, "x")).toContain(DEPT_LAW);
    expect(await failure(new ApiClient(server.url, TOKENS.office.token).setState("0000000000000000", "open"))).toMatchObject({ kind: "not-found" });
    const closed = await startServer({ store: (await seedStore([])).store, tokens: Object.values(TOKENS), port: 0 });
    await closed.close();
    const unreachable = await failure(new ApiClient(closed.url, TOKENS.office.token).me());
    expect(unreachable.kind).toBe("unreachable");
    expect(errorText(zh, unreachable, "x")).toContain(closed.url);
    expect(await failure(new ApiClient(otherUrl, TOKENS.office.token).me())).toMatchObject({ kind: "not-gongkai", status: 200 });
    expect(await failure(new ApiClient(otherUrl, TOKENS.office.token).mine())).toMatchObject({ kind: "not-gongkai", status: 404 });
  });

  it("recognises a server that refuses the extension's origin", async () => {
    const fromElsewhere: typeof fetch = (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), Origin: "chrome-extension://abcdefghijklmnopabcdefghijklmnop" } });
    const info = await failure(new ApiClient(server.url, TOKENS.office.token, fromElsewhere).me());
    expect(info).toMatchObject({ kind: "forbidden-origin", status: 403 });
    expect(errorText(zh, info, "abcdefghijklmnopabcdefghijklmnop")).toContain("--allow-origin chrome-extension://abcdefghijklmnopabcdefghijklmnop");
  });
});

describe("build-time site origins (PLASMO_PUBLIC_SITE_ORIGINS)", () => {
  it("turns origins into match patterns and refuses anything else, naming it", async () => {
    const { sitePatterns, applySitePatterns } = await import("../../extension/scripts/site-origins.mjs");
    expect(sitePatterns(" https://www.jiading.gov.cn, http://127.0.0.1:8080/ ,https://www.jiading.gov.cn")).toEqual([
      "https://www.jiading.gov.cn/*",
      "http://127.0.0.1:8080/*",
    ]);
    for (const bad of ["ftp://x.invalid", "https://a.gov.cn/xxgk/", "www.a.gov.cn", "https://a.gov.cn/?q=1"])
      expect(() => sitePatterns(bad)).toThrow(bad);
    const manifest = applySitePatterns({ content_scripts: [{ matches: ["http://127.0.0.1/*"], js: ["x.js"] }] }, ["https://www.jiading.gov.cn/*"]);
    expect(manifest.content_scripts![0].matches).toEqual(["https://www.jiading.gov.cn/*"]);
    expect(manifest.host_permissions).toContain("https://www.jiading.gov.cn/*");
  });
});
