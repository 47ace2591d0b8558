// Report generation: read the store, build the model, write the chosen formats. Files are written whole or not at
// all (written beside, then renamed), so a reader never sees a half-written report.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../../shared/schema.js";
import type { Store } from "../store/types.js";
import { openStore, StoreError } from "../store/index.js";
import { renderLinkCsv, renderOtherCsv } from "./csv.js";
import { renderHtml } from "./html.js";
import { labelsFor, type Labels, type Language } from "./i18n.js";
import { renderMarkdown } from "./markdown.js";
import { buildReport, type ReportModel } from "./model.js";
import { renderXlsx } from "./xlsx.js";

export { buildReport, forDepartment, LINK_KINDS, type ReportModel, type DepartmentReport, type LinkRow, type OtherRow } from "./model.js";
export { labelsFor, type Labels, type Language } from "./i18n.js";
export { renderHtml, escapeHtml } from "./html.js";
export { renderMarkdown } from "./markdown.js";
export { renderLinkCsv, renderOtherCsv } from "./csv.js";
export { renderXlsx } from "./xlsx.js";

export const REPORT_FORMATS = ["html", "md", "csv", "xlsx"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Read what the report needs from the store. The history goes back far enough for the trend chart. */
export async function loadReportModel(store: Store, opts: { since: Date; now: Date; config?: Config; trendWeeks?: number }): Promise<ReportModel> {
  return buildReport({
    findings: await store.findings(),
    events: await store.events(),
    runs: await store.runs(200),
    now: opts.now,
    since: opts.since,
    config: opts.config,
    trendWeeks: opts.trendWeeks,
  });
}

/** Open the database just long enough to read the report. A read-only database (a copy, another user's file) can still be reported on. */
export async function loadReportModelFromFile(dbFile: string, opts: { since: Date; now: Date; config?: Config; trendWeeks?: number; siteId?: string }): Promise<ReportModel> {
  let store: Store;
  try {
    store = await openStore(dbFile, { siteId: opts.siteId });
  } catch (e) {
    if (e instanceof StoreError && e.code === "readonly") store = await openStore(dbFile, { readonly: true, siteId: opts.siteId });
    else throw e;
  }
  try {
    return await loadReportModel(store, opts);
  } finally {
    await store.close();
  }
}

function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Write the report in the given formats to `outDir`; returns the files written. */
export async function writeReport(model: ReportModel, opts: { outDir: string; formats: readonly ReportFormat[]; language?: Language }): Promise<string[]> {
  const t: Labels = labelsFor(opts.language);
  mkdirSync(opts.outDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, data: string | Buffer) => {
    const file = path.join(opts.outDir, name);
    writeAtomic(file, data);
    files.push(file);
  };
  for (const format of opts.formats) {
    if (format === "html") put("report.html", renderHtml(model, t, { lang: opts.language === "en" ? "en" : "zh-CN" }));
    else if (format === "md") put("report.md", renderMarkdown(model, t));
    else if (format === "csv") {
      put("report.csv", renderLinkCsv(model, t));
      put("report-other.csv", renderOtherCsv(model, t));
    } else if (format === "xlsx") put("report.xlsx", await renderXlsx(model, t));
  }
  return files;
}
