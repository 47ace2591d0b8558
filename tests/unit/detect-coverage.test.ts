import { describe, expect, it } from "vitest";
import { coverage } from "../../crawler/detect/coverage.js";
import { coverageEntries } from "../../crawler/findings.js";
import type { ColumnCoverage, CrawlData } from "../../crawler/types.js";
import { col, crawl, ctxFor } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z";
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `/xxgk/jdcc/202506/t20250601_${i}.html`, title: `通知${i}` }));

function withCoverage(n: number, cov: ColumnCoverage, extra: { boundHit?: boolean } = {}): CrawlData {
  const data = crawl({ walks: [{ column: col("jdcc", "监督抽查", "notice"), items: items(n), ...extra }] });
  data.columns[0].coverage = cov;
  return data;
}

describe("coverage detector", () => {
  it("reports items the list states but the walk did not reach, for the column's url, in Chinese", () => {
    const data = withCoverage(25, { listed: 40, reached: 25, how: "pager-links" });
    const [f, ...rest] = coverage.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: "coverage", reason: "items-unreached", columnId: "jdcc", pageUrl: data.columns[0].column.url, evidence: { listed: 40, reached: 25, how: "pager-links", howName: "翻页链接" } });
    expect(f.message).toContain("共有 40 条");
    expect(f.message).toContain("15 条未被检查");
  });

  it("says so when maxPagesPerColumn cut a column that states its count", () => {
    const data = withCoverage(20, { listed: 60, reached: 20, how: "trs-createPageHTML" }, { boundHit: true });
    const [f] = coverage.detect(data, ctxFor(data, NOW));
    expect(f.reason).toBe("items-unreached");
    expect(f.evidence.cutByMaxPagesPerColumn).toBe(data.config.crawl.maxPagesPerColumn);
    expect(f.message).toContain("抓取上限");
  });

  it("reports a pagination that brought nothing new, naming the ways tried", () => {
    const data = withCoverage(15, { listed: null, reached: 15, how: "none", abandoned: ["hanweb-pagenum"], paginationNotFollowed: true });
    const [f] = coverage.detect(data, ctxFor(data, NOW));
    expect(f).toMatchObject({ kind: "coverage", reason: "pagination-not-followed", evidence: { abandoned: ["hanweb-pagenum"] } });
    expect(f.message).toContain("大汉 pageNum");
  });

  it("is quiet when everything stated was reached, when nothing is stated, and for columns it has no coverage of", () => {
    for (const cov of [
      { listed: 60, reached: 60, how: "hanweb-dataproxy", abandoned: ["hanweb-pagenum"] },
      { listed: null, reached: 25, how: "pager-links" },
      { listed: 10, reached: 12, how: "single-page" },
    ]) {
      const data = withCoverage(cov.reached, cov);
      expect(coverage.detect(data, ctxFor(data, NOW)), JSON.stringify(cov)).toEqual([]);
    }
    const none = crawl({ walks: [{ column: col("jgzn", "机构职能", "page") }] });
    expect(coverage.detect(none, ctxFor(none, NOW))).toEqual([]);
  });
});

describe("findings.json coverage entries", () => {
  it("one per list column, in the contract's shape", () => {
    const data = withCoverage(60, { listed: 60, reached: 60, how: "hanweb-dataproxy" });
    expect(coverageEntries(data.columns)).toEqual([{ columnId: "jdcc", listed: 60, reached: 60, listPages: 1, how: "hanweb-dataproxy" }]);
    const page = crawl({ walks: [{ column: col("jgzn", "机构职能", "page") }] });
    expect(coverageEntries(page.columns)).toEqual([]);
  });
});
