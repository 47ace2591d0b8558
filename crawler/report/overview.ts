// The overview of every site in a store (`report --db postgres://…` without --site): one row per site and
// department with its open, new and fixed link problems and the longest-open one, built from each site's own
// report model (model.ts), so the numbers are those of the sites' reports. Pure.
import type { ReportModel } from "./model.js";

export interface OverviewRow {
  siteId: string;
  siteName: string;
  department: string;
  /** Link problems not fixed (new this period + still open). */
  open: number;
  newCount: number;
  fixed: number;
  /** Days the oldest open one has been open (0 when none is open). */
  longestOpenDays: number;
  other: number;
}

export interface OverviewSite {
  siteId: string;
  siteName: string;
  baseUrl: string;
  /** Status of the site's latest crawl, or undefined when never crawled. */
  lastRunStatus?: string;
  lastRunAt?: string;
  totals: { open: number; newCount: number; fixed: number; longestOpenDays: number; other: number };
  rows: OverviewRow[];
}

export interface Overview {
  generatedAt: string;
  since: string;
  until: string;
  timeZone: string;
  sites: OverviewSite[];
  totals: { open: number; newCount: number; fixed: number; longestOpenDays: number; other: number; sites: number };
}

export function buildOverview(reports: { siteId: string; model: ReportModel }[]): Overview {
  const sites: OverviewSite[] = reports.map(({ siteId, model }) => {
    const rows: OverviewRow[] = model.departments.map((d) => {
      const open = d.newRows.length + d.stillOpenRows.length;
      return {
        siteId,
        siteName: model.siteName,
        department: d.department,
        open,
        newCount: d.newRows.length,
        fixed: d.fixedRows.length,
        longestOpenDays: open ? d.oldestDays : 0,
        other: d.otherRows.length,
      };
    });
    const sum = (k: "open" | "newCount" | "fixed" | "other") => rows.reduce((n, r) => n + r[k], 0);
    return {
      siteId,
      siteName: model.siteName,
      baseUrl: model.baseUrl,
      lastRunStatus: model.lastRun?.status,
      lastRunAt: model.lastRun?.startedAt,
      totals: { open: sum("open"), newCount: sum("newCount"), fixed: sum("fixed"), other: sum("other"), longestOpenDays: Math.max(0, ...rows.map((r) => r.longestOpenDays)) },
      rows,
    };
  });
  // Worst first: the most open problems, then the longest open; ties by id so the order is stable.
  sites.sort((a, b) => b.totals.open - a.totals.open || b.totals.longestOpenDays - a.totals.longestOpenDays || a.siteId.localeCompare(b.siteId));
  const first = reports[0]?.model;
  const sum = (k: "open" | "newCount" | "fixed" | "other") => sites.reduce((n, s) => n + s.totals[k], 0);
  return {
    generatedAt: first?.generatedAt ?? new Date().toISOString(),
    since: first?.since ?? "",
    until: first?.until ?? "",
    timeZone: first?.timeZone ?? "Asia/Shanghai",
    sites,
    totals: { open: sum("open"), newCount: sum("newCount"), fixed: sum("fixed"), other: sum("other"), longestOpenDays: Math.max(0, ...sites.map((s) => s.totals.longestOpenDays)), sites: sites.length },
  };
}
