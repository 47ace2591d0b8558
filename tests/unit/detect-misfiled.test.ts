import { describe, expect, it } from "vitest";
import { misfiled } from "../../crawler/detect/misfiled.js";
import type { ColumnType } from "../../shared/schema.js";
import { abs, col, crawl, ctxFor, type ItemInput, type WalkInput } from "./helpers/records.js";
import { ENFORCEMENT, NEWS, NOTICES, POLICY, penaltyDecision } from "./helpers/site-texts.js";

const NOW = "2025-06-20T02:00:00Z";

/** The four columns with their healthy items, plus extra items per column and extra columns. */
function site(extra: Partial<Record<"zcwj" | "tzgg" | "gzdt" | "xzzf", ItemInput[]>> = {}, more: WalkInput[] = [], opts: { minScore?: number } = {}) {
  const detectors = opts.minScore === undefined ? {} : { detectors: { misfiledMinScore: opts.minScore } };
  const c = (id: string, name: string, type: ColumnType) => col(id, name, type, detectors);
  return crawl({
    walks: [
      { column: c("zcwj", "政策文件", "policy"), items: [...POLICY, ...(extra.zcwj ?? [])] },
      { column: c("tzgg", "通知公告", "notice"), items: [...NOTICES, ...(extra.tzgg ?? [])] },
      { column: c("gzdt", "工作动态", "news"), items: [...NEWS, ...(extra.gzdt ?? [])] },
      { column: c("xzzf", "行政执法公示", "enforcement"), items: [...ENFORCEMENT, ...(extra.xzzf ?? [])] },
      ...more,
    ],
  });
}

const run = (data: ReturnType<typeof site>) => misfiled.detect(data, ctxFor(data, NOW));

describe("misfiled: healthy columns", () => {
  it("reports nothing on a site whose items sit where their pages say", () => {
    expect(run(site())).toEqual([]);
  });
});

describe("misfiled: label mismatches", () => {
  it("reports an item whose breadcrumb names another configured column that does not list it", () => {
    const item: ItemInput = {
      path: "/xxgk/gzdt/202506/t20250615_999.html",
      title: "区市场监管局开展夏季食品安全检查",
      record: { heading: "区市场监管局开展夏季食品安全检查", breadcrumb: ["首页", "政府信息公开", "工作动态", "正文"], bodyText: NEWS[0].record!.bodyText },
    };
    const [f, ...rest] = run(site({ tzgg: [item] }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      kind: "misfiled",
      reason: "breadcrumb-mismatch",
      severity: "medium",
      columnId: "tzgg",
      pageUrl: abs(item.path),
      evidence: { listedIn: { id: "tzgg", name: "通知公告" }, namedColumn: { id: "gzdt", name: "工作动态", listsItem: false } },
    });
    expect(f.message).toContain("通知公告");
    expect(f.message).toContain("工作动态");
    expect(f.message).toContain("面包屑");
  });

  it("reports a ColumnName meta tag or a 所属栏目 field naming another column (metadata-mismatch)", () => {
    const byMeta: ItemInput = { path: "/m/1.html", title: "关于印发某办法的通知", record: { meta: { ColumnName: "政府信息公开>政策文件" }, bodyText: NEWS[1].record!.bodyText } };
    const byTable: ItemInput = { path: "/m/2.html", title: "某公告", record: { metadata: { "所属栏目": "政府信息公开/通知公告" }, bodyText: "某公告正文。特此公告。" } };
    const found = run(site({ gzdt: [byMeta], zcwj: [byTable] }));
    expect(found.map((f) => [f.columnId, f.reason, f.pageUrl])).toEqual([
      ["zcwj", "metadata-mismatch", abs("/m/2.html")],
      ["gzdt", "metadata-mismatch", abs("/m/1.html")],
    ]);
    expect(found[1].message).toContain("ColumnName");
    expect(found[0].message).toContain("所属栏目");
  });

  it("reports a breadcrumb naming a clearly different topic even when that column is not configured", () => {
    const item: ItemInput = { path: "/m/3.html", title: "2025年度部门预算", record: { breadcrumb: ["首页", "信息公开", "财政预决算"], bodyText: "部门预算说明" } };
    const [f] = run(site({ gzdt: [item] }));
    expect(f).toMatchObject({ reason: "breadcrumb-mismatch", evidence: { namedColumn: null, namedTopic: "财政预决算" } });
  });

  it("tolerates prefixes, synonyms, sub-columns and full-width spacing", () => {
    const agree: [string, string[]][] = [
      ["tzgg", ["首页", "信息公开", "公告通知"]],
      ["zcwj", ["首页", "政策法规"]],
      ["zcwj", ["首页", "政府信息公开", "政策文件", "规范性文件"]],
      ["zcwj", ["首页", "政府信息公开\u3000政策文件"]],
      ["xzzf", ["首页", "信息公开", "双随机一公开"]],
      ["gzdt", ["首页", "政府信息公开", "工作\u3000动态"]],
      ["gzdt", ["首页", "政府信息公开"]], // names nothing: no opinion
      ["gzdt", ["首页", "政府信息公开", "工作动态", "区市场监管局开展特种设备安全检查"]],
      ["gzdt", ["首页", "走进嘉定", "领导活动"]],
    ];
    for (const [id, breadcrumb] of agree) {
      const item: ItemInput = { path: `/t/${breadcrumb.join("-")}.html`, title: "区市场监管局开展特种设备安全检查", record: { heading: "区市场监管局开展特种设备安全检查", breadcrumb, bodyText: NEWS[4].record!.bodyText } };
      const found = run(site({ [id]: [item] })).filter((f) => f.reason !== "content-mismatch");
      expect(found, `${id} ${breadcrumb.join(">")}`).toEqual([]);
    }
  });

  it("treats a document quoted from its home column as quoting, not misfiling", () => {
    // TRS quotes the 2025 work plan (home: 政策文件) into 规划计划; its page names 政策文件 only.
    const plan: ItemInput = {
      path: "/xxgk/zcwj/202503/t20250301_777.html",
      title: "嘉定区市场监督管理局2025年工作要点",
      record: { breadcrumb: ["首页", "政府信息公开", "政策文件"], metadata: { 发文字号: "嘉市监〔2025〕3号" }, bodyText: "各科室：现将2025年工作要点印发给你们，请认真贯彻执行。" },
    };
    const quoted = site({ zcwj: [plan] }, [{ column: col("ghjh", "规划计划", "plan"), items: [plan] }]);
    expect(run(quoted)).toEqual([]);
    // Listed only in 规划计划 while its page says 政策文件: misfiled.
    const notQuoted = site({}, [{ column: col("ghjh", "规划计划", "plan"), items: [plan] }]);
    expect(run(notQuoted).map((f) => [f.columnId, f.reason])).toEqual([["ghjh", "breadcrumb-mismatch"]]);
  });

  it("stays quiet when the named home column's walk was cut short (it may list the item past the bound)", () => {
    const item: ItemInput = { path: "/q/1.html", title: "区市场监管局开展检查", record: { breadcrumb: ["首页", "工作动态"], bodyText: NEWS[0].record!.bodyText } };
    const data = crawl({
      walks: [
        { column: col("tzgg", "通知公告", "notice"), items: [...NOTICES, item] },
        { column: col("gzdt", "工作动态", "news"), items: NEWS, boundHit: true },
      ],
    });
    expect(run(data)).toEqual([]);
  });

  it("reports a ColumnName naming another column even when the breadcrumb agrees (the page contradicts itself)", () => {
    const torn: ItemInput = { path: "/q/2.html", title: "某通知", record: { breadcrumb: ["首页", "通知公告"], meta: { columnname: "财政预决算" }, bodyText: "现将有关事项通知如下。特此通知。" } };
    const [f, ...rest] = run(site({ tzgg: [torn] }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ reason: "metadata-mismatch", columnId: "tzgg", evidence: { namedTopic: "财政预决算" } });
    expect(f.evidence.labels).toEqual([
      { source: "breadcrumb", field: "面包屑", value: "通知公告", verdict: "agree" },
      { source: "meta", field: "ColumnName", value: "财政预决算", verdict: "disagree" },
    ]);
  });

  it("does not judge an entry that is another column's list page (a 更多 link taken for an item)", () => {
    const data = crawl({
      walks: [
        { column: col("tzgg", "通知公告", "notice"), items: NOTICES, list: { title: "通知公告_上海市嘉定区市场监督管理局", breadcrumb: ["首页", "政府信息公开", "通知公告"] } },
        { column: col("ghjh", "规划计划", "plan"), items: [{ path: "/xxgk/tzgg/index.html", title: "更多" }] },
      ],
    });
    expect(run(data)).toEqual([]);
  });

  it("stays quiet on items of another site, whose labels are that site's columns", () => {
    const external: ItemInput = { path: "http://127.0.0.2/zhengce/content/2025-05/06/content_1.htm", title: "国务院关于某事项的通知", record: { breadcrumb: ["首页", "政策", "最新"], meta: { columnname: "国务院文件" }, bodyText: "各省、自治区、直辖市人民政府：现将有关事项通知如下。" } };
    expect(run(site({ zcwj: [external] }))).toEqual([]);
  });
});

describe("misfiled: content mismatches", () => {
  it("reports a news report filed under 政策文件 without a 发文字号, at low severity", () => {
    const item: ItemInput = {
      path: "/xxgk/zcwj/202506/t20250612_555.html",
      title: "区市场监管局召开食品安全工作推进会",
      record: {
        heading: "区市场监管局召开食品安全工作推进会",
        breadcrumb: ["首页", "政府信息公开", "政策文件"],
        bodyText: "本网讯（通讯员 李明）近日，区市场监管局召开食品安全工作推进会，各市场监管所负责人参加了此次会议。据悉，今年以来全区共开展专项检查12次。",
      },
    };
    const [f, ...rest] = run(site({ zcwj: [item] }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: "misfiled", reason: "content-mismatch", severity: "low", columnId: "zcwj", evidence: { rule: "news-in-policy", docNumber: null } });
    expect(f.evidence.newsMarkers).toEqual(expect.arrayContaining(["本网讯", "通讯员", "近日"]));
    expect(f.message).toContain("没有发文字号");
    // The similarity scores say the same, and are shown.
    expect((f.evidence.similarity as { mostLike: { id: string } }).mostLike.id).toBe("gzdt");
  });

  it("recognises a plain news story (headline and body) under 政策文件 even without 本网讯 or a reporter", () => {
    const item: ItemInput = {
      path: "/xxgk/zcwj/202411/t20241114_31.html",
      title: "嘉定区市场监管局开展知识产权进企业宣传活动",
      record: {
        breadcrumb: ["首页", "政府信息公开", "法定主动公开内容", "政策文件"],
        meta: { columnname: "政策文件" },
        metadata: { 索引号: "11310114MB2F0123XK/2024-00031", 发布日期: "2024年11月14日" },
        bodyText: "近日，嘉定工业区市场监管所执法人员举办优化营商环境政策宣讲会，对辖区内重点单位进行了检查。检查中，执法人员详细查看了证照公示情况。下一步，嘉定区市场监管局将持续加强监管。",
      },
    };
    const [f] = run(site({ zcwj: [item] }));
    expect(f).toMatchObject({ reason: "content-mismatch", columnId: "zcwj", evidence: { rule: "news-in-policy" } });
    expect(f.evidence.newsMarkers).toEqual(["新闻式标题", "近日", "下一步"]);
    expect(f.message).toContain("新闻式标题、近日、下一步");
  });

  it("does not flag a policy document with a 发文字号 or a formal body, however it is worded", () => {
    const withNumber: ItemInput = { path: "/p/1.html", title: "关于表彰先进的决定", record: { metadata: { 发文字号: "嘉市监〔2025〕20号" }, bodyText: "近日，经研究，决定对以下单位予以表彰。记者张三报道" } };
    const law: ItemInput = { path: "/p/2.html", title: "上海市食品安全条例", record: { bodyText: "第一章 总则 第一条 为了保证食品安全，制定本条例。本条例自2025年1月1日起施行。" } };
    expect(run(site({ zcwj: [withNumber, law] }))).toEqual([]);
  });

  it("reports a 行政处罚决定书 filed under 通知公告, but not a 公告送达 of one", () => {
    const { title, body } = penaltyDecision(9, "上海某某餐饮管理有限公司");
    const item: ItemInput = { path: "/xxgk/tzgg/202506/t20250618_666.html", title, record: { heading: title, breadcrumb: ["首页", "政府信息公开", "通知公告"], bodyText: body } };
    const found = run(site({ tzgg: [item] }));
    expect(found).toHaveLength(1); // NOTICES holds a 公告送达 of a decision: not reported
    expect(found[0]).toMatchObject({ reason: "content-mismatch", severity: "low", columnId: "tzgg", pageUrl: abs(item.path), evidence: { rule: "penalty-decision", titleMatches: true } });
    expect(found[0].message).toContain("行政执法公示");
  });

  it("does not take a news story about a penalty case for a penalty decision", () => {
    const { body } = penaltyDecision(7, "上海某某超市");
    const story: ItemInput = { path: "/xxgk/gzdt/202506/t20250617_1.html", title: "食品安全典型案例：某超市销售过期食品被处罚", record: { breadcrumb: ["首页", "工作动态"], bodyText: `近日，区市场监管局公布一起典型案例。${body}` } };
    expect(run(site({ gzdt: [story] }))).toEqual([]);
  });

  it("reports an item far more like another column's items than its own, with the scores; misfiledMinScore tunes it", () => {
    const item: ItemInput = {
      path: "/xxgk/tzgg/202506/t20250619_888.html",
      title: "区市场监管局开展校园周边食品安全检查",
      record: {
        heading: "区市场监管局开展校园周边食品安全检查",
        breadcrumb: ["首页", "政府信息公开", "通知公告"],
        bodyText: "为保障学生饮食安全，区市场监管局组织执法人员对辖区校园周边食品经营户开展专项检查，督促经营户落实食品安全主体责任，整改问题8个。",
      },
    };
    const [f, ...rest] = run(site({ tzgg: [item] }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ reason: "content-mismatch", severity: "low", evidence: { rule: "similarity" } });
    const sim = f.evidence.similarity as { own: number; mostLike: { id: string; similarity: number }; score: number; minScore: number };
    expect(sim.mostLike.id).toBe("gzdt");
    expect(sim.mostLike.similarity).toBeGreaterThan(sim.own * 2);
    expect(sim.minScore).toBe(0.5);
    expect(f.message).toContain("工作动态");
    expect(run(site({ tzgg: [item] }, [], { minScore: 0.99 }))).toEqual([]);
  });

  it("is not fooled by a copy of an item's text under another URL in another column", () => {
    const copy: ItemInput = { ...NEWS[0], path: "/xxgk/tzgg/202506/t20250601_copy.html", record: { ...NEWS[0].record, breadcrumb: ["首页", "通知公告"] } };
    expect(run(site({ tzgg: [copy] }))).toEqual([]);
  });

  it("does not judge similarity for an item quoted into two columns", () => {
    const item: ItemInput = { ...NEWS[0], path: "/xxgk/gzdt/202506/t20250601_quoted.html" };
    expect(run(site({ gzdt: [item], tzgg: [item] }))).toEqual([]);
  });
});
