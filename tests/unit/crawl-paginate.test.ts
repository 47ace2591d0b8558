import { describe, expect, it } from "vitest";
import { ColumnPaging, statedListed } from "../../crawler/crawl/paginate.js";
import type { PagingOffer } from "../../crawler/types.js";

const B = "http://gov.example.invalid/col/col2302";
const first = `${B}/index.html`;
const pageNum: PagingOffer = { strategy: "hanweb-pagenum", requests: [2, 3, 4].map((n) => ({ url: `${first}?uid=5002&pageNum=${n}` })) };
const proxy: PagingOffer = {
  strategy: "hanweb-dataproxy",
  requests: [{ url: "http://gov.example.invalid/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=60&perpage=15", method: "POST", form: "col=1&columnid=2302" }],
};
const links: PagingOffer = { strategy: "pager-links", requests: [{ url: `${first}?uid=5002&pageNum=2` }] };

describe("ColumnPaging", () => {
  it("asks one page of the most trusted strategy first, then the rest once it brings new items", () => {
    const p = new ColumnPaging();
    const firstAsk = p.start(first, [pageNum, proxy]);
    expect(firstAsk.map((r) => r.url)).toEqual([pageNum.requests[0].url]);
    const rest = p.pageDone("hanweb-pagenum", 15, [pageNum]);
    expect(rest.map((r) => r.url)).toEqual(pageNum.requests.slice(1).map((r) => r.url));
    expect(p.outcome()).toEqual({ how: "hanweb-pagenum" });
  });

  it("abandons a strategy whose page brings no new item and moves to the next (not a trap)", () => {
    const p = new ColumnPaging();
    p.start(first, [pageNum, links, proxy]);
    const next = p.pageDone("hanweb-pagenum", 0, [pageNum]);
    // The pager links only name the pageNum page already asked: skipped, the proxy is next.
    expect(next).toEqual([{ ...proxy.requests[0], strategy: "hanweb-dataproxy" }]);
    expect(p.isAbandoned("hanweb-pagenum")).toBe(true);
    expect(p.pageDone("hanweb-pagenum", 0, [])).toEqual([]);
    expect(p.pageDone("hanweb-dataproxy", 15, [])).toEqual([]);
    expect(p.outcome()).toEqual({ how: "hanweb-dataproxy", abandoned: ["hanweb-pagenum"] });
  });

  it("starts with the remembered strategy and asks all its pages at once", () => {
    const p = new ColumnPaging("hanweb-dataproxy");
    expect(p.start(first, [pageNum, proxy]).map((r) => r.strategy)).toEqual(["hanweb-dataproxy"]);
    p.pageDone("hanweb-dataproxy", 15, []);
    expect(p.outcome()).toEqual({ how: "hanweb-dataproxy", remembered: true });

    const trs = new ColumnPaging("pager-links");
    const all: PagingOffer = { strategy: "pager-links", requests: [2, 3, 4].map((n) => ({ url: `${B}/index_${n}.html` })) };
    expect(trs.start(first, [all])).toHaveLength(3);
  });

  it("a remembered strategy that no longer works is abandoned like any other", () => {
    const p = new ColumnPaging("hanweb-dataproxy");
    p.start(first, [pageNum, proxy]);
    expect(p.pageDone("hanweb-dataproxy", 0, []).map((r) => r.url)).toEqual([pageNum.requests[0].url]);
    p.pageDone("hanweb-pagenum", 15, []);
    expect(p.outcome()).toEqual({ how: "hanweb-pagenum", abandoned: ["hanweb-dataproxy"] });
  });

  it("says so when pages were offered but none brought anything", () => {
    const p = new ColumnPaging();
    p.start(first, [pageNum]);
    expect(p.pageDone("hanweb-pagenum", 0, [])).toEqual([]);
    expect(p.outcome()).toEqual({ how: "none", abandoned: ["hanweb-pagenum"], paginationNotFollowed: true });
    const single = new ColumnPaging();
    single.start(first, []);
    expect(single.outcome()).toEqual({ how: "single-page" });
  });

  it("follows a pager that reveals its pages as it goes, and stops following after three barren pages", () => {
    const p = new ColumnPaging();
    const next = (n: number): PagingOffer => ({ strategy: "pager-links", requests: [{ url: `${B}/list_${n}.html` }] });
    expect(p.start(first, [next(2)]).map((r) => r.url)).toEqual([`${B}/list_2.html`]);
    expect(p.pageDone("pager-links", 10, [next(3)]).map((r) => r.url)).toEqual([`${B}/list_3.html`]);
    expect(p.pageDone("pager-links", 0, [next(4)])).toHaveLength(1);
    expect(p.pageDone("pager-links", 0, [next(5)])).toHaveLength(1);
    expect(p.pageDone("pager-links", 0, [next(6)])).toEqual([]);
    expect(p.outcome().how).toBe("pager-links");
  });
});

describe("statedListed", () => {
  it("takes a stated item count as it is", () => {
    expect(statedListed({ items: 60, pages: 4 }, 15, 45)).toBe(60);
  });
  it("with only pages stated: what was found when it reaches into the last page, else pages × page size", () => {
    expect(statedListed({ pages: 3 }, 15, 35)).toBe(35);
    expect(statedListed({ pages: 3 }, 15, 30)).toBe(45);
    expect(statedListed({ pages: 3 }, 15, 46)).toBe(45);
  });
  it("is null when the site states nothing", () => {
    expect(statedListed(undefined, 15, 20)).toBeNull();
    expect(statedListed({ perPage: 15 }, 15, 20)).toBeNull();
  });
});
