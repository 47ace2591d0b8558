// The storage boundary: one async interface, two backends behind it — SQLite (store/sqlite.ts, one file, the
// embedded default for one bureau) and PostgreSQL (store/postgres.ts, many sites and many machines). openStore
// (store/index.ts) picks one by the `--db` value. Everything that reads or writes history goes through here; no
// caller writes SQL.
//
// Sites: a store may hold several sites, each named by its `site.id` (shared/schema.ts siteIdOf). A Store handle
// is either bound to one site (`siteId` set: every read and write concerns that site only) or unbound (reads span
// every site in the store; writes that need a site — beginRun excepted, which names its site — are refused).
// `forSite(id)` gives a bound handle on the same connection. Findings, runs, the page cache, link checks and the
// crawl lock are all kept per site: findings of two sites never mix, and a finding id is the same as before
// (findings.ts), unique within its site.
import type { Finding, FindingDraft, FindingState } from "../../shared/schema.js";
import type { LinkCheck, PageRecord } from "../types.js";

export interface RunInfo {
  id: number;
  /** The site crawled (site.id). Always set by a store (optional only for objects built by hand). */
  siteId?: string;
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
  /** The finding's site (site.id). Always set by a store. */
  siteId?: string;
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
  /** The site the finding belongs to (site.id). Always set by a store (optional only for objects built by hand). */
  siteId?: string;
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

/** A site known to the store: the id, and the name and base URL of its latest run. */
export interface SiteInfo {
  id: string;
  name: string;
  baseUrl: string;
  /** The latest run of the site (any status). */
  lastRun?: RunInfo;
}

/** A crawl lock held without a run (see Store.acquireLock). */
export interface HeldLock {
  release(): Promise<void>;
  /** Set when a dead holder's lock was taken over (SQLite; on PostgreSQL the server releases it by itself). */
  note?: string;
}

/**
 * The one door to history. Every method returns a Promise; errors a user can act on are StoreErrors (errors.ts)
 * naming the database. See the top of this file for what a site-bound handle is.
 */
export interface Store {
  /** What was opened, for messages: a file path, or a postgres:// URL without its password. */
  readonly location: string;
  /** "sqlite" | "postgres". For messages and tests only: callers never branch on it. */
  readonly backend: "sqlite" | "postgres";
  /** The site this handle reads and writes, or undefined: reads span every site. */
  readonly siteId: string | undefined;
  /** A handle on the same connection bound to `siteId` (closing either closes the connection). */
  forSite(siteId: string): Store;
  /** Every site with at least one run, by id. */
  sites(): Promise<SiteInfo[]>;

  /**
   * Start a run of `site` (its id: `site.id`, else the handle's site, else derived from baseUrl). Takes the site's
   * crawl lock: fails with CrawlLockedError when another crawl of the same site holds it (crawls of other sites
   * are not affected). SQLite: a lock row naming pid and host (a dead holder's lock is taken over, noted on the
   * run). PostgreSQL: a session advisory lock on a dedicated connection, released by the server when the process
   * dies; runs of the site left `running` by a dead process are marked aborted here.
   */
  beginRun(site: { id?: string; name: string; baseUrl: string }, startedAt: string): Promise<RunInfo>;
  /**
   * Finish a run: upsert the findings seen (by id, within the run's site; first seen kept, last seen = now), and
   * when `complete`, mark open findings of the run's site not seen in this run as fixed. Releases the run's lock.
   * Returns the stored findings of this run (state included).
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
  ): Promise<StoredFinding[]>;
  /** Mark a run aborted and release its lock (crash recovery also marks dead `running` runs aborted). */
  abortRun(runId: number, reason: string): Promise<void>;
  /**
   * Hold the site's crawl lock without a run (e.g. around maintenance, or a scheduler keeping other crawls out).
   * Throws CrawlLockedError when a live crawl of the site holds it. Needs a bound handle (or `siteId`).
   */
  acquireLock(siteId?: string): Promise<HeldLock>;

  /** Page cache of the handle's site (bound handle only). */
  savePageCache(entries: PageCacheEntry[]): Promise<void>;
  loadPageCache(urls?: string[]): Promise<Map<string, PageCacheEntry>>;
  /** Link checks of a run (kept for the site's latest few runs). */
  saveLinkChecks(runId: number, checks: LinkCheck[]): Promise<void>;
  /** Latest check of each URL of the handle's site (for skipping recently checked links on a re-crawl). */
  loadLatestLinkChecks(): Promise<Map<string, LinkCheck>>;
  /**
   * Per column id, the paging strategy that brought a list column's items (crawl/paginate.ts), so the next crawl of
   * the handle's site starts with it. Saving replaces the given columns' entries only.
   */
  savePagingStrategies(strategies: Map<string, string>): Promise<void>;
  loadPagingStrategies(): Promise<Map<string, string>>;

  findings(filter?: FindingFilter): Promise<StoredFinding[]>;
  /** One finding by id (unbound handle: the first site holding that id). */
  finding(id: string): Promise<StoredFinding | undefined>;
  setState(id: string, change: StateChange): Promise<StoredFinding>;
  /** State history of one finding, oldest first. */
  history(id: string): Promise<
    {
      at: string;
      /** The state after this entry. */
      state: FindingState;
      /** What happened: new, seen (reason changed), fixed, reopened, or a person's open/acknowledged/false-positive. */
      event?: FindingEvent["event"];
      by?: string;
      department?: string;
      note?: string;
      runId?: number;
    }[]
  >;

  /** Lifecycle events of all findings (of the handle's site, or every site) at or after `since`, oldest first. */
  events(filter?: { since?: string; kinds?: string[] }): Promise<FindingEvent[]>;

  /** Latest runs first (of the handle's site, or every site). */
  runs(limit?: number): Promise<RunInfo[]>;
  /** The database's schema version (migrations.ts). */
  schemaVersion(): Promise<number>;
  /** Close the connection; a run begun here and not finished is marked aborted first. */
  close(): Promise<void>;
}
