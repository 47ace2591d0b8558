// The report as rows: the one definition of the link table and the other-problems table, shared by CSV and XLSX
// (and the mail attachment). Columns as Chinese monitoring platforms name them.
import type { Labels } from "./i18n.js";
import type { DepartmentReport, LinkRow, OtherRow, ReportModel } from "./model.js";
import { dateText, errorText, kindText } from "./text.js";

export type Cell = string | number;

export function linkHeader(t: Labels): string[] {
  const h = t.th;
  return [h.index, h.state, h.foundAt, h.targetUrl, h.linkText, h.pageUrl, h.pageTitle, h.column, h.department, h.error, h.certainty, h.daysOpen, h.fixedAt, h.linkType, h.kind];
}

/** Indexes (0-based) of the URL columns in linkHeader, for hyperlinks and widths. */
export const LINK_URL_COLUMNS = [3, 5];

/** The department's link rows in reading order: new, still open, fixed. */
export function linkRowsOf(d: DepartmentReport): LinkRow[] {
  return [...d.newRows, ...d.stillOpenRows, ...d.fixedRows];
}

export function linkCells(r: LinkRow, index: number, model: ReportModel, t: Labels): Cell[] {
  return [
    index,
    t.rowState[r.state],
    dateText(r.firstSeen, model),
    r.targetUrl,
    r.linkText,
    r.pageUrl,
    r.pageTitle,
    r.columnName,
    r.department,
    errorText(r, t) + (r.reopenedCount > 0 ? `（${t.reopened(r.reopenedCount)}）` : ""),
    t.certainty[r.certainty],
    r.daysOpen,
    dateText(r.fixedAt, model),
    t.linkType[r.linkType],
    kindText(r.kind, t),
  ];
}

export function otherHeader(t: Labels): string[] {
  const h = t.th;
  return [h.index, h.department, h.column, h.kind, h.pageUrlPlain, h.pageTitle, h.message, h.foundAt, h.daysOpen];
}

export function otherCells(r: OtherRow, index: number, model: ReportModel, t: Labels): Cell[] {
  return [index, r.department, r.columnName, kindText(r.kind, t), r.pageUrl, r.pageTitle, r.message, dateText(r.firstSeen, model), r.daysOpen];
}

export function summaryHeader(t: Labels): string[] {
  return [t.department, t.colNew, t.colStillOpen, t.colOpenTotal, t.colFixed, t.colOldest, t.colOther, t.colAcknowledged, t.colFalsePositive];
}

export function summaryCells(d: DepartmentReport): Cell[] {
  const open = d.newRows.length + d.stillOpenRows.length;
  return [d.department, d.newRows.length, d.stillOpenRows.length, open, d.fixedRows.length, open ? d.oldestDays : 0, d.otherRows.length, d.acknowledged, d.falsePositives];
}
