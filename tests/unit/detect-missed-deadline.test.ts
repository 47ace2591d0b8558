// missed-deadline / yearly-item-missing on hand-written crawls: the `yearly` rule, the 年报 (31 January, last year's)
// and the 重大行政决策事项目录 (31 March, this year's) defaults, and the due date itself.
import { describe, expect, it } from "vitest";
import { missedDeadline } from "../../crawler/detect/missed-deadline.js";
import { staleColumn } from "../../crawler/detect/stale-column.js";
import { withIds } from "../../crawler/findings.js";
import { ConfigSchema } from "../../shared/schema.js";
import { abs, col, crawl, ctxFor, type ItemInput } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z"; // 10:00 in Shanghai

describe("missed-deadline: the annual report (report columns, 31 January, last year's)", () => {
  const reportColumn = (items: ItemInput[]) => crawl({ walks: [{ column: col("gknb", "政府信息公开年报", "report"), items }] });
  const older = [
    { path: "/nb/2024.html", title: "上海市嘉定区市场监督管理局2023年政府信息公开工作年度报告", date: "2024-01-20" },
    { path: "/nb/2023.html", title: "2022年度政府信息公开工作年报", date: "2023-01-18" },
  ];

  it("is quiet on 31 January (the due date) without last year's report, and reports it on 1 February, saying since when", () => {
    const data = reportColumn(older);
    expect(missedDeadline.detect(data, ctxFor(data, "2025-01-31T15:00:00Z"))).toEqual([]); // 23:00 on the 31st in Shanghai
    const [f, ...rest] = missedDeadline.detect(data, ctxFor(data, "2025-01-31T16:30:00Z")); // 00:30 on 1 February
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      kind: "missed-deadline",
      reason: "yearly-item-missing",
      columnId: "gknb",
      severity: "high",
      pageUrl: abs("/xxgk/gknb/index.html"),
      evidence: { expectedYear: 2024, deadline: "2025-01-31", overdueSince: "2025-02-01", yearsListed: ["2022", "2023"], ruleSource: "default" },
    });
    expect(f.message).toContain("2024年政府信息公开工作年度报告");
    expect(f.message).toContain("2025-01-31");
    expect(f.message).toContain("自2025-02-01起");
  });

  it("is quiet once last year's report is listed, in any of its usual title forms", () => {
    for (const title of ["2024年政府信息公开工作年度报告", "嘉定区市场监管局2024年度政府信息公开年报", "二〇二四年政府信息公开工作年度报告", "政府信息公开工作年度报告（2024年）"]) {
      const data = reportColumn([{ path: "/nb/new.html", title, date: "2025-01-25" }, ...older]);
      expect(missedDeadline.detect(data, ctxFor(data, NOW)), title).toEqual([]);
    }
  });

  it("finds the report by its page title when the list cuts the title short", () => {
    const data = reportColumn([
      { path: "/nb/new.html", title: "上海市嘉定区市场监督管理局…", date: "2025-01-25", record: { heading: "上海市嘉定区市场监督管理局2024年政府信息公开工作年度报告" } },
      ...older,
    ]);
    expect(missedDeadline.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("before the deadline still wants the year before last", () => {
    const data = reportColumn([{ path: "/nb/old.html", title: "2022年政府信息公开工作年度报告", date: "2023-01-10" }]);
    const [f] = missedDeadline.detect(data, ctxFor(data, "2025-01-10T02:00:00Z"));
    expect(f.evidence.expectedYear).toBe(2023);
  });

  it("gives the missing report and the stale column different ids, and a new id for the next year's report", () => {
    const data = reportColumn(older);
    const found = withIds([...staleColumn.detect(data, ctxFor(data, NOW)), ...missedDeadline.detect(data, ctxFor(data, NOW))]);
    expect(found.map((f) => f.reason).sort()).toEqual(["not-updated", "yearly-item-missing"]);
    const nextYear = withIds([...staleColumn.detect(data, ctxFor(data, "2026-06-15T02:00:00Z")), ...missedDeadline.detect(data, ctxFor(data, "2026-06-15T02:00:00Z"))]);
    const a = found.find((f) => f.reason === "yearly-item-missing")!;
    const b = nextYear.find((f) => f.reason === "yearly-item-missing")!;
    expect(a.id).not.toBe(b.id);
    expect(found.find((f) => f.reason === "not-updated")!.id).toBe(nextYear.find((f) => f.reason === "not-updated")!.id);
  });

  it("does not ask a statistics report column for a 年报, unless the config says so", () => {
    const items = [{ path: "/tj/1.html", title: "2025年5月市场主体统计数据", date: "2025-06-05" }];
    const plain = crawl({ walks: [{ column: col("tjsj", "统计数据", "report"), items }] });
    expect(missedDeadline.detect(plain, ctxFor(plain, NOW))).toEqual([]);
    const forced = crawl({ walks: [{ column: col("tjsj", "统计数据", "report", { detectors: { annualReport: true } }), items }] });
    expect(missedDeadline.detect(forced, ctxFor(forced, NOW)).map((f) => f.reason)).toEqual(["yearly-item-missing"]);
  });
});

describe("missed-deadline: the 重大行政决策事项目录 (decisions columns, 31 March, this year's)", () => {
  const decisions = (items: ItemInput[], extra = {}) => crawl({ walks: [{ column: col("zdjc", "重大行政决策", "decisions", extra), items }] });
  const lastYears = [
    { path: "/jc/2024.html", title: "2024年度重大行政决策事项目录", date: "2024-03-20" },
    { path: "/jc/yj.html", title: "关于XX规划的决策草案公开征求意见", date: "2025-02-10" },
  ];

  it("on 31 March wants last year's (present: quiet); on 1 April reports this year's as missing since 1 April", () => {
    const data = decisions(lastYears);
    expect(missedDeadline.detect(data, ctxFor(data, "2025-03-31T10:00:00Z"))).toEqual([]);
    const [f, ...rest] = missedDeadline.detect(data, ctxFor(data, "2025-04-01T02:00:00Z"));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: "missed-deadline", reason: "yearly-item-missing", evidence: { expectedYear: 2025, deadline: "2025-03-31", overdueSince: "2025-04-01" } });
    expect(f.message).toContain("2025年重大行政决策事项目录");
    expect(f.message).toContain("已逾期1天");
  });

  it("is quiet when this year's 目录 is listed (also as 决策目录 or in Chinese digits), and not fooled by last year's", () => {
    for (const title of ["2025年重大行政决策事项目录", "嘉定区市场监管局2025年度重大行政决策目录", "二〇二五年重大行政决策事项目录的公告"]) {
      const data = decisions([{ path: "/jc/2025.html", title, date: "2025-03-28" }, ...lastYears]);
      expect(missedDeadline.detect(data, ctxFor(data, NOW)), title).toEqual([]);
    }
    const data = decisions([{ path: "/jc/x.html", title: "2025年重大行政决策事项听证公告", date: "2025-05-01" }, ...lastYears]);
    expect(missedDeadline.detect(data, ctxFor(data, NOW))).toHaveLength(1);
  });

  it("follows a configured `yearly` on any column (due date, title, previous year) and stays quiet when the walk was cut short", () => {
    const items = [{ path: "/gh/1.html", title: "2024年工作总结", date: "2025-01-05" }];
    const rule = { due: "02-28", title: "工作总结", year: "previous" as const };
    const ok = crawl({ walks: [{ column: col("ghjh", "规划计划", "plan", { yearly: rule }), items }] });
    expect(missedDeadline.detect(ok, ctxFor(ok, NOW))).toEqual([]);
    const wantsPlan = crawl({ walks: [{ column: col("ghjh", "规划计划", "plan", { yearly: { due: "02-28", title: "工作计划" } }), items }] });
    const [f] = missedDeadline.detect(wantsPlan, ctxFor(wantsPlan, NOW));
    expect(f.evidence).toMatchObject({ expectedYear: 2025, deadline: "2025-02-28", ruleSource: "config" });
    const cut = crawl({ walks: [{ column: col("ghjh", "规划计划", "plan", { yearly: { due: "02-28", title: "工作计划" } }), items, boundHit: true }] });
    expect(missedDeadline.detect(cut, ctxFor(cut, NOW))).toEqual([]);
  });

  it("the config refuses a due date that is no date, naming it", () => {
    const bad = ConfigSchema.safeParse({
      site: { name: "x", baseUrl: "http://127.0.0.1/" },
      columns: [{ ...col("zdjc", "重大行政决策", "decisions"), yearly: { due: "02-30", title: "重大行政决策事项目录" } }],
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("yearly");
  });
});
