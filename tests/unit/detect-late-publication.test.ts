// late-publication / published-late on hand-written document pages: 20 working days from 成文日期 to 发布日期
// (《政府信息公开条例》第二十六条), holidays and 调休 workdays counted, Monday–Friday past the holiday data.
import { describe, expect, it } from "vitest";
import { latePublication } from "../../crawler/detect/late-publication.js";
import { workdaysBetween } from "../../crawler/detect/lib/workdays.js";
import { abs, col, crawl, ctxFor } from "./helpers/records.js";

const NOW = "2025-12-01T02:00:00Z";

function doc(path: string, made: string, published: string | undefined, extra: { listDate?: string; title?: string } = {}) {
  const metadata: Record<string, string> = { 索引号: "11310114MB2F0123XK/2025-00012", 成文日期: made };
  if (published) metadata["发布日期"] = published;
  return { path, title: extra.title ?? "关于印发《嘉定区市场监管领域轻微违法行为免罚清单》的通知", date: extra.listDate, record: { heading: extra.title ?? "关于印发《嘉定区市场监管领域轻微违法行为免罚清单》的通知", metadata } };
}

const policies = (items: ReturnType<typeof doc>[]) => crawl({ walks: [{ column: col("zcwj", "政策文件", "policy"), items }] });

describe("late-publication / published-late", () => {
  it("counts 国庆 and the 调休 Saturday: made Friday 26 September, published 30 October (34 calendar days) is exactly 20 working days, on time", () => {
    expect(workdaysBetween("2025-09-26", "2025-10-30")).toEqual({ count: 20, approximate: false });
    const data = policies([doc("/zcwj/a.html", "2025-09-26", "2025-10-30")]);
    expect(latePublication.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("reports one working day more (31 October), giving both dates and the count of working days", () => {
    const data = policies([doc("/zcwj/b.html", "2025-09-26", "2025年10月31日")]);
    const [f, ...rest] = latePublication.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      kind: "late-publication",
      reason: "published-late",
      columnId: "zcwj",
      pageUrl: abs("/zcwj/b.html"),
      evidence: { made: "2025-09-26", madeLabel: "成文日期", published: "2025-10-31", publishedLabel: "发布日期", workdays: 21, calendarDays: 35, limitWorkdays: 20 },
    });
    expect(f.message).toContain("2025-09-26");
    expect(f.message).toContain("2025-10-31");
    expect(f.message).toContain("21个工作日");
    expect(f.evidence.approximate).toBeUndefined();
  });

  it("takes 印发日期 for 成文日期 and the list's date when the page states no 发布日期", () => {
    const item = doc("/zcwj/c.html", "2025-06-03", undefined, { listDate: "2025-08-01" });
    item.record.metadata = { 印发日期: "2025-06-03" };
    const data = policies([item]);
    const [f] = latePublication.detect(data, ctxFor(data, NOW));
    expect(f.evidence).toMatchObject({ madeLabel: "印发日期", publishedLabel: "列表日期", published: "2025-08-01" });
  });

  it("judges only documents published within the last 12 months, and only with both dates in order", () => {
    const data = policies([
      doc("/zcwj/old.html", "2024-09-02", "2024-11-29"), // late, but published more than 12 months ago
      doc("/zcwj/nomade.html", "", "2025-11-20"),
      doc("/zcwj/typo.html", "2025-11-20", "2025-01-20"), // 发布日期 before 成文日期: a typo
    ]);
    expect(latePublication.detect(data, ctxFor(data, NOW))).toEqual([]);
    const edge = policies([doc("/zcwj/edge.html", "2024-09-02", "2024-12-01")]); // published exactly 365 days ago
    expect(latePublication.detect(edge, ctxFor(edge, NOW))).toHaveLength(1);
  });

  it("past the holiday data counts Monday–Friday and says so in the evidence", () => {
    const on = policies([doc("/zcwj/d.html", "2027-03-05", "2027-04-02")]);
    expect(latePublication.detect(on, ctxFor(on, "2027-05-01T02:00:00Z"))).toEqual([]);
    const late = policies([doc("/zcwj/e.html", "2027-03-05", "2027-04-05")]);
    const [f] = latePublication.detect(late, ctxFor(late, "2027-05-01T02:00:00Z"));
    expect(f.evidence).toMatchObject({ workdays: 21, approximate: true });
    expect(String(f.evidence.workdayRule)).toContain("周一至周五");
  });

  it("follows a column's publishWithinWorkdays and judges a document listed in two columns once", () => {
    const item = doc("/zcwj/f.html", "2025-11-03", "2025-11-14"); // 9 working days
    const strict = crawl({
      walks: [
        { column: col("zcwj", "政策文件", "policy", { detectors: { publishWithinWorkdays: 5 } }), items: [item] },
        { column: col("tzgg", "通知公告", "notice", { detectors: { publishWithinWorkdays: 5 } }), items: [item] },
      ],
    });
    const found = latePublication.detect(strict, ctxFor(strict, NOW));
    expect(found.map((f) => [f.columnId, f.evidence.workdays])).toEqual([["zcwj", 9]]);
  });
});
