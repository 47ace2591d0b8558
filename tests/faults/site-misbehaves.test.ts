// The site misbehaves, for real: a server on loopback that is down, goes down halfway, never finishes, trickles,
// sends 50 MB pages and 300 MB attachments, redirects forever, serves broken HTML, 20,000 links, hostile hrefs,
// wrong content types and lying charsets. The crawl is the real CLI in a child process; we check what a user sees:
// exit code, messages, findings.json and the database.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import iconv from "iconv-lite";
import { runCli, tempDir } from "./helpers/cli.js";
import { article, configFor, listPage, readDb, readFindings } from "./helpers/config.js";
import { hang, html, page, redirect, startFaultSite, status, streamed, trickle, type FaultSite } from "./helpers/fault-site.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function site(host?: "127.0.0.1" | "127.0.0.2"): Promise<FaultSite> {
  const s = await startFaultSite({}, { host });
  cleanups.push(() => s.close());
  return s;
}

function workspace() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t;
}

/** One crawl of `config` with the CLI. */
async function crawl(t: ReturnType<typeof workspace>, config: unknown, extra: { measureRss?: boolean; timeoutMs?: number } = {}) {
  const cfg = t.writeJson("config.json", config);
  return runCli(["crawl", "--config", cfg, "--db", t.file("gongkai.sqlite"), "--out", t.file("out"), "--quiet"], {
    timeoutMs: extra.timeoutMs ?? 90_000,
    measureRss: extra.measureRss,
  });
}

const COLUMN = "/xxgk/zcwj/index.html";

/** A policy column whose list page links to `items`, each served by its handler. */
function column(s: FaultSite, items: [path: string, text: string, handler: Parameters<FaultSite["route"]>[1]][], extra = "") {
  s.route("/robots.txt", html("User-agent: *\nAllow: /\n", { "content-type": "text/plain" }));
  s.route(COLUMN, html(listPage("政策文件", items.map(([p, t]) => [p, t]), extra)));
  for (const [p, , h] of items) s.route(p, h);
  return configFor(s.baseUrl, [{ id: "zcwj", url: s.baseUrl + COLUMN.slice(1) }]);
}

const findingFor = (file: string, target: string) => readFindings(file).findings.filter((f) => f.targetUrl === target);

describe("the whole site unreachable", () => {
  it("exits 1 with a clear message and marks nothing fixed; the next crawl works", async () => {
    const s = await site();
    const t = workspace();
    const config = column(s, [
      ["/xxgk/zcwj/a1.html", "关于加强食品安全监管的通知", html(article("关于加强食品安全监管的通知", `<a href="/gone.html">已撤销的附件说明</a>`))],
    ]);
    const first = await crawl(t, config);
    expect(first.code, first.stderr).toBe(0);
    const gone = s.baseUrl + "gone.html";
    expect(findingFor(t.file("out/findings.json"), gone)).toHaveLength(1);

    await s.down(); // the port is closed: every connect is refused
    const second = await crawl(t, config);
    expect(second.code, second.stderr).toBe(1);
    expect(second.signal).toBeNull();
    expect(second.stderr).toMatch(/网站无法访问/);
    expect(second.stderr).toMatch(/unreachable/);
    expect(second.stderr).toContain("ECONNREFUSED");
    const db = readDb(t.file("gongkai.sqlite"));
    expect(db.integrity).toBe("ok");
    expect(db.findings.find((f) => f.target_url === gone)?.state).toBe("open");
    expect(db.findings.filter((f) => f.state === "fixed")).toEqual([]);
    expect(db.runs.map((r) => r.status)).toEqual(["complete", "incomplete"]);
    // findings.json is whole, and says the crawl did not complete.
    expect(readFindings(t.file("out/findings.json")).run.complete).toBe(false);

    await s.up();
    const third = await crawl(t, config);
    expect(third.code, third.stderr).toBe(0);
    expect(readDb(t.file("gongkai.sqlite")).findings.find((f) => f.target_url === gone)?.state).toBe("open");
  });

  it("a site that was never there (closed port, empty database): exit 1, and the database is usable", async () => {
    const s = await site();
    const t = workspace();
    const config = column(s, []);
    await s.down();
    const r = await crawl(t, config);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/网站无法访问/);
    expect(readDb(t.file("gongkai.sqlite")).runs.map((x) => x.status)).toEqual(["incomplete"]);
  });
});

describe("the site goes down halfway", () => {
  it("the crawl is incomplete (exit 1) and nothing is marked fixed", async () => {
    const s = await site();
    const t = workspace();
    const items: [string, string, ReturnType<typeof html>][] = [];
    for (let i = 0; i < 30; i++) {
      const body = i === 29 ? `<a href="/gone.html">已失效的链接</a>` : `<p>第${i}号文件正文。</p>`;
      items.push([`/xxgk/zcwj/t${i}.html`, `关于第${i}号事项的通知`, html(article(`关于第${i}号事项的通知`, body))]);
    }
    const config = { ...column(s, items), crawl: { ...configFor(s.baseUrl, []).crawl, concurrency: 1 } };
    const first = await crawl(t, config);
    expect(first.code, first.stderr).toBe(0);
    const gone = s.baseUrl + "gone.html";
    expect(findingFor(t.file("out/findings.json"), gone)).toHaveLength(1);

    const before = s.requests.length;
    s.downAfter(before + 6); // robots, probe, the list page and a few items, then the server is gone
    const second = await crawl(t, config);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(/抓取中途网站无法访问/);
    expect(second.stderr).toMatch(/went down mid-crawl/);
    const db = readDb(t.file("gongkai.sqlite"));
    expect(db.integrity).toBe("ok");
    expect(db.findings.find((f) => f.target_url === gone)?.state).toBe("open");
    expect(db.findings.filter((f) => f.state === "fixed")).toEqual([]);
    expect(db.runs.at(-1)?.status).toBe("incomplete");
    // The items the dead server could not give are not reported as broken links either.
    expect(db.findings.filter((f) => f.target_url?.includes("/xxgk/zcwj/t"))).toEqual([]);
  });
});

describe("answers that never end", () => {
  it("hanging and trickling responses are cut at requestTimeoutSecs and reported as timeouts", async () => {
    const s = await site();
    const t = workspace();
    const config = column(
      s,
      [
        ["/xxgk/zcwj/ok.html", "正常的文件", html(article("正常的文件", `<a href="/hang.html">没有响应的页面</a> <a href="/drip.html">一点点传输的页面</a> <a href="/files/hang.pdf">没有响应的附件</a>`))],
        ["/xxgk/zcwj/slow-item.html", "传输不完的文件", trickle({ bytes: 8, everyMs: 100, forever: true })],
      ],
    );
    s.route("/hang.html", hang);
    s.route("/drip.html", trickle({ bytes: 4, everyMs: 150, forever: true }));
    s.route("/files/hang.pdf", hang);
    config.crawl = { ...config.crawl, requestTimeoutSecs: 1 };
    // The watchdog (60 s) is the bound: a crawl held by these servers would be killed and fail here.
    const r = await crawl(t, config, { timeoutMs: 60_000 });
    expect(r.signal, "crawl had to be killed: not bounded by the timeout").toBeNull();
    expect(r.code, r.stderr).toBe(0);
    const out = t.file("out/findings.json");
    for (const p of ["hang.html", "drip.html", "files/hang.pdf", "xxgk/zcwj/slow-item.html"]) {
      const f = findingFor(out, s.baseUrl + p);
      expect(f.map((x) => `${x.kind}/${x.reason}`), p).toEqual(["broken-link/timeout"]);
      expect(f[0].message).toMatch(/超时/);
    }
  });
});

describe("huge bodies", () => {
  /** One crawl offered a page of `pageBytes` and an attachment of `attachmentBytes`; what was sent and the child's peak RSS. */
  async function offer(pageBytes: number, attachmentBytes: number) {
    const s = await site();
    const t = workspace();
    const head = page("很大的页面", `<p>开头的正文</p><a href="/gone-from-big.html">大页面里的失效链接</a><a href="/files/huge.zip">很大的附件</a>`).replace("</body></html>", "");
    const config = column(s, [
      ["/xxgk/zcwj/big.html", "很大的页面", streamed(pageBytes, { head })],
      ["/xxgk/zcwj/small.html", "普通页面", html(article("普通页面", "<p>正文</p>"))],
    ]);
    // HEAD refused, so the checker must GET the attachment: only its first byte is needed.
    s.route("/files/huge.zip", streamed(attachmentBytes, { contentType: "application/zip", refuseHead: true }));
    const r = await crawl(t, config, { measureRss: true });
    expect(r.code, r.stderr).toBe(0);
    // The page's start was read: its link was found and checked; the attachment was asked for.
    expect(findingFor(t.file("out/findings.json"), s.baseUrl + "gone-from-big.html")).toHaveLength(1);
    expect(s.count("/files/huge.zip", "GET")).toBeGreaterThanOrEqual(1);
    const sentPage = s.bytesSent.get("/xxgk/zcwj/big.html") ?? 0;
    const sentAttachment = s.bytesSent.get("/files/huge.zip") ?? 0;
    expect(r.maxRssKb, "the child's peak RSS was not recorded").toBeDefined();
    const rss = r.maxRssKb! * 1024;
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
    console.log(`offered page ${mb(pageBytes)}, attachment ${mb(attachmentBytes)}: sent ${mb(sentPage)} and ${mb(sentAttachment)}; child peak RSS ${mb(rss)}`);
    return { sentPage, sentAttachment, rss };
  }

  it("a 50 MB page and a 300 MB attachment are read only up to the cap, never whole", async () => {
    const small = await offer(50 * 2 ** 20, 300 * 2 ** 20);
    // What the server managed to push before gongkai hung up (socket buffers included) is a small part of it.
    expect(small.sentPage).toBeLessThan((50 * 2 ** 20) / 4);
    expect(small.sentAttachment).toBeLessThan((300 * 2 ** 20) / 20);
    // Ten times bigger offers cost no more: memory does not grow with what the server offers.
    const big = await offer(500 * 2 ** 20, 3 * 2 ** 30);
    expect(big.sentPage).toBeLessThan((50 * 2 ** 20) / 4);
    expect(big.sentAttachment).toBeLessThan((300 * 2 ** 20) / 20);
    expect(big.rss).toBeLessThan(small.rss + 64 * 2 ** 20);
    expect(big.rss).toBeLessThan(500 * 2 ** 20);
  });
});

describe("redirects", () => {
  it("loops and a 30-hop chain are reported, and the chain is followed only so far", async () => {
    const s = await site();
    const t = workspace();
    const config = column(s, [
      ["/xxgk/zcwj/r.html", "跳转测试", html(article("跳转测试", `<a href="/loop-a.html">循环跳转</a> <a href="/self.html">跳到自己</a> <a href="/chain/0.html">很长的跳转链</a> <a href="/files/loop.pdf">循环跳转的附件</a>`))],
    ]);
    s.route("/loop-a.html", redirect("/loop-b.html"));
    s.route("/loop-b.html", redirect("/loop-a.html", 301));
    s.route("/self.html", redirect("/self.html"));
    s.route("/files/loop.pdf", redirect("/files/loop.pdf?again=1"));
    for (let i = 0; i < 30; i++) s.route(`/chain/${i}.html`, redirect(`/chain/${i + 1}.html`));
    s.route("/chain/30.html", html(page("终点", "<p>跳了 30 次才到</p>")));
    s.route("/files/loop.pdf?again=1", redirect("/files/loop.pdf"));
    const r = await crawl(t, config, { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = t.file("out/findings.json");
    const reasonOf = (p: string) => findingFor(out, s.baseUrl + p).map((f) => `${f.kind}/${f.reason}`);
    expect(reasonOf("loop-a.html")).toEqual(["broken-link/redirect-loop"]);
    expect(reasonOf("self.html")).toEqual(["broken-link/redirect-loop"]);
    expect(reasonOf("files/loop.pdf")).toEqual(["broken-link/redirect-loop"]);
    expect(reasonOf("chain/0.html")).toEqual(["broken-link/too-many-redirects"]);
    // Bounded: the end of the chain is never reached, and each hop of it is asked a bounded number of times.
    expect(s.count("/chain/30.html")).toBe(0);
    const chainRequests = s.requests.filter((q) => q.path.startsWith("/chain/")).length;
    expect(chainRequests).toBeLessThanOrEqual(2 * 11);
  });
});

/** A UTF-8 page (declared in the header and in <meta>) with unclosed tags and a block of stray bytes in it. */
function damagedPage(strayBytes: number): Buffer {
  const garbage = Buffer.from(Array.from({ length: strayBytes }, (_, i) => (i * 7919 + 13) % 256));
  return Buffer.concat([
    Buffer.from(
      `<html><head><meta charset="utf-8"><title>关于进一步加强食品安全监管工作的通知</title><body><div><table><tr><td>` +
        `<p>发布日期：2026-01-01<p>各街道、镇人民政府，区政府各委、办、局：现将有关事项通知如下。<font><b>`,
    ),
    garbage,
    Buffer.from(
      `\u0000\u0000<a href=/mal-gone.html>没有引号的失效链接</a><div><span><p><a href="/mal-ok.html">正常的链接<p>` +
        `<a href="/mal-gone-2.html" >第二个失效链接</td></div><!-- 没有结束的注释`,
    ),
  ]);
}

describe("malformed HTML", () => {
  it("unclosed tags and garbage bytes still yield the page's links", async () => {
    const s = await site();
    const t = workspace();
    const config = column(s, [["/xxgk/zcwj/broken-html.html", "残缺的页面", html(damagedPage(3000))]]);
    s.route("/mal-ok.html", html(page("正常", "<p>正常</p>")));
    const r = await crawl(t, config);
    expect(r.code, r.stderr).toBe(0);
    const out = t.file("out/findings.json");
    expect(findingFor(out, s.baseUrl + "mal-gone.html").map((f) => f.reason)).toEqual(["http-404"]);
    expect(findingFor(out, s.baseUrl + "mal-gone-2.html").map((f) => f.reason)).toEqual(["http-404"]);
    expect(s.count("/mal-ok.html")).toBeGreaterThanOrEqual(1);
    expect(findingFor(out, s.baseUrl + "mal-ok.html")).toEqual([]);
  });

  it("a UTF-8 page with a few stray bytes keeps its Chinese in the findings (as a browser shows it)", async () => {
    const s = await site();
    const t = workspace();
    const config = column(s, [["/xxgk/zcwj/stray.html", "有乱码字节的页面", html(damagedPage(20))]]);
    const r = await crawl(t, config);
    expect(r.code, r.stderr).toBe(0);
    const out = t.file("out/findings.json");
    expect(findingFor(out, s.baseUrl + "mal-gone.html").map((f) => f.linkText)).toEqual(["没有引号的失效链接"]);
    expect(findingFor(out, s.baseUrl + "mal-gone-2.html").map((f) => f.linkText)).toEqual(["第二个失效链接"]);
  });
});

describe("a page with 20,000 links", () => {
  it("completes, and each of its 4,000 unique targets is requested once", async () => {
    const s = await site();
    const t = workspace();
    const UNIQUE = 4000;
    const links: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = i % UNIQUE;
      links.push(n % 4 === 3 ? `<a href="/files/f${n}.pdf">附件${n}</a>` : `<a href="/l/${n}.html">链接${n}</a>`);
    }
    const config = column(s, [["/xxgk/zcwj/many.html", "链接很多的页面", html(article("链接很多的页面", links.join("\n")))]]);
    for (let n = 0; n < UNIQUE; n++) {
      const dead = n % 500 === 7;
      if (n % 4 === 3) s.route(`/files/f${n}.pdf`, dead ? status(404) : html("%PDF-1.4 附件", { "content-type": "application/pdf" }));
      else s.route(`/l/${n}.html`, dead ? status(404) : html(page(`链接${n}`, "<p>内容</p>")));
    }
    const r = await crawl(t, config, { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    const perUrl = new Map<string, number>();
    for (const q of s.requests) if (q.path.startsWith("/l/") || q.path.startsWith("/files/f")) perUrl.set(q.path, (perUrl.get(q.path) ?? 0) + 1);
    expect(perUrl.size).toBe(UNIQUE);
    const twice = [...perUrl].filter(([p, n]) => n > 1 && !p.startsWith("/files/")); // attachments: HEAD, then GET only if HEAD fails
    expect(twice).toEqual([]);
    expect([...perUrl].filter(([, n]) => n > 2)).toEqual([]);
    const broken = readFindings(t.file("out/findings.json")).findings.filter((f) => f.kind === "broken-link");
    expect(broken.map((f) => f.targetUrl).sort()).toEqual(
      Array.from({ length: UNIQUE }, (_, n) => n)
        .filter((n) => n % 500 === 7)
        .map((n) => s.baseUrl + (n % 4 === 3 ? `files/f${n}.pdf` : `l/${n}.html`))
        .sort(),
    );
  });
});

describe("hostile hrefs", () => {
  it("no crash, javascript: never fetched, unusable addresses reported as invalid-url", async () => {
    const s = await site();
    const t = workspace();
    const long5000 = "/long/" + "a".repeat(5000) + ".html";
    const long9000 = "/long/" + "b".repeat(9000) + ".html";
    const hrefs: [string, string][] = [
      ["/has space.html", "带空格的地址"],
      ["/bad%zz.html", "错误的百分号编码"],
      ["/trunc%E4%B8.html", "截断的UTF-8编码"],
      [long5000, "五千字符的地址"],
      [long9000, "九千字符的地址"],
      ["JavaScript:alert('js1')", "大小写"],
      ["  javascript:alert('js2')", "前导空格"],
      ["java\tscript:alert('js3')", "中间制表符"],
      ["jav&#x09;ascript:alert('js4')", "实体制表符"],
      ["&#106;avascript:alert('js5')", "实体字母"],
      ["javascript&colon;alert('js6')", "实体冒号"],
      ["\u0001javascript:alert('js7')", "控制字符开头"],
      ["vbscript:msgbox('js8')", "vbscript"],
      ["data:text/html,<script>alert('js9')</script>", "data 地址"],
      ["/ctl\u0001\u0002name.html", "控制字符"],
      ["/new\nline.html", "换行"],
      ["http://127.0.0.1:99999/port.html", "错误的端口"],
      ["http://bad host.invalid/x.html", "主机名有空格"],
      ["http://[::1/x.html", "残缺的 IPv6"],
    ];
    const links = hrefs.map(([h, text]) => `<a href="${h.replace(/"/g, "&quot;")}">${text}</a>`).join("\n");
    const config = column(s, [["/xxgk/zcwj/hostile.html", "奇怪的链接", html(article("奇怪的链接", links))]]);
    s.route("/has space.html", html(page("空格", "<p>有空格也能打开</p>")));
    s.route("/newline.html", html(page("换行", "<p>浏览器会去掉换行</p>")));
    const r = await crawl(t, config);
    expect(r.code, r.stderr).toBe(0);
    // Nothing of the scripts reached the server.
    const seen = s.requests.map((q) => q.path);
    expect(seen.filter((p) => /alert|msgbox|script/i.test(decodeURIComponentSafe(p)))).toEqual([]);
    expect(s.count("/has%20space.html")).toBe(1);
    expect(s.count("/newline.html")).toBe(1);
    expect(seen.some((p) => p.startsWith("/long/a"))).toBe(true);

    const all = readFindings(t.file("out/findings.json")).findings.filter((f) => f.pageUrl.endsWith("/hostile.html"));
    const got = Object.fromEntries(all.map((f) => [f.linkText, f.reason]));
    expect(got).toEqual({
      // Odd but fetchable addresses got an answer (404 here), not a crash or a skip.
      错误的百分号编码: "http-404",
      "截断的UTF-8编码": "http-404",
      五千字符的地址: "http-404",
      控制字符: "http-404",
      // Addresses no browser can open are reported as such, naming the link. Fine links and script links are not findings.
      九千字符的地址: "invalid-url",
      错误的端口: "invalid-url",
      主机名有空格: "invalid-url",
      "残缺的 IPv6": "invalid-url",
    });
    for (const f of all.filter((x) => x.reason === "invalid-url")) expect(f.message).toMatch(/格式不正确/);
    // A finding's target stays bounded even for a 9,000-character href.
    expect(Math.max(...all.map((f) => (f.targetUrl ?? "").length))).toBeLessThanOrEqual(8192);
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

describe("wrong or missing content types", () => {
  it("HTML without a type is read as a browser would; octet-stream and a PDF labelled text/html cause no crash or false alarm", async () => {
    const s = await site();
    const t = workspace();
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n", "latin1"), Buffer.alloc(4000, 0x9c)]);
    const noType = (body: string) => (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
      // Node adds no content-type on its own: this answer has none at all.
      res.writeHead(200, { "content-length": String(Buffer.byteLength(body)) });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const config = column(s, [
      ["/xxgk/zcwj/no-type.html", "没有类型的页面", noType(article("没有类型的页面", `<a href="/gone-no-type.html">无类型页面上的失效链接</a>`))],
      ["/xxgk/zcwj/octet.html", "八位字节流页面", html(article("八位字节流页面", `<a href="/octet-target.html">下载型页面上的链接</a>`), { "content-type": "application/octet-stream" })],
      ["/xxgk/zcwj/pdf-item.html", "附件说明", html(article("附件说明", `<a href="/files/doc.pdf">标错类型的PDF</a> <a href="/files/real.pdf">正常的PDF</a>`))],
    ]);
    s.route("/files/doc.pdf", html(pdf, { "content-type": "text/html" }));
    s.route("/files/real.pdf", html(pdf, { "content-type": "application/pdf" }));
    const r = await crawl(t, config);
    expect(r.code, r.stderr).toBe(0);
    const out = t.file("out/findings.json");
    expect(findingFor(out, s.baseUrl + "gone-no-type.html").map((f) => f.linkText)).toEqual(["无类型页面上的失效链接"]);
    // The PDF answers with content, whatever its label: it is not a broken link.
    expect(findingFor(out, s.baseUrl + "files/doc.pdf")).toEqual([]);
    expect(findingFor(out, s.baseUrl + "files/real.pdf")).toEqual([]);
    // The item served as a download is not called broken either: it answered 200 with content.
    expect(findingFor(out, s.baseUrl + "xxgk/zcwj/octet.html")).toEqual([]);
  });
});

describe("a charset the page lies about", () => {
  it("header says UTF-8, bytes and <meta> are GBK: the findings carry correct Chinese", async () => {
    const s = await site();
    const t = workspace();
    const text = "关于印发《嘉定区市场监管领域轻微违法行为免罚清单》的通知";
    const gbkPage = iconv.encode(
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>政策文件（GBK）</title></head>` +
        `<body><div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政策文件</div><h1>政策文件</h1><p>正文。</p><a href="/gbk-gone.html">${text}</a></body></html>`,
      "gbk",
    );
    const config = column(s, [["/xxgk/zcwj/gbk.html", "政策文件（GBK）", html(gbkPage, { "content-type": "text/html; charset=utf-8" })]]);
    const r = await crawl(t, config);
    expect(r.code, r.stderr).toBe(0);
    const f = findingFor(t.file("out/findings.json"), s.baseUrl + "gbk-gone.html");
    expect(f.map((x) => x.linkText)).toEqual([text]);
    expect(f[0].message).toContain("关于印发《嘉定区市场监管领域轻微违法行为免罚清单》");
    expect(existsSync(t.file("gongkai.sqlite"))).toBe(true);
  });
});
