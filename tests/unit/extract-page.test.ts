import { describe, expect, it } from "vitest";
import { BODY_TEXT_MAX, extractPage, extractPageFromBuffer, gkmlptList, parseGkmlptApi } from "../../crawler/extract/index.js";

const H = "http://127.0.0.1:8080";

describe("a TRS detail page", () => {
  const url = `${H}/xxgk/zcwj/202403/t20240315_123456.html`;
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<title>关于印发《某区食品安全工作要点》的通知_某区市场监督管理局</title>
<meta name="SiteName" content="某区市场监督管理局"><meta name="ColumnName" content="政策文件"><meta name="PubDate" content="2024-03-15 09:30">
<script src="/js/jquery.min.js"></script><style>.x{color:red}</style></head>
<body><a id="top" name="top"></a>
<div class="header"><h1 class="logo"><img src="/images/logo.png" alt="某区市场监督管理局"></h1><ul class="nav"><li><a href="/">首页</a></li><li><a href="/xxgk/">政府信息公开</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; <a href="/xxgk/zcwj/">政策文件</a> &gt; 正文</div>
<table class="xxgk_table"><tr><td>索 引 号：</td><td>11310114MB2F0123XK/2024-00012</td><td>发布日期：</td><td>2024年03月15日</td></tr>
<tr><td>发文字号：</td><td>某市监〔2024〕12号</td><td>有 效 性：</td><td>有效</td></tr></table>
<div class="article"><h2 class="title">关于印发《某区食品安全工作要点》的通知</h2>
<div class="TRS_Editor"><style>p{margin:0}</style><p>各有关单位：</p><p>现将《某区食品安全工作要点》印发给你们，请认真贯彻执行。</p>
<h3 id="fj">附件</h3><p><a href="./P020240315389654512345.pdf">某区食品安全工作要点.pdf</a></p><p><a href="/uploads/附件 2.docx">附件2</a></p>
<script>var a = "不是正文";</script><p style="text-align:right">某区市场监督管理局<br>2024年3月14日</p></div></div>
<div class="related">相关解读：<span>暂无</span></div>
<div class="footer"><a href="#top">返回顶部</a> 版权所有 某区市场监督管理局</div></body></html>`;
  const r = extractPage({ url, finalUrl: url, status: 200, contentType: "text/html; charset=utf-8", html, charset: "utf-8", charsetSource: "header" });

  it("title, heading, breadcrumb, meta, metadata, dates", () => {
    expect(r.title).toBe("关于印发《某区食品安全工作要点》的通知_某区市场监督管理局");
    expect(r.heading).toBe("关于印发《某区食品安全工作要点》的通知");
    expect(r.breadcrumb).toEqual(["首页", "政府信息公开", "政策文件"]);
    expect(r.meta.columnname).toBe("政策文件");
    expect(r.metadata).toEqual({ 索引号: "11310114MB2F0123XK/2024-00012", 发布日期: "2024年03月15日", 发文字号: "某市监〔2024〕12号", 有效性: "有效" });
    expect(r.dates).toEqual({ published: "2024-03-15" });
    expect(r.charset).toBe("utf-8");
    expect(r.charsetSource).toBe("header");
    expect(r.contentType).toBe("text/html; charset=utf-8");
  });

  it("body text from the TRS_Editor, without scripts and styles", () => {
    expect(r.bodyText).toBe(
      "各有关单位： 现将《某区食品安全工作要点》印发给你们，请认真贯彻执行。 附件 某区食品安全工作要点.pdf 附件2 某区市场监督管理局 2024年3月14日",
    );
  });

  it("anchors, attachments, and no list or pagination on a detail page", () => {
    expect(r.anchors).toEqual(["top", "fj"]);
    expect(r.links.filter((l) => l.attachment).map((l) => l.text)).toEqual(["某区食品安全工作要点.pdf", "附件2"]);
    expect(r.listItems).toEqual([]);
    expect(r.pagination).toEqual([]);
    // "相关解读：暂无" in a side box is not an empty-column notice
    expect(r.emptyNotice).toBe(false);
  });
});

describe("a 大汉 Hanweb detail page", () => {
  it("ArticleTitle, #zoom body, breadcrumb in table cells, the date on the info line, the URL date as fallback", () => {
    const url = `${H}/art/2024/5/6/art_1229_456.html`;
    const html = `<html><head><meta name="ArticleTitle" content="关于做好2024年安全生产工作的通知"><meta name="ColumnName" content="通知公告">
<meta name="ContentSource" content="市应急管理局"></head><body>
<table class="dqwz"><tr><td>您当前的位置：</td><td><a href="/index.html">首页</a></td><td>&gt;</td><td><a href="/col/col1/index.html">政府信息公开</a></td><td>&gt;</td><td><a href="/col/col1229/index.html">通知公告</a></td></tr></table>
<div class="main-txt"><div class="title">关于做好2024年安全生产工作的通知</div>
<div class="info">信息来源：市应急管理局&nbsp;&nbsp;&nbsp;发布日期：2024-05-06&nbsp;&nbsp;&nbsp;浏览次数：<script>document.write(1)</script></div>
<div id="zoom"><p>各县（市、区）应急管理局：</p><p>现将有关事项通知如下。</p></div></div></body></html>`;
    const r = extractPage({ url, finalUrl: url, status: 200, html });
    expect(r.heading).toBe("关于做好2024年安全生产工作的通知");
    expect(r.breadcrumb).toEqual(["首页", "政府信息公开", "通知公告"]);
    expect(r.metadata).toMatchObject({ 信息来源: "市应急管理局", 发布日期: "2024-05-06" });
    expect(r.bodyText).toBe("各县（市、区）应急管理局： 现将有关事项通知如下。");
    expect(r.dates.published).toBe("2024-05-06");
    const noDate = extractPage({ url, finalUrl: url, status: 200, html: html.replace("发布日期：2024-05-06", "") });
    expect(noDate.dates.published).toBe("2024-05-06"); // from /art/2024/5/6/
  });
});

describe("a gkmlpt detail page", () => {
  it("introduce table, h1 heading, article-content body", () => {
    const url = `${H}/gkmlpt/content/0/963/post_963149.html`;
    const html = `<html><head><title>关于印发某某办法的通知</title></head><body><div class="header"><h1 class="logo">某市人民政府</h1></div>
<div class="content-box"><div class="introduce"><table>
<tr><td><label>索引号：</label><span>007329893/2024-00105</span></td><td><label>分类：</label><span>综合政务</span></td></tr>
<tr><td><label>发布机构：</label><span>某市住房和城乡建设局</span></td><td><label>成文日期：</label><span>2024-03-01</span></td></tr>
<tr><td><label>名称：</label><span>关于印发某某办法的通知</span></td></tr>
<tr><td><label>文号：</label><span>某建〔2024〕5号</span></td><td><label>发布日期：</label><span>2024-03-05</span></td></tr></table></div>
<h1 class="title">关于印发某某办法的通知</h1><div class="article-content"><p>各有关单位：</p><p>《某某办法》已经市政府同意，现印发给你们。</p>
<p>附件：<a href="/attachment/0/88/88389/963149.pdf">某某办法.pdf</a></p></div></div></body></html>`;
    const r = extractPage({ url, finalUrl: url, status: 200, html });
    expect(r.heading).toBe("关于印发某某办法的通知");
    expect(r.metadata.文号).toBe("某建〔2024〕5号");
    expect(r.dates).toEqual({ published: "2024-03-05" });
    expect(r.bodyText).toBe("各有关单位： 《某某办法》已经市政府同意，现印发给你们。 附件：某某办法.pdf");
    expect(r.links.find((l) => l.attachment)?.url).toBe(`${H}/attachment/0/88/88389/963149.pdf`);
  });
});

describe("a plain CMS list page with 下一页 links", () => {
  it("entries, pages, breadcrumb", () => {
    const url = `${H}/news/list.asp?classid=12`;
    const html = `<html><head><title>工作动态</title></head><body>
<table width="100%"><tr><td><img src="/img/home.gif"> 当前位置：<a href="/">首页</a> > <a href="/news/">新闻中心</a> > 工作动态</td></tr></table>
<table class="newslist">${[1, 2, 3, 4]
      .map((i) => `<tr><td>·<a href="show.asp?id=${100 + i}" target="_blank">区市场监管局第${i}季度食品安全工作会议召开</a></td><td>(2024-0${i}-1${i})</td></tr>`)
      .join("")}</table>
<div align="center">共 3 页 第 1 页 <a href="list.asp?classid=12&page=2">下一页</a> <a href="list.asp?classid=12&page=3">尾页</a></div>
<div class="bottom"><a href="/about.asp">关于我们</a> | <a href="/map.asp">网站地图</a></div></body></html>`;
    const r = extractPage({ url, finalUrl: url, status: 200, html });
    expect(r.breadcrumb).toEqual(["首页", "新闻中心", "工作动态"]);
    expect(r.listItems.map((i) => [i.url.replace(H, ""), i.title, i.date])).toEqual([
      ["/news/show.asp?id=101", "区市场监管局第1季度食品安全工作会议召开", "2024-01-11"],
      ["/news/show.asp?id=102", "区市场监管局第2季度食品安全工作会议召开", "2024-02-12"],
      ["/news/show.asp?id=103", "区市场监管局第3季度食品安全工作会议召开", "2024-03-13"],
      ["/news/show.asp?id=104", "区市场监管局第4季度食品安全工作会议召开", "2024-04-14"],
    ]);
    expect(r.pagination.map((u) => u.replace(H, ""))).toEqual(["/news/list.asp?classid=12&page=2", "/news/list.asp?classid=12&page=3"]);
  });
});

describe("body text", () => {
  it("without a known container: the body without header, nav, footer, scripts", () => {
    const url = `${H}/a.html`;
    const html = `<body><header>网站头部</header><nav>导航</nav><div id="main"><p>第一段。</p><p>第二段。</p></div><script>x()</script><footer>页脚</footer></body>`;
    expect(extractPage({ url, finalUrl: url, status: 200, html }).bodyText).toBe("第一段。 第二段。");
  });

  it("is capped at 20,000 characters", () => {
    const url = `${H}/big.html`;
    const html = `<body><div class="TRS_Editor">${"<p>政府信息公开工作年度报告正文内容。</p>".repeat(3000)}</div></body>`;
    const r = extractPage({ url, finalUrl: url, status: 200, html });
    expect(r.bodyText.length).toBe(BODY_TEXT_MAX);
  });
});

describe("hostile and broken input", () => {
  it("malformed HTML: unclosed tags, stray closers, a table without rows, nested anchors", () => {
    const url = `${H}/bad.html`;
    const html = `<html><head><title>坏页面</title><body><div><p>第一段<table><td>索引号：<td>ABC/2024-1</table></div></span></div><a href="/x.html">外<a href="/y.html">内</a><ul><li><a href="/z.html">未闭合`;
    const r = extractPage({ url, finalUrl: url, status: 200, html });
    expect(r.links.map((l) => l.url)).toEqual([`${H}/x.html`, `${H}/y.html`, `${H}/z.html`]);
    expect(r.metadata.索引号).toBe("ABC/2024-1");
  });

  it("empty, binary and non-HTML bodies give an empty record instead of throwing", () => {
    const url = `${H}/file.pdf`;
    for (const body of [Buffer.alloc(0), Buffer.from([0, 1, 2, 255, 254, 0, 0x1b, 0x5b]), Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj")]) {
      const r = extractPageFromBuffer(body, { url, finalUrl: url, status: 200, contentType: "application/pdf" });
      expect(r.links).toEqual([]);
      expect(r.listItems).toEqual([]);
      expect(r.url).toBe(url);
    }
  });

  it("a 5 MB page of nested divs and links completes", () => {
    const url = `${H}/huge.html`;
    const html = `<body>${"<div>".repeat(5000)}${'<a href="/p.html">链接</a>'.repeat(220_000)}${"</div>".repeat(5000)}</body>`;
    expect(html.length).toBeGreaterThan(5_000_000);
    const r = extractPage({ url, finalUrl: url, status: 200, html });
    expect(r.links).toHaveLength(220_000);
  });

  it("a crawled title holding markup stays text", () => {
    const url = `${H}/xss.html`;
    const r = extractPage({ url, finalUrl: url, status: 200, html: `<title>&lt;img src=x onerror=alert(1)&gt;</title><body><h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1></body>` });
    expect(r.title).toBe("<img src=x onerror=alert(1)>");
    expect(r.heading).toBe("<script>alert(1)</script>");
  });
});

describe("gkmlpt", () => {
  it("finds the list API of a gkmlpt column page and reads its answer", () => {
    const page = `${H}/yjzjj/gkmlpt/index#721`;
    const html = `<html><body><div id="app"></div><script>window._CONFIG = { SID: '662021', TREE: [] };</script></body></html>`;
    const api = gkmlptList(html, page);
    expect(api?.apiUrl(1)).toBe(`${H}/yjzjj/gkmlpt/api/all/721?page=1&sid=662021`);
    const answer = {
      total: 145,
      articles: [
        { id: 963149, title: "2024年5月份某市工程造价信息", url: `${H}/yjzjj/gkmlpt/content/0/963/post_963149.html`, created_at: "2024-06-18 16:25:04", display_publish_time: 1718699108 },
        { id: 963150, title: "关于<em>某某</em>的通知", post_url: "/yjzjj/gkmlpt/content/0/963/post_963150.html", created_at: "2024-06-01 09:00:00" },
        { id: 1, title: "" },
      ],
    };
    expect(parseGkmlptApi(answer, api!.apiUrl(1))).toEqual({
      total: 145,
      pageSize: 3,
      items: [
        { url: `${H}/yjzjj/gkmlpt/content/0/963/post_963149.html`, title: "2024年5月份某市工程造价信息", date: "2024-06-18" },
        { url: `${H}/yjzjj/gkmlpt/content/0/963/post_963150.html`, title: "关于某某的通知", date: "2024-06-01" },
      ],
    });
  });

  it("is quiet on pages that are not gkmlpt", () => {
    expect(gkmlptList("<html><body>x</body></html>", `${H}/xxgk/index.html`)).toBeUndefined();
    expect(parseGkmlptApi("not json", `${H}/gkmlpt/api/all/1?page=1&sid=2`)).toEqual({ items: [], pageSize: 0 });
  });
});
