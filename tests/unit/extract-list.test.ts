import { describe, expect, it } from "vitest";
import { extractPage } from "../../crawler/extract/index.js";
import type { ListItem } from "../../crawler/types.js";

const U = "http://127.0.0.1:8080/xxgk/tzgg/index.html";
const H = "http://127.0.0.1:8080";

/** A page frame like real district sites: header nav with long column names, a column tree, a hot-items widget
 * with dates, a footer of links. None of these may show up as the column's entries. */
function frame(main: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告_某区市场监督管理局</title></head><body>
<div id="top" class="header"><ul class="menu">
<li><a href="/xxgk/">政府信息公开</a></li><li><a href="/xxgk/zfxxgkzn/">政府信息公开指南</a></li>
<li><a href="/xxgk/zfxxgknb/">政府信息公开年报</a></li><li><a href="/xxgk/fdzdgknr/">法定主动公开内容</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; <a href="/xxgk/fdzdgknr/">法定主动公开内容</a> &gt; <a href="/xxgk/tzgg/">通知公告</a></div>
<div class="wrap"><div class="left"><div class="tree"><h3>法定主动公开内容</h3><ul>
<li><a href="/xxgk/zcwj/index.html">政策文件</a></li><li><a href="/xxgk/zcjd/index.html">政策解读</a></li>
<li><a href="/xxgk/tzgg/index.html">通知公告</a></li><li><a href="/xxgk/ghjh/index.html">规划计划</a></li>
<li><a href="/xxgk/zfxxgknb/index.html">政府信息公开工作年度报告</a></li><li><a href="/xxgk/sjgk/index.html">双随机一公开</a></li></ul></div>
<div class="box"><h3>热点信息</h3><ul>
<li><a href="/hot/202401/t20240102_1.html">关于2023年度食品安全抽检结果的公示</a><span>2024-01-02</span></li>
<li><a href="/hot/202401/t20240103_2.html">区市场监管局开展节前食品安全检查</a><span>2024-01-03</span></li>
<li><a href="/hot/202401/t20240104_3.html">区市场监管局召开消费维权联席会议</a><span>2024-01-04</span></li></ul></div></div>
<div class="right">${main}</div></div>
<div class="footer"><ul><li><a href="/wzdt.html">网站地图</a></li><li><a href="/lxwm.html">联系我们</a></li><li><a href="/xxgk/zfxxgkzn/">政府信息公开指南</a></li></ul>
<p>主办单位：某区市场监督管理局 网站标识码：3101140000</p></div></body></html>`;
}

function items(main: string, url = U): ListItem[] {
  return extractPage({ url, finalUrl: url, status: 200, html: frame(main) }).listItems;
}

const strip = (xs: ListItem[]) => xs.map((i) => [i.url.replace(H, ""), i.title, i.date ?? null]);

describe("list items on column pages", () => {
  it("TRS: one list split into several <ul>s of five, title attribute when the text is cut", () => {
    const li = (d: string, n: number, t: string, text = t) =>
      `<li><a href="./2024${d.slice(5, 7)}/t${d.replace(/-/g, "")}_${n}.html" title="${t}" target="_blank">${text}</a><span>${d}</span></li>`;
    const got = items(
      `<div class="list"><ul>${li("2024-03-15", 1, "关于开展2024年食品安全监督抽检工作的通知", "关于开展2024年食品安全监督抽检…")}${li("2024-03-10", 2, "关于公布2023年度行政处罚案件的公告")}</ul>` +
        `<div class="line"></div><ul>${li("2024-02-20", 3, "关于征求《某某办法》意见的通知")}</ul></div>` +
        `<div class="page"><script>createPageHTML(3, 0, "index", "html");</script></div>`,
    );
    expect(strip(got)).toEqual([
      ["/xxgk/tzgg/202403/t20240315_1.html", "关于开展2024年食品安全监督抽检工作的通知", "2024-03-15"],
      ["/xxgk/tzgg/202403/t20240310_2.html", "关于公布2023年度行政处罚案件的公告", "2024-03-10"],
      ["/xxgk/tzgg/202402/t20240220_3.html", "关于征求《某某办法》意见的通知", "2024-02-20"],
    ]);
  });

  it("gkmlpt-style table with a header row, 序号 and 文号 columns, two dates: the last one is the listed date", () => {
    const got = items(
      `<table class="table-list"><tr><th>序号</th><th>标题</th><th>文号</th><th>成文日期</th><th>发布日期</th></tr>
<tr><td>1</td><td><a href="/gkmlpt/content/0/963/post_963149.html">关于印发《某某办法》的通知</a></td><td>阳建〔2024〕5号</td><td>2024-03-01</td><td>2024-03-05</td></tr>
<tr><td>2</td><td><a href="/gkmlpt/content/0/963/post_963150.html">关于调整行政许可事项的公告</a></td><td>阳建〔2024〕6号</td><td>2024-03-02</td><td>2024-03-06</td></tr></table>`,
    );
    expect(strip(got)).toEqual([
      ["/gkmlpt/content/0/963/post_963149.html", "关于印发《某某办法》的通知", "2024-03-05"],
      ["/gkmlpt/content/0/963/post_963150.html", "关于调整行政许可事项的公告", "2024-03-06"],
    ]);
  });

  it("div rows, dl rows and dates printed inside the link", () => {
    expect(
      strip(
        items(
          `<div class="news"><div class="item"><a href="a1.html">关于开展特种设备安全检查的通知</a><em>[2024/3/1]</em></div>` +
            `<div class="item"><a href="a2.html">关于公布抽检结果的公告</a><em>[2024/2/1]</em></div></div>`,
        ),
      ),
    ).toEqual([
      ["/xxgk/tzgg/a1.html", "关于开展特种设备安全检查的通知", "2024-03-01"],
      ["/xxgk/tzgg/a2.html", "关于公布抽检结果的公告", "2024-02-01"],
    ]);
    expect(
      strip(
        items(
          `<div class="lb"><dl><dt><a href="d1.html">2023年政府信息公开工作年度报告</a></dt><dd>发布时间：2024年1月20日</dd></dl>` +
            `<dl><dt><a href="d2.html">2022年政府信息公开工作年度报告</a></dt><dd>发布时间：2023年1月18日</dd></dl></div>`,
        ),
      ),
    ).toEqual([
      ["/xxgk/tzgg/d1.html", "2023年政府信息公开工作年度报告", "2024-01-20"],
      ["/xxgk/tzgg/d2.html", "2022年政府信息公开工作年度报告", "2023-01-18"],
    ]);
    expect(
      strip(
        items(
          `<ul class="gl"><li><a href="b1.html"><span class="t">关于开展双随机抽查的公告</span><i>2024-03-05</i></a></li>` +
            `<li><a href="b2.html"><span class="t">关于双随机抽查结果的公示</span><i>2024-02-05</i></a></li></ul>`,
        ),
      ),
    ).toEqual([
      ["/xxgk/tzgg/b1.html", "关于开展双随机抽查的公告", "2024-03-05"],
      ["/xxgk/tzgg/b2.html", "关于双随机抽查结果的公示", "2024-02-05"],
    ]);
  });

  it("an undated list of guides beats the dated hot-items widget", () => {
    const got = items(
      `<ul class="bszn"><li><a href="g1.html">食品经营许可办事指南</a></li><li><a href="g2.html">药品零售企业许可办事指南</a></li>` +
        `<li><a href="g3.html">个体工商户登记办事指南</a></li></ul>`,
    );
    expect(strip(got)).toEqual([
      ["/xxgk/tzgg/g1.html", "食品经营许可办事指南", null],
      ["/xxgk/tzgg/g2.html", "药品零售企业许可办事指南", null],
      ["/xxgk/tzgg/g3.html", "个体工商户登记办事指南", null],
    ]);
  });

  it("a column named like a widget (最新动态) keeps its own list", () => {
    const html = frame(`<h2>最新动态</h2><ul class="list"><li><a href="./202403/t20240315_1.html">区局召开安全生产会议</a><span>2024-03-15</span></li></ul>`).replace(
      "<title>通知公告_某区市场监督管理局</title>",
      "<title>最新动态_某区市场监督管理局</title>",
    );
    const r = extractPage({ url: U, finalUrl: U, status: 200, html });
    expect(r.listItems.map((i) => i.title)).toEqual(["区局召开安全生产会议"]);
  });

  it("a column with a single entry", () => {
    const got = items(`<div class="list"><ul><li><a href="./202403/t20240315_9.html">某区市场监督管理局机构职能</a><span>2024-03-15</span></li></ul></div>`);
    expect(strip(got)).toEqual([["/xxgk/tzgg/202403/t20240315_9.html", "某区市场监督管理局机构职能", "2024-03-15"]]);
  });

  it("an entry's attachment link does not become an entry, and the document link is the title", () => {
    const got = items(
      `<ul class="xxgk-list"><li><a href="c1.html">关于2024年部门预算的说明</a> <a href="c1.pdf">[PDF]</a><span>2024-02-10</span></li>` +
        `<li><a href="c2.html">2023年部门决算公开</a> <a href="c2.xls">下载</a><span>2023-08-10</span></li></ul>`,
    );
    expect(strip(got)).toEqual([
      ["/xxgk/tzgg/c1.html", "关于2024年部门预算的说明", "2024-02-10"],
      ["/xxgk/tzgg/c2.html", "2023年部门决算公开", "2023-08-10"],
    ]);
  });

  it("entries whose link is only in onclick (no href)", () => {
    const got = items(
      `<ul class="list-main-group"><li><a onclick="isDownLoad(this,'./202609/t20260924_1.html')" title='关于调整成品油价格的公告'>` +
        `<span class="list-main-title">关于调整成品油价格的公告</span><span class="list-main-date">2026-09-24</span></a></li>` +
        `<li><a href="javascript:void(0)" onclick="window.open('/xxgk/tzgg/202609/t20260911_2.html')">关于调整水价的公告</a><span>2026-09-11</span></li></ul>`,
    );
    expect(strip(got)).toEqual([
      ["/xxgk/tzgg/202609/t20260924_1.html", "关于调整成品油价格的公告", "2026-09-24"],
      ["/xxgk/tzgg/202609/t20260911_2.html", "关于调整水价的公告", "2026-09-11"],
    ]);
  });

  it("a detail page yields no entries from its navigation, tree, widget or footer", () => {
    const got = items(
      `<div class="article"><h1>关于开展检查的通知</h1><div class="info">发布日期：2024-03-15</div>` +
        `<div class="TRS_Editor"><p>各有关单位：根据<a href="/xxgk/zcwj/202401/t20240101_1.html">《某某办法》</a>的规定，现就有关事项通知如下。</p>` +
        `<p>一、检查范围。全区食品生产经营单位，特别是学校食堂、养老机构食堂和集体用餐配送单位，以及大型商场超市。</p>` +
        `<p>二、检查内容。许可证照、进货查验、索证索票、从业人员健康管理和食品安全管理制度落实情况。</p></div></div>`,
    );
    expect(got).toEqual([]);
  });
});

describe("大汉 Hanweb datastore records", () => {
  it("reads the records inside <script type=text/xml>, not the page's links", () => {
    const html = `<div id="5345"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=123"></a>]]></nextgroup><recordset>
<record><![CDATA[<li><a href="/art/2024/5/6/art_123_456.html" title="关于某某工作的通知" target="_blank">关于某某工作的通知</a><span>2024-05-06</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2024/4/1/art_123_455.html" title="关于开展专项整治行动的公告（全文）">关于开展专项整治行动的公...</a><span>2024-04-01</span></li>]]></record>
</recordset></datastore></script></div>`;
    const url = "http://127.0.0.1:8080/col/col123/index.html";
    expect(strip(items(html, url))).toEqual([
      ["/art/2024/5/6/art_123_456.html", "关于某某工作的通知", "2024-05-06"],
      ["/art/2024/4/1/art_123_455.html", "关于开展专项整治行动的公告（全文）", "2024-04-01"],
    ]);
  });
});

describe("inline JSON lists", () => {
  it("reads a simple inline array of {title, url, date}", () => {
    const html = `<div id="list"></div><script>var listData = [{"title":"关于某事项的通知","url":"./202403/t20240301_1.html","pubDate":"2024-03-01 10:00:00"},` +
      `{"title":"关于另一事项的公告","url":"./202402/t20240201_2.html","pubDate":"2024-02-01"}];\nrender(listData);</script>`;
    expect(strip(items(html))).toEqual([
      ["/xxgk/tzgg/202403/t20240301_1.html", "关于某事项的通知", "2024-03-01"],
      ["/xxgk/tzgg/202402/t20240201_2.html", "关于另一事项的公告", "2024-02-01"],
    ]);
  });
});

describe("empty columns", () => {
  it.each(["暂无信息", "暂无数据", "暂无内容", "没有记录", "【暂无相关信息】", "本栏目暂无信息！"])("%s: emptyNotice, and no entries borrowed from the sidebar", (notice) => {
    const r = extractPage({ url: U, finalUrl: U, status: 200, html: frame(`<div class="list"><ul></ul><p class="none">${notice}</p></div>`) });
    expect(r.emptyNotice).toBe(true);
    expect(r.listItems).toEqual([]);
  });

  it("a notice in the footer or a side widget does not make the column empty", () => {
    const html = frame(`<ul class="list"><li><a href="./202403/t20240315_1.html">关于开展检查的通知</a><span>2024-03-15</span></li></ul>`)
      .replace("主办单位：", "<span>暂无信息</span>主办单位：")
      .replace("<h3>热点信息</h3>", '<h3>热点信息</h3><div class="related">暂无数据</div>');
    const r = extractPage({ url: U, finalUrl: U, status: 200, html });
    expect(r.emptyNotice).toBe(false);
    expect(r.listItems).toHaveLength(1);
  });

  it.each(["当前栏目暂无内容", "信息正在完善中", "敬请期待"])("%s is a notice too", (notice) => {
    const r = extractPage({ url: U, finalUrl: U, status: 200, html: frame(`<div class="list"><span>${notice}</span></div>`) });
    expect(r.emptyNotice).toBe(true);
  });

  it("a Hanweb datastore with an empty recordset is an empty column", () => {
    const url = "http://127.0.0.1:8080/col/col9/index.html";
    const html = frame(`<div id="77"><script type="text/xml"><datastore><nextgroup><![CDATA[]]></nextgroup><recordset></recordset></datastore></script></div>`);
    const r = extractPage({ url, finalUrl: url, status: 200, html });
    expect(r.emptyNotice).toBe(true);
    expect(r.listItems).toEqual([]);
  });

  it("a sentence that merely mentions 暂无 is not a notice", () => {
    const r = extractPage({
      url: U,
      finalUrl: U,
      status: 200,
      html: frame(`<div class="TRS_Editor"><p>对暂无信息公开目录的单位，应当在一个月内补充完善。</p></div>`),
    });
    expect(r.emptyNotice).toBe(false);
  });
});
