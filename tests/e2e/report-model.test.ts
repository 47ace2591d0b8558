// The report's judgments, as pure functions: which table a finding lands in, its days open, its certainty and
// link type, the weekly trend replayed from history, and page titles without the site-name suffix.
import { expect, it } from "vitest";
import { buildReport, certaintyOf, linkTypeOf, shortTitle } from "../../crawler/report/model.js";
import type { FindingEvent, RunInfo, StoredFinding } from "../../crawler/store/types.js";

const DAY = 86400e3;
const now = new Date("2026-03-09T00:00:00.000Z");
const ago = (d: number) => new Date(now.getTime() - d * DAY).toISOString();

function finding(id: string, over: Partial<StoredFinding>): StoredFinding {
  return {
    id, kind: "broken-link", reason: "http-404", severity: "high", columnId: "zcwj", pageUrl: "http://127.0.0.1:8080/xxgk/zcwj/index.html",
    targetUrl: `http://127.0.0.1:8080/${id}.html`, linkText: id, message: "m", maintainer: { department: "办公室", name: "张三" },
    firstSeen: ago(30), lastSeen: ago(1), evidence: { status: 404 }, state: "open", reopenedCount: 0, department: "办公室", ...over,
  };
}
const ev = (findingId: string, at: string, event: FindingEvent["event"]): FindingEvent => ({ findingId, at, event, kind: "broken-link", findingDepartment: "办公室" });
const runs: RunInfo[] = [{ id: 1, startedAt: ago(40), status: "complete", stats: {}, siteName: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" }];

it("sorts findings into new, still open and fixed; false positives are counted, not listed", () => {
  const findings = [
    finding("old", {}),
    finding("fresh", { firstSeen: ago(2) }),
    finding("fixedNow", { state: "fixed", fixedAt: ago(3) }),
    finding("fixedLongAgo", { state: "fixed", fixedAt: ago(20) }),
    finding("fp", { state: "false-positive" }),
    finding("ack", { state: "acknowledged" }),
    // Fixed, then back 4 days ago: new again, days counted from its return.
    finding("back", { reopenedCount: 1 }),
  ];
  const events = [ev("back", ago(30), "new"), ev("back", ago(10), "fixed"), ev("back", ago(4), "reopened")];
  const m = buildReport({ findings, events, runs, now, since: new Date(now.getTime() - 7 * DAY) });
  const d = m.departments[0];
  expect(d.newRows.map((r) => r.id).sort()).toEqual(["back", "fresh"]);
  expect(d.stillOpenRows.map((r) => [r.id, r.state, r.daysOpen])).toEqual([["ack", "acknowledged", 30], ["old", "open", 30]]);
  expect(d.fixedRows.map((r) => [r.id, r.daysOpen])).toEqual([["fixedNow", 27]]);
  expect(d.newRows.find((r) => r.id === "back")!.daysOpen).toBe(4);
  expect([d.falsePositives, d.acknowledged, d.oldestDays]).toEqual([1, 1, 30]);
  expect(m.totals).toMatchObject({ newCount: 2, stillOpen: 2, open: 4, fixed: 1 });
});

it("replays the history for the weekly trend: open and acknowledged count, fixed and false positives do not", () => {
  const findings = [finding("a", {}), finding("b", { state: "fixed" }), finding("c", { state: "false-positive" })];
  const events = [
    ev("a", ago(20), "new"),
    ev("b", ago(20), "new"),
    ev("b", ago(6), "fixed"),
    ev("c", ago(13), "new"),
    ev("c", ago(2), "false-positive"),
  ];
  const m = buildReport({ findings, events, runs, now, since: new Date(now.getTime() - 7 * DAY), trendWeeks: 4 });
  expect(m.weeks).toEqual([ago(21), ago(14), ago(7), ago(0)]);
  expect(m.departments[0].trend).toEqual([0, 2, 3, 1]);
});

it("with a config, every configured department is listed, clean ones too, and names come from the config", () => {
  const config = {
    site: { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" },
    columns: [
      { id: "zcwj", name: "政策文件", url: "http://127.0.0.1:8080/xxgk/zcwj/index.html", type: "policy", maintainer: { department: "办公室", name: "张三" } },
      { id: "czyjs", name: "财政预决算", url: "http://127.0.0.1:8080/xxgk/czyjs/index.html", type: "budget", maintainer: { department: "财务科", name: "周九" } },
    ],
    schedule: { crawl: "0 2 * * *", report: "0 8 * * 1", timezone: "Asia/Shanghai" },
  } as unknown as Parameters<typeof buildReport>[0]["config"];
  const m = buildReport({ findings: [finding("a", { firstSeen: ago(1) })], events: [], runs, now, since: new Date(now.getTime() - 7 * DAY), config });
  expect(m.departments.map((d) => [d.department, d.newRows.length])).toEqual([["办公室", 1], ["财务科", 0]]);
  expect(m.departments[0].newRows[0].columnName).toBe("政策文件");
  expect(m.departments[1].columns).toEqual([expect.objectContaining({ columnName: "财政预决算", maintainerName: "周九" })]);
});

it("certainty follows the monitoring platforms: 404, 403 (and 410) confirmed, the rest suspected", () => {
  expect(certaintyOf("broken-link", "http-404", 404)).toBe("confirmed");
  expect(certaintyOf("broken-link", "http-4xx", 403)).toBe("confirmed");
  expect(certaintyOf("broken-link", "http-4xx", 410)).toBe("confirmed");
  expect(certaintyOf("broken-link", "http-4xx", 400)).toBe("suspected");
  expect(certaintyOf("broken-link", "http-5xx", 500)).toBe("suspected");
  expect(certaintyOf("broken-link", "timeout", undefined)).toBe("suspected");
  expect(certaintyOf("broken-link", "soft-404", 200)).toBe("suspected");
  expect(certaintyOf("wrong-link", "title-mismatch", 200)).toBe("suspected");
});

it("link types as platforms classify them: internal, external, attachment, image, invalid", () => {
  const page = "http://127.0.0.1:8080/xxgk/zcwj/index.html";
  expect(linkTypeOf("http://127.0.0.1:8080/a.html", page, "http-404")).toBe("internal");
  expect(linkTypeOf("http://127.0.0.2:8081/a.html", page, "http-404")).toBe("external");
  expect(linkTypeOf("http://127.0.0.1:8080/files/%E9%99%84%E4%BB%B6.DOCX", page, "http-404")).toBe("attachment");
  expect(linkTypeOf("http://127.0.0.1:8080/img/tujie.JPG", page, "http-404")).toBe("image");
  expect(linkTypeOf("http://exa mple.invalid/", page, "invalid-url")).toBe("invalid");
});

it("drops the site-name suffix from page titles, and only that", () => {
  const site = "上海市嘉定区市场监督管理局";
  expect(shortTitle(`政策文件_${site}`, site)).toBe("政策文件");
  expect(shortTitle(`关于印发通知 - ${site}`, site)).toBe("关于印发通知");
  expect(shortTitle(site, site)).toBe(site);
  expect(shortTitle(`${site}关于某事的通知`, site)).toBe(`${site}关于某事的通知`);
});
