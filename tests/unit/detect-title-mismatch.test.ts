import { describe, expect, it } from "vitest";
import { promiseOf, titleMismatch } from "../../crawler/detect/title-mismatch.js";
import { abs, col, crawl, ctxFor, link, page } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z";

/** A 年报 column whose list page links to `links`; targets given as crawled pages and/or link checks. */
function reportSite(links: ReturnType<typeof link>[], targets: { path: string; heading?: string; title?: string; metadata?: Record<string, string> }[] = [], checks: Parameters<typeof crawl>[0]["checks"] = []) {
  return crawl({
    walks: [{ column: col("gknb", "政府信息公开年报", "report"), items: [], list: { links } }],
    pages: targets.map((t) => ({ record: page(t.path, { title: t.title ?? "", heading: t.heading, metadata: t.metadata ?? {} }), columnId: "gknb", role: "item" as const })),
    checks,
  });
}

describe("title-mismatch", () => {
  it("reports the entry for the 2024 report opening the 2023 one, with both titles in the evidence", () => {
    const data = reportSite(
      [link("/xxgk/gknb/2024.html", "2024年政府信息公开工作年度报告")],
      [{ path: "/xxgk/gknb/2024.html", heading: "上海市嘉定区市场监督管理局2023年政府信息公开工作年度报告", title: "嘉定区市场监督管理局" }],
    );
    const [f, ...rest] = titleMismatch.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      kind: "wrong-link",
      reason: "title-mismatch",
      severity: "medium",
      columnId: "gknb",
      pageUrl: abs("/xxgk/gknb/index.html"),
      targetUrl: abs("/xxgk/gknb/2024.html"),
      linkText: "2024年政府信息公开工作年度报告",
      evidence: { promised: { years: ["2024"] }, targetYears: ["2023"], compared: "year" },
    });
    expect(f.evidence.targetTitles).toContain("上海市嘉定区市场监督管理局2023年政府信息公开工作年度报告");
    expect(f.message).toContain("2024");
    expect(f.message).toContain("2023");
  });

  it("uses the link check's title when the target was not crawled as a page", () => {
    const data = reportSite([link("/xxgk/czyjs/2024ys.html", "2024年部门预算")], [], [{ url: abs("/xxgk/czyjs/2024ys.html"), title: "２０２３年度部门预算公开说明" }]);
    const [f] = titleMismatch.detect(data, ctxFor(data, NOW));
    expect(f).toMatchObject({ reason: "title-mismatch", evidence: { targetYears: ["2023"] } });
  });

  it("reports a document number that the target contradicts, and accepts any bracket form of the same number", () => {
    const target = { path: "/xxgk/zcwj/2.html", heading: "关于印发《某办法》的通知", metadata: { 发文字号: "嘉市监规〔2024〕2号" } };
    const wrong = reportSite([link(target.path, "嘉市监规〔2024〕1号")], [target]);
    const [f] = titleMismatch.detect(wrong, ctxFor(wrong, NOW));
    expect(f).toMatchObject({ evidence: { compared: "docNumber", promised: { docNumbers: ["嘉市监规〔2024〕1号"] }, targetDocNumbers: ["嘉市监规〔2024〕2号"] } });
    const right = reportSite([link(target.path, "关于印发《某办法》的通知（嘉市监规[2024]2号）")], [target]);
    expect(titleMismatch.detect(right, ctxFor(right, NOW))).toEqual([]);
  });

  it("stays quiet on generic link texts, untitled or undated targets, broken targets and matching years", () => {
    const data = reportSite(
      [
        link("/a.html", "更多"),
        link("/b.html", "点击查看"),
        link("/c.html", "2024年部门决算"), // target has no title
        link("/d.html", "2024年部门预算"), // target titled 首页: names no dated document
        link("/e.html", "2024年工作计划"), // target broken: broken-links reports it
        link("/f.html", "2021—2025年发展规划"), // range, target names both years
        link("/g.html", "2023年工作总结和2024年工作计划"),
        link("/h.html", "2024年政府信息公开工作年度报告"), // PDF, no title
      ],
      [
        { path: "/a.html", heading: "2019年政府信息公开工作年度报告" },
        { path: "/d.html", title: "首页" },
        { path: "/f.html", heading: "嘉定区市场监管“十四五”发展规划（2021-2025年）" },
        { path: "/g.html", heading: "2023年工作总结和2024年工作计划" },
      ],
      [
        { url: abs("/e.html"), outcome: "broken", reason: "http-404", status: 404, title: "2020年工作计划" },
        { url: abs("/h.html"), contentType: "application/pdf" },
      ],
    );
    expect(titleMismatch.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("reports one finding for a link repeated on a page", () => {
    const l = link("/xxgk/gknb/2024.html", "2024年年报");
    const data = reportSite([l, l], [{ path: "/xxgk/gknb/2024.html", heading: "2023年年报" }]);
    expect(titleMismatch.detect(data, ctxFor(data, NOW))).toHaveLength(1);
  });

  it("reads what a link text promises", () => {
    expect(promiseOf("更多>>")).toBeUndefined();
    expect(promiseOf("关于召开2024年度表彰会的通知")).toBeUndefined(); // a year, but no document it names
    expect(promiseOf("二〇二四年政府信息公开工作年度报告")?.years).toEqual(["2024"]);
    expect(promiseOf("嘉市监〔2024〕3号")?.years).toEqual([]);
    expect(promiseOf("嘉市监〔2024〕3号")?.docNumbers.map((d) => d.text)).toEqual(["嘉市监〔2024〕3号"]);
  });
});
