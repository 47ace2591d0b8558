import { describe, expect, it } from "vitest";
import { extractPage, loadHtml } from "../../crawler/extract/index.js";
import { MAX_INFERRED_PAGES, extractPagination } from "../../crawler/extract/pagination.js";

const H = "http://127.0.0.1:8080";

function pages(url: string, body: string): string[] {
  const html = `<html><body><div class="header"><a href="/index.html">首页</a><a href="/xxgk/">政府信息公开</a></div>${body}</body></html>`;
  return extractPagination(html, loadHtml(html), url).map((u) => u.replace(H, ""));
}

describe("TRS createPageHTML", () => {
  it("4 arguments, on the first page (the column's directory URL)", () => {
    expect(pages(`${H}/xxgk/tzgg/`, `<script>createPageHTML(5, 0, "index", "html");</script>`)).toEqual([
      "/xxgk/tzgg/index_1.html",
      "/xxgk/tzgg/index_2.html",
      "/xxgk/tzgg/index_3.html",
      "/xxgk/tzgg/index_4.html",
    ]);
  });

  it("4 arguments, on a middle page: every other page, the first one included", () => {
    expect(pages(`${H}/xxgk/tzgg/index_2.html`, `<script language="JavaScript">createPageHTML(4,2,"index","htm");</script>`)).toEqual([
      "/xxgk/tzgg/index.htm",
      "/xxgk/tzgg/index_1.htm",
      "/xxgk/tzgg/index_3.htm",
    ]);
  });

  it("6 arguments (container, pages, current from 1, prefix, extension, records)", () => {
    const got = pages(`${H}/xxgk/tzgg/common_list.shtml`, `<div id="page_div"></div><script>createPageHTML('page_div', 4, 1, 'common_list', 'shtml', 70);</script>`);
    expect(got).toEqual(["/xxgk/tzgg/common_list_2.shtml", "/xxgk/tzgg/common_list_3.shtml", "/xxgk/tzgg/common_list_4.shtml"]);
  });

  it("arguments given as variables set earlier in the page", () => {
    const got = pages(
      `${H}/xxgk/zcwj/index.html`,
      `<script>var countPage = 3//共多少页\nvar currentPage = 0;\ncreatePageHTML(countPage, currentPage, "index", "html");</script>`,
    );
    expect(got).toEqual(["/xxgk/zcwj/index_1.html", "/xxgk/zcwj/index_2.html"]);
  });

  it("the classic outline template: countPage/currentPage with document.write", () => {
    const got = pages(
      `${H}/xxfb/tzggx/index_1.html`,
      `<script>var currentPage = 1;//所在页从0开始\nvar prevPage = currentPage-1\nvar nextPage = currentPage+1\nvar countPage = 4//共多少页\n` +
        `document.write("共"+countPage+"页&nbsp;&nbsp;");\nif(countPage>1&&currentPage!=(countPage-1)){document.write("<a href=\\"index"+"_" + nextPage + "."+"html\\">下一页</a>");}</script>`,
    );
    expect(got).toEqual(["/xxfb/tzggx/index.html", "/xxfb/tzggx/index_2.html", "/xxfb/tzggx/index_3.html"]);
  });

  it("does not believe a script claiming millions of pages", () => {
    const got = pages(`${H}/a/`, `<script>createPageHTML(99999999, 0, "index", "html");</script>`);
    expect(got).toHaveLength(MAX_INFERRED_PAGES - 1);
  });
});

describe("pager links", () => {
  it("下一页 and 尾页 to index_N.html: every page up to the last", () => {
    const got = pages(`${H}/xxgk/zcwj/`, `<div class="fy">首页 上一页 <a href="index_1.html">下一页</a> <a href="index_5.html">尾页</a></div>`);
    expect(got).toEqual(["/xxgk/zcwj/index_1.html", "/xxgk/zcwj/index_2.html", "/xxgk/zcwj/index_3.html", "/xxgk/zcwj/index_4.html", "/xxgk/zcwj/index_5.html"]);
  });

  it("共 2 页 with 尾页 → index_2.html: a site whose second page is index_2, not index_1", () => {
    expect(pages(`${H}/xxgk/sjgk/index.html`, `<div class="pager">共2页 当前第1页 首页 上一页 <a href="index_2.html">下一页</a> <a href="index_2.html">尾页</a></div>`)).toEqual([
      "/xxgk/sjgk/index_2.html",
    ]);
  });

  it("only a 下一页 link and no total: just the next page", () => {
    expect(pages(`${H}/news/list.html`, `<p><a href="list_2.html">下一页</a></p>`)).toEqual(["/news/list_2.html"]);
  });

  it("query-string pages with 共 N 页, other parameters kept, 首页 on the first page is this page", () => {
    const got = pages(
      `${H}/list.jsp?cat=5`,
      `<div class="pages">共 4 页 <a href="list.jsp?cat=5&page=1">首页</a> <a href="list.jsp?cat=5&page=2">下一页</a> <a href="list.jsp?cat=5&page=4">尾页</a></div>`,
    );
    expect(got).toEqual(["/list.jsp?cat=5&page=2", "/list.jsp?cat=5&page=3", "/list.jsp?cat=5&page=4"]);
  });

  it("query-string pages seen from page 2, where page 1 is the bare URL", () => {
    const got = pages(
      `${H}/xxgk/rsxx/index.html?page=2`,
      `<div class="pager"><a href="index.html">1</a> <span>2</span> <a href="index.html?page=3">3</a> <a href="index.html?page=4">下一页</a> <a href="index.html?page=5">末页</a></div>`,
    );
    expect(got).toEqual(["/xxgk/rsxx/index.html", "/xxgk/rsxx/index.html?page=3", "/xxgk/rsxx/index.html?page=4", "/xxgk/rsxx/index.html?page=5"]);
  });

  it("pageNum and pageIndex forms", () => {
    expect(
      pages(`${H}/col/col123/index.html?uid=456&pageNum=1`, `<a href="index.html?uid=456&pageNum=2">下一页</a><a href="index.html?uid=456&pageNum=3">尾页</a>`),
    ).toEqual(["/col/col123/index.html?uid=456&pageNum=2", "/col/col123/index.html?uid=456&pageNum=3"]);
    expect(pages(`${H}/list.aspx`, `<div class="pagination"><a href="list.aspx?pageIndex=2">2</a><a href="list.aspx?pageIndex=3">3</a></div>`)).toEqual([
      "/list.aspx?pageIndex=2",
      "/list.aspx?pageIndex=3",
    ]);
  });

  it("column-index-N.shtml numbering from 1", () => {
    const got = pages(`${H}/zwgk/column-index-1.shtml`, `<div class="page"><a href="column-index-2.shtml">下一页</a><a href="column-index-3.shtml">尾页</a></div>`);
    expect(got).toEqual(["/zwgk/column-index-2.shtml", "/zwgk/column-index-3.shtml"]);
  });

  it("numbers count only inside a pager; the header's 首页 is not a pager link", () => {
    const got = pages(`${H}/xxgk/tzgg/`, `<ul class="list"><li><a href="2.html">2</a></li></ul><div id="pageBar"><a href="index_1.html">2</a> <a href="index_2.html">3</a></div>`);
    expect(got).toEqual(["/xxgk/tzgg/index_1.html", "/xxgk/tzgg/index_2.html"]);
  });

  it("other hosts and script pagers are left out", () => {
    const got = pages(
      `${H}/xxgk/tzgg/`,
      `<div class="page"><a href="http://127.0.0.2:8080/xxgk/tzgg/index_1.html">下一页</a> <a href="javascript:goPage(2)">2</a> <a href="#">尾页</a></div>`,
    );
    expect(got).toEqual([]);
  });
});

describe("大汉 Hanweb jpage", () => {
  const records = (n: number) =>
    Array.from({ length: n }, (_, i) => `<record><![CDATA[<li><a href="/art/2024/5/${i + 1}/art_123_${i}.html">第${i}条信息的标题文字</a><span>2024-05-0${(i % 9) + 1}</span></li>]]></record>`).join("");
  const page = (n: number, total: number) =>
    `<html><body><div id="4567"><script type="text/xml"><datastore><recordset>${records(n)}</recordset></datastore></script></div>` +
    `<script>$('#4567').jpage({ dataStore: dataStore, totalRecord: ${total}, perPage: 15, proxyUrl: '/module/web/jpage/dataproxy.jsp' });</script></body></html>`;

  it("more records than the page holds: the pageNum pages", () => {
    const url = `${H}/col/col123/index.html`;
    const r = extractPage({ url, finalUrl: url, status: 200, html: page(15, 40) });
    expect(r.listItems).toHaveLength(15);
    expect(r.pagination.map((u) => u.replace(H, ""))).toEqual(["/col/col123/index.html?uid=4567&pageNum=2", "/col/col123/index.html?uid=4567&pageNum=3"]);
  });

  it("every record already in the page: no further pages to fetch", () => {
    const url = `${H}/col/col123/index.html`;
    const r = extractPage({ url, finalUrl: url, status: 200, html: page(8, 8) });
    expect(r.listItems).toHaveLength(8);
    expect(r.pagination).toEqual([]);
  });
});
