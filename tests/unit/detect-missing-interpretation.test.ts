import { describe, expect, it } from "vitest";
import { interpretationStats, missingInterpretation } from "../../crawler/detect/missing-interpretation.js";
import { abs, col, crawl, ctxFor, link, type ItemInput } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z";
const NAV = link("/xxgk/zcjd/index.html", "政策解读"); // site navigation on every page

function policy(n: string, title: string, date: string | undefined, extra: ItemInput["record"] = {}, docNo?: string): ItemInput {
  return {
    path: `/xxgk/zcwj/${n}.html`,
    title,
    record: {
      heading: title,
      metadata: { ...(date ? { 发布日期: date } : {}), ...(docNo ? { 发文字号: docNo } : {}) },
      bodyText: "各科室、各市场监管所：现将有关文件印发给你们，请认真贯彻执行。",
      links: [NAV],
      ...extra,
    },
  };
}

function interp(n: string, title: string, extra: ItemInput["record"] = {}): ItemInput {
  return { path: `/xxgk/zcjd/${n}.html`, title, record: { heading: title, bodyText: `${title}。一、制定背景……二、主要内容……`, links: [NAV], ...extra } };
}

const A = policy("a", "关于印发《嘉定区食品安全信用分级管理办法》的通知", "2025-03-01", {}, "嘉市监规〔2025〕1号");
const B = policy("b", "关于印发《嘉定区计量监督管理工作规范》的通知", "2025-03-05", {}, "嘉市监规〔2025〕2号");
const C = policy("c", "关于印发《嘉定区农贸市场长效管理办法》的通知", "2025-03-10", {}, "嘉市监规〔2025〕3号");
const D = policy("d", "关于进一步优化营商环境的实施意见", "2025-03-12", {}, "嘉市监〔2025〕8号");
const E = policy("e", "关于印发《嘉定区广告监督管理办法》的通知", "2025-03-15", { links: [NAV, link("/xxgk/zcjd/e-tu.html", "一图读懂《嘉定区广告监督管理办法》")] }, "嘉市监规〔2025〕5号");
const OLD = policy("old", "关于印发《嘉定区旧办法》的通知", "2024-05-01", {}, "嘉市监规〔2024〕1号");
const NEW = policy("new", "关于印发《嘉定区新办法》的通知", "2025-06-01", {}, "嘉市监规〔2025〕9号");
const UNDATED = policy("undated", "关于印发《嘉定区无日期办法》的通知", undefined);
const RELAYED = policy("relayed", "关于转发《上海市某某办法》的通知", "2025-03-20");
const APPOINTMENT = policy("appointment", "关于张三同志任职的通知", "2025-03-21");
const EXTERNAL: ItemInput = { ...policy("ext", "国务院关于进一步优化营商环境的意见", "2025-03-22"), path: "http://127.0.0.2/zhengce/content/2025-03/22/content_1.htm" };

const INTERPRETATIONS = [
  interp("b", "嘉定区计量监督管理工作规范解读视频", { links: [NAV, link("/xxgk/zcwj/b.html", "原文"), link("/media/b.mp4", "", { tag: "video" })] }),
  interp("c", "《嘉定区农贸市场长效管理办法》政策解读"),
  interp("d", "关于《实施意见》（嘉市监〔2025〕8号）的解读"),
  interp("e-tu", "一图读懂《嘉定区广告监督管理办法》"),
];

function site(policies: ItemInput[], interpretations: ItemInput[] = INTERPRETATIONS, policyExtra: Parameters<typeof col>[3] = {}) {
  return crawl({
    walks: [
      { column: col("zcwj", "政策文件", "policy", policyExtra), items: policies },
      { column: col("zcjd", "政策解读", "interpretation"), items: interpretations },
    ],
  });
}

describe("missing-interpretation", () => {
  it("reports a recent policy document nobody interprets, even with a 政策解读 menu link on every page", () => {
    const data = site([A, B, C, D, E, OLD, NEW, UNDATED, RELAYED, APPOINTMENT, EXTERNAL]);
    const found = missingInterpretation.detect(data, ctxFor(data, NOW));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      kind: "missing-interpretation",
      reason: "no-interpretation",
      severity: "medium",
      columnId: "zcwj",
      pageUrl: abs("/xxgk/zcwj/a.html"),
      evidence: { published: "2025-03-01", docNumber: "嘉市监规〔2025〕1号", graceWorkdays: 20, interpretationColumns: ["zcjd"] },
    });
    expect(found[0].message).toContain("嘉定区食品安全信用分级管理办法");
    expect(found[0].message).toContain("嘉市监规〔2025〕1号");
  });

  it("gives a new document 20 working days (holidays skipped) before reporting it", () => {
    // Published Thursday 2025-05-15; 2 June is the Dragon Boat holiday: the 20th working day is 13 June.
    const doc = policy("g", "关于印发《嘉定区某规定》的通知", "2025-05-15");
    const data = site([doc], []);
    expect(missingInterpretation.detect(data, ctxFor(data, "2025-06-13T02:00:00Z"))).toEqual([]);
    const [f] = missingInterpretation.detect(data, ctxFor(data, "2025-06-16T02:00:00Z"));
    expect(f.evidence.graceEnded).toBe("2025-06-13");
    expect(f.evidence.graceApproximate).toBeUndefined();
  });

  it("says when the grace period runs past the holiday data", () => {
    const doc = policy("h", "关于印发《嘉定区某细则》的通知", "2026-12-20");
    const data = site([doc], []);
    const [f] = missingInterpretation.detect(data, ctxFor(data, "2027-02-15T02:00:00Z"));
    expect(String(f.evidence.graceApproximate)).toContain("Monday–Friday");
  });

  it("honours the column's interpretationWithinDays and interpretationGraceWorkdays", () => {
    const narrow = site([A], [], { detectors: { interpretationWithinDays: 30 } });
    expect(missingInterpretation.detect(narrow, ctxFor(narrow, NOW))).toEqual([]);
    const noGrace = site([NEW], [], { detectors: { interpretationGraceWorkdays: 0 } });
    expect(missingInterpretation.detect(noGrace, ctxFor(noGrace, NOW)).map((f) => f.pageUrl)).toEqual([abs("/xxgk/zcwj/new.html")]);
  });

  it("accepts an interpretation listed in the interpretation column even when its page was not fetched", () => {
    const listedOnly: ItemInput = { path: "/xxgk/zcjd/a.html", title: "《嘉定区食品安全信用分级管理办法》解读" };
    const data = site([A], [listedOnly]);
    expect(missingInterpretation.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("reports every document when there is no interpretation column and no document links to a 解读", () => {
    const data = crawl({ walks: [{ column: col("zcwj", "政策文件", "policy"), items: [A, E] }] });
    const found = missingInterpretation.detect(data, ctxFor(data, NOW));
    expect(found.map((f) => f.pageUrl)).toEqual([abs("/xxgk/zcwj/a.html")]);
    expect(found[0].evidence.interpretationColumns).toEqual([]);
  });
});

describe("interpretationStats", () => {
  it("gives the interpretation rate and the share in diverse forms", () => {
    const data = site([A, B, C, D, E, OLD, NEW, UNDATED, RELAYED]);
    // Counted: A B C D E (NEW is still in its grace period; OLD, UNDATED, RELAYED are out of scope).
    // Interpreted: B (video), C, D, E (一图读懂) → 4 of 5; diverse: B and E → 2 of 4.
    expect(interpretationStats(data, ctxFor(data, NOW))).toEqual({ policies: 5, interpreted: 4, rate: 0.8, diverseForms: 2, diverseRate: 0.5 });
  });
  it("does not ask a 解读 of a news report filed under 政策文件 (misfiled reports that), only of the documents", () => {
    const NEWS = policy("news", "嘉定区市场监管局开展知识产权进企业宣传活动", "2025-03-25", {
      bodyText: "本网讯 近日，嘉定区市场监管局在马陆镇开展知识产权进企业宣传活动。活动现场，执法人员向企业发放宣传资料。下一步，该局将继续加强宣传。",
    });
    const data = site([NEWS, A]);
    const found = missingInterpretation.detect(data, ctxFor(data, NOW));
    expect(found.map((f) => f.pageUrl)).toEqual([abs(A.path)]);
  });

  it("is all zeros on a site without recent policy documents", () => {
    const data = site([OLD], []);
    expect(interpretationStats(data, ctxFor(data, NOW))).toEqual({ policies: 0, interpreted: 0, rate: 0, diverseForms: 0, diverseRate: 0 });
  });
});
