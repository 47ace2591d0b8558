// The storage boundary. SQLite implements it (store/sqlite.ts); a PostgreSQL backend can follow behind the same
// interface. Everything that reads or writes history goes through here.
import type { Finding, FindingDraft, FindingState } from "../../shared/schema.js";
import type { LinkCheck, PageRecord } from "../types.js";

export interface RunInfo {
  id: number;
  startedAt: string;
  finishedAt?: string;
  /** running | complete | incomplete | aborted */
  status: "running" | "complete" | "incomplete" | "aborted";
  stats: Record<string, number>;
  siteName: string;
  baseUrl: string;
  /** Why a run ended as it did, or what happened when it began (e.g. a dead crawl's lock taken over). */
  notes?: string[];
}

/** One entry of a finding's history, with the finding's routing facts (for trends across findings). */
export interface FindingEvent {
  findingId: string;
  at: string;
  /** new | seen (reason changed) | fixed | reopened | open | acknowledged | false-positive */
  event: "new" | "seen" | "fixed" | "reopened" | "open" | "acknowledged" | "false-positive";
  by?: string;
  department?: string;
  note?: string;
  runId?: number;
  kind: string;
  /** Department of the finding's column (not of who acted). */
  findingDepartment: string;
}

/** A finding as stored: the contract's shape plus its lifecycle. */
export interface StoredFinding extends Finding {
  state: FindingState;
  /** When it was last seen fixed (gone from a complete crawl). */
  fixedAt?: string;
  /** Number of times it came back after being fixed. */
  reopenedCount: number;
  /** Who last set the state, and why. */
  stateBy?: { name: string; department: string; note?: string; at: string };
  /** Department of the column's maintainer, for routing (denormalised from maintainer.department). */
  department: string;
  /** The column's name (所属栏目) and the title of the page holding the link (父页面标题), for reports. */
  columnName?: string;
  pageTitle?: string;
}

export interface FindingFilter {
  department?: string;
  pageUrl?: string;
  columnId?: string;
  states?: FindingState[];
  kinds?: string[];
}

export interface StateChange {
  state: Exclude<FindingState, "fixed">;
  by: { name: string; department: string };
  note?: string;
}

/** Cached facts from the previous crawl, for cheap re-crawls (conditional requests, recently checked links). */
export interface PageCacheEntry {
  url: string;
  etag?: string;
  lastModified?: string;
  record: PageRecord;
  fetchedAt: string;
}

export interface Store {
  /** Start a run. Fails with a clear error when another crawl holds the lock on this database. */
  beginRun(site: { name: string; baseUrl: string }, startedAt: string): RunInfo;
  /**
   * Finish a run: upsert the findings seen (by id; first seen kept, last seen = now), and when `complete`,
   * mark open findings not seen in this run as fixed. Returns the stored findings of this run (state included).
   */
  finishRun(
    runId: number,
    result: {
      complete: boolean;
      finishedAt: string;
      stats: Record<string, number>;
      findings: (FindingDraft & { id: string })[];
      /** Titles of pages (url -> title) and names of columns (id -> name), kept for reports. */
      pageTitles?: Record<string, string>;
      columnNames?: Record<string, string>;
      /**
       * The columns this run covered. When given, only their findings can be marked fixed (a column removed from
       * the config, or not crawled this time, keeps its findings as they were).
       */
      columnIds?: string[];
    },
  ): StoredFinding[];
  /** Mark a run aborted (crash recovery also marks stale `running` runs aborted at open). */
  abortRun(runId: number, reason: string): void;

  savePageCache(entries: PageCacheEntry[]): void;
  loadPageCache(urls?: string[]): Map<string, PageCacheEntry>;
  saveLinkChecks(runId: number, checks: LinkCheck[]): void;
  /** Latest check of each URL (for skipping recently checked links on a re-crawl). */
  loadLatestLinkChecks(): Map<string, LinkCheck>;

  findings(filter?: FindingFilter): StoredFinding[];
  finding(id: string): StoredFinding | undefined;
  setState(id: string, change: StateChange): StoredFinding;
  /** State history of one finding, oldest first. */
  history(id: string): {
    at: string;
    /** The state after this entry. */
    state: FindingState;
    /** What happened: new, seen (reason changed), fixed, reopened, or a person's open/acknowledged/false-positive. */
    event?: FindingEvent["event"];
    by?: string;
    department?: string;
    note?: string;
    runId?: number;
  }[];

  /** Lifecycle events of all findings at or after `since` (all when omitted), oldest first. */
  events(filter?: { since?: string; kinds?: string[] }): FindingEvent[];

  runs(limit?: number): RunInfo[];
  close(): void;
}
