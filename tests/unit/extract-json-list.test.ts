import { describe, expect, it } from "vitest";
import { apiPageCount, apiPageForm, apiPageUrl, apiPagingFromPair, apiPagingOf, bestListAnswer, idUrlPattern, parseJsonText, readListApi, recordIds } from "../../crawler/extract/json-list.js";

const API = "http://127.0.0.1:8080/open/api/articles?columnId=2311&pageNo=1&pageSize=10";

describe("readListApi: is this JSON answer a list of documents?", () => {
  it("reads records nested under data.list with the total and page size beside them", () => {
    const json = {
      code: 200,
      data: {
        list: [
          { id: 1, title: "关于<em>开展</em>检查的通知", url: "/zwgk/a/202611/t20261120_1.html", publishTime: "2026-11-20 09:00:00" },
          { id: 2, title: "第二条", url: "http://127.0.0.1:8080/zwgk/a/202611/t20261118_2.html", publishTime: "2026-11-18" },
        ],
        total: 27,
        pageNo: 1,
        pageSize: 10,
      },
    };
    const a = readListApi(json, API)!;
    expect(a.items).toEqual([
      { url: "http://127.0.0.1:8080/zwgk/a/202611/t20261120_1.html", title: "关于开展检查的通知", date: "2026-11-20" },
      { url: "http://127.0.0.1:8080/zwgk/a/202611/t20261118_2.html", title: "第二条", date: "2026-11-18" },
    ]);
    expect(a.total).toBe(27);
    expect(a.pageSize).toBe(10);
    expect(apiPageCount(a)).toBe(3);
  });

  it("reads a gkmlpt answer: articles, epoch-second times in Beijing time, total and page_size", () => {
    const t = Date.UTC(2026, 10, 20, 1, 0, 0) / 1000; // 09:00 Beijing
    const json = { articles: [{ id: 7, title: "决策", url: "http://x.invalid/gkmlpt/content/1/2/post_7.html", display_publish_time: t }], total: 14, page_size: 10, classify: { post_count: 14 } };
    const a = readListApi(json, "http://x.invalid/gkmlpt/api/all/2310?page=1&sid=757")!;
    expect(a.items[0]).toEqual({ url: "http://x.invalid/gkmlpt/content/1/2/post_7.html", title: "决策", date: "2026-11-20" });
    expect(apiPageCount(a)).toBe(2);
  });

  it("counts pages from page 1's records when no page size is stated, and takes a stated page count as is", () => {
    const rec = (i: number) => ({ title: `t${i}`, link: `/d/${i}.html`, date: "2026-01-0" + (i + 1) });
    expect(apiPageCount(readListApi({ rows: [rec(1), rec(2)], totalCount: 5 }, "http://x.invalid/api?p=1")!)).toBe(3);
    expect(apiPageCount(readListApi({ rows: [rec(1)], page: { totalPage: 4 } }, "http://x.invalid/api?p=1")!)).toBe(4);
  });

  it("is not fooled by JSON that is no document list", () => {
    // A menu: titles and links, no dates, no total.
    expect(readListApi({ menu: [{ title: "首页", url: "/" }, { title: "公开", url: "/xxgk/" }] }, API)).toBeUndefined();
    // Records with dates but nothing stating how many there are.
    expect(readListApi({ list: [{ title: "a", url: "/a.html", date: "2026-01-01" }] }, API)).toBeUndefined();
    // A total beside an array of things that are not documents.
    expect(readListApi({ total: 3, tags: [{ name: "x" }, { name: "y" }] }, API)).toBeUndefined();
    expect(readListApi("just text", API)).toBeUndefined();
    expect(readListApi(null, API)).toBeUndefined();
  });

  it("gives records with only an id a URL when the drawn list shows where ids lead", () => {
    const json = { data: [{ docId: 4711, title: "甲", pubDate: "2026-02-01" }, { docId: 4712, title: "乙", pubDate: "2026-02-02" }], total: 2 };
    const pattern = idUrlPattern(recordIds(json), ["http://x.invalid/", "http://x.invalid/content/post_4711.html?a=1"])!;
    expect(pattern("99")).toBe("http://x.invalid/content/post_99.html?a=1");
    const a = readListApi(json, API, pattern)!;
    expect(a.items.map((i) => i.url)).toEqual(["http://x.invalid/content/post_4711.html?a=1", "http://x.invalid/content/post_4712.html?a=1"]);
    // An id that only appears inside a longer number is no match.
    expect(idUrlPattern(["4711"], ["http://x.invalid/content/post_947110.html"])).toBeUndefined();
  });
});

describe("the URL of page N of a list API", () => {
  it("follows a page-number parameter the API names (1-based or 0-based)", () => {
    const p = apiPagingOf(API, 10)!;
    expect(p).toEqual({ kind: "page", param: "pageNo", first: 1 });
    expect(apiPageUrl(API, p, 3)).toBe("http://127.0.0.1:8080/open/api/articles?columnId=2311&pageNo=3&pageSize=10");
    const zero = "http://x.invalid/api/list?pageIndex=0&size=20";
    expect(apiPageUrl(zero, apiPagingOf(zero, 20)!, 2)).toBe("http://x.invalid/api/list?pageIndex=1&size=20");
  });

  it("follows a record offset", () => {
    const u = "http://x.invalid/api/list?start=0&rows=15";
    const p = apiPagingOf(u, 15)!;
    expect(apiPageUrl(u, p, 3)).toBe("http://x.invalid/api/list?start=30&rows=15");
  });

  it("finds nothing to follow in a URL without a page parameter", () => {
    expect(apiPagingOf("http://x.invalid/api/list?col=12&q=7", 10)).toBeUndefined();
  });

  it("learns the parameter from the pager's own second request: page, offset, or a number in the path", () => {
    const a = "http://x.invalid/api/list?col=12&cp=1&_=1700000000";
    const b = "http://x.invalid/api/list?col=12&cp=2&_=1700000042";
    const p = apiPagingFromPair(a, b, 10)!;
    expect(apiPageUrl(a, p, 4)).toBe("http://x.invalid/api/list?col=12&cp=4&_=1700000000");
    const o = apiPagingFromPair("http://x.invalid/api?k=0&n=8", "http://x.invalid/api?k=8&n=8", 8)!;
    expect(apiPageUrl("http://x.invalid/api?k=0&n=8", o, 3)).toBe("http://x.invalid/api?k=16&n=8");
    const path = apiPagingFromPair("http://x.invalid/col/12/list_1.json", "http://x.invalid/col/12/list_2.json", 10)!;
    expect(apiPageUrl("http://x.invalid/col/12/list_1.json", path, 5)).toBe("http://x.invalid/col/12/list_5.json");
    // Two numbers changed, or a jump that is neither +1 nor the page size: not understood.
    expect(apiPagingFromPair("http://x.invalid/api?a=1&b=1", "http://x.invalid/api?a=2&b=2", 10)).toBeUndefined();
    expect(apiPagingFromPair("http://x.invalid/api?a=1", "http://x.invalid/api?a=5", 10)).toBeUndefined();
  });
});

describe("bestListAnswer: which of the JSON a page fetched is the column's list", () => {
  const rec = (p: string, i: number) => ({ title: `${p}${i}`, url: `http://x.invalid/${p}/${i}.html`, date: "2026-03-0" + i });
  const sidebar = { url: "http://x.invalid/api/hot?n=8", json: { list: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => rec("hot", i)), total: 8 } };
  const column = { url: "http://x.invalid/api/col?page=1", json: { list: [1, 2, 3].map((i) => rec("col", i)), total: 30 } };
  const menu = { url: "http://x.invalid/api/menu", json: [{ name: "首页", url: "/" }] };

  it("takes the answer whose items the page drew as its list, not a bigger sidebar's", () => {
    const drawn = ["http://x.invalid/col/1.html", "http://x.invalid/col/2.html"];
    expect(bestListAnswer([sidebar, menu, column], drawn)?.url).toBe(column.url);
  });

  it("with nothing drawn to compare, takes the answer holding most records; none when no answer is a list", () => {
    expect(bestListAnswer([column, sidebar], [])?.url).toBe(sidebar.url);
    expect(bestListAnswer([menu, { url: "http://x.invalid/api/weather", json: { temp: 21 } }], [])).toBeUndefined();
  });
});

describe("parseJsonText", () => {
  it("reads JSON and JSONP answers alike, and nothing else", () => {
    expect(parseJsonText('\uFEFF{"total":3}')).toEqual({ total: 3 });
    expect(parseJsonText('jQuery11240_1700000000({"total":3,"list":[]});')).toEqual({ total: 3, list: [] });
    expect(parseJsonText('/**/ cb.list ( [1,2] )')).toEqual([1, 2]);
    expect(parseJsonText("<html><body>对不起，页面不存在</body></html>")).toBeUndefined();
    expect(parseJsonText("alert(document.cookie)")).toBeUndefined();
  });
});

describe("apiPageForm: a list API asked by a form POST", () => {
  it("changes the page number in the form, from the form's own field or learnt from the pager's second POST", () => {
    const form = "col=9&pageNo=1&pageSize=5";
    expect(apiPageForm(form, apiPagingOf(`http://form.invalid/?${form}`, 5)!, 3)).toBe("col=9&pageNo=3&pageSize=5");
    const p = apiPagingFromPair("http://form.invalid/?col=9&cur=1", "http://form.invalid/?col=9&cur=2", 5)!;
    expect(apiPageForm("col=9&cur=1", p, 4)).toBe("col=9&cur=4");
  });
});
