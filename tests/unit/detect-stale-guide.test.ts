import { describe, expect, it } from "vitest";
import { staleGuide } from "../../crawler/detect/stale-guide.js";
import { withIds } from "../../crawler/findings.js";
import { abs, col, crawl, ctxFor, link, type ItemInput } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z";

/** A complete guide body in the usual layout; `over` replaces parts of it. */
function guideBody(over: Partial<Record<string, string>> = {}): string {
  const parts: Record<string, string> = {
    事项名称: "事项名称：食品经营许可（新办）",
    设定依据: "设定依据：《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
    申请条件: "申请条件：具有与经营的食品品种、数量相适应的经营场所。",
    办理材料: "办理材料：1.食品经营许可申请书；2.营业执照复印件。",
    办理地点: "办理地点：嘉定区博乐路70号行政服务中心一楼。",
    办理时间: "办理时间：周一至周五 9:00-17:00（法定节假日除外）。",
    联系电话: "联系电话：021-59990000",
    办理流程: "办理流程：申请—受理—审查—决定—发证。",
    ...over,
  };
  return Object.values(parts).filter(Boolean).join(" ");
}

function guides(items: ItemInput[], extra: Parameters<typeof col>[3] = {}, laws?: Parameters<typeof crawl>[0]["laws"]) {
  return crawl({ walks: [{ column: col("bszn", "办事指南", "guide", extra), items }], laws });
}

describe("stale-guide / outdated", () => {
  it("reports a guide last updated more than 365 days ago, with the date and where it came from", () => {
    const data = guides([
      { path: "/bszn/1.html", title: "食品经营许可办事指南", record: { heading: "食品经营许可办事指南", bodyText: guideBody(), metadata: { 更新时间: "2024年3月15日" } } },
    ]);
    const [f, ...rest] = staleGuide.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      kind: "stale-guide",
      reason: "outdated",
      severity: "medium",
      columnId: "bszn",
      pageUrl: abs("/bszn/1.html"),
      evidence: { lastUpdate: "2024-03-15", lastUpdateSource: "更新时间", ageDays: 457, guideMaxAgeDays: 365 },
    });
    expect(f.message).toContain("2024-03-15");
    expect(f.message).toContain("食品经营许可办事指南");
  });

  it.each([
    ["2024-03-15", { 发布日期: "2024-03-15" }],
    ["2024/03/15", { 最后更新: "2024/03/15" }],
    ["2024年3月15日", { 更新日期: "2024年3月15日" }],
    ["二〇二四年三月十五日", { 修订日期: "二〇二四年三月十五日" }],
  ])("reads %s as the last update", (_form, metadata) => {
    const data = guides([{ path: "/bszn/1.html", title: "某指南", record: { bodyText: guideBody(), metadata } }]);
    const [f] = staleGuide.detect(data, ctxFor(data, NOW));
    expect(f?.evidence.lastUpdate).toBe("2024-03-15");
  });

  it("takes the latest of the dates a guide shows (a re-published guide is up to date)", () => {
    const data = guides([
      { path: "/bszn/202301/t20230105_1.html", title: "某指南", date: "2023-01-05", record: { bodyText: `${guideBody()} 更新时间：2025-02-01` } },
    ]);
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("honours the column's guideMaxAgeDays, and stays quiet when the guide shows no date at all", () => {
    const record = { bodyText: guideBody(), metadata: { 发布日期: "2025-01-10" } };
    const strict = guides([{ path: "/bszn/1.html", title: "某指南", record }], { guideMaxAgeDays: 90 });
    expect(staleGuide.detect(strict, ctxFor(strict, NOW))[0]).toMatchObject({ reason: "outdated", evidence: { guideMaxAgeDays: 90, ageDays: 156 } });
    const undated = guides([{ path: "/bszn/2.html", title: "某指南", record: { bodyText: guideBody() } }]);
    expect(staleGuide.detect(undated, ctxFor(undated, NOW))).toEqual([]);
  });

  it("reports a guide older than a revision of an instrument it cites, naming the instrument", () => {
    const data = guides([
      {
        path: "/bszn/gk.html",
        title: "政府信息公开申请指南",
        record: {
          bodyText: guideBody({ 设定依据: "设定依据：《中华人民共和国政府信息公开条例》第二十九条" }),
          metadata: { 发布日期: "2019-03-01" },
        },
      },
    ]);
    const [f] = staleGuide.detect(data, ctxFor(data, "2019-09-01T02:00:00Z")); // only 184 days old
    expect(f).toMatchObject({ reason: "outdated", evidence: { lastUpdate: "2019-03-01", revisedLaws: [{ law: "中华人民共和国政府信息公开条例", revisedOn: "2019-05-15" }] } });
    expect(f.message).toContain("《中华人民共和国政府信息公开条例》已于2019-05-15修订");
    // Updated after the revision: fine.
    const fresh = guides([{ path: "/bszn/gk.html", title: "政府信息公开申请指南", record: { bodyText: guideBody({ 设定依据: "设定依据：《政府信息公开条例》" }), metadata: { 发布日期: "2019-06-01" } } }]);
    expect(staleGuide.detect(fresh, ctxFor(fresh, "2019-09-01T02:00:00Z"))).toEqual([]);
  });
});

describe("stale-guide / repealed-law", () => {
  const recent = { 发布日期: "2025-03-01" };

  it("reports each repealed instrument cited, with its replacement, one stable finding per instrument", () => {
    const data = guides([
      {
        path: "/bszn/gs.html",
        title: "公司设立登记办事指南",
        record: {
          bodyText: guideBody({ 设定依据: "设定依据：《中华人民共和国公司登记管理条例》第二十条；《公司登记管理条例》第二十一条；《个体工商户条例》第八条" }),
          metadata: recent,
        },
      },
    ]);
    const found = withIds(staleGuide.detect(data, ctxFor(data, NOW)));
    expect(found.map((f) => [f.reason, f.evidence.law, f.evidence.replacedBy])).toEqual([
      ["repealed-law", "中华人民共和国公司登记管理条例", "中华人民共和国市场主体登记管理条例"],
      ["repealed-law", "个体工商户条例", "促进个体工商户发展条例"],
    ]);
    expect(found[0]).toMatchObject({ severity: "high", pageUrl: abs("/bszn/gs.html"), evidence: { citation: "《中华人民共和国公司登记管理条例》", repealedOn: "2022-03-01" } });
    expect(found[0].message).toContain("《中华人民共和国公司登记管理条例》");
    expect(found[0].message).toContain("《中华人民共和国市场主体登记管理条例》");
    expect(found[0].id).not.toBe(found[1].id);
    // Fixing one citation keeps the other's id.
    const later = guides([{ path: "/bszn/gs.html", title: "公司设立登记办事指南", record: { bodyText: guideBody({ 设定依据: "设定依据：《个体工商户条例》" }), metadata: recent } }]);
    expect(withIds(staleGuide.detect(later, ctxFor(later, NOW))).map((f) => f.id)).toEqual([found[1].id]);
  });

  it("never confuses look-alike titles", () => {
    const data = guides([
      {
        path: "/bszn/ok.html",
        title: "食品经营备案办事指南",
        record: {
          bodyText: guideBody({ 设定依据: "设定依据：《食品经营许可和备案管理办法》；《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》；《药品经营和使用质量监督管理办法》" }),
          metadata: recent,
        },
      },
    ]);
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("matches full-width spaces and odd spacing inside 《》, as GBK pages carry them", () => {
    const data = guides([
      { path: "/bszn/gbk.html", title: "食品经营许可", record: { charset: "gbk", charsetSource: "meta", bodyText: guideBody({ 设定依据: "设定依据：《食品经营许可\u3000管理办法》" }), metadata: recent } },
    ]);
    const [f] = staleGuide.detect(data, ctxFor(data, NOW));
    expect(f).toMatchObject({ reason: "repealed-law", evidence: { law: "食品经营许可管理办法", replacedBy: "食品经营许可和备案管理办法" } });
  });

  it("does not count a citation that says the instrument was repealed", () => {
    const data = guides([
      {
        path: "/bszn/new.html",
        title: "食品经营许可",
        record: { bodyText: guideBody({ 设定依据: "设定依据：《食品经营许可和备案管理办法》（原《食品经营许可管理办法》同时废止）" }), metadata: recent },
      },
    ]);
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("uses the config's laws, which override the built-in list by title", () => {
    const data = guides(
      [{ path: "/bszn/local.html", title: "某指南", record: { bodyText: guideBody({ 设定依据: "设定依据：《上海市某某管理规定》" }), metadata: recent } }],
      {},
      [{ title: "上海市某某管理规定", status: "repealed", date: "2024-05-01", replacedBy: "上海市某某管理办法" }],
    );
    const [f] = staleGuide.detect(data, ctxFor(data, NOW));
    expect(f).toMatchObject({ reason: "repealed-law", evidence: { law: "上海市某某管理规定", replacedBy: "上海市某某管理办法" } });
  });

  it("does not report a repeal that has not taken effect yet", () => {
    const data = guides(
      [{ path: "/bszn/future.html", title: "某指南", record: { bodyText: guideBody({ 设定依据: "设定依据：《上海市某某管理规定》" }), metadata: recent } }],
      {},
      [{ title: "上海市某某管理规定", status: "repealed", date: "2025-09-01" }],
    );
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });
});

describe("stale-guide / missing-elements", () => {
  const recent = { 发布日期: "2025-03-01" };

  it("names the missing elements", () => {
    const data = guides([{ path: "/bszn/m.html", title: "某指南", record: { bodyText: guideBody({ 办理地点: "", 联系电话: "" }), metadata: recent } }]);
    const [f, ...rest] = staleGuide.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ reason: "missing-elements", evidence: { missing: ["办理地点", "联系电话"] } });
    expect(f.message).toContain("办理地点、联系电话");
  });

  it("accepts the usual variants of each element's label, and odd spacing in labels", () => {
    const body = [
      "项目名称：个体工商户登记",
      "法律依据：《促进个体工商户发展条例》",
      "受理条件：有经营能力的公民",
      "申请材料：身份证明",
      "受理地点：行政服务中心",
      "办理时限：3个工作日",
      "咨询电话：021-59990000",
      "办 理 程 序：受理—审核—发照",
    ].join(" ");
    const data = guides([{ path: "/bszn/v.html", title: "某指南", record: { bodyText: body, metadata: recent } }]);
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("checks the column's own list of required elements, with | for alternatives", () => {
    const data = guides([{ path: "/bszn/c.html", title: "某指南", record: { bodyText: guideBody(), metadata: recent } }], {
      detectors: { requiredGuideElements: ["办理材料", "收费标准|收费依据"] },
    });
    const [f] = staleGuide.detect(data, ctxFor(data, NOW));
    expect(f.evidence.missing).toEqual(["收费标准"]);
  });

  it("does not judge elements of a guide kept in an attachment, or of a sub-list page", () => {
    const data = guides([
      { path: "/bszn/att.html", title: "某指南", record: { bodyText: "食品经营许可办事指南，请下载附件查看。", links: [link("/bszn/zn.docx", "办事指南.docx")], metadata: recent } },
      {
        path: "/bszn/xzxk/index.html",
        title: "行政许可",
        record: { listItems: [1, 2, 3].map((n) => ({ url: abs(`/bszn/xzxk/${n}.html`), title: `许可${n}` })), bodyText: "许可1 许可2 许可3 更多", metadata: recent },
      },
    ]);
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("keeps the three reasons of one guide apart (distinct ids)", () => {
    const data = guides([
      { path: "/bszn/all.html", title: "某指南", record: { bodyText: guideBody({ 设定依据: "设定依据：《食品经营许可管理办法》", 办理流程: "" }), metadata: { 发布日期: "2023-01-01" } } },
    ]);
    const found = withIds(staleGuide.detect(data, ctxFor(data, NOW)));
    expect(found.map((f) => f.reason).sort()).toEqual(["missing-elements", "outdated", "repealed-law"]);
    expect(new Set(found.map((f) => f.id)).size).toBe(3);
  });

  it("does not judge a guide whose page is a soft 404 (the link detectors report it)", () => {
    const data = crawl({
      walks: [{ column: col("bszn", "办事指南", "guide"), items: [{ path: "/bszn/gone.html", title: "某指南", record: { bodyText: "对不起，您访问的页面不存在或已被删除！请返回首页继续浏览。" } }] }],
      checks: [{ url: abs("/bszn/gone.html"), outcome: "broken", reason: "soft-404", status: 200 }],
    });
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("judges only guide columns, and a guide listed twice once", () => {
    const item = { path: "/bszn/x.html", title: "某指南", record: { bodyText: guideBody({ 办理地点: "" }), metadata: { 发布日期: "2025-03-01" } } };
    const data = crawl({
      walks: [
        { column: col("bszn", "办事指南", "guide"), items: [item] },
        { column: col("bszn2", "行政许可指南", "guide"), items: [item] },
        { column: col("tzgg", "通知公告", "notice"), items: [{ path: "/t.html", title: "通知", record: { bodyText: "没有任何要素" } }] },
      ],
    });
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toHaveLength(1);
  });
});
