// `report --db postgres://…` without --site: each site's own report in OUT/<site.id>/ and the overview of every
// site (site × department: open, new, fixed, longest open) as HTML and XLSX (a sheet per site); with --site, one
// site's report only. Real PostgreSQL, the real report process.
import { afterAll, beforeAll, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { describePg, createTestDatabase, type TestDatabase } from "../helpers/pg.js";
import { withIds } from "../../crawler/findings.js";
import { openStore } from "../../crawler/store/index.js";
import type { FindingDraft } from "../../shared/schema.js";
import { gongkaiRun } from "./queue-helpers.js";

const A = "http://127.0.0.1:9201/";
const B = "http://127.0.0.2:9202/";

function broken(base: string, department: string, target: string): FindingDraft {
  return {
    kind: "broken-link",
    reason: "http-404",
    severity: "high",
    columnId: "zcwj",
    pageUrl: new URL("/xxgk/zcwj/index.html", base).toString(),
    targetUrl: new URL(target, base).toString(),
    message: "链接失效",
    maintainer: { department, name: "某某" },
    evidence: { status: 404 },
  };
}

describePg("report: the overview of every site in a PostgreSQL store", () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-report-overview-"));
    const store = await openStore(db.url);
    try {
      const crawl = async (id: string, name: string, base: string, drafts: FindingDraft[]) => {
        const run = await store.beginRun({ id, name, baseUrl: base }, new Date().toISOString());
        await store.finishRun(run.id, { complete: true, finishedAt: new Date().toISOString(), stats: {}, findings: withIds(drafts) });
      };
      const a = [broken(A, "法规科", "/a1.html"), broken(A, "法规科", "/a2.html"), broken(A, "办公室", "/a3.html")];
      await crawl("site-a", "甲区市场监督管理局", A, a);
      await crawl("site-a", "甲区市场监督管理局", A, [a[1], a[2]]); // /a1.html fixed
      await crawl("site-b", "乙区教育局", B, [broken(B, "登记注册科", "/b1.html")]);
    } finally {
      await store.close();
    }
  });

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes each site's report and the overview (HTML, XLSX with a sheet per site)", async () => {
    const out = path.join(dir, "all");
    const r = await gongkaiRun(["report", "--db", db.url, "--out", out, "--format", "html,xlsx"], dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("总览已生成 overview written (2 个网站 sites");
    for (const id of ["site-a", "site-b"]) expect(existsSync(path.join(out, id, "report.html"))).toBe(true);
    const siteA = readFileSync(path.join(out, "site-a", "report.html"), "utf8");
    expect(siteA).toContain("/a2.html");
    expect(siteA).not.toContain("/b1.html");

    const html = readFileSync(path.join(out, "overview.html"), "utf8");
    expect(html).toContain("各网站问题总览");
    expect(html).toContain('<a href="site-a/report.html">甲区市场监督管理局</a>');
    expect(html).toContain("乙区教育局");
    // site-a 法规科: open 1 (new), fixed 1
    const row = /<td>法规科<\/td>((?:<td[^>]*>[^<]*<\/td>){5})/.exec(html)![1];
    expect([...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(["1", "1", "1", "0", "0"]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, "overview.xlsx"));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["各网站问题总览", "甲区市场监督管理局", "乙区教育局"]);
    const first = wb.worksheets[0].getSheetValues().slice(2).map((v) => (v as unknown[]).slice(1, 6));
    expect(first).toEqual([
      ["甲区市场监督管理局", "site-a", 2, 2, 1],
      ["乙区教育局", "site-b", 1, 1, 0],
    ]);
    const perSite = wb.worksheets[1].getSheetValues().slice(2).map((v) => (v as unknown[]).slice(1, 5));
    expect(perSite).toEqual(
      expect.arrayContaining([
        ["法规科", 1, 1, 1],
        ["办公室", 1, 1, 0],
      ]),
    );
  });

  it("--site ID: that site's report only", async () => {
    const out = path.join(dir, "b");
    const r = await gongkaiRun(["report", "--db", db.url, "--site", "site-b", "--out", out, "--format", "html"], dir);
    expect(r.code, r.out).toBe(0);
    const html = readFileSync(path.join(out, "report.html"), "utf8");
    expect(html).toContain("乙区教育局");
    expect(html).toContain("/b1.html");
    expect(html).not.toContain("/a2.html");
    expect(existsSync(path.join(out, "overview.html"))).toBe(false);
  });

  it("--mail with each site's config: each site's departments get their part, as a single-site report does", async () => {
    const received: { to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS", "AUTH"],
      authOptional: true,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("latin1") });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const config = (id: string, name: string, base: string, dept: string, to: string, office: string) => {
        const file = path.join(dir, `${id}.json`);
        writeFileSync(
          file,
          JSON.stringify({
            site: { id, name, baseUrl: base },
            columns: [{ id: "zcwj", name: "政策文件", url: `${base}xxgk/zcwj/index.html`, type: "policy", maintainer: { department: dept, name: "某某" } }],
            mail: { host: "127.0.0.1", port, secure: false, from: "gongkai <gongkai@example.invalid>", departments: { [dept]: [to] }, office: [office] },
          }),
        );
        return file;
      };
      const a = config("site-a", "甲区市场监督管理局", A, "法规科", "fagui-a@example.invalid", "office-a@example.invalid");
      const b = config("site-b", "乙区教育局", B, "登记注册科", "reg-b@example.invalid", "office-b@example.invalid");
      // The CLI runs as a child process while this process's SMTP server answers.
      const r = await gongkaiRun(["report", "--db", db.url, "--out", path.join(dir, "mail"), "--format", "html", "--mail", "--config", a, "--config", b], dir);
      expect(r.code, r.out).toBe(0);
      const to = (addr: string) => received.filter((m) => m.to.includes(addr));
      for (const addr of ["fagui-a@example.invalid", "office-a@example.invalid", "reg-b@example.invalid", "office-b@example.invalid"]) expect(to(addr), addr).toHaveLength(1);
      // Nobody else: site A's office is not sent site B's report, nor the other way round.
      expect(received.flatMap((m) => m.to).sort()).toEqual(["fagui-a@example.invalid", "office-a@example.invalid", "office-b@example.invalid", "reg-b@example.invalid"]);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
