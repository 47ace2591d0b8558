import { describe, expect, it } from "vitest";
import { loadHtml } from "../../crawler/extract/index.js";
import { extractPage } from "../../crawler/extract/index.js";
import { hanwebProxyRequests, pagingOffers, statedCount, strategyName } from "../../crawler/extract/pagination-strategies.js";

const B = "http://gov.example.invalid";

function hanwebPage(records: number, total: number, extra = ""): string {
  const recs = Array.from({ length: records }, (_, i) => `<record><![CDATA[<li><a href="/art/2026/1/${(i % 28) + 1}/art_2302_${i}.html">文件${i}</a><span>2026-01-01</span></li>]]></record>`).join("\n");
  return `<html><body><div id="5002"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=2302&unitid=5002&webname=%E5%98%89%E5%AE%9A&permissiontype=0"></a>]]></nextgroup>
<recordset>${recs}</recordset></datastore></script>
<script>$('#5002').jpage({ dataStore: dataStore, perPage: 15, totalRecord: ${total}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3 });</script></div>
${extra}</body></html>`;
}

describe("Hanweb dataproxy requests", () => {
  it("asks the records the page lacks, perPage × groupSize at a time, POSTing the <nextgroup> fields as jpage does", () => {
    const reqs = hanwebProxyRequests(hanwebPage(45, 100), `${B}/col/col2302/index.html`, 45);
    expect(reqs.map((r) => r.url)).toEqual([
      `${B}/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15`,
      `${B}/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=100&perpage=15`,
    ]);
    expect(reqs.every((r) => r.method === "POST")).toBe(true);
    const form = new URLSearchParams(reqs[0].form);
    expect(form.get("columnid")).toBe("2302");
    expect(form.get("unitid")).toBe("5002");
    expect(form.get("webname")).toBe("嘉定");
    expect(form.has("startrecord")).toBe(false);
  });

  it("asks nothing when the page already holds every record, or the proxy is on another host", () => {
    expect(hanwebProxyRequests(hanwebPage(45, 45), `${B}/col/col2302/index.html`, 45)).toEqual([]);
    const other = hanwebPage(15, 60).replace(/\/module\/web/g, "http://elsewhere.example.invalid/module/web").replace(/proxyUrl: '[^']*'/, "");
    expect(hanwebProxyRequests(other, `${B}/col/col2302/index.html`, 15)).toEqual([]);
  });
});

describe("paging offers", () => {
  it("orders a Hanweb page's ways: pageNum pages before the dataproxy", () => {
    const html = hanwebPage(45, 60);
    const url = `${B}/col/col2302/index.html`;
    const offers = pagingOffers(html, loadHtml(html), url, 45);
    expect(offers.map((o) => o.strategy)).toEqual(["hanweb-pagenum", "hanweb-dataproxy"]);
    expect(offers[0].requests[0].url).toContain("pageNum=");
  });

  it("keeps TRS createPageHTML pages as their own strategy, first", () => {
    const html = `<html><body><ul><li><a href="./t1.html">a</a></li></ul><div class="page"><script>createPageHTML(3, 0, "index", "html");</script>
<a href="index_1.html">下一页</a></div></body></html>`;
    const offers = pagingOffers(html, loadHtml(html), `${B}/xxgk/zcwj/index.html`, 1);
    expect(offers[0]).toEqual({ strategy: "trs-createPageHTML", requests: [{ url: `${B}/xxgk/zcwj/index_1.html` }, { url: `${B}/xxgk/zcwj/index_2.html` }] });
    expect(offers.map((o) => o.strategy)).toContain("pager-links");
  });

  it("puts offers and the stated count on the page record, and only GET pages in pagination", () => {
    const html = hanwebPage(45, 60, `<div class="pager">共60条 1/4页</div>`);
    const r = extractPage({ url: `${B}/col/col2302/index.html`, finalUrl: `${B}/col/col2302/index.html`, status: 200, html });
    expect(r.listItems).toHaveLength(45);
    expect(r.paging?.map((o) => o.strategy)).toEqual(["hanweb-pagenum", "hanweb-dataproxy"]);
    expect(r.pagination.some((u) => u.includes("dataproxy"))).toBe(false);
    expect(r.stated).toEqual({ items: 60, pages: 4, perPage: 15 });
  });
});

describe("stated count", () => {
  const count = (html: string) => statedCount(html, loadHtml(html));
  it("reads 共N条, totalRecord, <totalrecord> and createPageHTML's record count", () => {
    expect(count(`<div class="pager">共 37 条记录 第1页</div>`).items).toBe(37);
    expect(count(`<div class="page">共<span>37</span>条</div>`).items).toBe(37);
    expect(count(`<script type="text/xml"><datastore><totalrecord>88</totalrecord></datastore></script>`).items).toBe(88);
    expect(count(`<script>createPageHTML('page_div', 3, 1, 'common_list', 'shtml', 52);</script>`)).toEqual({ items: 52, pages: 3 });
  });
  it("reads pages alone from createPageHTML, countPage or 共N页", () => {
    expect(count(`<script>createPageHTML(4, 0, "index", "html");</script>`)).toEqual({ pages: 4 });
    expect(count(`<script>var countPage = 6//共多少页</script>`)).toEqual({ pages: 6 });
    expect(count(`<div class="pager">共5页 当前第1页</div>`)).toEqual({ pages: 5 });
    expect(count(`<div class="pager"><a href="index_2.html">下一页</a></div>`)).toEqual({});
  });
  it("names strategies in Chinese first", () => {
    expect(strategyName("hanweb-dataproxy")).toBe("大汉 dataproxy");
    expect(strategyName("pager-links")).toBe("翻页链接");
    expect(strategyName("pager-links", "en")).toBe("pager links");
  });
});
