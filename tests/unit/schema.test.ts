import { describe, expect, it } from "vitest";
import { ConfigSchema, FindingsFileSchema, parseConfigText } from "../../shared/schema.js";

const good = {
  site: { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" },
  columns: [
    {
      id: "zcwj",
      name: "政策文件",
      url: "http://127.0.0.1:8080/xxgk/zcwj/index.html",
      type: "policy",
      maintainer: { department: "办公室", name: "张三", email: "zhangsan@example.invalid" },
    },
  ],
};

function errorsOf(cfg: unknown): string[] {
  const r = parseConfigText(JSON.stringify(cfg));
  return r.ok ? [] : r.errors;
}

describe("config schema", () => {
  it("accepts the contract's example and fills the documented defaults", () => {
    const r = parseConfigText(JSON.stringify(good));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.crawl).toMatchObject({
      concurrency: 4,
      requestTimeoutSecs: 15,
      maxPagesPerColumn: 2000,
      respectRobotsTxt: true,
      checkExternalLinks: true,
    });
    expect(r.value.schedule).toEqual({ crawl: "0 2 * * *", report: "0 8 * * 1", timezone: "Asia/Shanghai" });
    expect(r.value.laws).toEqual([]);
  });

  it("names the field of a bad column url, one line per problem", () => {
    const cfg = structuredClone(good) as any;
    cfg.columns.push({ ...cfg.columns[0], id: "tzgg" }, { ...cfg.columns[0], id: "gzdt", url: "not a url" });
    expect(errorsOf(cfg)).toEqual(["columns[2].url: Invalid URL"]);
  });

  it("reports every problem at once, each naming its field", () => {
    const cfg = structuredClone(good) as any;
    cfg.site.baseUrl = "ftp://example.invalid/";
    cfg.crawl = { concurrency: 0, requestTimeoutSecs: "15" };
    cfg.columns[0].id = "Bad Id";
    cfg.columns[0].type = "blog";
    cfg.columns[0].maintainer = { department: "办公室" };
    const errors = errorsOf(cfg);
    const fields = errors.map((e) => e.split(":")[0]);
    expect(fields).toEqual(
      expect.arrayContaining([
        "site.baseUrl",
        "crawl.concurrency",
        "crawl.requestTimeoutSecs",
        "columns[0].id",
        "columns[0].type",
        "columns[0].maintainer.name",
      ]),
    );
    expect(errors).toHaveLength(6);
  });

  it("refuses duplicate column ids, naming both", () => {
    const cfg = structuredClone(good) as any;
    cfg.columns.push({ ...cfg.columns[0], name: "另一个" });
    expect(errorsOf(cfg)).toEqual(['columns[1].id: duplicate column id "zcwj" (also columns[0])']);
  });

  it("refuses a config with no columns and unknown fields", () => {
    expect(errorsOf({ ...good, columns: [] })).toEqual(["columns: at least one column is needed"]);
    expect(errorsOf({ ...good, colums: [] })).toEqual(["(config): unknown field(s): colums"]);
  });

  it("says when the file is not JSON", () => {
    const r = parseConfigText("{ site: ", "site.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^site\.json: not valid JSON/);
  });

  it("validates laws with ISO dates and known statuses", () => {
    const errors = errorsOf({ ...good, laws: [{ title: "某条例", status: "gone", date: "2022/03/01" }] });
    expect(errors.map((e) => e.split(":")[0]).sort()).toEqual(["laws[0].date", "laws[0].status"]);
  });

  it("accepts a UTF-8 BOM at the start of the file", () => {
    expect(parseConfigText("\uFEFF" + JSON.stringify(good)).ok).toBe(true);
  });

  it("exposes the parsed types to TypeScript callers", () => {
    const cfg = ConfigSchema.parse(good);
    expect(cfg.columns[0].maintainer.name).toBe("张三");
  });
});

describe("findings.json schema", () => {
  it("accepts the contract's shape and rejects a finding without kind", () => {
    const file = {
      generatedAt: "2026-11-26T02:00:00.000Z",
      site: { name: "x", baseUrl: "http://127.0.0.1/" },
      run: { startedAt: "a", finishedAt: "b", pagesCrawled: 1, linksChecked: 2, requests: 3 },
      findings: [
        {
          id: "abc",
          kind: "broken-link",
          reason: "http-404",
          severity: "high",
          columnId: "zcwj",
          pageUrl: "http://127.0.0.1/a.html",
          targetUrl: "http://127.0.0.1/b.html",
          linkText: "附件",
          message: "链接失效",
          maintainer: { department: "办公室", name: "张三" },
          firstSeen: "t",
          lastSeen: "t",
          evidence: { status: 404 },
        },
      ],
    };
    expect(FindingsFileSchema.safeParse(file).success).toBe(true);
    const bad = structuredClone(file) as any;
    delete bad.findings[0].kind;
    expect(FindingsFileSchema.safeParse(bad).success).toBe(false);
  });
});

describe("schedule validation", () => {
  it("names the field of a bad cron expression or time zone", () => {
    const errors = errorsOf({ ...good, schedule: { crawl: "every night at two", report: "0 8 * * 8", timezone: "Mars/Olympus_Mons" } });
    expect(errors.map((e) => e.split(":")[0])).toEqual(["schedule.crawl", "schedule.report", "schedule.timezone"]);
  });
});
