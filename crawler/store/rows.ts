// Rows as both backends return them, and their translation into the Store's objects: one place, so SQLite and
// PostgreSQL give identical answers (the store contract tests run against both).
import type { FindingDraft, FindingState } from "../../shared/schema.js";
import type { FindingEvent, RunInfo, SiteInfo, Store, StoredFinding } from "./types.js";

export interface FindingRow {
  site_id: string;
  id: string;
  kind: string;
  reason: string;
  severity: string;
  column_id: string;
  department: string;
  page_url: string;
  target_url: string | null;
  link_text: string | null;
  message: string;
  maintainer: string;
  evidence: string;
  first_seen: string;
  last_seen: string;
  state: FindingState;
  fixed_at: string | null;
  reopened_count: number;
  state_by: string | null;
  column_name: string | null;
  page_title: string | null;
  last_run_id: number | null;
}

export interface RunRow {
  id: number;
  site_id: string;
  started_at: string;
  finished_at: string | null;
  status: RunInfo["status"];
  stats: string;
  site_name: string;
  base_url: string;
  note: string | null;
  pid: number | null;
  hostname: string | null;
}


export function toFinding(r: FindingRow): StoredFinding {
  const f: StoredFinding = {
    id: r.id,
    siteId: r.site_id,
    kind: r.kind,
    reason: r.reason,
    severity: r.severity as StoredFinding["severity"],
    columnId: r.column_id,
    pageUrl: r.page_url,
    message: r.message,
    maintainer: JSON.parse(r.maintainer),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    evidence: JSON.parse(r.evidence),
    state: r.state,
    reopenedCount: r.reopened_count,
    department: r.department,
  };
  if (r.target_url !== null) f.targetUrl = r.target_url;
  if (r.link_text !== null) f.linkText = r.link_text;
  if (r.fixed_at !== null) f.fixedAt = r.fixed_at;
  if (r.state_by !== null) f.stateBy = JSON.parse(r.state_by);
  if (r.column_name !== null) f.columnName = r.column_name;
  if (r.page_title !== null) f.pageTitle = r.page_title;
  return f;
}

/**
 * A finding draft as the columns of the findings table, as both stores write it (the inverse of toFinding; site,
 * times, state and run are each write's own).
 */
export function findingColumns(d: FindingDraft & { id: string }, columnNames: Record<string, string>, pageTitles: Record<string, string>) {
  return {
    id: d.id,
    kind: d.kind,
    reason: d.reason,
    severity: d.severity,
    column_id: d.columnId,
    department: d.maintainer.department,
    page_url: d.pageUrl,
    target_url: d.targetUrl ?? null,
    link_text: d.linkText ?? null,
    message: d.message,
    maintainer: JSON.stringify(d.maintainer),
    evidence: JSON.stringify(d.evidence ?? {}),
    column_name: columnNames[d.columnId] ?? null,
    page_title: pageTitles[d.pageUrl] ?? null,
  };
}

export function toRun(r: RunRow): RunInfo {
  const run: RunInfo = {
    id: r.id,
    siteId: r.site_id,
    startedAt: r.started_at,
    status: r.status,
    stats: JSON.parse(r.stats),
    siteName: r.site_name,
    baseUrl: r.base_url,
  };
  if (r.finished_at !== null) run.finishedAt = r.finished_at;
  if (r.note) run.notes = r.note.split("\n");
  return run;
}

/** State a finding is in after an event (history replays events; `seen` changes nothing). */
function stateAfter(event: FindingEvent["event"], before: FindingState): FindingState {
  switch (event) {
    case "new":
    case "reopened":
    case "open":
      return "open";
    case "fixed":
      return "fixed";
    case "acknowledged":
      return "acknowledged";
    case "false-positive":
      return "false-positive";
    case "seen":
      return before;
  }
}

/** A finding_events row joined with its finding's kind and department. */
export interface EventRow {
  site_id: string;
  finding_id: string;
  at: string;
  event: FindingEvent["event"];
  by_name: string | null;
  by_department: string | null;
  note: string | null;
  run_id: number | null;
  kind: string;
  department: string;
}

export function toEvent(r: EventRow): FindingEvent {
  const ev: FindingEvent = { findingId: r.finding_id, siteId: r.site_id, at: r.at, event: r.event, kind: r.kind, findingDepartment: r.department };
  if (r.by_name !== null) ev.by = r.by_name;
  if (r.by_department !== null) ev.department = r.by_department;
  if (r.note !== null) ev.note = r.note;
  if (r.run_id !== null) ev.runId = r.run_id;
  return ev;
}

/** A finding's history from its events, oldest first: each entry with the state it left the finding in. */
export function historyOf(
  rows: Pick<EventRow, "at" | "event" | "by_name" | "by_department" | "note" | "run_id">[],
): Awaited<ReturnType<Store["history"]>> {
  let state: FindingState = "open";
  return rows.map((r) => {
    state = stateAfter(r.event, state);
    const h: Awaited<ReturnType<Store["history"]>>[number] = { at: r.at, state, event: r.event };
    if (r.by_name !== null) h.by = r.by_name;
    if (r.by_department !== null) h.department = r.by_department;
    if (r.note !== null) h.note = r.note;
    if (r.run_id !== null) h.runId = r.run_id;
    return h;
  });
}

/** Sites from the latest run of each (`latest`) and the latest run that recorded a name and base URL (`named`). */
export function sitesOf(latest: RunRow[], named: RunRow[]): SiteInfo[] {
  const names = new Map(named.map((r) => [r.site_id, r]));
  return latest
    .map((r) => {
      const n = names.get(r.site_id) ?? r;
      return { id: r.site_id, name: n.site_name, baseUrl: n.base_url, lastRun: toRun(r) };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
