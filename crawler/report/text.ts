// Small wording helpers shared by every format: the 错误描述 of a row, a row's state, the period's dates.
import type { Labels } from "./i18n.js";
import { localDate, localDateTime, type LinkRow, type ReportModel } from "./model.js";

/** 错误描述: what is wrong with the link, with the HTTP status when there is one. */
export function errorText(row: Pick<LinkRow, "reason" | "status">, t: Labels): string {
  if (row.status !== undefined && (row.reason === "http-4xx" || row.reason === "http-5xx")) {
    const specific = t.reasons[`http-${row.status}`];
    return specific ?? `${t.reasons[row.reason]}（HTTP ${row.status}）`;
  }
  return t.reasons[row.reason] ?? row.reason;
}

export function kindText(kind: string, t: Labels): string {
  return t.kinds[kind] ?? kind;
}

export function periodText(model: ReportModel, t: Labels): string {
  return `${localDate(model.since, model.timeZone)} ${t.to} ${localDate(model.until, model.timeZone)}`;
}

export function dateText(iso: string | undefined, model: ReportModel): string {
  return iso ? localDateTime(iso, model.timeZone) : "";
}

export function dayText(iso: string | undefined, model: ReportModel): string {
  return iso ? localDate(iso, model.timeZone) : "";
}
