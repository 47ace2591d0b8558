// The overview as XLSX (exceljs): a first sheet with every site's totals, then one sheet per site with its
// departments (open, new, fixed, longest open, other). Text cells are strings, never formulas.
// exceljs is heavy (~0.2 s to load): loaded when a workbook is written, not when a command merely imports the report.
import type ExcelJS from "exceljs";
import type { Labels } from "./i18n.js";
import type { Overview } from "./overview.js";
import { OVERVIEW_WORDS } from "./overview-html.js";
import { sheetName } from "./xlsx.js";

export async function renderOverviewXlsx(o: Overview, t: Labels, lang: "zh" | "en" = "zh"): Promise<Buffer> {
  const w = OVERVIEW_WORDS[lang];
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  wb.created = new Date(o.generatedAt);
  const taken = new Set<string>();
  const header = (ws: ExcelJS.Worksheet, cells: string[]) => {
    const row = ws.addRow(cells);
    row.font = { bold: true };
    ws.views = [{ state: "frozen", ySplit: 1 }];
  };
  const first = wb.addWorksheet(sheetName(w.title, taken));
  header(first, [w.site, "site.id", t.colOpenTotal, t.colNew, t.colFixed, t.colOldest, t.colOther, w.lastCrawl]);
  for (const s of o.sites)
    first.addRow([s.siteName, s.siteId, s.totals.open, s.totals.newCount, s.totals.fixed, s.totals.open ? s.totals.longestOpenDays : "—", s.totals.other, s.lastRunAt ?? t.noCrawl]);
  first.columns.forEach((c, i) => (c.width = [34, 18, 12, 10, 12, 14, 10, 26][i]));
  for (const s of o.sites) {
    const ws = wb.addWorksheet(sheetName(s.siteName || s.siteId, taken));
    header(ws, [t.department, t.colOpenTotal, t.colNew, t.colFixed, t.colOldest, t.colOther]);
    for (const r of s.rows) ws.addRow([r.department, r.open, r.newCount, r.fixed, r.open ? r.longestOpenDays : "—", r.other]);
    ws.addRow([w.total, s.totals.open, s.totals.newCount, s.totals.fixed, s.totals.open ? s.totals.longestOpenDays : "—", s.totals.other]).font = { bold: true };
    ws.columns.forEach((c, i) => (c.width = [24, 12, 10, 12, 14, 10][i]));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
