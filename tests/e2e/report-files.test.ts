// The weekly report from a realistic history: generated through the real CLI, every format opened the way its
// reader opens it: XLSX read back with exceljs, CSV checked for the BOM Excel needs, the HTML loaded in Chromium
// (no network, crawled markup shown as text) and a screenshot saved to test-output/report.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { chromium, type Browser } from "playwright";
import { buildFixture, IMG_PAGE_TITLE, SCRIPT_LINK_TEXT } from "./report-fixture.js";

const root = path.resolve(".");
let dir: string;
let db: string;
let configFile: string;
let out: string;
let run: { status: number | null; stdout: string; stderr: string };

export function gongkai(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [path.join(root, "bin/gongkai.mjs"), ...args], { encoding: "utf8", env, cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-report-"));
  db = path.join(dir, "gongkai.sqlite");
  configFile = path.join(dir, "config.json");
  out = path.join(dir, "out");
  await buildFixture(db, configFile, new Date());
  run = gongkai(["report", "--db", db, "--config", configFile, "--since", "7d", "--format", "html,md,csv,xlsx", "--out", out]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("exits 0 and says where every file is", () => {
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  for (const f of ["report.html", "report.md", "report.csv", "report-other.csv", "report.xlsx"]) expect(run.stdout).toContain(path.join(out, f));
  expect(run.stdout).toMatch(/新发现 new 4 · 未修复 open 12 · 本期已修复 fixed 1/);
});

describe("XLSX", () => {
  let wb: ExcelJS.Workbook;
  const rowsOf = (name: string) => {
    const ws = wb.getWorksheet(name)!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v && typeof v === "object" && "text" in v ? (v as { text: string }).text : v))));
    return rows;
  };
  beforeAll(async () => {
    wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, "report.xlsx"));
  });

  it("has a summary sheet and one sheet per department, worst first, clean departments included", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "办公室", "法规科", "注册许可科", "人事科", "信用监管科", "财务科"]);
    const summary = rowsOf("汇总");
    expect(summary[1]).toEqual(["科室", "新发现", "仍未修复", "未修复合计", "本期已修复", "最长持续天数", "其他问题", "已确认处理中", "已标记误报"]);
    expect(summary[2]).toEqual(["办公室", 3, 5, 8, 1, 62, 2, 0, 0]);
    expect(summary[3]).toEqual(["法规科", 0, 2, 2, 0, 48, 0, 1, 1]);
    expect(summary.find((r) => r[0] === "财务科")).toEqual(["财务科", 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("lists a department's links with the platform columns: new, still open, then fixed", () => {
    const rows = rowsOf("办公室");
    expect(rows[1]).toEqual(["序号", "状态", "发现时间", "不可用链接URL", "链接标题", "父页面URL", "父页面标题", "所属栏目", "责任科室", "错误描述", "判定", "持续天数", "修复时间", "链接类型", "问题类型"]);
    const links = rows.slice(2, 11);
    expect(links.map((r) => r[1])).toEqual(["新发现", "新发现", "新发现", "仍未修复", "仍未修复", "仍未修复", "仍未修复", "仍未修复", "本期已修复"]);
    // Crawled markup arrives as the plain text it was.
    const script = links.find((r) => r[4] === SCRIPT_LINK_TEXT)!;
    expect(script).toBeDefined();
    expect(script.slice(7, 11)).toEqual(["政府信息公开年报", "办公室", "链接标题与目标页面不符", "疑似"]);
    const pdf = links.find((r) => String(r[3]).endsWith("附件1.pdf"))!;
    expect(pdf.slice(9, 12)).toEqual(["页面不存在（404）", "确定", 62]);
    expect(pdf[13]).toBe("附件");
    expect(links.find((r) => r[9] === "禁止访问（403）")![10]).toBe("确定");
    expect(links.find((r) => String(r[9]).includes("修复后再次出现"))![11]).toBe(20);
    // Below the links: the other problems of this department.
    expect(rows.some((r) => r[0] === "其他问题")).toBe(true);
    expect(rows.some((r) => r[3] === "政策文件缺少解读" && r[2] === "政策文件")).toBe(true);
  });

  it("keeps false positives out and shows acknowledged ones as such", () => {
    const rows = rowsOf("法规科").slice(2);
    expect(rows.map((r) => r[3])).not.toContain("http://127.0.0.2:8081/refused.html");
    const acknowledged = rows.find((r) => r[3] === "http://127.0.0.1:8080/xxgk/xzzf/files/cf123.pdf");
    expect(acknowledged, "the acknowledged link is listed").toBeDefined();
    expect(acknowledged![1], "its state says it is being handled").toBe("已确认处理中");
    expect(rows.find((r) => r[6] === IMG_PAGE_TITLE)![9]).toBe("域名无法解析");
  });
});

describe("CSV", () => {
  it("is UTF-8 with a BOM, one row per link problem with the same columns", () => {
    const buf = readFileSync(path.join(out, "report.csv"));
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.toString("utf8").slice(1).trimEnd().split("\r\n");
    expect(lines[0]).toBe("序号,状态,发现时间,不可用链接URL,链接标题,父页面URL,父页面标题,所属栏目,责任科室,错误描述,判定,持续天数,修复时间,链接类型,问题类型");
    expect(lines.length).toBe(1 + 13);
    expect(lines.some((l) => l.includes('"<script>alert(""xss"")</script>2025年度政府信息公开工作年度报告"'))).toBe(true);
    const other = readFileSync(path.join(out, "report-other.csv"));
    expect([...other.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(other.toString("utf8")).toContain("栏目“双随机一公开”没有任何内容（空白栏目）");
  });
});

describe("Markdown", () => {
  it("has the summary and a section per department, crawled markup escaped", () => {
    const md = readFileSync(path.join(out, "report.md"), "utf8");
    expect(md).toContain("# 上海市嘉定区市场监督管理局 网站链接检查周报");
    for (const d of ["办公室", "法规科", "注册许可科", "人事科", "信用监管科", "财务科"]) expect(md).toContain(`\n## ${d}\n`);
    expect(md).toContain('\\<script\\>alert("xss")\\</script\\>');
    expect(md).not.toContain("<script>");
  });
});

describe("HTML in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--headless=new", "--disable-dev-shm-usage"] });
  });
  afterAll(async () => browser?.close());

  it("is self-contained, shows crawled markup as text, and reads top-down: figures, departments, chart", async () => {
    const html = readFileSync(path.join(out, "report.html"), "utf8");
    expect(html).not.toMatch(/<script|<link\b|@import|url\(|src="http/i);
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto("file://" + path.join(out, "report.html"));
    expect(requests).toEqual(["file://" + path.join(out, "report.html")]);
    expect(dialogs).toEqual([]);
    expect(await page.locator("script, img").count()).toBe(0);
    expect(await page.getByText(SCRIPT_LINK_TEXT, { exact: true }).count()).toBe(1);
    expect(await page.getByText(IMG_PAGE_TITLE, { exact: true }).count()).toBe(1);

    expect(await page.locator("h1").innerText()).toBe("网站链接检查周报");
    expect(await page.locator(".card .n").allInnerTexts()).toEqual(["4", "12", "1", "6", "62 天"]);
    expect(await page.locator("section.dept h2").allInnerTexts()).toEqual(["办公室", "法规科", "注册许可科", "人事科", "信用监管科", "财务科"]);
    // The trend chart: one line per department that had open links, drawn inline.
    expect(await page.locator("svg polyline").count()).toBe(4);
    const box = await page.locator("svg").boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    // Days open stand out when long.
    expect(await page.locator("#dept-1 .days.m").count()).toBeGreaterThan(0);

    mkdirSync(path.join(root, "test-output"), { recursive: true });
    await page.screenshot({ path: path.join(root, "test-output/report.png"), fullPage: true });
    await page.screenshot({ path: path.join(root, "test-output/report-top.png") });
    await page.close();
  });
});
