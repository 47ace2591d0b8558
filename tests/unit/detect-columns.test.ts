// stale-column and empty-column on hand-written crawls.
import { describe, expect, it } from "vitest";
import { emptyColumn } from "../../crawler/detect/empty-column.js";
import { staleColumn } from "../../crawler/detect/stale-column.js";
import { abs, col, crawl, ctxFor, link } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z"; // 10:00 in Shanghai

describe("stale-column / not-updated", () => {
  it("reports a news column whose newest item is older than 14 days, naming the item and the dates", () => {
    const data = crawl({
      walks: [
        {
          column: col("gzdt", "工作动态", "news"),
          items: [
            { path: "/xxgk/gzdt/202505/t20250520_1.html", title: "区市场监管局开展食品安全检查", date: "2025-05-20" },
            { path: "/xxgk/gzdt/202505/t20250512_2.html", title: "区市场监管局召开工作会议", date: "2025-05-12" },
          ],
        },
      ],
    });
    const [f, ...rest] = staleColumn.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      kind: "stale-column",
      reason: "not-updated",
      severity: "high",
      columnId: "gzdt",
      pageUrl: abs("/xxgk/gzdt/index.html"),
      maintainer: { department: "办公室", name: "张三" },
      evidence: { newestDate: "2025-05-20", ageDays: 26, updateWithinDays: 14 },
    });
    expect(f.message).toContain("工作动态");
    expect(f.message).toContain("2025-05-20");
    expect(f.message).toContain("26天");
  });

  it("stays quiet on a column updated within its period, and on the boundary day", () => {
    const data = crawl({
      walks: [
        { column: col("gzdt", "工作动态", "news"), items: [{ path: "/a.html", title: "动态", date: "2025-06-01" }] }, // 14 days
        { column: col("tzgg", "通知公告", "notice"), items: [{ path: "/b.html", title: "通知", date: "2024-12-20" }] }, // 177 days
      ],
    });
    expect(staleColumn.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("uses per-type defaults and the column's own updateWithinDays", () => {
    const items = [{ path: "/p.html", title: "某计划", date: "2024-09-01" }]; // 287 days old
    const data = crawl({
      walks: [
        { column: col("ghjh", "规划计划", "plan"), items },
        { column: col("zcwj", "政策文件", "policy"), items: [{ path: "/q.html", title: "某文件", date: "2024-09-01" }] },
        { column: col("rsxx", "人事信息", "personnel", { updateWithinDays: 90 }), items: [{ path: "/r.html", title: "任免", date: "2025-01-01" }] },
      ],
    });
    const found = staleColumn.detect(data, ctxFor(data, NOW)).map((f) => [f.columnId, f.evidence.updateWithinDays]);
    expect(found).toEqual([
      ["zcwj", 180],
      ["rsxx", 90],
    ]);
  });

  it("takes the newest date from the item's page when the list shows none (PubDate, metadata table, URL)", () => {
    const data = crawl({
      walks: [
        {
          column: col("gzdt", "工作动态", "news"),
          items: [
            { path: "/d/1.html", title: "旧闻", record: { metadata: { 发布日期: "2024年1月3日" } } },
            { path: "/d/2.html", title: "新闻", record: { meta: { pubdate: "2025-06-10 09:00" } } },
            { path: "/d/202506/t20250612_3.html", title: "新闻二" },
          ],
        },
      ],
    });
    expect(staleColumn.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("counts items without any publish date as not updated, and says so in the evidence", () => {
    const data = crawl({
      walks: [{ column: col("gzdt", "工作动态", "news"), items: [{ path: "/n/1.html", title: "无日期的动态" }] }],
    });
    const [f] = staleColumn.detect(data, ctxFor(data, NOW));
    expect(f).toMatchObject({ reason: "not-updated", severity: "medium", evidence: { newestDate: null, itemsWithDate: 0 } });
    expect(String(f.evidence.note)).toContain("counts as not updated");
    expect(f.message).toContain("没有标注发布日期");
  });

  it("does not judge a walk cut short before any date was seen, or cut short on a list sorted oldest first", () => {
    const data = crawl({
      walks: [
        { column: col("a", "工作动态", "news"), boundHit: true, items: [{ path: "/x/1.html", title: "无日期" }] },
        {
          column: col("b", "部门动态", "news"),
          boundHit: true,
          items: [
            { path: "/y/1.html", title: "一", date: "2020-01-01" },
            { path: "/y/2.html", title: "二", date: "2020-02-01" },
            { path: "/y/3.html", title: "三", date: "2020-03-01" },
          ],
        },
        {
          column: col("c", "基层动态", "news"),
          boundHit: true,
          items: [
            { path: "/z/3.html", title: "三", date: "2020-03-01" },
            { path: "/z/2.html", title: "二", date: "2020-02-01" },
          ],
        },
      ],
    });
    expect(staleColumn.detect(data, ctxFor(data, NOW)).map((f) => f.columnId)).toEqual(["c"]);
  });

  it("skips columns whose walk failed, empty columns, and types without an update period", () => {
    const data = crawl({
      walks: [
        { column: col("err", "通知公告", "notice"), error: "http 404" },
        { column: col("empty", "政策文件", "policy"), items: [] },
        { column: col("bszn", "办事指南", "guide"), items: [{ path: "/g.html", title: "指南", date: "2010-01-01" }] },
        { column: col("jgzn", "机构职能", "page") },
      ],
    });
    expect(staleColumn.detect(data, ctxFor(data, NOW))).toEqual([]);
  });
});

describe("empty-column", () => {
  it("reports a list column with no items, and a 暂无信息 page", () => {
    const data = crawl({
      walks: [
        { column: col("sjgk", "双随机一公开", "enforcement"), items: [] },
        { column: col("rsxx", "人事信息", "personnel"), items: [], list: { emptyNotice: true, bodyText: "暂无信息" } },
      ],
    });
    const found = emptyColumn.detect(data, ctxFor(data, NOW));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ kind: "empty-column", reason: "empty", severity: "high", columnId: "sjgk", pageUrl: abs("/xxgk/sjgk/index.html"), evidence: { items: 0, emptyNotice: false } });
    expect(found[1]).toMatchObject({ columnId: "rsxx", evidence: { emptyNotice: true } });
    expect(found[1].message).toContain("暂无信息");
    expect(found[1].message).toContain("人事信息");
  });

  it("stays quiet on a failed walk, on a page column, and on a column with items", () => {
    const data = crawl({
      walks: [
        { column: col("gone", "通知公告", "notice"), error: "http 404" },
        { column: col("jgzn", "机构职能", "page") },
        { column: col("tzgg", "公告通知", "notice"), items: [{ path: "/t.html", title: "通知", date: "2025-06-01" }], list: { emptyNotice: true } },
      ],
    });
    expect(emptyColumn.detect(data, ctxFor(data, NOW))).toEqual([]);
  });

  it("stays quiet when the list page holds item-like links it could not read as items (a script-built list)", () => {
    const links = [1, 2, 3, 4].map((n) => link(`/xxgk/zcwj/202506/t2025060${n}_${n}.html`, `文件${n}`));
    const data = crawl({ walks: [{ column: col("zcwj", "政策文件", "policy"), items: [], list: { links } }] });
    expect(emptyColumn.detect(data, ctxFor(data, NOW))).toEqual([]);
  });
});
