import { describe, expect, it } from "vitest";
import { extractPage } from "../../crawler/extract/index.js";
import { labelKey } from "../../crawler/extract/metadata.js";

const U = "http://127.0.0.1:8080/xxgk/zcwj/202403/t20240315_1.html";

function page(body: string, head = "") {
  return extractPage({
    url: U,
    finalUrl: U,
    status: 200,
    html: `<html><head>${head}</head><body><div class="header"><a href="/">首页</a></div>${body}<div class="footer">版权所有</div></body></html>`,
  });
}

describe("metadata tables", () => {
  it("TRS table with odd label spacing (索 引 号：, 标　　题： with full-width spaces)", () => {
    const r = page(`<table class="xxgk_table">
<tr><td>索 引 号：</td><td>11310114MB2F0123XK/2021-00012</td><td>主题分类：</td><td>市场监管</td></tr>
<tr><td>标　　题：</td><td colspan="3">关于开展2021年食品安全抽检的通知</td></tr>
<tr><td>发文字号：</td><td>嘉市监办〔2021〕102号</td><td>发布日期：</td><td>2021年06月01日</td></tr>
<tr><td>成文日期</td><td>2021-05-28</td><td>有 效 性</td><td>有效</td></tr>
<tr><td>发布机构：</td><td>上海市嘉定区市场监督管理局</td><td>主 题 词：</td><td></td></tr></table>
<div class="TRS_Editor"><p>正文。</p></div>`);
    expect(r.metadata).toEqual({
      索引号: "11310114MB2F0123XK/2021-00012",
      主题分类: "市场监管",
      标题: "关于开展2021年食品安全抽检的通知",
      发文字号: "嘉市监办〔2021〕102号",
      发布日期: "2021年06月01日",
      成文日期: "2021-05-28",
      有效性: "有效",
      发布机构: "上海市嘉定区市场监督管理局",
    });
    expect(r.dates.published).toBe("2021-06-01");
    expect(r.heading).toBe("关于开展2021年食品安全抽检的通知");
  });

  it("gkmlpt: label and value in one cell", () => {
    const r = page(`<div class="introduce"><table>
<tr><td class="first"><label>索引号：</label><span>007329893/2024-00105</span></td><td><label>分类：</label><span>综合政务</span></td></tr>
<tr><td><label>发布机构：</label><span>某市住房和城乡建设局</span></td><td><label>成文日期：</label><span>2024-03-01</span></td></tr>
<tr><td colspan="2"><label>名称：</label><span>关于印发某某办法的通知</span></td></tr>
<tr><td><label>文号：</label><span>某建〔2024〕5号</span></td><td><label>发布日期：</label><span>2024-03-05</span></td></tr></table></div>`);
    expect(r.metadata).toMatchObject({
      索引号: "007329893/2024-00105",
      分类: "综合政务",
      发布机构: "某市住房和城乡建设局",
      成文日期: "2024-03-01",
      名称: "关于印发某某办法的通知",
      文号: "某建〔2024〕5号",
      发布日期: "2024-03-05",
    });
    expect(r.dates.published).toBe("2024-03-05");
  });

  it("dl/dt/dd, li/span pairs and stacked label/value divs", () => {
    expect(
      page(`<dl class="info"><dt>索 引 号：</dt><dd>000014349/2024-00031</dd><dt>发文字号</dt><dd>某市监规[2024]1号</dd><dt>发布日期：</dt><dd>2024/3/5</dd></dl>`).metadata,
    ).toEqual({ 索引号: "000014349/2024-00031", 发文字号: "某市监规[2024]1号", 发布日期: "2024/3/5" });
    expect(
      page(`<ul class="meta"><li><span>发文机关：</span><span>某区人民政府</span></li><li><b>成文日期：</b>2024-03-10</li><li><span>主题分类：</span><span>综合政务\\其他</span></li></ul>`).metadata,
    ).toEqual({ 发文机关: "某区人民政府", 成文日期: "2024-03-10", 主题分类: "综合政务\\其他" });
    expect(
      page(`<div class="row"><div class="label">标　　题</div><div class="value">关于开展检查的通知</div></div><div class="row"><div class="label">有 效 性</div><div class="value">有效</div></div>`)
        .metadata,
    ).toEqual({ 标题: "关于开展检查的通知", 有效性: "有效" });
  });

  it("label：value runs on an info bar, several per line, with 字体 controls after them", () => {
    const r = page(
      `<h1>关于开展检查的通知</h1><div class="info">发布时间：2024-03-15 10:20&nbsp;&nbsp;&nbsp;来源：区市场监管局&nbsp;&nbsp;浏览次数：1234&nbsp;&nbsp;【字体：大 中 小】</div>` +
        `<div class="TRS_Editor"><p>正文内容。</p></div><p class="update">最后更新：2024年4月2日</p>`,
    );
    expect(r.metadata).toMatchObject({ 发布时间: "2024-03-15 10:20", 来源: "区市场监管局", 浏览次数: "1234", 最后更新: "2024年4月2日" });
    expect(r.dates).toEqual({ published: "2024-03-15", updated: "2024-04-02" });
  });

  it("办事指南 fields and 更新时间", () => {
    const r = page(`<div class="TRS_Editor"><table><tr><td>事项名称</td><td>食品经营许可</td></tr><tr><td>设定依据</td><td>《中华人民共和国食品安全法》</td></tr>
<tr><td>办理地点</td><td>某区行政服务中心</td></tr><tr><td>联系电话</td><td>021-59990000</td></tr></table><p>更新时间：2023年12月1日</p></div>`);
    expect(r.metadata).toMatchObject({ 事项名称: "食品经营许可", 设定依据: "《中华人民共和国食品安全法》", 办理地点: "某区行政服务中心", 联系电话: "021-59990000" });
    expect(r.dates.updated).toBe("2023-12-01");
  });

  it("the first occurrence wins (the metadata table above a body that repeats a label)", () => {
    const r = page(`<table><tr><td>发布日期：</td><td>2024-03-15</td></tr></table><div class="TRS_Editor"><p>发布日期：2020-01-01（原文件）</p></div>`);
    expect(r.metadata.发布日期).toBe("2024-03-15");
  });

  it("labelKey removes every kind of whitespace and the trailing colon", () => {
    expect(labelKey("索 引 号：")).toBe("索引号");
    expect(labelKey("标\u3000\u3000题:")).toBe("标题");
    expect(labelKey("\u00a0发文字号\t：")).toBe("发文字号");
  });
});

describe("dates of a page", () => {
  it("PubDate meta when there is no 发布日期 label", () => {
    expect(page(`<h1>标题</h1>`, `<meta name="PubDate" content="2024-03-15 10:20:30">`).dates.published).toBe("2024-03-15");
  });
  it("成文日期 when there is neither", () => {
    expect(page(`<table><tr><td>成文日期：</td><td>2024年3月10日</td></tr></table>`).dates.published).toBe("2024-03-10");
  });
  it("the URL's date when the page says nothing", () => {
    expect(page(`<h1>某标题</h1><p>正文</p>`).dates.published).toBe("2024-03-15");
  });
  it("a date printed under the heading when the URL has none", () => {
    const url = "http://127.0.0.1:8080/news/show.jsp?id=42";
    const r = extractPage({ url, finalUrl: url, status: 200, html: `<body><h1>区局召开安全生产工作会议</h1><div class="sub">2024年3月8日 　区市场监管局</div><p>会议指出……</p></body>` });
    expect(r.dates.published).toBe("2024-03-08");
  });
  it("an invalid date in a label is ignored", () => {
    const r = page(`<table><tr><td>发布日期：</td><td>2024-13-40</td></tr><tr><td>更新日期：</td><td>2024-02-30</td></tr></table>`);
    expect(r.dates.updated).toBeUndefined();
    expect(r.dates.published).toBe("2024-03-15"); // from the URL
  });
});

describe("breadcrumbs", () => {
  it.each([
    ["当前位置 with &gt;", `<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; <a href="/xxgk/zcwj/">政策文件</a></div>`, ["首页", "政府信息公开", "政策文件"]],
    ["您现在的位置 with >>", `<div class="wz"><span>您现在的位置：</span><a href="/">首页</a>&nbsp;&gt;&gt;&nbsp;<a href="/zwgk/">政务公开</a>&nbsp;&gt;&gt;&nbsp;<a href="/zwgk/tzgg/">通知公告</a></div>`, ["首页", "政务公开", "通知公告"]],
    ["» with the current column as text", `<nav class="breadcrumb"><a href="/">首页</a> » <a href="/a/">信息公开</a> » 人事信息</nav>`, ["首页", "信息公开", "人事信息"]],
    ["/ with a trailing 正文", `<div id="location">位置：<a href="/">首页</a> / <a href="/a/">法定主动公开内容</a> / <a href="/a/b/">财政预决算</a> / 正文</div>`, ["首页", "法定主动公开内容", "财政预决算"]],
    ["image separators", `<div class="crumb"><a href="/">网站首页</a><img src="/sep.gif"><a href="/x/">机构职能</a><img src="/sep.gif"><a href="/x/y/">领导信息</a></div>`, ["网站首页", "机构职能", "领导信息"]],
    ["› in a paragraph", `<p class="dqwz">当前位置： <a href="/">首页</a> › <a href="/xxgk/">信息公开</a> › 办事指南</p>`, ["首页", "信息公开", "办事指南"]],
    ["Hanweb nested table cells", `<table class="bt-position"><tr><td>您当前的位置：<table><tr><td><a href="/">首页</a></td><td>&gt;</td><td><a href="/col/col1/">政府信息公开</a></td><td>&gt;</td><td><a href="/col/col2/">政策解读</a></td></tr></table></td></tr></table>`, ["首页", "政府信息公开", "政策解读"]],
  ])("%s", (_name, html, expected) => {
    expect(page(`${html}<div class="TRS_Editor"><p>正文</p></div>`).breadcrumb).toEqual(expected);
  });

  it("no breadcrumb: empty", () => {
    expect(page(`<div class="TRS_Editor"><p>办理地点：某区行政服务中心3楼</p></div>`).breadcrumb).toEqual([]);
  });
});

describe("meta tags", () => {
  it("keys lower-cased, first non-empty value kept", () => {
    const r = page(
      `<h1>x</h1>`,
      `<meta name="SiteName" content="某区市场监督管理局"><meta name="ColumnName" content="政策文件"><meta name="columnname" content="别的">` +
        `<meta name="ArticleTitle" content=" 关于印发《某某办法》的通知 "><meta name="PubDate" content="2024-03-15 10:20"><meta name="ContentSource" content="区市场监管局">` +
        `<meta name="Keywords" content=""><meta http-equiv="Content-Type" content="text/html; charset=utf-8">`,
    );
    expect(r.meta).toEqual({
      sitename: "某区市场监督管理局",
      columnname: "政策文件",
      articletitle: "关于印发《某某办法》的通知",
      pubdate: "2024-03-15 10:20",
      contentsource: "区市场监管局",
      "content-type": "text/html; charset=utf-8",
    });
    expect(r.heading).toBe("关于印发《某某办法》的通知");
  });
});
