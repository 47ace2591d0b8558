// Bad configuration and bad arguments, through the real CLI: every field wrong in turn gives one line naming the
// field and exit code 2, and nothing is written (no database, no output folder, in the working folder or where
// --db/--out point). Plus configs that are valid but odd: no columns, duplicate ids, a column whose url is dead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runCli, tempDir, type CliOptions } from "./helpers/cli.js";
import { article, configFor, listPage, readDb, readFindings } from "./helpers/config.js";
import { html, startFaultSite, type FaultSite } from "./helpers/fault-site.js";

/** A config with every optional part present, so each can be broken in turn. */
function fullConfig(): Record<string, any> {
  return {
    site: { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:9/" },
    crawl: {
      concurrency: 4,
      requestTimeoutSecs: 2,
      maxPagesPerColumn: 100,
      respectRobotsTxt: true,
      checkExternalLinks: true,
      retries: 1,
      maxBodyBytes: 1048576,
      contact: "webmaster@example.invalid",
      recheckAfterHours: 0,
    },
    columns: [
      {
        id: "zcwj",
        name: "政策文件",
        url: "http://127.0.0.1:9/xxgk/zcwj/index.html",
        type: "policy",
        maintainer: { department: "办公室", name: "张三", email: "zhangsan@example.invalid" },
        updateWithinDays: 180,
        javascript: false,
        detectors: { disabled: [], misfiledMinScore: 0.5, interpretationGraceWorkdays: 20 },
      },
      {
        id: "bszn",
        name: "办事指南",
        url: "http://127.0.0.1:9/xxgk/bszn/index.html",
        type: "guide",
        maintainer: { department: "登记注册科", name: "李四" },
        guideMaxAgeDays: 365,
      },
    ],
    laws: [{ title: "中华人民共和国公司登记管理条例", status: "repealed", date: "2022-03-01", replacedBy: "中华人民共和国市场主体登记管理条例" }],
    schedule: { crawl: "0 2 * * *", report: "0 8 * * 1", timezone: "Asia/Shanghai" },
    mail: { host: "127.0.0.1", port: 2525, secure: false, from: "gongkai@example.invalid", passwordEnv: "GONGKAI_SMTP_PASSWORD", office: ["office@example.invalid"], departments: { 办公室: ["a@example.invalid"] } },
    language: "zh",
  };
}

type Path = (string | number)[];
/** Set (or, with `undefined`, delete) the value at `p`. */
function withValue(p: Path, value: unknown): Record<string, any> {
  const cfg = fullConfig();
  let o: any = cfg;
  for (const k of p.slice(0, -1)) o = o[k];
  const last = p.at(-1)!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return cfg;
}

/** `columns[0].maintainer.email` */
const fieldName = (p: Path) => p.reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), "");

// [path, bad value, the field the message must name (default: the path itself)]
const BROKEN: [Path, unknown, string?][] = [
  [["site"], undefined],
  [["site"], "上海市嘉定区市场监督管理局"],
  [["site", "name"], ""],
  [["site", "name"], 42],
  [["site", "baseUrl"], "127.0.0.1:8080"],
  [["site", "baseUrl"], "ftp://files.example.invalid/"],
  [["site", "baseUrl"], undefined],
  [["site", "homepage"], "http://127.0.0.1:9/", "site"],
  [["crawl", "concurrency"], 0],
  [["crawl", "concurrency"], 2.5],
  [["crawl", "concurrency"], "4"],
  [["crawl", "concurrency"], 100000],
  [["crawl", "requestTimeoutSecs"], 0],
  [["crawl", "requestTimeoutSecs"], "15s"],
  [["crawl", "maxPagesPerColumn"], -1],
  [["crawl", "respectRobotsTxt"], "yes"],
  [["crawl", "checkExternalLinks"], 1],
  [["crawl", "retries"], -1],
  [["crawl", "retries"], 1000],
  [["crawl", "maxBodyBytes"], 10],
  [["crawl", "contact"], 12345],
  [["crawl", "recheckAfterHours"], -2],
  [["crawl", "concurrancy"], 4, "crawl"],
  [["columns"], undefined],
  [["columns"], "zcwj"],
  [["columns", 0, "id"], "政策文件"],
  [["columns", 0, "id"], "ZCWJ"],
  [["columns", 0, "id"], undefined],
  [["columns", 0, "name"], ""],
  [["columns", 0, "url"], "xxgk/zcwj/index.html"],
  [["columns", 0, "url"], "javascript:alert(1)"],
  [["columns", 0, "type"], "blog"],
  [["columns", 0, "maintainer"], undefined],
  [["columns", 0, "maintainer"], "张三"],
  [["columns", 0, "maintainer", "department"], ""],
  [["columns", 0, "maintainer", "name"], undefined],
  [["columns", 0, "maintainer", "email"], "zhangsan at example"],
  [["columns", 0, "updateWithinDays"], 0],
  [["columns", 0, "updateWithinDays"], "half a year"],
  [["columns", 1, "guideMaxAgeDays"], -30],
  [["columns", 0, "javascript"], "true"],
  [["columns", 0, "detectors", "disabled"], "misfiled"],
  [["columns", 0, "detectors", "misfiledMinScore"], 2],
  [["columns", 0, "detectors", "interpretationGraceWorkdays"], -1],
  [["columns", 0, "owner"], "张三", "columns[0]"],
  [["laws"], "中华人民共和国公司登记管理条例"],
  [["laws", 0, "title"], ""],
  [["laws", 0, "status"], "abolished"],
  [["laws", 0, "date"], "2022/03/01"],
  [["laws", 0, "replacedBy"], 5],
  [["schedule"], "nightly"],
  [["schedule", "crawl"], 2],
  [["schedule", "crawl"], "every night at two"],
  [["schedule", "report"], "0 8 * * 8"],
  [["schedule", "timezone"], "Mars/Olympus_Mons"],
  [["mail"], "smtp://127.0.0.1"],
  [["mail", "host"], ""],
  [["mail", "port"], 70000],
  [["mail", "secure"], "no"],
  [["mail", "from"], undefined],
  [["mail", "passwordEnv"], 5],
  [["mail", "office"], "office@example.invalid"],
  [["mail", "office", 0], "not an address"],
  [["mail", "departments", "办公室", 0], "not an address"],
  [["language"], "fr"],
  [["colums"], [], "(config)"],
];

/** Everything in a folder, recursively (names only). */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe("every config field wrong in turn", () => {
  const t = tempDir();
  afterAll(t.cleanup);

  it("the full config used here is valid (so each failure below is caused by its one broken field)", async () => {
    // Checked with the real CLI against a closed port: exit 1 (site unreachable), not 2.
    const cfg = t.writeJson("valid.json", fullConfig());
    const r = await runCli(["crawl", "--config", cfg, "--db", t.file("valid.sqlite"), "--out", t.file("valid-out"), "--quiet"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/配置有误|invalid config/);
  });

  BROKEN.forEach(([p, value, named], i) => {
    const field = named ?? fieldName(p);
    const shown = value === undefined ? "missing" : JSON.stringify(value);
    it.concurrent(`${fieldName(p)} = ${shown} → exit 2 naming "${field}", nothing written`, async () => {
      const cwd = path.join(t.dir, `case-${i}`);
      mkdirSync(cwd);
      writeFileSync(path.join(cwd, "config.json"), JSON.stringify(withValue(p, value)));
      // Once with the default database and output (in the working folder), once with both given.
      const [r1, r2] = await Promise.all([
        runCli(["crawl", "--config", "config.json"], { cwd }),
        runCli(["crawl", "--config", "config.json", "--db", "data/x.sqlite", "--out", "report-out"], { cwd }),
      ]);
      for (const r of [r1, r2]) {
        expect(r.code, r.stderr).toBe(2);
        const lines = r.stderr.split("\n");
        expect(
          lines.some((l) => l.startsWith(`${field}: `) || l.startsWith(`${field}[`) || l.startsWith(`${field}.`)),
          `no line names ${field}:\n${r.stderr}`,
        ).toBe(true);
        // Chinese first: every line says what is wrong in Chinese right after the field (or the command) it names.
        for (const l of lines.filter(Boolean)) expect(l, `not Chinese first:\n${r.stderr}`).toMatch(/^[^:]+: [\u4e00-\u9fff]/);
        expect(r.stdout).toBe("");
      }
      expect(listing(cwd)).toEqual(["config.json"]);
    });
  });
});

describe("configs that are valid JSON but cannot be crawled as they stand", () => {
  const t = tempDir();
  afterAll(t.cleanup);

  it("no columns at all → exit 2, naming columns", async () => {
    const cwd = path.join(t.dir, "no-columns");
    mkdirSync(cwd);
    writeFileSync(path.join(cwd, "config.json"), JSON.stringify({ ...fullConfig(), columns: [] }));
    const r = await runCli(["crawl", "--config", "config.json"], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^columns: /m);
    expect(listing(cwd)).toEqual(["config.json"]);
  });

  it("duplicate column ids → exit 2, naming the second one and the first", async () => {
    const cwd = path.join(t.dir, "dup");
    mkdirSync(cwd);
    const cfg = fullConfig();
    cfg.columns[1].id = "zcwj";
    writeFileSync(path.join(cwd, "config.json"), JSON.stringify(cfg));
    const r = await runCli(["crawl", "--config", "config.json"], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^columns\[1\]\.id: .*zcwj.*columns\[0\]/m);
    expect(listing(cwd)).toEqual(["config.json"]);
  });

  it("several problems at once → one line each", async () => {
    const cwd = path.join(t.dir, "many");
    mkdirSync(cwd);
    const cfg = fullConfig();
    cfg.site.baseUrl = "nowhere";
    cfg.crawl.retries = -1;
    cfg.columns[1].type = "blog";
    writeFileSync(path.join(cwd, "config.json"), JSON.stringify(cfg));
    const r = await runCli(["crawl", "--config", "config.json"], { cwd });
    expect(r.code).toBe(2);
    for (const f of ["site.baseUrl: ", "crawl.retries: ", "columns[1].type: "]) expect(r.stderr).toMatch(new RegExp(`^${f.replace(/[[\].]/g, "\\$&")}`, "m"));
  });
});

describe("a column whose url is dead, beside a live one", () => {
  let s: FaultSite;
  const t = tempDir();
  beforeAll(async () => {
    s = await startFaultSite();
    s.route("/xxgk/zcwj/index.html", html(listPage("政策文件", [["/xxgk/zcwj/t1.html", "关于加强食品安全监管的通知"]])));
    s.route("/xxgk/zcwj/t1.html", html(article("关于加强食品安全监管的通知", `<a href="/gone.html">已失效的链接</a>`)));
    s.route("/xxgk/tzgg/index.html", html(listPage("通知公告", [["/xxgk/tzgg/t2.html", "关于开展质量提升行动的公告"]])));
    s.route("/xxgk/tzgg/t2.html", html(article("关于开展质量提升行动的公告", `<a href="/gone-2.html">另一个失效链接</a>`)));
  });
  afterAll(async () => {
    await s.close();
    t.cleanup();
  });

  it("the crawl finishes (exit 0), the dead column is a finding its maintainer sees, and its earlier findings are not marked fixed", async () => {
    const both = configFor(s.baseUrl, [
      { id: "zcwj", url: s.baseUrl + "xxgk/zcwj/index.html" },
      { id: "tzgg", url: s.baseUrl + "xxgk/tzgg/index.html", type: "notice", name: "通知公告" },
    ]);
    const db = t.file("gongkai.sqlite");
    const cfg = t.writeJson("config.json", both);
    const first = await runCli(["crawl", "--config", cfg, "--db", db, "--out", t.file("out"), "--quiet"]);
    expect(first.code, first.stderr).toBe(0);
    const tzggFinding = readDb(db).findings.find((f) => f.target_url === s.baseUrl + "gone-2.html");
    expect(tzggFinding?.state).toBe("open");

    // The 通知公告 column moved away: its list page now answers 404.
    s.route("/xxgk/tzgg/index.html", html("<h1>404</h1>", {}, 404));
    const r = await runCli(["crawl", "--config", cfg, "--db", db, "--out", t.file("out"), "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/栏目“通知公告”\(tzgg\) 首页无法抓取/);
    const out = readFindings(t.file("out/findings.json"));
    // The live column is crawled as usual.
    expect(out.findings.some((f) => f.targetUrl === s.baseUrl + "gone.html")).toBe(true);
    // The dead column is not silent: a finding on its own url, for its maintainer.
    const columnUrl = s.baseUrl + "xxgk/tzgg/index.html";
    const about = out.findings.filter((f) => (f as { columnId?: string }).columnId === "tzgg" && (f.pageUrl === columnUrl || f.targetUrl === columnUrl));
    expect(about.length, JSON.stringify(out.findings.map((f) => [f.kind, f.reason, f.pageUrl]))).toBeGreaterThanOrEqual(1);
    // What it found there before is not called fixed: the column was not looked at.
    expect(readDb(db).findings.find((f) => f.id === tzggFinding!.id)?.state).toBe("open");
  });
});

describe("bad arguments and unreadable config files", () => {
  const t = tempDir();
  afterAll(t.cleanup);
  const cases: [string, string[], RegExp][] = [
    ["unknown command", ["crwal", "--config", "c.json"], /未知命令 unknown command: crwal/],
    ["unknown flag", ["crawl", "--confg", "c.json"], /--confg/],
    ["missing --config", ["crawl"], /--config/],
    ["--config without a value", ["crawl", "--config"], /--config/],
    ["a stray positional argument", ["crawl", "--config", "c.json", "extra"], /extra/],
    ["config file does not exist", ["crawl", "--config", "no-such-config.json"], /no-such-config\.json/],
    ["config path is a folder", ["crawl", "--config", "a-folder"], /a-folder/],
    ["config is not JSON", ["crawl", "--config", "not-json.json"], /not-json\.json.*(JSON|json)/],
    ["config is empty", ["crawl", "--config", "empty.json"], /empty\.json/],
    ["config is a JSON array", ["crawl", "--config", "array.json"], /\(config\)|array/],
    ["config is JSON null", ["crawl", "--config", "null.json"], /\(config\)|null/],
    ["config is GBK bytes, not UTF-8 JSON", ["crawl", "--config", "gbk.json"], /gbk\.json/],
  ];

  beforeAll(() => {
    mkdirSync(t.file("a-folder"));
    writeFileSync(t.file("c.json"), JSON.stringify(fullConfig()));
    writeFileSync(t.file("not-json.json"), "site:\n  name: 嘉定区市场监督管理局\n");
    writeFileSync(t.file("empty.json"), "");
    writeFileSync(t.file("array.json"), "[]");
    writeFileSync(t.file("null.json"), "null");
    writeFileSync(t.file("gbk.json"), Buffer.from([0x7b, 0x22, 0xd5, 0xfe, 0xb8, 0xae, 0x22, 0x3a, 0x31, 0x7d]));
  });

  for (const [what, args, message] of cases) {
    it(`${what} → exit 2 with a message saying what is wrong, nothing written`, async () => {
      const before = listing(t.dir);
      const r = await runCli(args, { cwd: t.dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(listing(t.dir)).toEqual(before);
    });
  }

  it("a config file the user may not read → exit 2 naming the file", async () => {
    const file = t.file("secret.json");
    writeFileSync(file, JSON.stringify(fullConfig()));
    chmodSync(file, 0o000);
    chmodSync(t.dir, 0o755);
    // Root reads anything: the crawl then runs as nobody, for whom the mode holds.
    const opts: CliOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, cwd: t.dir } : { cwd: t.dir };
    const r = await runCli(["crawl", "--config", file, "--db", t.file("x.sqlite"), "--out", t.file("x-out")], opts);
    chmodSync(file, 0o644);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/EACCES|权限|permission/i);
    expect(existsSync(t.file("x.sqlite"))).toBe(false);
    expect(existsSync(t.file("x-out"))).toBe(false);
  });

  it("these messages are Chinese first, as everything a user sees (standard of the project)", async () => {
    const han = /[\u4e00-\u9fff]/;
    for (const args of [["crawl", "--confg", "c.json"], ["crawl"], ["crawl", "--config", "no-such-config.json"]]) {
      const r = await runCli(args, { cwd: t.dir });
      expect(r.code).toBe(2);
      expect(r.stderr, `not in Chinese: ${r.stderr}`).toMatch(han);
    }
  });
});

