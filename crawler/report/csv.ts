// CSV: UTF-8 with a BOM so Excel opens the Chinese correctly. One file for every department (filter on 责任科室),
// and a second file for the other kinds of problems, whose columns differ.
import type { Labels } from "./i18n.js";
import type { ReportModel } from "./model.js";
import { linkCells, linkHeader, linkRowsOf, otherCells, otherHeader, type Cell } from "./tabular.js";

function csvField(v: Cell): string {
  let s = String(v);
  // Crawled text starting with = + - @ would run as a formula when Excel opens the file.
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(rows: Cell[][]): string {
  return "\uFEFF" + rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function renderLinkCsv(model: ReportModel, t: Labels): string {
  const rows: Cell[][] = [linkHeader(t)];
  let i = 0;
  for (const d of model.departments) for (const r of linkRowsOf(d)) rows.push(linkCells(r, ++i, model, t));
  return csv(rows);
}

export function renderOtherCsv(model: ReportModel, t: Labels): string {
  const rows: Cell[][] = [otherHeader(t)];
  let i = 0;
  for (const d of model.departments) for (const r of d.otherRows) rows.push(otherCells(r, ++i, model, t));
  return csv(rows);
}
