import { describe, expect, it } from "vitest";
import { staleGuide } from "../../crawler/detect/stale-guide.js";
import { col, crawl, ctxFor } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z";
const BODY =
  "事项名称：食品经营许可 设定依据：《中华人民共和国食品安全法》 申请条件：有场所。 办理材料：申请书。 办理地点：行政服务中心。 办理时间：工作日。 联系电话：021-59990000 办理流程：申请—受理—决定。";

function guide(path: string, listDate: string, record: { bodyText?: string; metadata?: Record<string, string> }) {
  return crawl({ walks: [{ column: col("bszn", "办事指南", "guide"), items: [{ path, title: "食品经营许可办事指南", date: listDate, record: { bodyText: BODY, ...record } }] }] });
}

describe("stale-guide: the guide page's own update date wins", () => {
  it.each([["更新日期"], ["更新时间"], ["最后更新"]])("a page labelled %s two years ago is outdated though its list and URL dates are recent", (label) => {
    const data = guide("/bszn/202506/t20250610_1.html", "2025-06-10", { metadata: { [label]: "2023-06-01" } });
    const [f, ...rest] = staleGuide.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: "stale-guide", reason: "outdated", evidence: { lastUpdate: "2023-06-01", lastUpdateSource: label } });
    // The evidence shows the dates that were not taken, too.
    expect(f.evidence.otherDates).toEqual([
      { date: "2025-06-10", source: "列表日期" },
      { date: "2025-06-10", source: "网址中的日期" },
    ]);
    expect(f.message).toContain("2023-06-01");
  });

  it("a label written in the body counts as well", () => {
    const data = guide("/bszn/2.html", "2025-06-01", { bodyText: `${BODY} 最后更新：2022年5月4日` });
    expect(staleGuide.detect(data, ctxFor(data, NOW))[0]?.evidence.lastUpdate).toBe("2022-05-04");
  });

  it("without an update label, the latest date shown counts (a recently listed guide is fine)", () => {
    const data = guide("/bszn/3.html", "2025-06-01", { metadata: { 发布日期: "2022-01-01" } });
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("a recent update label keeps a guide listed long ago up to date", () => {
    const data = guide("/bszn/201901/t20190101_4.html", "2019-01-01", { metadata: { 更新时间: "2025-05-01" } });
    expect(staleGuide.detect(data, ctxFor(data, NOW))).toEqual([]);
  });
});
