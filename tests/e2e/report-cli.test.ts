// `gongkai report` as a user or a script meets it: exit codes and messages for bad input, a report without a
// config, English labels, a date for --since, the warning after an incomplete crawl.
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../../crawler/store/index.js";
import { buildFixture } from "./report-fixture.js";

const root = path.resolve(".");
let dir: string;
let db: string;
let configFile: string;

function gongkai(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, "bin/gongkai.mjs"), ...args], { encoding: "utf8", cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-report-cli-"));
  db = path.join(dir, "gongkai.sqlite");
  configFile = path.join(dir, "config.json");
  await buildFixture(db, configFile, new Date());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a missing database: exit 1, naming the file, nothing written", () => {
  const missing = path.join(dir, "nope.sqlite");
  const out = path.join(dir, "out-missing");
  const r = gongkai(["report", "--db", missing, "--out", out]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`数据库文件不存在 database not found: ${missing}`);
  expect(existsSync(missing)).toBe(false);
  expect(existsSync(out)).toBe(false);
});

it("bad --since, --format or --lang: exit 2 with a message naming the option", () => {
  const since = gongkai(["report", "--db", db, "--since", "sometime"]);
  expect(since.status).toBe(2);
  expect(since.stderr).toContain('expected e.g. 7d, 24h or 2w, got "sometime"');
  const date = gongkai(["report", "--db", db, "--since", "2026-02-30"]);
  expect(date.status).toBe(2);
  expect(date.stderr).toContain('--since: not a valid date "2026-02-30"');
  const format = gongkai(["report", "--db", db, "--format", "html,pdf"]);
  expect(format.status).toBe(2);
  expect(format.stderr).toContain('--format: unknown format "pdf"; choose from html, md, csv, xlsx');
  const unknown = gongkai(["report", "--db", db, "--colour"]);
  expect(unknown.status).toBe(2);
  expect(gongkai(["report", "--db", db, "--lang", "fr"]).stderr).toContain('--lang: expected zh or en, got "fr"');
});

it("--mail needs a config with a mail section, checked before anything is written", () => {
  const out = path.join(dir, "out-mail");
  const noConfig = gongkai(["report", "--db", db, "--mail", "--out", out]);
  expect(noConfig.status).toBe(2);
  expect(noConfig.stderr).toContain("--mail needs --config FILE");
  const noMail = gongkai(["report", "--db", db, "--mail", "--config", configFile, "--out", out]);
  expect(noMail.status).toBe(2);
  expect(noMail.stderr).toContain("the config has no `mail` section");
  expect(existsSync(out)).toBe(false);
});

it("a bad config: exit 2, one line per problem naming the field", () => {
  const bad = path.join(dir, "bad.json");
  const cfg = JSON.parse(readFileSync(configFile, "utf8"));
  cfg.columns[2].url = "not a url";
  writeFileSync(bad, JSON.stringify(cfg));
  const r = gongkai(["report", "--db", db, "--config", bad]);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("columns[2].url: 不是有效的 http(s) 网址 invalid URL");
});

it("without a config the report still works from what the database knows (no clean departments listed)", () => {
  const out = path.join(dir, "out-noconfig");
  const r = gongkai(["report", "--db", db, "--format", "md", "--out", out]);
  expect(r.status).toBe(0);
  const md = readFileSync(path.join(out, "report.md"), "utf8");
  expect(md).toContain("# 上海市嘉定区市场监督管理局 网站链接检查周报");
  expect(md).toContain("\n## 办公室\n");
  expect(md).not.toContain("财务科");
  expect(existsSync(path.join(out, "report.html"))).toBe(false);
});

it("English labels with language: \"en\" in the config", () => {
  const out = path.join(dir, "out-en");
  const cfg = JSON.parse(readFileSync(configFile, "utf8"));
  const enConfig = path.join(dir, "config-en.json");
  writeFileSync(enConfig, JSON.stringify({ ...cfg, language: "en" }));
  expect(gongkai(["report", "--db", db, "--config", enConfig, "--format", "csv,html", "--out", out]).status).toBe(0);
  const csv = readFileSync(path.join(out, "report.csv"), "utf8");
  expect(csv.split("\r\n")[0]).toBe("\uFEFFNo.,State,Found,Broken link URL,Link text,Page URL,Page title,Column,Department,Error,Certainty,Days open,Fixed,Link type,Problem");
  const html = readFileSync(path.join(out, "report.html"), "utf8");
  expect(html).toContain('<html lang="en">');
  expect(html).toContain("Weekly link-check report");
});

it("--since with a date widens the period; the trend covers it", () => {
  const out = path.join(dir, "out-since");
  const since = new Date(Date.now() - 30 * 86400e3).toISOString().slice(0, 10);
  const r = gongkai(["report", "--db", db, "--config", configFile, "--since", since, "--format", "md", "--out", out]);
  expect(r.status).toBe(0);
  // 30 days back: the links fixed three weeks ago count as fixed in the period too.
  expect(r.stdout).toMatch(/本期已修复 fixed 2/);
  expect(readFileSync(path.join(out, "report.md"), "utf8")).toContain(`统计周期：${since} 至`);
});

it("after an incomplete crawl the report says that nothing was marked fixed by it", async () => {
  const copy = path.join(dir, "incomplete.sqlite");
  await buildFixture(copy, path.join(dir, "config-copy.json"), new Date());
  const store = await openStore(copy);
  const run = await store.beginRun({ name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" }, new Date().toISOString());
  await store.finishRun(run.id, { complete: false, finishedAt: new Date().toISOString(), stats: {}, findings: [] });
  await store.close();
  const out = path.join(dir, "out-incomplete");
  expect(gongkai(["report", "--db", copy, "--config", configFile, "--format", "html", "--out", out]).status).toBe(0);
  const html = readFileSync(path.join(out, "report.html"), "utf8");
  expect(html).toContain("（未完成）");
  expect(html).toContain("最近一次抓取未完成：未完成的抓取不会把问题标记为已修复");
  expect(html).toMatch(/<div class="n">12<\/div><div class="l">未修复合计/);
});
