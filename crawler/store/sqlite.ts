// The SQLite store (better-sqlite3): one file, WAL mode, every multi-row change in one transaction, so a crash
// or a failed write leaves the previous state. Lifecycle rules of findings live in finishRun and setState.
import Database from "better-sqlite3";
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { FindingDraft, FindingState } from "../../shared/schema.js";
import type { LinkCheck } from "../types.js";
import { CrawlLockedError, StoreError, storeErrorFrom, type LockHolder } from "./errors.js";
import { migrate, SCHEMA_VERSION } from "./migrations.js";
import type {
  FindingEvent,
  FindingFilter,
  PageCacheEntry,
  RunInfo,
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

interface FindingRow {
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

interface RunRow {
  id: number;
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

interface LockRow {
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

function toFinding(r: FindingRow): StoredFinding {
  const f: StoredFinding = {
    id: r.id,
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

function toRun(r: RunRow): RunInfo {
  const run: RunInfo = {
    id: r.id,
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

export class SqliteStore implements Store {
  readonly file: string;
  readonly readonly: boolean;
  private db: Db;
  /** Lock tokens of runs this store began, so finishing a run releases exactly its own lock. */
  private lockTokens = new Map<number, string>();
  private closed = false;

  constructor(file: string, opts: OpenStoreOptions = {}) {
    this.file = file;
    this.readonly = !!opts.readonly;
    if (this.readonly) {
      if (!existsSync(file)) throw new StoreError("missing", file, `数据库文件不存在 database not found: ${file}`);
    } else {
      checkWritable(file);
    }
    try {
      this.db = new Database(file, { readonly: this.readonly, fileMustExist: this.readonly, timeout: opts.busyTimeoutMs ?? 5000 });
    } catch (e) {
      throw storeErrorFrom(e, file);
    }
    try {
      this.db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
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

  /** Run `fn`, turning SQLite errors into StoreErrors that name the file. */
  private guard<T>(fn: () => T): T {
    if (this.closed) throw new StoreError("other", this.file, `数据库已关闭 store is closed: ${this.file}`);
    try {
      return fn();
    } catch (e) {
      throw storeErrorFrom(e, this.file);
    }
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

  /** Take the crawl lock inside the caller's transaction. Returns the note when a dead holder's lock was taken over. */
  private takeLock(runId: number | null, token: string, now: Date): string | undefined {
    const held = this.db.prepare("SELECT * FROM crawl_lock WHERE id = 1").get() as LockRow | undefined;
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
      .prepare("INSERT OR REPLACE INTO crawl_lock (id, pid, hostname, since, run_id, token) VALUES (1, ?, ?, ?, ?, ?)")
      .run(process.pid, osHostname(), now.toISOString(), runId, token);
    return note;
  }

  private releaseLock(token: string): void {
    this.db.prepare("DELETE FROM crawl_lock WHERE id = 1 AND token = ?").run(token);
  }

  /** Who holds the crawl lock now, if anyone (a dead holder included: see `dead`). */
  lockHolder(): (LockHolder & { dead: boolean }) | undefined {
    return this.guard(() => {
      const held = this.db.prepare("SELECT * FROM crawl_lock WHERE id = 1").get() as LockRow | undefined;
      if (!held) return undefined;
      return { pid: held.pid, hostname: held.hostname, since: held.since, runId: held.run_id ?? undefined, dead: holderIsDead(held, Date.now()) };
    });
  }

  /** Hold the crawl lock without a run (e.g. a scheduler that keeps other crawls out). Returns its release. */
  acquireLock(now = new Date()): { release: () => void; note?: string } {
    this.assertWritable();
    const token = randomBytes(12).toString("hex");
    const note = this.guard(() => this.db.transaction(() => this.takeLock(null, token, now)).immediate());
    return { note, release: () => this.guard(() => this.releaseLock(token)) };
  }

  private assertWritable(): void {
    if (this.readonly) throw new StoreError("readonly", this.file, `数据库以只读方式打开 store was opened read-only: ${this.file}`);
  }

  beginRun(site: { name: string; baseUrl: string }, startedAt: string): RunInfo {
    this.assertWritable();
    return this.guard(() => {
      const token = randomBytes(12).toString("hex");
      const run = this.db.transaction(() => {
        const info = this.db
          .prepare("INSERT INTO runs (started_at, status, stats, site_name, base_url, pid, hostname) VALUES (?, 'running', '{}', ?, ?, ?, ?)")
          .run(startedAt, site.name, site.baseUrl, process.pid, osHostname());
        const id = Number(info.lastInsertRowid);
        const note = this.takeLock(id, token, new Date());
        if (note) this.db.prepare("UPDATE runs SET note = ? WHERE id = ?").run(note, id);
        return this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow;
      }).immediate();
      this.lockTokens.set(run.id, token);
      return toRun(run);
    });
  }

  finishRun(
    runId: number,
    result: Parameters<Store["finishRun"]>[1],
  ): StoredFinding[] {
    this.assertWritable();
    return this.guard(() =>
      this.db.transaction(() => {
        const run = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
        if (!run) throw new StoreError("other", this.file, `没有编号为 ${runId} 的抓取 no run ${runId} in ${this.file}`);
        if (run.status !== "running")
          throw new StoreError("other", this.file, `抓取 ${runId} 已结束（${run.status}），不能再次完成 run ${runId} is already ${run.status}: ${this.file}`);
        const seenAt = run.started_at;
        this.upsertFindings(runId, seenAt, result.findings, result.pageTitles ?? {}, result.columnNames ?? {});
        if (result.complete) this.markUnseenFixed(runId, seenAt, result.columnIds);
        this.db
          .prepare("UPDATE runs SET status = ?, finished_at = ?, stats = ? WHERE id = ?")
          .run(result.complete ? "complete" : "incomplete", result.finishedAt, JSON.stringify(result.stats ?? {}), runId);
        this.releaseRunLock(runId);
        return (this.db.prepare("SELECT * FROM findings WHERE last_run_id = ? ORDER BY department, column_id, page_url, id").all(runId) as FindingRow[]).map(toFinding);
      }).immediate(),
    );
  }

  private releaseRunLock(runId: number): void {
    const token = this.lockTokens.get(runId);
    if (token) this.releaseLock(token);
    // A run begun by another store object of this process (or a crashed one) holds the lock under its run id.
    else this.db.prepare("DELETE FROM crawl_lock WHERE id = 1 AND run_id = ?").run(runId);
    this.lockTokens.delete(runId);
  }

  private upsertFindings(
    runId: number,
    seenAt: string,
    drafts: (FindingDraft & { id: string })[],
    pageTitles: Record<string, string>,
    columnNames: Record<string, string>,
  ): void {
    const get = this.db.prepare("SELECT state, reason FROM findings WHERE id = ?");
    const insert = this.db.prepare(`INSERT INTO findings (id, kind, reason, severity, column_id, department, page_url, target_url,
        link_text, message, maintainer, evidence, first_seen, last_seen, state, reopened_count, column_name, page_title, last_run_id)
      VALUES (@id, @kind, @reason, @severity, @column_id, @department, @page_url, @target_url, @link_text, @message,
        @maintainer, @evidence, @seen, @seen, 'open', 0, @column_name, @page_title, @run_id)`);
    const update = this.db.prepare(`UPDATE findings SET kind = @kind, reason = @reason, severity = @severity,
        column_id = @column_id, department = @department, page_url = @page_url, target_url = @target_url,
        link_text = @link_text, message = @message, maintainer = @maintainer, evidence = @evidence, last_seen = @seen,
        column_name = COALESCE(@column_name, column_name), page_title = COALESCE(@page_title, page_title),
        last_run_id = @run_id WHERE id = @id`);
    const reopen = this.db.prepare(
      "UPDATE findings SET state = 'open', fixed_at = NULL, state_by = NULL, reopened_count = reopened_count + 1 WHERE id = ?",
    );
    const event = this.db.prepare("INSERT INTO finding_events (finding_id, at, event, note, run_id) VALUES (?, ?, ?, ?, ?)");
    for (const d of drafts) {
      const params = {
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
        seen: seenAt,
        column_name: columnNames[d.columnId] ?? null,
        page_title: pageTitles[d.pageUrl] ?? null,
        run_id: runId,
      };
      const prev = get.get(d.id) as { state: FindingState; reason: string } | undefined;
      if (!prev) {
        insert.run(params);
        event.run(d.id, seenAt, "new", null, runId);
        continue;
      }
      update.run(params);
      if (prev.state === "fixed") {
        reopen.run(d.id);
        event.run(d.id, seenAt, "reopened", null, runId);
      } else if (prev.reason !== d.reason) {
        // Acknowledged and false-positive findings keep their state when seen again; a changed reason is history.
        event.run(d.id, seenAt, "seen", `${prev.reason} → ${d.reason}`, runId);
      }
    }
  }

  private markUnseenFixed(runId: number, at: string, columnIds: string[] | undefined): void {
    const scope = columnIds ? "AND column_id IN (SELECT value FROM json_each(@columns))" : "";
    const where = `state IN ('open', 'acknowledged') AND (last_run_id IS NULL OR last_run_id <> @run) ${scope}`;
    const params = { run: runId, at, columns: JSON.stringify(columnIds ?? []) };
    this.db.prepare(`INSERT INTO finding_events (finding_id, at, event, run_id) SELECT id, @at, 'fixed', @run FROM findings WHERE ${where}`).run(params);
    this.db.prepare(`UPDATE findings SET state = 'fixed', fixed_at = @at WHERE ${where}`).run(params);
  }

  abortRun(runId: number, reason: string): void {
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

  savePageCache(entries: PageCacheEntry[]): void {
    this.assertWritable();
    this.guard(() => {
      const put = this.db.prepare(
        "INSERT OR REPLACE INTO pages (url, etag, last_modified, record, fetched_at) VALUES (?, ?, ?, ?, ?)",
      );
      this.db.transaction(() => {
        for (const e of entries) put.run(e.url, e.etag ?? null, e.lastModified ?? null, JSON.stringify(e.record), e.fetchedAt);
      }).immediate();
    });
  }

  loadPageCache(urls?: string[]): Map<string, PageCacheEntry> {
    return this.guard(() => {
      type Row = { url: string; etag: string | null; last_modified: string | null; record: string; fetched_at: string };
      const rows = urls
        ? (this.db.prepare("SELECT * FROM pages WHERE url IN (SELECT value FROM json_each(?))").all(JSON.stringify(urls)) as Row[])
        : (this.db.prepare("SELECT * FROM pages").all() as Row[]);
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

  saveLinkChecks(runId: number, checks: LinkCheck[]): void {
    this.assertWritable();
    this.guard(() => {
      const put = this.db.prepare("INSERT OR REPLACE INTO link_checks (run_id, url, outcome, checked_at, data) VALUES (?, ?, ?, ?, ?)");
      this.db.transaction(() => {
        for (const c of checks) put.run(runId, c.url, c.outcome, c.checkedAt, JSON.stringify(c));
        // Bound the table: keep the checks of the latest few runs only.
        this.db
          .prepare(`DELETE FROM link_checks WHERE run_id NOT IN (
              SELECT run_id FROM (SELECT DISTINCT run_id FROM link_checks) ORDER BY run_id DESC LIMIT ?)`)
          .run(LINK_CHECK_RUNS_KEPT);
      }).immediate();
    });
  }

  loadLatestLinkChecks(): Map<string, LinkCheck> {
    return this.guard(() => {
      const rows = this.db
        .prepare(`SELECT l.url, l.data FROM link_checks l
          JOIN (SELECT url, MAX(run_id) AS run_id FROM link_checks GROUP BY url) m ON m.url = l.url AND m.run_id = l.run_id`)
        .all() as { url: string; data: string }[];
      return new Map(rows.map((r) => [r.url, JSON.parse(r.data) as LinkCheck]));
    });
  }

  findings(filter: FindingFilter = {}): StoredFinding[] {
    return this.guard(() => {
      const where: string[] = [];
      const params: Record<string, string> = {};
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
      const sql = `SELECT * FROM findings ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY department, column_id, first_seen, id`;
      return (this.db.prepare(sql).all(params) as FindingRow[]).map(toFinding);
    });
  }

  finding(id: string): StoredFinding | undefined {
    return this.guard(() => {
      const r = this.db.prepare("SELECT * FROM findings WHERE id = ?").get(id) as FindingRow | undefined;
      return r && toFinding(r);
    });
  }

  setState(id: string, change: StateChange): StoredFinding {
    this.assertWritable();
    return this.guard(() =>
      this.db.transaction(() => {
        const prev = this.db.prepare("SELECT * FROM findings WHERE id = ?").get(id) as FindingRow | undefined;
        if (!prev) throw new StoreError("other", this.file, `没有这条问题 no finding with id ${id}`);
        const at = new Date().toISOString();
        const by = { name: change.by.name, department: change.by.department, ...(change.note ? { note: change.note } : {}), at };
        this.db
          .prepare("UPDATE findings SET state = ?, state_by = ?, fixed_at = CASE WHEN ? = 'open' THEN NULL ELSE fixed_at END WHERE id = ?")
          .run(change.state, JSON.stringify(by), change.state, id);
        this.db
          .prepare("INSERT INTO finding_events (finding_id, at, event, by_name, by_department, note) VALUES (?, ?, ?, ?, ?, ?)")
          .run(id, at, change.state, change.by.name, change.by.department, change.note ?? null);
        return toFinding(this.db.prepare("SELECT * FROM findings WHERE id = ?").get(id) as FindingRow);
      }).immediate(),
    );
  }

  history(id: string): ReturnType<Store["history"]> {
    return this.guard(() => {
      type Row = { at: string; event: FindingEvent["event"]; by_name: string | null; by_department: string | null; note: string | null; run_id: number | null };
      const rows = this.db.prepare("SELECT * FROM finding_events WHERE finding_id = ? ORDER BY id").all(id) as Row[];
      let state: FindingState = "open";
      return rows.map((r) => {
        state = stateAfter(r.event, state);
        const h: ReturnType<Store["history"]>[number] = { at: r.at, state, event: r.event };
        if (r.by_name !== null) h.by = r.by_name;
        if (r.by_department !== null) h.department = r.by_department;
        if (r.note !== null) h.note = r.note;
        if (r.run_id !== null) h.runId = r.run_id;
        return h;
      });
    });
  }

  events(filter: { since?: string; kinds?: string[] } = {}): FindingEvent[] {
    return this.guard(() => {
      const where: string[] = [];
      const params: Record<string, string> = {};
      if (filter.since) {
        where.push("e.at >= @since");
        params.since = filter.since;
      }
      if (filter.kinds) {
        where.push("f.kind IN (SELECT value FROM json_each(@kinds))");
        params.kinds = JSON.stringify(filter.kinds);
      }
      type Row = { finding_id: string; at: string; event: FindingEvent["event"]; by_name: string | null; by_department: string | null; note: string | null; run_id: number | null; kind: string; department: string };
      const rows = this.db
        .prepare(`SELECT e.*, f.kind, f.department FROM finding_events e JOIN findings f ON f.id = e.finding_id
          ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY e.at, e.id`)
        .all(params) as Row[];
      return rows.map((r) => {
        const ev: FindingEvent = { findingId: r.finding_id, at: r.at, event: r.event, kind: r.kind, findingDepartment: r.department };
        if (r.by_name !== null) ev.by = r.by_name;
        if (r.by_department !== null) ev.department = r.by_department;
        if (r.note !== null) ev.note = r.note;
        if (r.run_id !== null) ev.runId = r.run_id;
        return ev;
      });
    });
  }

  runs(limit = 50): RunInfo[] {
    return this.guard(() => (this.db.prepare("SELECT * FROM runs ORDER BY id DESC LIMIT ?").all(limit) as RunRow[]).map(toRun));
  }

  /** The schema version of the open file. */
  schemaVersion(): number {
    return this.guard(() => this.db.pragma("user_version", { simple: true }) as number);
  }

  close(): void {
    if (this.closed) return;
    // A run begun here and never finished did not complete: say so rather than leave it `running`.
    for (const runId of [...this.lockTokens.keys()]) {
      try {
        this.abortRun(runId, "数据库在抓取结束前被关闭 the store was closed before the run finished");
      } catch {
        // Closing must not fail; crash recovery at the next open marks it aborted anyway.
      }
    }
    this.closed = true;
    if (!this.readonly) {
      // Leave the file in rollback-journal mode when no one else has it open, so that it can be read without
      // creating FILE-shm: a report from a read-only copy or folder. Skipped (at once, no waiting) when busy.
      try {
        this.db.pragma("busy_timeout = 0");
        this.db.pragma("journal_mode = DELETE");
      } catch {
        // Another connection holds it: it stays in WAL mode, which is as safe.
      }
    }
    this.db.close();
  }
}
