// Safety of the crawler itself. Network safety of this test: only loopback is ever contacted. Private and public
// addresses are judged as pure decisions (no request); the end-to-end checks use loopback addresses written in
// every disguise (names, decimal, hex, IPv4-mapped IPv6) against our own server, which counts what reaches it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyHost, isNonPublicHost } from "../../shared/url.js";
import { Fetcher } from "../../crawler/crawl/fetcher.js";
import { LinkChecker } from "../../crawler/check/checker.js";
import { ProbeCache } from "../../crawler/check/probe.js";
import { runCli, tempDir } from "./helpers/cli.js";
import { article, configFor, CONTACT, listPage, readFindings } from "./helpers/config.js";
import { html, page, startFaultSite, type FaultSite } from "./helpers/fault-site.js";

/** A Fetcher as a crawl of a public site builds it. Constructing it sends nothing. */
function publicSiteFetcher(): Fetcher {
  return new Fetcher({ concurrency: 2, timeoutMs: 2000, retries: 0, respectRobots: false, userAgent: "gongkai-test", publicSite: true });
}

describe("links from a public site to private or loopback addresses (pure decisions, no request sent)", () => {
  const PRIVATE = [
    "http://10.0.0.1/",
    "http://10.255.255.254:8080/admin",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/router.html",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1/",
    "http://127.8.9.10/",
    "http://0.0.0.0/",
    "http://100.64.0.1/",
    "http://localhost/",
    "http://intranet.localhost/",
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[fd12:3456:789a::1]/",
    "http://[fe80::1]/",
    // The same addresses in disguise: the URL parser turns these into dotted or compressed forms.
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://127.1/",
    "http://0177.0.0.1/",
    "http://167772161/",
    "http://0xa9fea9fe/",
    // IPv4-mapped IPv6: connecting to these reaches the IPv4 address.
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:192.168.1.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:127.0.0.1]/",
  ];
  const PUBLIC = ["http://www.jiading.gov.cn/", "http://8.8.8.8/", "http://172.32.0.1/", "http://192.169.0.1/", "http://[2001:db8::1]/", "http://11.0.0.1/"];

  it("every private, link-local or loopback target is refused, whatever its spelling", () => {
    const f = publicSiteFetcher();
    const fetched = PRIVATE.filter((u) => !f.isPrivateTarget(u));
    expect(fetched, "these would be fetched from a public site").toEqual([]);
  });

  it("public targets are not refused", () => {
    const f = publicSiteFetcher();
    expect(PUBLIC.filter((u) => f.isPrivateTarget(u))).toEqual([]);
  });

  it("the address classifier on plain addresses", () => {
    expect(classifyHost("10.1.2.3")).toBe("private");
    expect(classifyHost("192.168.0.10")).toBe("private");
    expect(classifyHost("172.20.1.1")).toBe("private");
    expect(classifyHost("169.254.169.254")).toBe("link-local");
    expect(classifyHost("[::1]")).toBe("loopback");
    expect(classifyHost("::ffff:10.0.0.1")).toBe("private");
    expect(isNonPublicHost("www.gov.cn")).toBe(false); // a name: judged after DNS, at connect time
  });

  it("a site that itself lives on a private address may link to its neighbours", () => {
    const intranet = new Fetcher({ concurrency: 2, timeoutMs: 2000, retries: 0, respectRobots: false, userAgent: "gongkai-test", publicSite: false });
    expect(intranet.isPrivateTarget("http://10.0.0.1/")).toBe(false);
    expect(intranet.isPrivateTarget("http://127.0.0.1/")).toBe(false);
  });
});

describe("loopback in disguise, against our own server (the only traffic is loopback)", () => {
  let s: FaultSite;
  beforeAll(async () => {
    s = await startFaultSite({ "/secret.html": html(page("内部", "<p>内部系统</p>")) });
  });
  afterAll(() => s.close());

  it("a crawl of a public site never reaches a loopback server, however the address is written", async () => {
    const port = s.port;
    const disguises = [
      `http://127.0.0.1:${port}/secret.html`,
      `http://localhost:${port}/secret.html`,
      `http://2130706433:${port}/secret.html`,
      `http://0x7f.1:${port}/secret.html`,
      `http://127.1:${port}/secret.html`,
      `http://[::ffff:127.0.0.1]:${port}/secret.html`,
      `http://[::ffff:7f00:1]:${port}/secret.html`,
    ];
    const fetcher = publicSiteFetcher();
    const checker = new LinkChecker({
      fetcher,
      probes: new ProbeCache(fetcher, () => ({ title: "", text: "", anchors: [] })),
      extract: () => ({ title: "", text: "", anchors: [] }),
      concurrency: 2,
      checkExternal: true,
      recheckAfterMs: 0,
      now: () => new Date(),
    });
    for (const url of disguises) checker.reference(new URL(url).toString(), { attachment: false, sameSite: false, tag: "a", fresh: true });
    checker.walkFinished();
    await checker.idle();
    // Also straight through the fetcher, as a redirect hop would go.
    const direct = await Promise.all(disguises.map((u) => fetcher.fetch(new URL(u).toString(), { method: "GET" })));
    expect(s.requests.map((r) => r.path), "requests that reached the loopback server").toEqual([]);
    const outcomes = [...checker.checks.values()].map((c) => `${c.url} ${c.outcome}/${c.reason ?? c.skipped ?? ""}`);
    for (const o of outcomes) expect(o).toMatch(/ wrong\/private-address$/);
    expect(direct.map((d) => d.status)).toEqual(disguises.map(() => undefined));
  });
});

describe("the crawl stays on the configured hosts, obeys robots.txt and says who it is", () => {
  let a: FaultSite;
  let b: FaultSite;
  const t = tempDir();
  beforeAll(async () => {
    a = await startFaultSite();
    b = await startFaultSite({}, { host: "127.0.0.2" });
    a.route(
      "/robots.txt",
      html("User-agent: *\nDisallow: /private/\n\nUser-agent: gongkai\nDisallow: /private/\nDisallow: /no-gongkai/\n", { "content-type": "text/plain" }),
    );
    a.route(
      "/xxgk/zcwj/index.html",
      html(
        listPage("政策文件", [
          ["/xxgk/zcwj/t1.html", "关于加强食品安全监管的通知"],
          ["/private/t2.html", "内部文件（robots 禁止）"],
        ]),
      ),
    );
    a.route(
      "/xxgk/zcwj/t1.html",
      html(
        article(
          "关于加强食品安全监管的通知",
          `<a href="${b.baseUrl}other/page.html">上级部门网站</a> <a href="${b.baseUrl}b-private/x.html">上级部门内部页面</a> ` +
            `<a href="/private/secret.html">内部资料</a> <a href="/no-gongkai/y.html">不许 gongkai 抓取</a> <a href="/ok.html">正常页面</a>`,
        ),
      ),
    );
    a.route("/ok.html", html(page("正常", "<p>正常</p>")));
    a.route("/only-from-b.html", html(page("只在外站出现", "<p>只有外站链接到这里</p>")));
    b.route("/robots.txt", html("User-agent: *\nDisallow: /b-private/\n", { "content-type": "text/plain" }));
    // The other site's page links on: to its own pages and back to a page of ours that nothing else links to.
    b.route("/other/page.html", html(page("上级部门", `<a href="/other/deeper.html">更深的页面</a> <a href="${a.baseUrl}only-from-b.html">回链</a>`)));
    b.route("/other/deeper.html", html(page("更深", "<p>不应被抓取</p>")));
    const cfg = t.writeJson("config.json", configFor(a.baseUrl, [{ id: "zcwj", url: a.baseUrl + "xxgk/zcwj/index.html" }]));
    const r = await runCli(["crawl", "--config", cfg, "--db", t.file("gongkai.sqlite"), "--out", t.file("out"), "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    t.cleanup();
  });

  it("a link to another host (127.0.0.2) is checked, but that host's own links are not followed", () => {
    expect(b.count("/other/page.html")).toBeGreaterThanOrEqual(1);
    expect(b.count("/other/deeper.html")).toBe(0);
    expect(a.count("/only-from-b.html")).toBe(0);
    // Checked, not crawled: at most a HEAD and a GET.
    expect(b.count("/other/page.html")).toBeLessThanOrEqual(2);
  });

  it("robots.txt is honoured on our site (the * group and gongkai's own group) and on the other host", () => {
    expect(a.count("/robots.txt")).toBeGreaterThanOrEqual(1);
    expect(a.requests.filter((r) => r.path.startsWith("/private/") || r.path.startsWith("/no-gongkai/"))).toEqual([]);
    expect(b.requests.filter((r) => r.path.startsWith("/b-private/"))).toEqual([]);
    // Not fetching is not the same as broken: no finding claims these links are dead.
    const findings = readFindings(t.file("out/findings.json")).findings;
    expect(findings.filter((f) => /\/(private|no-gongkai|b-private)\//.test(f.targetUrl ?? ""))).toEqual([]);
  });

  it("every request names gongkai and the contact from the config in its User-Agent", () => {
    const all = [...a.requests, ...b.requests];
    expect(all.length).toBeGreaterThan(5);
    const bad = all.filter((r) => !/gongkai/i.test(r.userAgent) || !r.userAgent.includes(CONTACT));
    expect(bad.map((r) => `${r.path}: ${r.userAgent}`)).toEqual([]);
  });
});
