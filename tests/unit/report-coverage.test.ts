// The report's "检查覆盖情况" section: coverage findings are the office's, listed there and never in a department's
// tables or mail.
import { expect, it } from "vitest";
import { buildReport, forDepartment } from "../../crawler/report/model.js";
import { renderHtml } from "../../crawler/report/html.js";
import { renderMarkdown } from "../../crawler/report/markdown.js";
import { labelsFor as labels } from "../../crawler/report/i18n.js";
import type { RunInfo, StoredFinding } from "../../crawler/store/types.js";

const now = new Date("2026-03-09T00:00:00.000Z");
const runs: RunInfo[] = [{ id: 1, startedAt: "2026-03-08T18:00:00.000Z", status: "complete", stats: {}, siteName: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" }];

function finding(id: string, over: Partial<StoredFinding>): StoredFinding {
  return {
    id, kind: "broken-link", reason: "http-404", severity: "high", columnId: "zcwj", pageUrl: "http://127.0.0.1:8080/xxgk/zcwj/index.html",
    targetUrl: `http://127.0.0.1:8080/${id}.html`, linkText: id, message: "m", maintainer: { department: "法规科", name: "张伟" },
    firstSeen: "2026-03-08T18:00:00.000Z", lastSeen: "2026-03-08T18:00:00.000Z", evidence: { status: 404 }, state: "open", reopenedCount: 0, department: "法规科", ...over,
  };
}

const gap = finding("gap", {
  kind: "coverage", reason: "items-unreached", severity: "medium", columnId: "jdcc", targetUrl: undefined, linkText: undefined,
  pageUrl: "http://127.0.0.1:8080/xxgk/jdcc/index.html", message: "栏目“监督抽查”的列表称共有 40 条信息，本次检查只访问到 25 条", maintainer: { department: "信用监管科", name: "赵敏" }, department: "信用监管科",
  evidence: { listed: 40, reached: 25 },
});

it("lists coverage findings in their own section, not under the column's department", () => {
  const m = buildReport({ findings: [finding("a", {}), gap], events: [], runs, now, since: new Date("2026-03-02T00:00:00.000Z") });
  expect(m.coverage.map((r) => [r.id, r.columnId, r.reason])).toEqual([["gap", "jdcc", "items-unreached"]]);
  expect(m.departments.map((d) => d.department)).toEqual(["法规科"]);
  expect(m.departments.flatMap((d) => d.otherRows)).toEqual([]);
  expect(m.totals.other).toBe(0);
  const html = renderHtml(m, labels("zh"));
  expect(html).toContain("检查覆盖情况");
  expect(html).toContain("共有 40 条信息");
  expect(html).toContain("栏目信息未全部访问到");
  const md = renderMarkdown(m, labels("zh"));
  expect(md).toContain("## 检查覆盖情况（1）");
  expect(renderHtml(m, labels("en"))).toContain("Coverage of the check");
  // A department's own mail holds no coverage section rows.
  expect(forDepartment(m, "信用监管科").coverage).toEqual([]);
});

it("says every stated item was reached when no coverage finding is open", () => {
  const m = buildReport({ findings: [finding("a", {}), { ...gap, state: "fixed", fixedAt: now.toISOString() }], events: [], runs, now, since: new Date("2026-03-02T00:00:00.000Z") });
  expect(m.coverage).toEqual([]);
  expect(renderHtml(m, labels("zh"))).toContain("最近一次检查访问到了各栏目列表声明的全部信息");
});
