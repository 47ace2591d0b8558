// The SQLite store (better-sqlite3): one file, WAL mode, every multi-row change in one transaction, so a crash
// or a failed write leaves the previous state. Lifecycle rules of findings live in finishRun and setState.
// better-sqlite3 is synchronous: the async methods of Store do their work at once and resolve. Handles of several
// sites share one connection (SqliteConnection); each reads and writes its own site's rows.
import Database from "better-sqlite3";
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { defaultSiteId, type FindingDraft, type FindingState } from "../../shared/schema.js";
import type { LinkCheck } from "../types.js";
import { CrawlLockedError, StoreError, storeErrorFrom, type LockHolder } from "./errors.js";
import { migrate, SCHEMA_VERSION } from "./migrations.js";
import { findingColumns, historyOf, sitesOf, toEvent, toFinding, toRun, type EventRow, type FindingRow, type RunRow } from "./rows.js";
import type {
  FindingEvent,
  FindingFilter,
  HeldLock,
  PageCacheEntry,
  RunInfo,
  SiteInfo,
  StateChange,
  Store,
  StoredFinding,
} from "./types.js";

export interface OpenStoreOptions {
  /** Open for reading only (report, inspection). The file must exist. */
  readonly?: boolean;
  /** Milliseconds to wait for another process's write transaction (default 5000). */
  busyTimeoutMs?: number;
}

/** Link checks of this many most recent runs are kept; older ones are deleted to bound the file's size. */
export const LINK_CHECK_RUNS_KEPT = 3;
/** A lock from another host cannot be checked for liveness; after this long it is presumed dead. */
export const FOREIGN_LOCK_STALE_MS = 24 * 3600e3;

type Db = Database.Database;

interface LockRow {
  site_id: string;
  pid: number;
  hostname: string;
  since: string;
  run_id: number | null;
  token: string;
}

/** True when a process with this pid exists on this machine (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Is the lock's holder gone? Same host: its pid is dead. Another host: we cannot tell, so only when very old. */
function holderIsDead(lock: { pid: number; hostname: string; since: string }, now: number): boolean {
  if (lock.hostname === osHostname()) return !pidAlive(lock.pid);
  const since = Date.parse(lock.since);
  return Number.isFinite(since) && now - since > FOREIGN_LOCK_STALE_MS;
}

function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StoreError("readonly", file, `无法创建数据库目录 cannot create the database's folder ${dir}: ${(e as NodeJS.ErrnoException).code}`);
    }
  }
  try {
    if (existsSync(file)) accessSync(file, constants.R_OK | constants.W_OK);
    // WAL mode writes FILE-wal and FILE-shm beside the database: the folder must be writable too.
    accessSync(dir, constants.W_OK);
  } catch {
    throw new StoreError("readonly", file, `数据库文件或其目录只读，无法写入 database file or its folder is read-only: ${file}`);
  }
}

/** The open database file, shared by the site handles made from one another (forSite). */
class SqliteConnection {
  readonly db: Db;
  /** Lock tokens of runs begun through this connection, so finishing a run releases exactly its own lock. */
  readonly lockTokens = new Map<number, string>();
  closed = false;

  constructor(
    readonly file: string,
    readonly readonly: boolean,
    busyTimeoutMs: number,
  ) {
    if (this.readonly) {
      if (!existsSync(file)) throw new StoreError("missing", file, `数据库文件不存在 database not found: ${file}`);
    } else {
      checkWritable(file);
    }
    try {
      this.db = new Database(file, { readonly: this.readonly, fileMustExist: this.readonly, timeout: busyTimeoutMs });
    } catch (e) {
      throw storeErrorFrom(e, file);
    }
    try {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      if (this.readonly) {
        const v = this.db.pragma("user_version", { simple: true }) as number;
        if (v === 0) throw new StoreError("corrupt", file, `不是 gongkai 数据库（空文件或从未写入）not a gongkai database: ${file}`);
        if (v > SCHEMA_VERSION) throw this.tooNew(v);
        if (v < SCHEMA_VERSION)
          throw new StoreError("readonly", file, `数据库版本较旧（${v}），需以可写方式打开一次以升级 database schema ${v} is older than ${SCHEMA_VERSION}; open it writable once to upgrade: ${file}`);
      } else {
        this.db.pragma("journal_mode = WAL");
        // NORMAL in WAL mode: a crash never corrupts and never loses a committed transaction of a killed process.
        this.db.pragma("synchronous = NORMAL");
        this.db.pragma("foreign_keys = ON");
        try {
          migrate(this.db);
        } catch (e) {
          if ((e as { tooNew?: boolean }).tooNew) throw this.tooNew(this.db.pragma("user_version", { simple: true }) as number);
          throw e;
        }
        this.recoverDeadRuns();
      }
    } catch (e) {
      this.db.close();
      throw storeErrorFrom(e, file);
    }
  }

  private tooNew(v: number): StoreError {
    return new StoreError("too-new", this.file, `数据库由更新版本的 gongkai 写入（版本 ${v} > ${SCHEMA_VERSION}），请升级 gongkai database was written by a newer gongkai (schema ${v} > ${SCHEMA_VERSION}): ${this.file}`);
  }

  /** Runs left `running` by a process that no longer exists were cut short: mark them aborted. */
  private recoverDeadRuns(): void {
    const now = Date.now();
    const running = this.db.prepare("SELECT * FROM runs WHERE status = 'running'").all() as RunRow[];
    const dead = running.filter((r) => r.pid === null || holderIsDead({ pid: r.pid, hostname: r.hostname ?? "", since: r.started_at }, now));
    if (!dead.length) return;
    const mark = this.db.prepare("UPDATE runs SET status = 'aborted', finished_at = COALESCE(finished_at, ?), note = ? WHERE id = ? AND status = 'running'");
    this.db.transaction(() => {
      for (const r of dead) {
        const note = `抓取进程（pid ${r.pid ?? "?"}）已退出，本次抓取中断 the crawl process exited before finishing`;
        mark.run(new Date(now).toISOString(), [r.note, note].filter(Boolean).join("\n"), r.id);
      }
    }).immediate();
  }
}

/**
 * A handle on a SQLite store, bound to one site or to none (see types.ts). Construct it directly for SQLite-only
 * tools (lockHolder); callers of the Store interface use openStore.
 */
export class SqliteStore implements Store {
  readonly backend = "sqlite" as const;
  readonly siteId: string | undefined;
  private readonly conn: SqliteConnection;

  constructor(file: string, opts?: OpenStoreOptions & { siteId?: string });
  constructor(conn: SqliteConnection, opts: { siteId?: string });
  constructor(source: string | SqliteConnection, opts: OpenStoreOptions & { siteId?: string } = {}) {
    this.conn = typeof source === "string" ? new SqliteConnection(source, !!opts.readonly, opts.busyTimeoutMs ?? 5000) : source;
    this.siteId = opts.siteId;
  }

  get file(): string {
    return this.conn.file;
  }
  get location(): string {
    return this.conn.file;
  }
  get readonly(): boolean {
    return this.conn.readonly;
  }
  private get db(): Db {
    return this.conn.db;
  }

  forSite(siteId: string): SqliteStore {
    return new SqliteStore(this.conn, { siteId });
  }

  /** Run `fn`, turning SQLite errors into StoreErrors that name the file. */
  private guard<T>(fn: () => T): T {
    if (this.conn.closed) throw new StoreError("other", this.file, `数据库已关闭 store is closed: ${this.file}`);
    try {
      return fn();
    } catch (e) {
      throw storeErrorFrom(e, this.file);
    }
  }

  /** The handle's site, for operations that concern one site only. */
  private site(what: string): string {
    if (this.siteId === undefined)
      throw new StoreError("other", this.file, `需要指定站点（site.id）才能${what} a site (site.id) is needed to ${what}: ${this.file}`);
    return this.siteId;
  }

  /** `AND site_id = ?` when bound to a site (reads of an unbound handle span every site). */
  private siteClause(alias = ""): { sql: string; params: string[] } {
    return this.siteId === undefined ? { sql: "", params: [] } : { sql: ` AND ${alias}site_id = ?`, params: [this.siteId] };
  }

  /** Take the site's crawl lock inside the caller's transaction. Returns the note when a dead holder's lock was taken over. */
  private takeLock(site: string, runId: number | null, token: string, now: Date): string | undefined {
    const held = this.db.prepare("SELECT * FROM crawl_lock WHERE site_id = ?").get(site) as LockRow | undefined;
    let note: string | undefined;
    if (held) {
      if (!holderIsDead(held, now.getTime())) {
        throw new CrawlLockedError(this.file, { pid: held.pid, hostname: held.hostname, since: held.since, runId: held.run_id ?? undefined });
      }
      note = `接管了已退出进程留下的抓取锁 took over the crawl lock of a process that is gone (pid ${held.pid} on ${held.hostname} since ${held.since})`;
      // The holder's run was cut short by its death.
      if (held.run_id !== null)
        this.db
          .prepare("UPDATE runs SET status = 'aborted', finished_at = ?, note = ? WHERE id = ? AND status = 'running'")
          .run(now.toISOString(), `抓取进程（pid ${held.pid}）已退出，本次抓取中断 the crawl process exited before finishing`, held.run_id);
    }
    this.db
      .prepare("INSERT OR REPLACE INTO crawl_lock (site_id, pid, hostname, since, run_id, token) VALUES (?, ?, ?, ?, ?, ?)")
      .run(site, process.pid, osHostname(), now.toISOString(), runId, token);
    return note;
  }

  private releaseLock(token: string): void {
    this.db.prepare("DELETE FROM crawl_lock WHERE token = ?").run(token);
  }

  /** Who holds the site's crawl lock now, if anyone (a dead holder included: see `dead`). */
  async lockHolder(siteId = this.siteId): Promise<(LockHolder & { dead: boolean }) | undefined> {
    return this.guard(() => {
      const held = (siteId === undefined
        ? this.db.prepare("SELECT * FROM crawl_lock ORDER BY since LIMIT 1").get()
        : this.db.prepare("SELECT * FROM crawl_lock WHERE site_id = ?").get(siteId)) as LockRow | undefined;
      if (!held) return undefined;
      return { pid: held.pid, hostname: held.hostname, since: held.since, runId: held.run_id ?? undefined, dead: holderIsDead(held, Date.now()) };
    });
  }

  async acquireLock(siteId = this.siteId, now = new Date()): Promise<HeldLock> {
    this.assertWritable();
    const site = siteId ?? this.site("加锁 lock");
    const token = randomBytes(12).toString("hex");
    const note = this.guard(() => this.db.transaction(() => this.takeLock(site, null, token, now)).immediate());
    return { note, release: async () => this.guard(() => this.releaseLock(token)) };
  }

  private assertWritable(): void {
    if (this.readonly) throw new StoreError("readonly", this.file, `数据库以只读方式打开 store was opened read-only: ${this.file}`);
  }

  async sites(): Promise<SiteInfo[]> {
    return this.guard(() => {
      const rows = this.db
        .prepare("SELECT r.* FROM runs r JOIN (SELECT site_id, MAX(id) AS id FROM runs GROUP BY site_id) m ON m.id = r.id ORDER BY r.site_id")
        .all() as RunRow[];
      // Name and base URL from the latest run that recorded them (a run of an old release may not have).
      const named = this.db
        .prepare("SELECT r.* FROM runs r JOIN (SELECT site_id, MAX(id) AS id FROM runs WHERE base_url <> '' GROUP BY site_id) m ON m.id = r.id")
        .all() as RunRow[];
      return sitesOf(rows, named);
    });
  }

  async beginRun(site: { id?: string; name: string; baseUrl: string }, startedAt: string): Promise<RunInfo> {
    this.assertWritable();
    const siteId = site.id ?? this.siteId ?? defaultSiteId(site.baseUrl);
    if (this.siteId !== undefined && siteId !== this.siteId)
      throw new StoreError("other", this.file, `站点不符：此句柄属于 ${this.siteId}，不能开始 ${siteId} 的抓取 handle is bound to site ${this.siteId}, not ${siteId}`);
    return this.guard(() => {
      const token = randomBytes(12).toString("hex");
      const run = this.db.transaction(() => {
        const info = this.db
          .prepare("INSERT INTO runs (site_id, started_at, status, stats, site_name, base_url, pid, hostname) VALUES (?, ?, 'running', '{}', ?, ?, ?, ?)")
          .run(siteId, startedAt, site.name, site.baseUrl, process.pid, osHostname());
        const id = Number(info.lastInsertRowid);
        const note = this.takeLock(siteId, id, token, new Date());
        if (note) this.db.prepare("UPDATE runs SET note = ? WHERE id = ?").run(note, id);
        return this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow;
      }).immediate();
      this.conn.lockTokens.set(run.id, token);
      return toRun(run);
    });
  }

  async finishRun(runId: number, result: Parameters<Store["finishRun"]>[1]): Promise<StoredFinding[]> {
    this.assertWritable();
    return this.guard(() =>
      this.db.transaction(() => {
        const run = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
        if (!run) throw new StoreError("other", this.file, `没有编号为 ${runId} 的抓取 no run ${runId} in ${this.file}`);
        if (run.status !== "running")
          throw new StoreError("other", this.file, `抓取 ${runId} 已结束（${run.status}），不能再次完成 run ${runId} is already ${run.status}: ${this.file}`);
        const seenAt = run.started_at;
        this.upsertFindings(run.site_id, runId, seenAt, result.findings, result.pageTitles ?? {}, result.columnNames ?? {});
        if (result.complete) this.markUnseenFixed(run.site_id, runId, seenAt, result.columnIds);
        this.db
          .prepare("UPDATE runs SET status = ?, finished_at = ?, stats = ? WHERE id = ?")
          .run(result.complete ? "complete" : "incomplete", result.finishedAt, JSON.stringify(result.stats ?? {}), runId);
        this.releaseRunLock(runId);
        return (
          this.db.prepare("SELECT * FROM findings WHERE site_id = ? AND last_run_id = ? ORDER BY department, column_id, page_url, id").all(run.site_id, runId) as FindingRow[]
        ).map(toFinding);
      }).immediate(),
    );
  }

  private releaseRunLock(runId: number): void {
    const token = this.conn.lockTokens.get(runId);
    if (token) this.releaseLock(token);
    // A run begun by another store object of this process (or a crashed one) holds the lock under its run id.
    else this.db.prepare("DELETE FROM crawl_lock WHERE run_id = ?").run(runId);
    this.conn.lockTokens.delete(runId);
  }

  private upsertFindings(
    siteId: string,
    runId: number,
    seenAt: string,
    drafts: (FindingDraft & { id: string })[],
    pageTitles: Record<string, string>,
    columnNames: Record<string, string>,
  ): void {
    const get = this.db.prepare("SELECT state, reason FROM findings WHERE site_id = ? AND id = ?");
    const insert = this.db.prepare(`INSERT INTO findings (site_id, id, kind, reason, severity, column_id, department, page_url, target_url,
        link_text, message, maintainer, evidence, first_seen, last_seen, state, reopened_count, column_name, page_title, last_run_id)
      VALUES (@site_id, @id, @kind, @reason, @severity, @column_id, @department, @page_url, @target_url, @link_text, @message,
        @maintainer, @evidence, @seen, @seen, 'open', 0, @column_name, @page_title, @run_id)`);
    const update = this.db.prepare(`UPDATE findings SET kind = @kind, reason = @reason, severity = @severity,
        column_id = @column_id, department = @department, page_url = @page_url, target_url = @target_url,
        link_text = @link_text, message = @message, maintainer = @maintainer, evidence = @evidence, last_seen = @seen,
        column_name = COALESCE(@column_name, column_name), page_title = COALESCE(@page_title, page_title),
        last_run_id = @run_id WHERE site_id = @site_id AND id = @id`);
    const reopen = this.db.prepare(
      "UPDATE findings SET state = 'open', fixed_at = NULL, state_by = NULL, reopened_count = reopened_count + 1 WHERE site_id = ? AND id = ?",
    );
    const event = this.db.prepare("INSERT INTO finding_events (site_id, finding_id, at, event, note, run_id) VALUES (?, ?, ?, ?, ?, ?)");
    for (const d of drafts) {
      const params = { ...findingColumns(d, columnNames, pageTitles), site_id: siteId, seen: seenAt, run_id: runId };
      const prev = get.get(siteId, d.id) as { state: FindingState; reason: string } | undefined;
      if (!prev) {
        insert.run(params);
        event.run(siteId, d.id, seenAt, "new", null, runId);
        continue;
      }
      update.run(params);
      if (prev.state === "fixed") {
        reopen.run(siteId, d.id);
        event.run(siteId, d.id, seenAt, "reopened", null, runId);
      } else if (prev.reason !== d.reason) {
        // Acknowledged and false-positive findings keep their state when seen again; a changed reason is history.
        event.run(siteId, d.id, seenAt, "seen", `${prev.reason} → ${d.reason}`, runId);
      }
    }
  }

  private markUnseenFixed(siteId: string, runId: number, at: string, columnIds: string[] | undefined): void {
    const scope = columnIds ? "AND column_id IN (SELECT value FROM json_each(@columns))" : "";
    const where = `site_id = @site AND state IN ('open', 'acknowledged') AND (last_run_id IS NULL OR last_run_id <> @run) ${scope}`;
    const params = { site: siteId, run: runId, at, columns: JSON.stringify(columnIds ?? []) };
    this.db.prepare(`INSERT INTO finding_events (site_id, finding_id, at, event, run_id) SELECT site_id, id, @at, 'fixed', @run FROM findings WHERE ${where}`).run(params);
    this.db.prepare(`UPDATE findings SET state = 'fixed', fixed_at = @at WHERE ${where}`).run(params);
  }

  async abortRun(runId: number, reason: string): Promise<void> {
    this.abortRunNow(runId, reason);
  }

  private abortRunNow(runId: number, reason: string): void {
    this.assertWritable();
    this.guard(() =>
      this.db.transaction(() => {
        this.db
          .prepare("UPDATE runs SET status = 'aborted', finished_at = ?, note = trim(COALESCE(note, '') || char(10) || ?, char(10)) WHERE id = ? AND status = 'running'")
          .run(new Date().toISOString(), reason, runId);
        this.releaseRunLock(runId);
      }).immediate(),
    );
  }

  async savePageCache(entries: PageCacheEntry[]): Promise<void> {
    this.assertWritable();
    const site = this.site("保存页面缓存 save the page cache");
    this.guard(() => {
      const put = this.db.prepare(
        "INSERT OR REPLACE INTO pages (site_id, url, etag, last_modified, record, fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
      );
      this.db.transaction(() => {
        for (const e of entries) put.run(site, e.url, e.etag ?? null, e.lastModified ?? null, JSON.stringify(e.record), e.fetchedAt);
      }).immediate();
    });
  }

  async loadPageCache(urls?: string[]): Promise<Map<string, PageCacheEntry>> {
    const site = this.site("读取页面缓存 read the page cache");
    return this.guard(() => {
      type Row = { url: string; etag: string | null; last_modified: string | null; record: string; fetched_at: string };
      const rows = urls
        ? (this.db.prepare("SELECT * FROM pages WHERE site_id = ? AND url IN (SELECT value FROM json_each(?))").all(site, JSON.stringify(urls)) as Row[])
        : (this.db.prepare("SELECT * FROM pages WHERE site_id = ?").all(site) as Row[]);
      const out = new Map<string, PageCacheEntry>();
      for (const r of rows) {
        const e: PageCacheEntry = { url: r.url, record: JSON.parse(r.record), fetchedAt: r.fetched_at };
        if (r.etag !== null) e.etag = r.etag;
        if (r.last_modified !== null) e.lastModified = r.last_modified;
        out.set(r.url, e);
      }
      return out;
    });
  }

  async savePagingStrategies(strategies: Map<string, string>): Promise<void> {
    this.assertWritable();
    const site = this.site("保存翻页方式 save paging strategies");
    this.guard(() => {
      const put = this.db.prepare("INSERT OR REPLACE INTO paging_strategies (site_id, column_id, strategy) VALUES (?, ?, ?)");
      this.db.transaction(() => {
        for (const [columnId, strategy] of strategies) put.run(site, columnId, strategy);
      }).immediate();
    });
  }

  async loadPagingStrategies(): Promise<Map<string, string>> {
    const site = this.site("读取翻页方式 read paging strategies");
    return this.guard(() => {
      const rows = this.db.prepare("SELECT column_id, strategy FROM paging_strategies WHERE site_id = ?").all(site) as { column_id: string; strategy: string }[];
      return new Map(rows.map((r) => [r.column_id, r.strategy]));
    });
  }

  async saveLinkChecks(runId: number, checks: LinkCheck[]): Promise<void> {
    this.assertWritable();
    this.guard(() => {
      const run = this.db.prepare("SELECT site_id FROM runs WHERE id = ?").get(runId) as { site_id: string } | undefined;
      if (!run) throw new StoreError("other", this.file, `没有编号为 ${runId} 的抓取 no run ${runId} in ${this.file}`);
      const put = this.db.prepare("INSERT OR REPLACE INTO link_checks (site_id, run_id, url, outcome, checked_at, data) VALUES (?, ?, ?, ?, ?, ?)");
      this.db.transaction(() => {
        for (const c of checks) put.run(run.site_id, runId, c.url, c.outcome, c.checkedAt, JSON.stringify(c));
        // Bound the table: keep the checks of the site's latest few runs only.
        this.db
          .prepare(`DELETE FROM link_checks WHERE site_id = @site AND run_id NOT IN (
              SELECT run_id FROM (SELECT DISTINCT run_id FROM link_checks WHERE site_id = @site) ORDER BY run_id DESC LIMIT @kept)`)
          .run({ site: run.site_id, kept: LINK_CHECK_RUNS_KEPT });
      }).immediate();
    });
  }

  async loadLatestLinkChecks(): Promise<Map<string, LinkCheck>> {
    const site = this.site("读取链接检查 read link checks");
    return this.guard(() => {
      const rows = this.db
        .prepare(`SELECT l.url, l.data FROM link_checks l
          JOIN (SELECT url, MAX(run_id) AS run_id FROM link_checks WHERE site_id = @site GROUP BY url) m ON m.url = l.url AND m.run_id = l.run_id
          WHERE l.site_id = @site`)
        .all({ site }) as { url: string; data: string }[];
      return new Map(rows.map((r) => [r.url, JSON.parse(r.data) as LinkCheck]));
    });
  }

  async findings(filter: FindingFilter = {}): Promise<StoredFinding[]> {
    return this.guard(() => {
      const where: string[] = [];
      const params: Record<string, string> = {};
      if (this.siteId !== undefined) {
        where.push("site_id = @site");
        params.site = this.siteId;
      }
      if (filter.department !== undefined) {
        where.push("department = @department");
        params.department = filter.department;
      }
      if (filter.pageUrl !== undefined) {
        where.push("page_url = @pageUrl");
        params.pageUrl = filter.pageUrl;
      }
      if (filter.columnId !== undefined) {
        where.push("column_id = @columnId");
        params.columnId = filter.columnId;
      }
      if (filter.states) {
        where.push("state IN (SELECT value FROM json_each(@states))");
        params.states = JSON.stringify(filter.states);
      }
      if (filter.kinds) {
        where.push("kind IN (SELECT value FROM json_each(@kinds))");
        params.kinds = JSON.stringify(filter.kinds);
      }
      const sql = `SELECT * FROM findings ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY department, column_id, first_seen, id, site_id`;
      return (this.db.prepare(sql).all(params) as FindingRow[]).map(toFinding);
    });
  }

  /** The row of a finding: within the handle's site, or (unbound) the first site holding the id. */
  private findingRow(id: string): FindingRow | undefined {
    const s = this.siteClause();
    return this.db.prepare(`SELECT * FROM findings WHERE id = ?${s.sql} ORDER BY site_id LIMIT 1`).get(id, ...s.params) as FindingRow | undefined;
  }

  async finding(id: string): Promise<StoredFinding | undefined> {
    return this.guard(() => {
      const r = this.findingRow(id);
      return r && toFinding(r);
    });
  }

  async setState(id: string, change: StateChange): Promise<StoredFinding> {
    this.assertWritable();
    return this.guard(() =>
      this.db.transaction(() => {
        const prev = this.findingRow(id);
        if (!prev) throw new StoreError("other", this.file, `没有这条问题 no finding with id ${id}`);
        const at = new Date().toISOString();
        const by = { name: change.by.name, department: change.by.department, ...(change.note ? { note: change.note } : {}), at };
        this.db
          .prepare("UPDATE findings SET state = ?, state_by = ?, fixed_at = CASE WHEN ? = 'open' THEN NULL ELSE fixed_at END WHERE site_id = ? AND id = ?")
          .run(change.state, JSON.stringify(by), change.state, prev.site_id, id);
        this.db
          .prepare("INSERT INTO finding_events (site_id, finding_id, at, event, by_name, by_department, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .run(prev.site_id, id, at, change.state, change.by.name, change.by.department, change.note ?? null);
        return toFinding(this.db.prepare("SELECT * FROM findings WHERE site_id = ? AND id = ?").get(prev.site_id, id) as FindingRow);
      }).immediate(),
    );
  }

  async history(id: string): ReturnType<Store["history"]> {
    return this.guard(() => {
      const row = this.findingRow(id);
      if (!row) return [];
      type Row = { at: string; event: FindingEvent["event"]; by_name: string | null; by_department: string | null; note: string | null; run_id: number | null };
      const rows = this.db.prepare("SELECT * FROM finding_events WHERE site_id = ? AND finding_id = ? ORDER BY id").all(row.site_id, id) as Row[];
      return historyOf(rows.map((r) => ({ ...r })));
    });
  }

  async events(filter: { since?: string; kinds?: string[] } = {}): Promise<FindingEvent[]> {
    return this.guard(() => {
      const where: string[] = [];
      const params: Record<string, string> = {};
      if (this.siteId !== undefined) {
        where.push("e.site_id = @site");
        params.site = this.siteId;
      }
      if (filter.since) {
        where.push("e.at >= @since");
        params.since = filter.since;
      }
      if (filter.kinds) {
        where.push("f.kind IN (SELECT value FROM json_each(@kinds))");
        params.kinds = JSON.stringify(filter.kinds);
      }
      const rows = this.db
        .prepare(`SELECT e.*, f.kind, f.department FROM finding_events e JOIN findings f ON f.site_id = e.site_id AND f.id = e.finding_id
          ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY e.at, e.id`)
        .all(params) as EventRow[];
      return rows.map(toEvent);
    });
  }

  async runs(limit = 50): Promise<RunInfo[]> {
    const s = this.siteClause();
    return this.guard(() => (this.db.prepare(`SELECT * FROM runs WHERE 1 = 1${s.sql} ORDER BY id DESC LIMIT ?`).all(...s.params, limit) as RunRow[]).map(toRun));
  }

  /** The schema version of the open file. */
  async schemaVersion(): Promise<number> {
    return this.guard(() => this.db.pragma("user_version", { simple: true }) as number);
  }

  async close(): Promise<void> {
    const conn = this.conn;
    if (conn.closed) return;
    // A run begun here and never finished did not complete: say so rather than leave it `running`.
    for (const runId of [...conn.lockTokens.keys()]) {
      try {
        this.abortRunNow(runId, "数据库在抓取结束前被关闭 the store was closed before the run finished");
      } catch {
        // Closing must not fail; crash recovery at the next open marks it aborted anyway.
      }
    }
    conn.closed = true;
    if (!conn.readonly) {
      // Leave the file in rollback-journal mode when no one else has it open, so that it can be read without
      // creating FILE-shm: a report from a read-only copy or folder. Skipped (at once, no waiting) when busy.
      try {
        conn.db.pragma("busy_timeout = 0");
        conn.db.pragma("journal_mode = DELETE");
      } catch {
        // Another connection holds it: it stays in WAL mode, which is as safe.
      }
    }
    conn.db.close();
  }
}
