// The crawler against a hand-made site holding every link defect and hard case in one place, plus the command line:
// exit codes, bad configs, an unreachable site, a site that goes down mid-crawl, a column built by script.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, FindingsFileSchema, type ConfigInput } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { openStore } from "../../crawler/store/index.js";
import { startMiniSite, type MiniSite } from "./crawl-minisite.js";
import { page, startTestSite } from "./crawl-helpers.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const quiet = () => undefined;

function gongkai(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/gongkai.mjs"), ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let dir: string;
let mini: MiniSite;
let result: CrawlResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-crawl-mini-"));
  mini = await startMiniSite();
  result = await runCrawl(ConfigSchema.parse(mini.config), { dbFile: path.join(dir, "mini.sqlite"), outDir: path.join(dir, "out"), log: quiet });
});

afterAll(async () => {
  await mini?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const find = (reason: string, target: string) => result.findings.filter((f) => f.reason === reason && f.targetUrl === target);

describe("link checking on the hand-made site", () => {
  it("reports each defect with its reason, page and link text", () => {
    const list = mini.url("/xxgk/zcwj/index.html");
    const expected: [string, string, string][] = [
      ["http-404", "/missing.html", "失效的链接"],
      ["http-404", "/xxgk/zcwj/t20240317_3.html", "已删除的文件"],
      ["empty-file", "/files/empty.pdf", "空附件"],
      ["soft-404", "/soft.html", "软404页面"],
      ["redirect-to-error", "/moved.html", "跳转到错误页"],
      ["redirect-loop", "/loop-a.html", "循环跳转"],
      ["timeout", "/slow.html", "很慢的页面"],
      ["redirect-to-home", "/old/deep/page.html", "旧地址"],
    ];
    for (const [reason, p, text] of expected) {
      const f = find(reason, mini.url(p)).filter((x) => x.pageUrl === list);
      expect(f, `${reason} ${p}`).toHaveLength(1);
      expect(f[0]).toMatchObject({ pageUrl: list, linkText: text, columnId: "zcwj" });
    }
    expect(find("dns", "http://no-such-host.invalid/page.html")[0]?.severity).toBe("high");
    expect(find("http-404", `${mini.ext.baseUrl}ext-gone.html`)).toHaveLength(1);
    const anchor = result.findings.find((f) => f.reason === "missing-anchor");
    expect(anchor).toMatchObject({ targetUrl: mini.url("/xxgk/zcwj/t20240316_2.html#nope"), severity: "low" });
  });

  it("reports a broken link on every page that holds it, and a broken list entry on its list page", () => {
    expect(find("http-404", mini.url("/missing.html")).map((f) => f.pageUrl).sort()).toEqual(
      [mini.url("/xxgk/zcwj/index.html"), mini.url("/xxgk/zcwj/t20240315_1.html")].sort(),
    );
    expect(find("http-404", mini.url("/xxgk/tzgg/gone.html"))[0]).toMatchObject({ linkText: "已撤下的公告", columnId: "tzgg", maintainer: { name: "李四" } });
  });

  it("does not report what only looks broken: a 503 once, a 429 with Retry-After, a refused HEAD, robots, mailto/tel/javascript, #top, a Chinese file name", () => {
    const quietTargets = ["/flaky.html", "/busy.html", "/private/secret.html", "/files/附件一.pdf", "/xxgk/zcwj/t20240315_1.html"].map((p) => mini.url(p));
    quietTargets.push(`${mini.ext.baseUrl}refuses-head.html`, `${mini.ext.baseUrl}ext-ok.html`);
    for (const t of quietTargets) expect(result.findings.filter((f) => f.targetUrl === t || f.targetUrl?.startsWith(`${t}#`)), t).toEqual([]);
    expect(result.findings.some((f) => /^(mailto|tel|javascript):/.test(f.targetUrl ?? ""))).toBe(false);
    // …and a loopback link on a loopback site is an ordinary link, not a private address.
    expect(result.findings.some((f) => f.reason === "private-address")).toBe(false);
  });

  it("never requests what robots.txt disallows, nor mailto/tel/javascript targets", () => {
    expect(mini.site.requests.some((r) => r.url.startsWith("/private/"))).toBe(false);
    expect(mini.site.requests.some((r) => /mailto|javascript/.test(r.url))).toBe(false);
  });

  it("names gongkai and the configured contact in every request", () => {
    const uas = new Set([...mini.site.requests, ...mini.ext.requests].map((r) => r.userAgent));
    expect([...uas]).toEqual(["gongkai/0.1 (+ops@example.invalid)"]);
  });

  it("keeps to the configured concurrency on both hosts", () => {
    expect(mini.site.maxInFlight).toBeLessThanOrEqual(2);
    expect(mini.ext.maxInFlight).toBeLessThanOrEqual(2);
  });

  it("bounds the calendar trap in the section scan and reports the bound", () => {
    const calendar = mini.site.requests.filter((r) => r.url.startsWith("/xxgk/hd/calendar.html"));
    expect(calendar.length).toBeLessThanOrEqual(22);
    expect(result.data.columns.find((c) => c.column.id === "hd")).toMatchObject({ boundHit: true, boundReason: "trap" });
  });

  it("walks every page of a TRS list (createPageHTML) and fetches an item listed twice once", () => {
    const walk = result.data.columns.find((c) => c.column.id === "zcwj")!;
    expect(walk.listPages).toEqual(["/xxgk/zcwj/index.html", "/xxgk/zcwj/index_1.html", "/xxgk/zcwj/index_2.html"].map(mini.url));
    expect(walk.items).toHaveLength(5);
    expect(mini.site.requests.filter((r) => r.url === "/xxgk/zcwj/t20240315_1.html")).toHaveLength(1);
  });

  it("decodes the GBK column declared only in <meta>", () => {
    const walk = result.data.columns.find((c) => c.column.id === "tzgg")!;
    expect(walk.items.map((i) => i.title)).toContain("关于春节期间值班安排的通知");
    const item = result.data.pages.find((p) => p.record.url === mini.url("/xxgk/tzgg/t20240401_9.html"));
    expect(item?.record.title).toBe("关于春节期间值班安排的通知");
  });

  it("writes a valid findings.json", () => {
    const file = FindingsFileSchema.parse(JSON.parse(readFileSync(result.findingsFile, "utf8")));
    expect(file.findings.length).toBe(result.findings.length);
  });
});

describe("the crawl command", () => {
  it("rejects a bad config with one line per problem naming the field, exit 2, and touches no database", async () => {
    const cfg = path.join(dir, "bad.json");
    const db = path.join(dir, "bad.sqlite");
    // Deliberately wrong, so typed loosely: a JSON file as a user might write it.
    const bad = JSON.parse(JSON.stringify(mini.config)) as { columns: Record<string, unknown>[]; crawl: Record<string, unknown> };
    bad.columns[1].url = "not a url";
    bad.columns[2].type = "blog";
    bad.crawl.concurrency = 0;
    writeFileSync(cfg, JSON.stringify(bad));
    const r = await gongkai(["crawl", "--config", cfg, "--db", db, "--out", path.join(dir, "bad-out")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("columns[1].url");
    expect(r.stderr).toContain("columns[2].type");
    expect(r.stderr).toContain("crawl.concurrency");
    expect(existsSync(db)).toBe(false);
  });

  it("exits 1 when the site cannot be reached, and marks nothing fixed", async () => {
    const site = await startTestSite({});
    site.route("/list.html", { body: page("通知公告", `<ul><li><a href="/gone.html">已删除</a><span>2024-01-02</span></li></ul>`) });
    const cfgFile = path.join(dir, "down.json");
    const db = path.join(dir, "down.sqlite");
    const config: ConfigInput = {
      site: { name: "测试局", baseUrl: site.baseUrl },
      crawl: { requestTimeoutSecs: 2, retries: 1 },
      columns: [{ id: "tzgg", name: "通知公告", url: `${site.baseUrl}list.html`, type: "notice", maintainer: { department: "办公室", name: "张三" } }],
    };
    writeFileSync(cfgFile, JSON.stringify(config));
    const ok = await gongkai(["crawl", "--config", cfgFile, "--db", db, "--out", path.join(dir, "down-out"), "--quiet"]);
    expect(ok.code).toBe(0);
    const reader = await openStore(db);
    const before = (await reader.findings()).filter((f) => f.state === "open");
    await reader.close();
    expect(before.some((f) => f.reason === "http-404")).toBe(true);
    await site.close();
    const down = await gongkai(["crawl", "--config", cfgFile, "--db", db, "--out", path.join(dir, "down-out"), "--quiet"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/网站无法访问.*unreachable/);
    const store = await openStore(db);
    const after = await store.findings();
    await store.close();
    expect(after.filter((f) => f.state === "fixed")).toEqual([]);
    expect(after.filter((f) => f.state === "open").map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
  });
});

describe("a site that goes down in the middle of the crawl", () => {
  it("ends incomplete (exit 1), reports no flood of connection failures, and marks nothing fixed", async () => {
    const items = Array.from({ length: 40 }, (_, i) => `<li><a href="/a/${i}.html">文件${i}</a><span>2024-01-02</span></li>`).join("");
    let served = 0;
    let down = false;
    const site = await startTestSite({}, { latencyMs: 5 });
    site.route("/list.html", { body: page("政策文件", `<ul>${items}</ul><a href="/gone.html">已删除</a>`) });
    for (let i = 0; i < 40; i++) site.route(`/a/${i}.html`, () => (down || ++served > 10 ? ((down = true), { destroy: true }) : { body: page(`文件${i}`, "<p>正文</p>") }));
    const config = ConfigSchema.parse({
      site: { name: "测试局", baseUrl: site.baseUrl },
      crawl: { requestTimeoutSecs: 2, retries: 1, concurrency: 2 },
      columns: [{ id: "zcwj", name: "政策文件", url: `${site.baseUrl}list.html`, type: "policy", maintainer: { department: "办公室", name: "张三" } }],
    });
    const db = path.join(dir, "halfway.sqlite");
    const out = path.join(dir, "halfway-out");
    site.route("/gone.html", { status: 404 });
    // Ten items answer, then the server resets every connection.
    const r = await runCrawl(config, { dbFile: db, outDir: out, log: quiet });
    expect(r.exitCode).toBe(1);
    expect(r.findings.filter((f) => f.reason === "connection")).toEqual([]);
    const store = await openStore(db);
    expect((await store.findings()).filter((f) => f.state === "fixed")).toEqual([]);
    expect((await store.runs(1))[0].status).not.toBe("complete");
    await store.close();
    await site.close();
  });
});

describe("a column built by script (javascript: true)", () => {
  it("renders the list in Chromium, with every request through the crawler's own limits", async () => {
    const site = await startTestSite({
      "/gkmlpt/index.html": { body: page("政策文件", `<ul id="list"></ul><script src="/js/app.js"></script>`) },
      "/js/app.js": {
        headers: { "content-type": "application/javascript" },
        body: `fetch('/gkmlpt/api/all/5?page=1').then(r=>r.json()).then(d=>{const ul=document.getElementById('list');for(const a of d.articles){const li=document.createElement('li');const x=document.createElement('a');x.href=a.url;x.textContent=a.title;li.appendChild(x);const s=document.createElement('span');s.textContent=a.date;li.appendChild(s);ul.appendChild(li);}})`,
      },
      "/gkmlpt/api/all/5?page=1": {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ articles: [{ url: "/content/post_1.html", title: "脚本生成的文件一", date: "2024-05-06" }, { url: "/content/post_2.html", title: "脚本生成的文件二", date: "2024-05-07" }] }),
      },
      "/content/post_1.html": { body: page("脚本生成的文件一", "<p>正文</p>") },
    });
    try {
      const config = ConfigSchema.parse({
        site: { name: "测试局", baseUrl: site.baseUrl },
        crawl: { concurrency: 1, contact: "ops@example.invalid" },
        columns: [{ id: "gk", name: "政策文件", url: `${site.baseUrl}gkmlpt/index.html`, type: "policy", javascript: true, maintainer: { department: "办公室", name: "张三" } }],
      });
      const r = await runCrawl(config, { dbFile: path.join(dir, "js.sqlite"), outDir: path.join(dir, "js-out"), log: quiet });
      expect(r.exitCode).toBe(0);
      const walk = r.data.columns[0];
      expect(walk.items.map((i) => i.title)).toEqual(["脚本生成的文件一", "脚本生成的文件二"]);
      const broken = r.findings.filter((f) => f.kind === "broken-link");
      expect(broken.map((f) => [f.reason, f.targetUrl, f.linkText])).toEqual([["http-404", `${site.baseUrl}content/post_2.html`, "脚本生成的文件二"]]);
      // The browser's requests went through our fetcher: our User-Agent, one at a time, each URL once.
      expect(new Set(site.requests.map((q) => q.userAgent))).toEqual(new Set(["gongkai/0.1 (+ops@example.invalid)"]));
      expect(site.maxInFlight).toBe(1);
      const urls = site.requests.map((q) => `${q.method} ${q.url}`);
      expect(urls.length).toBe(new Set(urls).size);
      expect(urls).toContain("GET /js/app.js");
    } finally {
      await site.close();
    }
  });
});

describe("settings and stopping", () => {
  it("with checkExternalLinks off, sends nothing to other hosts and reports nothing about them", async () => {
    const m = await startMiniSite();
    try {
      const input = JSON.parse(JSON.stringify(m.config));
      input.crawl.checkExternalLinks = false;
      input.columns = input.columns.slice(0, 1);
      const r = await runCrawl(ConfigSchema.parse(input), { dbFile: path.join(dir, "noext.sqlite"), outDir: path.join(dir, "noext-out"), log: quiet });
      expect(r.exitCode).toBe(0);
      expect(m.ext.requests).toEqual([]);
      expect(r.findings.some((f) => f.targetUrl?.startsWith(m.ext.baseUrl) || f.reason === "dns")).toBe(false);
      expect(r.data.checks.get(`${m.ext.baseUrl}ext-gone.html`)).toMatchObject({ outcome: "skipped", skipped: "external-off" });
      // Same-site defects are still found.
      expect(r.findings.some((f) => f.targetUrl === m.url("/missing.html"))).toBe(true);
    } finally {
      await m.close();
    }
  });

  it("an aborted crawl ends with exit 1, writes a valid findings.json and marks nothing fixed", async () => {
    const m = await startMiniSite({ latencyMs: 30 });
    try {
      const config = ConfigSchema.parse(m.config);
      const db = path.join(dir, "abort.sqlite");
      const out = path.join(dir, "abort-out");
      const full = await runCrawl(config, { dbFile: db, outDir: out, log: quiet });
      expect(full.exitCode).toBe(0);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const t0 = Date.now();
      const r = await runCrawl(config, { dbFile: db, outDir: out, log: quiet, signal: ac.signal });
      expect(r.exitCode).toBe(1);
      expect(r.data.complete).toBe(false);
      expect(Date.now() - t0).toBeLessThan(5000);
      FindingsFileSchema.parse(JSON.parse(readFileSync(r.findingsFile, "utf8")));
      const store = await openStore(db);
      expect((await store.findings()).filter((f) => f.state === "fixed")).toEqual([]);
      expect((await store.findings()).filter((f) => f.state === "open").length).toBe(full.findings.length);
      await store.close();
    } finally {
      await m.close();
    }
  });
});
