// The hand-made site the crawler e2e tests run against: every link defect the contract names, the hard cases that
// must not be reported, a GBK column declared only in <meta>, a calendar trap, robots.txt. Loopback only.
import iconv from "iconv-lite";
import type { ConfigInput } from "../../shared/schema.js";
import { page, startTestSite, type Route, type TestSite } from "./crawl-helpers.js";

export interface MiniSite {
  site: TestSite;
  ext: TestSite;
  config: ConfigInput;
  url: (p: string) => string;
  close(): Promise<void>;
}

function listPage(title: string, items: [string, string, string][], extra = "", script = ""): string {
  const lis = items.map(([href, text, date]) => `<li><a href="${href}" title="${text}">${text}</a><span>${date}</span></li>`).join("");
  return page(title, `<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; ${title}</div><ul class="list">${lis}</ul>${extra}<div class="page">${script}</div>`, `<meta name="ColumnName" content="${title}">`);
}

function article(title: string, body: string, date = "2024-03-15"): string {
  return page(
    title,
    `<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政策文件</div><h1>${title}</h1><table><tr><td>发布日期：</td><td>${date}</td></tr></table><div class="TRS_Editor">${body}</div>`,
  );
}

export async function startMiniSite(opts: { latencyMs?: number } = {}): Promise<MiniSite> {
  const ext = await startTestSite(
    {
      "/ext-ok.html": { body: page("外部页面", "<p>正常的外部页面</p>") },
      "/ext-gone.html": { status: 404 },
      "/refuses-head.html": (req) => (req.method === "HEAD" ? { status: 405 } : { body: page("拒绝 HEAD", "<p>GET 可以</p>") }),
    },
    { host: "127.0.0.2", latencyMs: opts.latencyMs },
  );
  const routes: Record<string, Route> = {};
  const site = await startTestSite(routes, { latencyMs: opts.latencyMs });
  const url = (p: string) => new URL(p, site.baseUrl).toString();
  const E = ext.baseUrl;

  const items: [string, string, string][] = [
    ["t20240315_1.html", "关于加强食品安全监管的通知", "2024-03-15"],
    ["t20240316_2.html", "关于开展质量提升行动的意见", "2024-03-16"],
    ["t20240317_3.html", "已删除的文件", "2024-03-17"],
  ];
  routes["/robots.txt"] = { headers: { "content-type": "text/plain" }, body: "User-agent: *\nDisallow: /private/\n" };
  routes["/"] = { body: page("首页", `<a href="/xxgk/zcwj/index.html">政策文件</a>`) };
  routes["/xxgk/zcwj/index.html"] = {
    body: listPage(
      "政策文件",
      items,
      `<p>
        <a href="/missing.html">失效的链接</a>
        <a href="/private/secret.html">内部资料</a>
        <a href="mailto:office@example.invalid">联系我们</a>
        <a href="tel:021-12345678">电话</a>
        <a href="javascript:void(0)">打印</a>
        <a href="#top">返回顶部</a>
        <a href="/files/附件一.pdf">附件一</a>
        <a href="/files/empty.pdf">空附件</a>
        <a href="/flaky.html">偶尔失败</a>
        <a href="/busy.html">限流页面</a>
        <a href="${E}ext-ok.html">外部正常</a>
        <a href="${E}ext-gone.html">外部失效</a>
        <a href="${E}refuses-head.html">外部拒绝HEAD</a>
        <a href="http://no-such-host.invalid/page.html">不存在的网站</a>
        <a href="/soft.html">软404页面</a>
        <a href="/moved.html">跳转到错误页</a>
        <a href="/old/deep/page.html">旧地址</a>
        <a href="/loop-a.html">循环跳转</a>
        <a href="/xxgk/zcwj/t20240315_1.html#sec1">第一节</a>
        <a href="/xxgk/zcwj/t20240316_2.html#nope">不存在的锚点</a>
        <a href="/slow.html">很慢的页面</a>
      </p>`,
      `<script>createPageHTML(3, 0, "index", "html");</script>`,
    ),
  };
  routes["/xxgk/zcwj/index_1.html"] = { body: listPage("政策文件", [["t20240318_4.html", "第二页的文件", "2024-03-18"], ["t20240315_1.html", "关于加强食品安全监管的通知", "2024-03-15"]], "", `<script>createPageHTML(3, 1, "index", "html");</script>`) };
  routes["/xxgk/zcwj/index_2.html"] = { body: listPage("政策文件", [["t20240319_5.html", "第三页的文件", "2024-03-19"]], "", `<script>createPageHTML(3, 2, "index", "html");</script>`) };
  routes["/xxgk/zcwj/t20240315_1.html"] = { body: article("关于加强食品安全监管的通知", `<h2 id="sec1">第一节</h2><p>正文内容。</p><a href="/missing.html">失效的链接</a>`) };
  routes["/xxgk/zcwj/t20240316_2.html"] = { body: article("关于开展质量提升行动的意见", `<p id="para">正文。</p>`) };
  routes["/xxgk/zcwj/t20240318_4.html"] = { body: article("第二页的文件", "<p>正文。</p>") };
  routes["/xxgk/zcwj/t20240319_5.html"] = { body: article("第三页的文件", "<p>正文。</p>") };
  // t20240317_3.html is not routed: 404.
  routes["/files/附件一.pdf"] = { headers: { "content-type": "application/pdf" }, body: "%PDF-1.4 test" };
  routes["/files/empty.pdf"] = { headers: { "content-type": "application/pdf" }, body: "" };
  routes["/flaky.html"] = (_req, n) => (n === 1 ? { status: 503 } : { body: page("偶尔失败", "<p>现在好了</p>") });
  routes["/busy.html"] = (_req, n) => (n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { body: page("限流页面", "<p>好了</p>") });
  routes["/soft.html"] = { body: page("提示", "<p>对不起，您访问的页面不存在或已被删除！</p>") };
  routes["/moved.html"] = { status: 302, headers: { location: "/404.html" } };
  routes["/404.html"] = { body: page("404", "<p>页面不存在</p>") };
  routes["/old/deep/page.html"] = { status: 301, headers: { location: "/" } };
  routes["/loop-a.html"] = { status: 302, headers: { location: "/loop-b.html" } };
  routes["/loop-b.html"] = { status: 302, headers: { location: "/loop-a.html" } };
  routes["/slow.html"] = { body: page("慢", "<p>" + "慢".repeat(400) + "</p>"), trickle: { bytes: 10, everyMs: 200 } };
  routes["/private/secret.html"] = { body: page("内部", "<p>robots 禁止</p>") };

  // A GBK column that declares its charset only in <meta>, with a header saying nothing about it.
  const gbk = (html: string) => ({ headers: { "content-type": "text/html" }, body: iconv.encode(html, "gbk") });
  routes["/xxgk/tzgg/index.html"] = gbk(
    `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>通知公告</title></head><body>` +
      `<ul><li><a href="/xxgk/tzgg/t20240401_9.html">关于春节期间值班安排的通知</a><span>2024-04-01</span></li>` +
      `<li><a href="/xxgk/tzgg/gone.html">已撤下的公告</a><span>2024-03-01</span></li></ul></body></html>`,
  );
  routes["/xxgk/tzgg/t20240401_9.html"] = gbk(
    `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>关于春节期间值班安排的通知</title></head><body><h1>关于春节期间值班安排的通知</h1><p>值班安排如下。</p></body></html>`,
  );

  // A section with a calendar that links to itself without end.
  routes["/xxgk/hd/index.html"] = { body: page("互动", `<a href="/xxgk/hd/calendar.html?month=1">活动日历</a><a href="/xxgk/hd/a.html">活动一</a>`) };
  routes["/xxgk/hd/a.html"] = { body: page("活动一", "<p>活动内容</p>") };
  routes["/xxgk/hd/calendar.html?*"] = (req) => {
    const m = Number(new URL(req.url!, "http://x").searchParams.get("month") ?? 1);
    return { body: page(`日历 ${m}`, `<a href="/xxgk/hd/calendar.html?month=${m + 1}">下个月</a><a href="/xxgk/hd/calendar.html?month=${m - 1}">上个月</a>`) };
  };
  routes["/xxgk/jgzn/index.html"] = { body: page("机构职能", `<p>机构职能介绍</p><a href="/xxgk/jgzn/gone.doc">职能文件</a>`) };

  const maintainer = { department: "办公室", name: "张三", email: "zhangsan@example.invalid" };
  const config: ConfigInput = {
    site: { name: "测试区市场监督管理局", baseUrl: site.baseUrl },
    crawl: { concurrency: 2, requestTimeoutSecs: 2, maxPagesPerColumn: 50, contact: "ops@example.invalid", retries: 2 },
    columns: [
      { id: "zcwj", name: "政策文件", url: url("/xxgk/zcwj/index.html"), type: "policy", maintainer },
      { id: "tzgg", name: "通知公告", url: url("/xxgk/tzgg/index.html"), type: "notice", maintainer: { department: "综合科", name: "李四" } },
      { id: "hd", name: "互动", url: url("/xxgk/hd/index.html"), type: "other", maintainer },
      { id: "jgzn", name: "机构职能", url: url("/xxgk/jgzn/index.html"), type: "page", maintainer },
    ],
  };
  return { site, ext, config, url, close: async () => void (await Promise.all([site.close(), ext.close()])) };
}
