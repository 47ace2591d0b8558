// 标准目录: rows extracted from a real page (table and list forms), and catalogue-gap judged on hand-written records.
import { describe, expect, it } from "vitest";
import { catalogueGap } from "../../crawler/detect/catalogue-gap.js";
import { catalogueItems } from "../../crawler/extract/catalogue.js";
import { extractPage } from "../../crawler/extract/index.js";
import { abs, col, crawl, ctxFor, page } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z";

function html(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>标准目录</title></head><body><div class="nav"><a href="/">首页</a></div>${body}</body></html>`;
}

describe("catalogue rows (extract)", () => {
  it("reads every row of a table under a 公开事项 header, with its links resolved, rows without a link included", () => {
    const rows = [
      `<tr><td>1</td><td>机构职能</td><td>主动公开</td><td><a href="../jgzn/index.html">一键查阅</a></td></tr>`,
      `<tr><td>2</td><td>行政许可</td><td>主动公开</td><td></td></tr>`,
      `<tr><td>3</td><td>行政处罚</td><td>主动公开</td><td><a href="javascript:void(0)">一键查阅</a></td></tr>`,
      `<tr><td>4</td><td>抽查检查</td><td>主动公开</td><td><a href="http://127.0.0.1:8080/xxgk/sjgk/">查阅</a> <a href="/xxgk/sjgk/jg.html">结果</a></td></tr>`,
    ];
    const record = extractPage({
      url: "http://127.0.0.1:8080/xxgk/bzml/index.html",
      finalUrl: "http://127.0.0.1:8080/xxgk/bzml/index.html",
      status: 200,
      html: html(`<table class="ml"><tr><th>序号</th><th>公开事项</th><th>公开方式</th><th>查阅</th></tr>${rows.join("")}<tr><td colspan="4">注：本目录动态更新</td></tr></table>`),
    });
    expect(record.catalogueRows).toEqual([
      { name: "机构职能", links: [{ url: "http://127.0.0.1:8080/xxgk/jgzn/index.html", text: "一键查阅" }] },
      { name: "行政许可", links: [] },
      { name: "行政处罚", links: [] },
      {
        name: "抽查检查",
        links: [
          { url: "http://127.0.0.1:8080/xxgk/sjgk/", text: "查阅" },
          { url: "http://127.0.0.1:8080/xxgk/sjgk/jg.html", text: "结果" },
        ],
      },
    ]);
    expect(catalogueItems(record).map((i) => i.title)).toEqual(["机构职能", "抽查检查", "抽查检查"]);
  });

  it("reads a catalogue written as a list, and finds none on a page with an ordinary table", () => {
    const list = extractPage({
      url: "http://127.0.0.1:8080/ml.html",
      finalUrl: "http://127.0.0.1:8080/ml.html",
      status: 200,
      html: html(`<ul class="catalog"><li>机构信息 <a href="/a/">查阅</a></li><li>政策文件<a href="/b/">查阅</a></li><li>规划计划</li></ul>`),
    });
    expect(list.catalogueRows?.map((r) => [r.name, r.links.length])).toEqual([["机构信息", 1], ["政策文件", 1], ["规划计划", 0]]);
    const plain = extractPage({ url: "http://127.0.0.1:8080/p.html", finalUrl: "http://127.0.0.1:8080/p.html", status: 200, html: html(`<table><tr><td>索引号：</td><td>1</td></tr><tr><td>发布日期：</td><td>2025-01-01</td></tr></table>`) });
    expect(plain.catalogueRows).toBeUndefined();
  });
});

describe("catalogue-gap", () => {
  const rows = [
    { name: "机构职能", links: [{ url: abs("/xxgk/jgzn/index.html"), text: "一键查阅" }] },
    { name: "行政许可", links: [] },
    { name: "建议提案办理", links: [{ url: abs("/xxgk/jytabl/index.html"), text: "一键查阅" }] },
    { name: "人事信息", links: [{ url: abs("/xxgk/rsxx/index.html"), text: "一键查阅" }] },
    { name: "财政预决算", links: [{ url: abs("/xxgk/czyjs/gone.html"), text: "一键查阅" }] },
    { name: "双随机一公开", links: [{ url: abs("/xxgk/sjgk/gone.html"), text: "查阅" }, { url: abs("/xxgk/sjgk/index.html"), text: "结果" }] },
    { name: "应急管理", links: [{ url: abs("/xxgk/yjgl/index.html"), text: "一键查阅" }] },
  ];
  const data = crawl({
    walks: [
      { column: col("bzml", "标准目录", "catalogue"), items: rows.flatMap((r) => r.links.map((l) => ({ path: new URL(l.url).pathname, title: r.name }))), list: { catalogueRows: rows } },
      { column: col("jytabl", "建议提案办理", "notice"), items: [] },
    ],
    pages: [
      { record: page("/xxgk/jgzn/index.html", { title: "机构职能", bodyText: "上海市嘉定区市场监督管理局是区政府工作部门，主管全区市场监督管理工作。内设办公室、法规科等。" }) },
      { record: page("/xxgk/rsxx/index.html", { title: "人事信息", bodyText: "暂无信息", emptyNotice: true }) },
      { record: page("/xxgk/czyjs/gone.html", { status: 404 }) },
      { record: page("/xxgk/sjgk/gone.html", { status: 404 }) },
      { record: page("/xxgk/sjgk/index.html", { title: "双随机一公开", listItems: [{ url: abs("/xxgk/sjgk/1.html"), title: "抽查计划" }] }) },
    ],
    checks: [
      { url: abs("/xxgk/czyjs/gone.html"), outcome: "broken", reason: "http-404", status: 404 },
      { url: abs("/xxgk/sjgk/gone.html"), outcome: "broken", reason: "http-404", status: 404 },
    ],
  });

  it("reports one finding per row with no link, links to an empty column, or links only to broken pages, naming the row", () => {
    const found = catalogueGap.detect(data, ctxFor(data, NOW));
    expect(found.map((f) => [f.reason, f.evidence.item])).toEqual([
      ["no-link", "行政许可"],
      ["links-empty", "建议提案办理"],
      ["links-empty", "人事信息"],
      ["links-broken", "财政预决算"],
    ]);
    for (const f of found) {
      expect(f).toMatchObject({ kind: "catalogue-gap", columnId: "bzml", pageUrl: abs("/xxgk/bzml/index.html") });
      expect(f.message).toContain(String(f.evidence.item));
    }
    expect(found[3]).toMatchObject({ targetUrl: abs("/xxgk/czyjs/gone.html"), evidence: { row: 5 } });
    expect(new Set(found.map((f) => f.id)).size).toBe(4);
  });
});

describe("catalogue rows are not read from a guide's label/value table", () => {
  it("a 事项名称 label beside its value is no catalogue header", () => {
    const rows = ["设定依据", "申请条件", "办理材料", "办理地点"].map((l) => `<tr><td>${l}</td><td>见说明</td></tr>`).join("");
    const guide = extractPage({
      url: "http://127.0.0.1:8080/bszn/1.html",
      finalUrl: "http://127.0.0.1:8080/bszn/1.html",
      status: 200,
      html: html(`<table><tr><td>事项名称</td><td>企业设立登记</td></tr>${rows}</table>`),
    });
    expect(guide.catalogueRows).toBeUndefined();
  });
});

describe("catalogue header forms", () => {
  it("reads a table whose header says 主动公开事项 in bold, beside 序号 and 链接", () => {
    const body = ["机构职能", "政策文件", "规划计划"].map((n, i) => `<tr><td>${i + 1}</td><td>${n}</td><td><a href="/x/${i}/">链接</a></td></tr>`).join("");
    const r = extractPage({ url: "http://127.0.0.1:8080/ml/", finalUrl: "http://127.0.0.1:8080/ml/", status: 200, html: html(`<table><tr><td><b>序号</b></td><td><b>主动公开事项</b></td><td><b>链接</b></td></tr>${body}</table>`) });
    expect(r.catalogueRows?.map((x) => x.name)).toEqual(["机构职能", "政策文件", "规划计划"]);
  });
});
