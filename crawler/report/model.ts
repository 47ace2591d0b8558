// The report's content, decided once and rendered many ways (HTML, Markdown, CSV, XLSX, mail). Pure: stored
// findings, their history and the runs in; the period's rows per department out. No I/O here.
import type { Config } from "../../shared/schema.js";
import type { FindingEvent, RunInfo, StoredFinding } from "../store/types.js";

/** The kinds that make up the link tables (断链, 错链); every other kind is counted and listed briefly. */
export const LINK_KINDS = ["broken-link", "wrong-link"];
const DAY = 86400e3;

export type RowState = "new" | "open" | "acknowledged" | "fixed";
export type LinkType = "internal" | "external" | "attachment" | "image" | "invalid";

/** What every report row says: which finding, where, whose, since when. */
export interface RowBase {
  id: string;
  kind: string;
  reason: string;
  state: RowState;
  firstSeen: string;
  daysOpen: number;
  pageUrl: string;
  pageTitle: string;
  columnId: string;
  columnName: string;
  department: string;
  maintainerName: string;
  message: string;
}

/** A broken or wrong link: the row of the platforms' dead-link tables. */
export interface LinkRow extends RowBase {
  /** HTTP status when the evidence has one. */
  status?: number;
  /** 确定 (404, 403, 410) or 疑似 (anything else, worth a human look). */
  certainty: "confirmed" | "suspected";
  /** Times it came back after being fixed (days open then count from its return). */
  reopenedCount: number;
  fixedAt?: string;
  targetUrl: string;
  linkText: string;
  linkType: LinkType;
}

/**
 * Kinds for the office running gongkai, not for a column's maintainer: `coverage` says what the crawl could not reach
 * (an office checks the site's pagination or gongkai's settings). They get their own section ("检查覆盖情况"), never
 * a department's list.
 */
export const OFFICE_KINDS = ["coverage"];

/** Any other kind of finding (misfiled, stale guide, stale or empty column, missing interpretation). */
export type OtherRow = RowBase;

export interface ColumnCounts {
  columnId: string;
  columnName: string;
  maintainerName: string;
  newCount: number;
  stillOpen: number;
  fixed: number;
  other: number;
}

export interface DepartmentReport {
  department: string;
  /** Maintainers of the department's columns: name, e-mail, columns. */
  maintainers: { name: string; email?: string; columns: string[] }[];
  /** Link problems first seen in the period and not fixed. */
  newRows: LinkRow[];
  /** Link problems first seen before the period, still not fixed (open or acknowledged). */
  stillOpenRows: LinkRow[];
  /** Link problems fixed in the period (whenever first seen). */
  fixedRows: LinkRow[];
  /** Open problems of the other kinds. */
  otherRows: OtherRow[];
  otherCounts: Record<string, number>;
  columns: ColumnCounts[];
  acknowledged: number;
  falsePositives: number;
  oldestDays: number;
  /** Open link problems at the end of each week of `ReportModel.weeks`. */
  trend: number[];
}

export interface ReportModel {
  siteName: string;
  baseUrl: string;
  /** Dates are shown in this time zone (the schedule's; Asia/Shanghai by default). */
  timeZone: string;
  generatedAt: string;
  since: string;
  until: string;
  lastRun?: RunInfo;
  runsInPeriod: number;
  /** Ends of the weeks charted, oldest first (ISO). */
  weeks: string[];
  departments: DepartmentReport[];
  /** Open findings for the office (OFFICE_KINDS): what the crawl could not reach. */
  coverage: OtherRow[];
  totals: { newCount: number; stillOpen: number; open: number; fixed: number; other: number; acknowledged: number; falsePositives: number; oldestDays: number; oldestDept?: string };
}

export interface ReportInput {
  findings: StoredFinding[];
  events: FindingEvent[];
  runs: RunInfo[];
  now: Date;
  since: Date;
  /** With a config: every department and column is listed (clean ones too), with the configured names. */
  config?: Config;
  /** Number of weeks in the trend chart (at least the period). Default 8. */
  trendWeeks?: number;
}

const IMAGE_EXT = /\.(jpe?g|png|gif|bmp|webp|svg|ico|tiff?)$/i;
const ATTACHMENT_EXT = /\.(pdf|docx?|xlsx?|pptx?|wps|et|dps|ofd|zip|rar|7z|txt|csv|ceb|tif)$/i;

export function linkTypeOf(targetUrl: string, pageUrl: string, reason: string): LinkType {
  if (reason === "invalid-url") return "invalid";
  let target: URL;
  try {
    target = new URL(targetUrl);
  } catch {
    return "invalid";
  }
  if (IMAGE_EXT.test(target.pathname)) return "image";
  if (ATTACHMENT_EXT.test(target.pathname)) return "attachment";
  try {
    return new URL(pageUrl).host === target.host ? "internal" : "external";
  } catch {
    return "external";
  }
}

function statusOf(evidence: Record<string, unknown>): number | undefined {
  for (const key of ["status", "finalStatus", "httpStatus"]) {
    const v = evidence[key];
    if (typeof v === "number" && v >= 100 && v < 600) return v;
  }
  return undefined;
}

/** Field notes: monitoring platforms count only 404 and 403 as confirmed; 410 Gone is as definite. */
export function certaintyOf(kind: string, reason: string, status: number | undefined): "confirmed" | "suspected" {
  if (kind !== "broken-link") return "suspected";
  if (reason === "http-404") return "confirmed";
  return status === 404 || status === 403 || status === 410 ? "confirmed" : "suspected";
}

function days(fromIso: string, to: Date): number {
  const from = Date.parse(fromIso);
  return Number.isFinite(from) ? Math.max(0, Math.floor((to.getTime() - from) / DAY)) : 0;
}

/** Is the finding unresolved (open or acknowledged) at time t? Replays its events. */
function unresolvedAt(events: FindingEvent[], t: number): boolean {
  let state: "open" | "fixed" | "acknowledged" | "false-positive" | undefined;
  for (const e of events) {
    if (Date.parse(e.at) > t) break;
    if (e.event === "new" || e.event === "reopened" || e.event === "open") state = "open";
    else if (e.event === "fixed") state = "fixed";
    else if (e.event === "acknowledged") state = "acknowledged";
    else if (e.event === "false-positive") state = "false-positive";
  }
  return state === "open" || state === "acknowledged";
}

export function buildReport(input: ReportInput): ReportModel {
  const { now, since, config } = input;
  const sinceMs = since.getTime();
  const columnsById = new Map((config?.columns ?? []).map((c) => [c.id, c]));

  const columnName = (f: StoredFinding) => columnsById.get(f.columnId)?.name ?? f.columnName ?? f.columnId;
  const departmentOf = (f: StoredFinding) => columnsById.get(f.columnId)?.maintainer.department ?? f.department;
  const maintainerOf = (f: StoredFinding) => columnsById.get(f.columnId)?.maintainer.name ?? f.maintainer.name;

  const siteName = config?.site.name ?? input.runs[0]?.siteName ?? "";
  const depts = new Map<string, DepartmentReport>();
  const dept = (name: string): DepartmentReport => {
    let d = depts.get(name);
    if (!d) {
      d = { department: name, maintainers: [], newRows: [], stillOpenRows: [], fixedRows: [], otherRows: [], otherCounts: {}, columns: [], acknowledged: 0, falsePositives: 0, oldestDays: 0, trend: [] };
      depts.set(name, d);
    }
    return d;
  };
  const columnCounts = (d: DepartmentReport, columnId: string, name: string, maintainer: string): ColumnCounts => {
    let c = d.columns.find((x) => x.columnId === columnId);
    if (!c) {
      c = { columnId, columnName: name, maintainerName: maintainer, newCount: 0, stillOpen: 0, fixed: 0, other: 0 };
      d.columns.push(c);
    }
    return c;
  };
  const addMaintainer = (d: DepartmentReport, m: { name: string; email?: string }, column: string) => {
    let entry = d.maintainers.find((x) => x.name === m.name && (x.email ?? "") === (m.email ?? ""));
    if (!entry) {
      entry = { name: m.name, ...(m.email ? { email: m.email } : {}), columns: [] };
      d.maintainers.push(entry);
    }
    if (!entry.columns.includes(column)) entry.columns.push(column);
  };

  // Configured departments and columns first, in config order, so clean ones are listed too.
  for (const c of config?.columns ?? []) {
    const d = dept(c.maintainer.department);
    columnCounts(d, c.id, c.name, c.maintainer.name);
    addMaintainer(d, c.maintainer, c.name);
  }

  // A problem that was fixed and came back counts its days from its return: it broke again then.
  const openedAt = new Map<string, string>();
  for (const e of input.events) if (e.event === "new" || e.event === "reopened") openedAt.set(e.findingId, e.at);

  const coverage: OtherRow[] = [];
  for (const f of input.findings) {
    if (OFFICE_KINDS.includes(f.kind)) {
      if (f.state !== "open" && f.state !== "acknowledged") continue;
      const daysOpen = days(f.firstSeen, now);
      const row: OtherRow = { id: f.id, kind: f.kind, reason: f.reason, state: Date.parse(f.firstSeen) >= sinceMs ? "new" : "open", firstSeen: f.firstSeen, daysOpen, pageUrl: f.pageUrl, pageTitle: "", columnId: f.columnId, columnName: columnName(f), department: departmentOf(f), maintainerName: maintainerOf(f), message: f.message };
      coverage.push(row);
      continue;
    }
    const d = dept(departmentOf(f));
    const colName = columnName(f);
    const cc = columnCounts(d, f.columnId, colName, maintainerOf(f));
    if (!columnsById.has(f.columnId)) addMaintainer(d, f.maintainer, colName);
    if (f.state === "false-positive") {
      d.falsePositives++;
      continue;
    }
    const unresolved = f.state === "open" || f.state === "acknowledged";
    const since = f.reopenedCount > 0 ? (openedAt.get(f.id) ?? f.firstSeen) : f.firstSeen;
    const isNew = Date.parse(since) >= sinceMs;
    const fixedInPeriod = f.state === "fixed" && f.fixedAt !== undefined && Date.parse(f.fixedAt) >= sinceMs;
    if (!unresolved && !fixedInPeriod) continue;
    if (f.state === "acknowledged") d.acknowledged++;
    const state: RowState = fixedInPeriod ? "fixed" : isNew ? "new" : f.state === "acknowledged" ? "acknowledged" : "open";
    const daysOpen = fixedInPeriod ? days(since, new Date(f.fixedAt!)) : days(since, now);
    const pageTitle = shortTitle(f.pageTitle ?? (typeof f.evidence.pageTitle === "string" ? f.evidence.pageTitle : ""), siteName);

    if (!LINK_KINDS.includes(f.kind)) {
      if (!unresolved) continue;
      d.otherRows.push({ id: f.id, kind: f.kind, reason: f.reason, state, firstSeen: f.firstSeen, daysOpen, pageUrl: f.pageUrl, pageTitle, columnId: f.columnId, columnName: colName, department: d.department, maintainerName: maintainerOf(f), message: f.message });
      d.otherCounts[f.kind] = (d.otherCounts[f.kind] ?? 0) + 1;
      cc.other++;
      continue;
    }
    const status = statusOf(f.evidence);
    const row: LinkRow = {
      id: f.id,
      kind: f.kind,
      reason: f.reason,
      ...(status !== undefined ? { status } : {}),
      certainty: certaintyOf(f.kind, f.reason, status),
      state,
      firstSeen: f.firstSeen,
      reopenedCount: f.reopenedCount,
      ...(fixedInPeriod ? { fixedAt: f.fixedAt } : {}),
      daysOpen,
      targetUrl: f.targetUrl ?? "",
      linkText: f.linkText ?? "",
      pageUrl: f.pageUrl,
      pageTitle,
      columnId: f.columnId,
      columnName: colName,
      department: d.department,
      maintainerName: maintainerOf(f),
      linkType: linkTypeOf(f.targetUrl ?? "", f.pageUrl, f.reason),
      message: f.message,
    };
    if (fixedInPeriod) {
      d.fixedRows.push(row);
      cc.fixed++;
    } else if (isNew) {
      d.newRows.push(row);
      cc.newCount++;
    } else {
      d.stillOpenRows.push(row);
      cc.stillOpen++;
    }
    if (unresolved) d.oldestDays = Math.max(d.oldestDays, daysOpen);
  }

  // Trend: week ends going back from now, at least covering the period, but not long before the first crawl
  // (a young database would otherwise draw weeks of zeros).
  const periodWeeks = Math.ceil((now.getTime() - sinceMs) / (7 * DAY));
  const firstRun = input.runs.length ? Math.min(...input.runs.map((r) => Date.parse(r.startedAt))) : now.getTime();
  const historyWeeks = Math.ceil((now.getTime() - firstRun) / (7 * DAY)) + 1;
  const nWeeks = Math.max(2, Math.min(52, Math.max(input.trendWeeks ?? 8, periodWeeks + 1), historyWeeks));
  const weeks = Array.from({ length: nWeeks }, (_, i) => new Date(now.getTime() - (nWeeks - 1 - i) * 7 * DAY).toISOString());
  const eventsByFinding = new Map<string, FindingEvent[]>();
  for (const e of input.events) {
    if (!LINK_KINDS.includes(e.kind)) continue;
    const list = eventsByFinding.get(e.findingId) ?? [];
    list.push(e);
    eventsByFinding.set(e.findingId, list);
  }
  const findingDept = new Map(input.findings.map((f) => [f.id, departmentOf(f)]));
  for (const d of depts.values()) d.trend = weeks.map(() => 0);
  for (const [id, evs] of eventsByFinding) {
    evs.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const d = depts.get(findingDept.get(id) ?? evs[0].findingDepartment);
    if (!d) continue;
    weeks.forEach((w, i) => {
      if (unresolvedAt(evs, Date.parse(w))) d.trend[i]++;
    });
  }

  const byDaysDesc = (a: LinkRow, b: LinkRow) =>
    b.daysOpen - a.daysOpen || a.columnName.localeCompare(b.columnName, "zh") || a.pageUrl.localeCompare(b.pageUrl) || a.targetUrl.localeCompare(b.targetUrl);
  const departments = [...depts.values()];
  for (const d of departments) {
    d.newRows.sort((a, b) => a.columnName.localeCompare(b.columnName, "zh") || a.pageUrl.localeCompare(b.pageUrl) || a.targetUrl.localeCompare(b.targetUrl));
    d.stillOpenRows.sort(byDaysDesc);
    d.fixedRows.sort((a, b) => (b.fixedAt ?? "").localeCompare(a.fixedAt ?? ""));
    d.otherRows.sort((a, b) => b.daysOpen - a.daysOpen || a.kind.localeCompare(b.kind));
  }
  // Departments with the most open problems first: the office reads from the top.
  const openOf = (d: DepartmentReport) => d.newRows.length + d.stillOpenRows.length;
  departments.sort((a, b) => openOf(b) - openOf(a) || b.otherRows.length - a.otherRows.length || a.department.localeCompare(b.department, "zh"));

  const totals = { newCount: 0, stillOpen: 0, open: 0, fixed: 0, other: 0, acknowledged: 0, falsePositives: 0, oldestDays: 0, oldestDept: undefined as string | undefined };
  for (const d of departments) {
    totals.newCount += d.newRows.length;
    totals.stillOpen += d.stillOpenRows.length;
    totals.fixed += d.fixedRows.length;
    totals.other += d.otherRows.length;
    totals.acknowledged += d.acknowledged;
    totals.falsePositives += d.falsePositives;
    if (d.oldestDays > totals.oldestDays || (totals.oldestDept === undefined && openOf(d) > 0)) {
      totals.oldestDays = d.oldestDays;
      totals.oldestDept = d.department;
    }
  }
  totals.open = totals.newCount + totals.stillOpen;

  const lastRun = input.runs[0];
  return {
    siteName: config?.site.name ?? lastRun?.siteName ?? "",
    baseUrl: config?.site.baseUrl ?? lastRun?.baseUrl ?? "",
    timeZone: config?.schedule.timezone ?? "Asia/Shanghai",
    generatedAt: now.toISOString(),
    since: since.toISOString(),
    until: now.toISOString(),
    ...(lastRun ? { lastRun } : {}),
    runsInPeriod: input.runs.filter((r) => Date.parse(r.startedAt) >= sinceMs).length,
    weeks,
    departments,
    coverage,
    totals,
  };
}

/**
 * Page titles usually end with the site's name (`文章标题_上海市嘉定区市场监督管理局`): in a report about that site the
 * suffix says nothing, so it is dropped.
 */
export function shortTitle(title: string, siteName: string): string {
  const t = title.trim();
  if (!siteName) return t;
  for (const sep of ["_", "-", "|", "—", "–", " - ", " | ", "－", "｜"]) {
    const suffix = sep + siteName;
    if (t.endsWith(suffix) && t.length > suffix.length) return t.slice(0, -suffix.length).trim();
  }
  return t;
}

/** The same report narrowed to one department (for its e-mail and its attachment). */
export function forDepartment(model: ReportModel, department: string): ReportModel {
  const d = model.departments.find((x) => x.department === department);
  const departments = d ? [d] : [];
  const oldest = d && d.newRows.length + d.stillOpenRows.length > 0 ? { oldestDays: d.oldestDays, oldestDept: d.department } : { oldestDays: 0, oldestDept: undefined };
  return {
    ...model,
    departments,
    // The office's own section: not in a department's mail.
    coverage: [],
    totals: {
      newCount: d?.newRows.length ?? 0,
      stillOpen: d?.stillOpenRows.length ?? 0,
      open: (d?.newRows.length ?? 0) + (d?.stillOpenRows.length ?? 0),
      fixed: d?.fixedRows.length ?? 0,
      other: d?.otherRows.length ?? 0,
      acknowledged: d?.acknowledged ?? 0,
      falsePositives: d?.falsePositives ?? 0,
      ...oldest,
    },
  };
}

// Intl formatters are costly to build: one per zone and shape, reused for every row.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("sv-SE", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hour12: false } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** Local calendar date (Asia/Shanghai unless told otherwise) as YYYY-MM-DD, for labels and file names. */
export function localDate(iso: string, timeZone = "Asia/Shanghai"): string {
  return formatter(timeZone, false).format(new Date(iso));
}

/** Local date and time as `YYYY-MM-DD HH:MM`. */
export function localDateTime(iso: string, timeZone = "Asia/Shanghai"): string {
  return formatter(timeZone, true).format(new Date(iso));
}
