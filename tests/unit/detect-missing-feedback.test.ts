// missing-feedback / consultation-feedback-missing: a draft put out for comment, its final document published, and no
// 意见采纳情况 naming it within 10 working days after the final.
import { describe, expect, it } from "vitest";
import { draftName, missingFeedback } from "../../crawler/detect/missing-feedback.js";
import { abs, col, crawl, ctxFor, type ItemInput } from "./helpers/records.js";

// Final published Friday 26 September 2025: with 国庆 and the 调休 Saturday, the 10th working day is Thursday 16 October
// (28 September and 11 October are 调休 workdays).
const FINAL_DATE = "2025-09-26";
const DUE = "2025-10-16";

const draftItem: ItemInput = { path: "/xxgk/zqyj/a.html", title: "关于公开征求《嘉定区电梯安全管理办法（征求意见稿）》意见的公告", date: "2025-08-01" };
const noFinalDraft: ItemInput = { path: "/xxgk/zqyj/b.html", title: "《嘉定区广告牌设置规范（草案）》公开征求意见", date: "2025-08-05" };
const finalItem: ItemInput = { path: "/xxgk/zcwj/a.html", title: "关于印发《嘉定区电梯安全管理办法》的通知", date: FINAL_DATE };
const feedback = (date: string): ItemInput => ({ path: `/xxgk/zqyj/fk-${date}.html`, title: "《嘉定区电梯安全管理办法（征求意见稿）》意见采纳情况说明", date });

const site = (consultation: ItemInput[], policies: ItemInput[] = [finalItem], extra = {}) =>
  crawl({ walks: [{ column: col("zqyj", "征求意见", "consultation", extra), items: consultation }, { column: col("zcwj", "政策文件", "policy"), items: policies }] });

describe("missing-feedback / consultation-feedback-missing", () => {
  it("strips the draft suffixes from a name", () => {
    for (const n of ["X办法（征求意见稿）", "X办法(征求意见稿)", "X办法征求意见稿", "X办法（草案）", "X办法草案", "X办法（送审稿）", "X办法（修订草案征求意见稿）"]) expect(draftName(n), n).toBe("X办法");
  });

  it("is quiet up to the 10th working day after the final document, and reports the day after, naming the final and the due date", () => {
    const data = site([draftItem, noFinalDraft]);
    expect(missingFeedback.detect(data, ctxFor(data, `${DUE}T10:00:00Z`))).toEqual([]);
    const [f, ...rest] = missingFeedback.detect(data, ctxFor(data, "2025-10-17T02:00:00Z"));
    expect(rest).toEqual([]); // the draft with no final document is not reported
    expect(f).toMatchObject({
      kind: "missing-feedback",
      reason: "consultation-feedback-missing",
      columnId: "zqyj",
      pageUrl: abs("/xxgk/zqyj/a.html"),
      evidence: { name: "嘉定区电梯安全管理办法", feedbackDue: DUE, feedbackWithinWorkdays: 10, final: { published: FINAL_DATE, url: abs("/xxgk/zcwj/a.html") } },
    });
    expect(f.message).toContain("至今未见");
    expect(f.message).toContain(FINAL_DATE);
  });

  it("is quiet when a feedback item names the document by the due date (in any column), and reports feedback published late", () => {
    const NOW = "2025-12-01T02:00:00Z";
    const onTime = site([draftItem, feedback(DUE)]);
    expect(missingFeedback.detect(onTime, ctxFor(onTime, NOW))).toEqual([]);
    const elsewhere = crawl({
      walks: [
        { column: col("zqyj", "征求意见", "consultation"), items: [draftItem] },
        { column: col("zcwj", "政策文件", "policy"), items: [finalItem] },
        { column: col("hygq", "回应关切", "notice"), items: [{ ...feedback("2025-10-09"), title: "关于《嘉定区电梯安全管理办法》征求意见反馈情况" }] },
      ],
    });
    expect(missingFeedback.detect(elsewhere, ctxFor(elsewhere, NOW))).toEqual([]);
    const late = site([draftItem, feedback("2025-10-17")]);
    const [f] = missingFeedback.detect(late, ctxFor(late, NOW));
    expect(f.message).toContain("2025-10-17才公布");
  });

  it("looks for the final only in the configured final-document columns, and takes no other draft for a final", () => {
    const NOW = "2025-12-01T02:00:00Z";
    const draftOnly = site([draftItem], [{ path: "/xxgk/zcwj/x.html", title: "《嘉定区电梯安全管理办法（送审稿）》起草说明", date: FINAL_DATE }]);
    expect(missingFeedback.detect(draftOnly, ctxFor(draftOnly, NOW))).toEqual([]);
    const elsewhere = crawl({
      walks: [
        { column: col("zqyj", "征求意见", "consultation", { detectors: { finalColumns: ["gfxwj"] } }), items: [draftItem] },
        { column: col("zcwj", "政策文件", "policy"), items: [finalItem] },
        { column: col("gfxwj", "规范性文件", "policy"), items: [] },
      ],
    });
    expect(missingFeedback.detect(elsewhere, ctxFor(elsewhere, NOW))).toEqual([]);
  });
});
