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
    expect(errorsOf(cfg)).toEqual(["columns[2].url: 不是有效的 http(s) 网址 invalid URL"]);
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

  it("says each problem Chinese first, then English, after the field's path", () => {
    const cfg = structuredClone(good) as any;
    cfg.site.baseUrl = "ftp://example.invalid/";
    cfg.crawl = { concurrency: 0, requestTimeoutSecs: "15", maxPagesPerColumn: 1.5 };
    cfg.columns[0].id = "Bad Id";
    cfg.columns[0].type = "blog";
    cfg.columns[0].maintainer = { department: "", email: "not-an-address" };
    cfg.language = "fr";
    const errors = errorsOf(cfg);
    expect(errors).toEqual([
      "site.baseUrl: 不是有效的 http(s) 网址 invalid URL",
      "crawl.concurrency: 应不小于 1 must be >= 1",
      "crawl.requestTimeoutSecs: 类型错误：应为数字 number，实际为字符串 string / expected number, got string",
      "crawl.maxPagesPerColumn: 类型错误：应为整数 int，实际为数字 number / expected int, got number",
      "columns[0].id: 栏目编号只能由小写字母、数字、_ 和 - 组成 must match [a-z0-9_-]+",
      expect.stringMatching(/^columns\[0\]\.type: 应为以下之一 expected one of: "policy" \| "interpretation" \| /),
      "columns[0].maintainer.department: 不能为空 must not be empty",
      "columns[0].maintainer.name: 缺少必填项 required",
      "columns[0].maintainer.email: 不是有效的电子邮件地址 invalid email address",
      'language: 应为以下之一 expected one of: "zh" | "en"',
    ]);
    // Whatever the schema grows, every message starts in Chinese after its path.
    for (const line of errors) expect(line, line).toMatch(/^[^:]+: [\u4e00-\u9fff]/);
  });

  it("a config that is not an object says what it is, Chinese first", () => {
    expect(errorsOf([])).toEqual(["(config): 类型错误：应为对象 {…} object，实际为数组 […] array / expected object, got array"]);
    expect(errorsOf(null)).toEqual(["(config): 类型错误：应为对象 {…} object，实际为空值 null / expected object, got null"]);
  });

  it("refuses duplicate column ids, naming both", () => {
    const cfg = structuredClone(good) as any;
    cfg.columns.push({ ...cfg.columns[0], name: "另一个" });
    expect(errorsOf(cfg)).toEqual(['columns[1].id: 栏目编号重复 duplicate column id "zcwj"（与 also columns[0]）']);
  });

  it("refuses a config with no columns and unknown fields", () => {
    expect(errorsOf({ ...good, columns: [] })).toEqual(["columns: 至少需要一个栏目 at least one column is needed"]);
    expect(errorsOf({ ...good, colums: [] })).toEqual(["(config): 未知字段 unknown field(s): colums"]);
  });

  it("says when the file is not JSON", () => {
    const r = parseConfigText("{ site: ", "site.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^site\.json: 不是有效的 JSON not valid JSON/);
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
