// XLSX (exceljs): a summary sheet, then one sheet per department with its link problems (new, still open, fixed)
// and, below them, its other problems. Text cells are always strings, never formulas.
// exceljs is heavy (~0.2 s to load): loaded when a workbook is written, not when a command merely imports the report.
import type ExcelJS from "exceljs";
import type { Labels } from "./i18n.js";
import type { ReportModel } from "./model.js";
import {
  LINK_URL_COLUMNS,
  linkCells,
  linkHeader,
  linkRowsOf,
  otherCells,
  otherHeader,
  summaryCells,
  summaryHeader,
  type Cell,
} from "./tabular.js";
import { periodText } from "./text.js";

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8ECF1" } };
const BORDER: Partial<ExcelJS.Borders> = {
  top: { style: "thin", color: { argb: "FFCBD2D9" } },
  bottom: { style: "thin", color: { argb: "FFCBD2D9" } },
  left: { style: "thin", color: { argb: "FFCBD2D9" } },
  right: { style: "thin", color: { argb: "FFCBD2D9" } },
};
const LINK_WIDTHS = [6, 12, 17, 42, 30, 42, 28, 12, 10, 22, 7, 9, 17, 9, 9];
const OTHER_WIDTHS = [6, 10, 12, 16, 42, 28, 60, 17, 9];

/** Excel forbids []:*?/\ in sheet names and caps them at 31 characters; names must be unique. */
export function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, "_").replace(/^'+|'+$/g, "").slice(0, 31) || "Sheet";
  let candidate = base;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${base.slice(0, 31 - String(i).length - 1)}_${i}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

function addHeader(ws: ExcelJS.Worksheet, header: string[]): ExcelJS.Row {
  const row = ws.addRow(header);
  row.font = { bold: true };
  row.eachCell((c) => {
    c.fill = HEADER_FILL;
    c.border = BORDER;
    c.alignment = { vertical: "middle", wrapText: true };
  });
  return row;
}

function addBody(ws: ExcelJS.Worksheet, cells: Cell[], urlColumns: number[] = []): void {
  const row = ws.addRow(cells);
  row.eachCell({ includeEmpty: true }, (c, col) => {
    c.border = BORDER;
    c.alignment = { vertical: "top", wrapText: true };
    const v = cells[col - 1];
    // Only http(s) addresses become clickable; the text stays the URL itself.
    if (urlColumns.includes(col - 1) && typeof v === "string" && /^https?:\/\//i.test(v)) {
      c.value = { text: v, hyperlink: v };
      c.font = { color: { argb: "FF1D4ED8" }, underline: true };
    }
  });
}

function title(ws: ExcelJS.Worksheet, text: string, span: number): void {
  const row = ws.addRow([text]);
  row.font = { bold: true, size: 14 };
  row.height = 22;
  ws.mergeCells(row.number, 1, row.number, span);
}

export async function renderXlsx(model: ReportModel, t: Labels): Promise<Buffer> {
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  wb.creator = "gongkai";
  wb.created = new Date(model.generatedAt);
  const taken = new Set<string>();
  const period = periodText(model, t);

  const summary = wb.addWorksheet(sheetName(t.summarySheet, taken), { views: [{ state: "frozen", ySplit: 2 }] });
  title(summary, `${model.siteName} ${t.reportTitle}（${period}）`, summaryHeader(t).length);
  addHeader(summary, summaryHeader(t));
  for (const d of model.departments) addBody(summary, summaryCells(d));
  const tot = model.totals;
  const totalRow = summary.addRow([t.total, tot.newCount, tot.stillOpen, tot.open, tot.fixed, tot.oldestDays, tot.other, tot.acknowledged, tot.falsePositives]);
  totalRow.font = { bold: true };
  summary.columns.forEach((c, i) => (c.width = i === 0 ? 18 : 12));
  summary.addRow([]);
  summary.addRow([t.certaintyNote]);

  for (const d of model.departments) {
    const ws = wb.addWorksheet(sheetName(d.department, taken), { views: [{ state: "frozen", ySplit: 2 }] });
    const header = linkHeader(t);
    title(ws, `${d.department} · ${t.reportTitleShort}（${period}）`, header.length);
    addHeader(ws, header);
    const rows = linkRowsOf(d);
    rows.forEach((r, i) => addBody(ws, linkCells(r, i + 1, model, t), LINK_URL_COLUMNS));
    if (rows.length) ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + rows.length, column: header.length } };
    else ws.addRow([t.deptClean]);
    if (d.otherRows.length) {
      ws.addRow([]);
      const h = ws.addRow([t.otherSheetHeading]);
      h.font = { bold: true, size: 12 };
      addHeader(ws, otherHeader(t));
      d.otherRows.forEach((r, i) => addBody(ws, otherCells(r, i + 1, model, t), [4]));
    }
    ws.columns.forEach((c, i) => (c.width = Math.max(LINK_WIDTHS[i] ?? 10, d.otherRows.length ? (OTHER_WIDTHS[i] ?? 0) * 0.7 : 0)));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
