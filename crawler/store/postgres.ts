// The PostgreSQL store (node-postgres): one database for many sites and many machines. Same rules as the SQLite
// store (sqlite.ts), same answers (rows.ts; the store contract tests run against both). Every multi-row change is
// one transaction; findings and the page cache are written in bulk (json_to_recordset), not row by row.
//
// The crawl lock of a site is a session advisory lock (pg_try_advisory_lock) on a connection of its own, held from
// beginRun to finishRun/abortRun: when the process dies its connection closes and the server releases the lock by
// itself. The holder is told apart by that connection's application_name (pid, host, since), read from
// pg_stat_activity — no lock table.
import pg from "pg";
import { createHash } from "node:crypto";
import { hostname as osHostname } from "node:os";
import { defaultSiteId, type FindingDraft, type FindingState } from "../../shared/schema.js";
import type { LinkCheck } from "../types.js";
import { CrawlLockedError, pgStoreErrorFrom, StoreError, type LockHolder } from "./errors.js";
import { migratePg, PG_SCHEMA_VERSION } from "./pg-migrations.js";
import { findingColumns, historyOf, sitesOf, toEvent, toFinding, toRun, type EventRow, type FindingRow, type RunRow } from "./rows.js";
import { LINK_CHECK_RUNS_KEPT } from "./sqlite.js";
import { redactDbUrl } from "./db-url.js";
import type { FindingFilter, HeldLock, PageCacheEntry, RunInfo, SiteInfo, StateChange, Store, StoredFinding } from "./types.js";

/** Rows per bulk statement (keeps one statement's JSON parameter to a few MB). */
const BULK_ROWS = 500;


/** The advisory lock key of a site's crawl lock: 64 bits of a hash of its id. */
export function crawlLockKey(siteId: string): string {
  return createHash("sha256").update(`gongkai-crawl\u0000${siteId}`).digest().readBigInt64BE(0).toString();
}

/** JSON for json_to_recordset. PostgreSQL text cannot hold U+0000: such characters are dropped. */
function bulkJson(rows: unknown[]): string {
  return JSON.stringify(rows).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1");
}

function chunks<T>(items: T[], size = BULK_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The pool and the lock connections, shared by the site handles made from one another (forSite). */
class PgConnection {
  closed = false;
  /** The lock connection of each run begun here (released when the run ends). */
  readonly runLocks = new Map<number, pg.Client>();

  constructor(
    readonly url: string,
    readonly location: string,
    readonly pool: pg.Pool,
  ) {}
}

export class PostgresStore implements Store {
  readonly backend = "postgres" as const;
  readonly siteId: string | undefined;

  private constructor(
    private readonly conn: PgConnection,
    siteId: string | undefined,
  ) {
    this.siteId = siteId;
  }

  /** Connect, create or upgrade the schema. Throws StoreError naming the database (password left out). */
  static async open(url: string, opts: { siteId?: string } = {}): Promise<PostgresStore> {
    const location = redactDbUrl(url);
    const pool = new pg.Pool({ connectionString: url, max: 4, application_name: "gongkai", connectionTimeoutMillis: 15_000 });
    // An idle connection the server closed (restart, database dropped) must not crash the process: the next query
    // gets a fresh one, or fails with a StoreError.
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      const tooNew = (e as { tooNew?: number }).tooNew;
      if (tooNew !== undefined)
        throw new StoreError("too-new", location, `数据库由更新版本的 gongkai 写入（版本 ${tooNew} > ${PG_SCHEMA_VERSION}），请升级 gongkai database was written by a newer gongkai (schema ${tooNew} > ${PG_SCHEMA_VERSION}): ${location}`);
      throw pgStoreErrorFrom(e, location);
    }
    return new PostgresStore(new PgConnection(url, location, pool), opts.siteId);
  }

  get location(): string {
    return this.conn.location;
  }

  forSite(siteId: string): PostgresStore {
    return new PostgresStore(this.conn, siteId);
  }

  /** Run `fn`, turning node-postgres errors into StoreErrors that name the database. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.conn.closed) throw new StoreError("other", this.location, `数据库已关闭 store is closed: ${this.location}`);
    try {
      return await fn();
    } catch (e) {
      throw pgStoreErrorFrom(e, this.location);
    }
  }

  private query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.guard(async () => (await this.conn.pool.query<R>(sql, params)).rows);
  }

  /** Run `fn` in one transaction on one pooled connection. */
  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.guard(async () => {
      const c = await this.conn.pool.connect();
      try {
        await c.query("BEGIN");
        const out = await fn(c);
        await c.query("COMMIT");
        return out;
      } catch (e) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    });
  }

  /** The handle's site, for operations that concern one site only. */
  private site(what: string): string {
    if (this.siteId === undefined)
      throw new StoreError("other", this.location, `需要指定站点（site.id）才能${what} a site (site.id) is needed to ${what}: ${this.location}`);
    return this.siteId;
  }

  /** Take the site's crawl lock on a connection of its own; CrawlLockedError when a live crawl holds it. */
  private async takeLock(siteId: string): Promise<pg.Client> {
    const since = new Date().toISOString();
    // application_name holds at most 63 bytes: pid, time, then as much of the host as fits.
    const client = new pg.Client({ connectionString: this.conn.url, application_name: `gongkai-lock ${process.pid} ${since} ${osHostname()}`.slice(0, 63) });
    client.on("error", () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [crawlLockKey(siteId)]);
      if (rows[0].ok) return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      throw pgStoreErrorFrom(e, this.location);
    }
    await client.end().catch(() => undefined);
    throw new CrawlLockedError(this.location, await this.lockHolder(siteId));
  }

  /** Who holds the site's crawl lock (as far as the server says), and the run it is crawling. */
  async lockHolder(siteId = this.site("查看抓取锁 look at the crawl lock")): Promise<LockHolder> {
    const [held] = await this.query<{ application_name: string; backend_start: Date }>(
      `SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint LIMIT 1`,
      [crawlLockKey(siteId)],
    );
    const [run] = await this.query<{ id: number }>("SELECT id FROM runs WHERE site_id = $1 AND status = 'running' ORDER BY id DESC LIMIT 1", [siteId]);
    const m = /^gongkai-lock (\d+) (\S+) ?(.*)$/.exec(held?.application_name ?? "");
    return {
      pid: m ? Number(m[1]) : 0,
      hostname: m ? m[3] : "",
      since: m ? m[2] : (held?.backend_start?.toISOString() ?? ""),
      runId: run?.id,
    };
  }

  private async unlock(client: pg.Client, siteId: string): Promise<void> {
    try {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [crawlLockKey(siteId)]);
    } finally {
      // Closing the connection releases the lock anyway.
      await client.end().catch(() => undefined);
    }
  }

  async acquireLock(siteId = this.siteId): Promise<HeldLock> {
    const site = siteId ?? this.site("加锁 lock");
    const client = await this.takeLock(site);
    return { release: () => this.unlock(client, site) };
  }

  async sites(): Promise<SiteInfo[]> {
    const rows = await this.query<RunRow>("SELECT DISTINCT ON (site_id) * FROM runs ORDER BY site_id, id DESC");
    // Name and base URL from the latest run that recorded them.
    const named = await this.query<RunRow>("SELECT DISTINCT ON (site_id) * FROM runs WHERE base_url <> '' ORDER BY site_id, id DESC");
    return sitesOf(rows, named);
  }

  async beginRun(site: { id?: string; name: string; baseUrl: string }, startedAt: string): Promise<RunInfo> {
    const siteId = site.id ?? this.siteId ?? defaultSiteId(site.baseUrl);
    if (this.siteId !== undefined && siteId !== this.siteId)
      throw new StoreError("other", this.location, `站点不符：此句柄属于 ${this.siteId}，不能开始 ${siteId} 的抓取 handle is bound to site ${this.siteId}, not ${siteId}`);
    const lock = await this.takeLock(siteId);
    try {
      const run = await this.tx(async (c) => {
        // We hold the site's lock: a run of the site still `running` belongs to a process that died.
        const dead = (
          await c.query<{ id: number; pid: number | null }>(
            `UPDATE runs SET status = 'aborted', finished_at = COALESCE(finished_at, $2),
               note = trim(both E'\\n' from COALESCE(note, '') || E'\\n' || '抓取进程（pid ' || COALESCE(pid::text, '?') || '）已退出，本次抓取中断 the crawl process exited before finishing')
             WHERE site_id = $1 AND status = 'running' RETURNING id, pid`,
            [siteId, new Date().toISOString()],
          )
        ).rows;
        const note = dead.length
          ? `接管了已退出进程留下的抓取锁 took over the crawl lock of a process that is gone (${dead.map((d) => `pid ${d.pid ?? "?"}, run ${d.id}`).join("; ")})`
          : null;
        const { rows } = await c.query<RunRow>(
          `INSERT INTO runs (site_id, started_at, status, stats, site_name, base_url, pid, hostname, note)
           VALUES ($1, $2, 'running', '{}', $3, $4, $5, $6, $7) RETURNING *`,
          [siteId, startedAt, site.name, site.baseUrl, process.pid, osHostname(), note],
        );
        return rows[0];
      });
      this.conn.runLocks.set(run.id, lock);
      return toRun(run);
    } catch (e) {
      await this.unlock(lock, siteId).catch(() => undefined);
      throw e;
    }
  }

  private async releaseRunLock(runId: number, siteId: string): Promise<void> {
    const lock = this.conn.runLocks.get(runId);
    this.conn.runLocks.delete(runId);
    if (lock) await this.unlock(lock, siteId).catch(() => undefined);
  }

  /**
   * Does the run begun here still hold its site's lock? Its connection may have been cut (network, server restart),
   * and another worker may be crawling the site by now: such a run must not write its findings.
   */
  private async stillLocked(runId: number, siteId: string): Promise<boolean> {
    const lock = this.conn.runLocks.get(runId);
    if (!lock) return true; // begun by another handle or process: nothing to tell
    try {
      const { rows } = await lock.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
           AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
        [crawlLockKey(siteId)],
      );
      return rows.length > 0;
    } catch {
      return false;
    }
  }

  async finishRun(runId: number, result: Parameters<Store["finishRun"]>[1]): Promise<StoredFinding[]> {
    const { rows, siteId } = await this.tx(async (c) => {
      const run = (await c.query<RunRow>("SELECT * FROM runs WHERE id = $1 FOR UPDATE", [runId])).rows[0];
      if (!run) throw new StoreError("other", this.location, `没有编号为 ${runId} 的抓取 no run ${runId} in ${this.location}`);
      if (!(await this.stillLocked(runId, run.site_id)))
        throw new StoreError("locked", this.location, `抓取 ${runId} 已失去抓取锁（与数据库的连接曾中断），结果未保存 run ${runId} lost its crawl lock (its connection to the database was cut); nothing was saved: ${this.location}`);
      if (run.status !== "running")
        throw new StoreError("other", this.location, `抓取 ${runId} 已结束（${run.status}），不能再次完成 run ${runId} is already ${run.status}: ${this.location}`);
      const seenAt = run.started_at;
      await this.upsertFindings(c, run.site_id, runId, seenAt, result.findings, result.pageTitles ?? {}, result.columnNames ?? {});
      if (result.complete) await this.markUnseenFixed(c, run.site_id, runId, seenAt, result.columnIds);
      await c.query("UPDATE runs SET status = $1, finished_at = $2, stats = $3 WHERE id = $4", [
        result.complete ? "complete" : "incomplete",
        result.finishedAt,
        JSON.stringify(result.stats ?? {}),
        runId,
      ]);
      const found = await c.query<FindingRow>(
        "SELECT * FROM findings WHERE site_id = $1 AND last_run_id = $2 ORDER BY department, column_id, page_url, id",
        [run.site_id, runId],
      );
      return { rows: found.rows, siteId: run.site_id };
    });
    await this.releaseRunLock(runId, siteId);
    return rows.map(toFinding);
  }

  private async upsertFindings(
    c: pg.PoolClient,
    siteId: string,
    runId: number,
    seenAt: string,
    drafts: (FindingDraft & { id: string })[],
    pageTitles: Record<string, string>,
    columnNames: Record<string, string>,
  ): Promise<void> {
    // One draft per id (withIds gives no duplicates; should one slip through, the first is kept).
    const seen = new Set<string>();
    drafts = drafts.filter((d) => !seen.has(d.id) && !!seen.add(d.id));
    const prev = new Map<string, { state: FindingState; reason: string }>();
    for (const ids of chunks([...seen], 5000)) {
      const { rows } = await c.query<{ id: string; state: FindingState; reason: string }>(
        "SELECT id, state, reason FROM findings WHERE site_id = $1 AND id = ANY($2::text[])",
        [siteId, ids],
      );
      for (const r of rows) prev.set(r.id, r);
    }
    const fresh: object[] = [];
    const known: object[] = [];
    const events: { finding_id: string; event: string; note: string | null }[] = [];
    for (const d of drafts) {
      const row = findingColumns(d, columnNames, pageTitles);
      const before = prev.get(d.id);
      if (!before) {
        fresh.push(row);
        events.push({ finding_id: d.id, event: "new", note: null });
      } else {
        known.push(row);
        if (before.state === "fixed") events.push({ finding_id: d.id, event: "reopened", note: null });
        // Acknowledged and false-positive findings keep their state when seen again; a changed reason is history.
        else if (before.reason !== d.reason) events.push({ finding_id: d.id, event: "seen", note: `${before.reason} → ${d.reason}` });
      }
    }
    const cols = `id text, kind text, reason text, severity text, column_id text, department text, page_url text, target_url text,
      link_text text, message text, maintainer text, evidence text, column_name text, page_title text`;
    for (const part of chunks(fresh))
      await c.query(
        `INSERT INTO findings (site_id, id, kind, reason, severity, column_id, department, page_url, target_url, link_text,
           message, maintainer, evidence, first_seen, last_seen, state, reopened_count, column_name, page_title, last_run_id)
         SELECT $1, x.id, x.kind, x.reason, x.severity, x.column_id, x.department, x.page_url, x.target_url, x.link_text,
           x.message, x.maintainer, x.evidence, $2, $2, 'open', 0, x.column_name, x.page_title, $3
         FROM json_to_recordset($4::json) AS x(${cols})`,
        [siteId, seenAt, runId, bulkJson(part)],
      );
    for (const part of chunks(known))
      await c.query(
        `UPDATE findings f SET kind = x.kind, reason = x.reason, severity = x.severity, column_id = x.column_id,
           department = x.department, page_url = x.page_url, target_url = x.target_url, link_text = x.link_text,
           message = x.message, maintainer = x.maintainer, evidence = x.evidence, last_seen = $2,
           column_name = COALESCE(x.column_name, f.column_name), page_title = COALESCE(x.page_title, f.page_title),
           last_run_id = $3,
           -- A fixed finding seen again is reopened (the other states are kept: a person set them).
           state = CASE WHEN f.state = 'fixed' THEN 'open' ELSE f.state END,
           fixed_at = CASE WHEN f.state = 'fixed' THEN NULL ELSE f.fixed_at END,
           state_by = CASE WHEN f.state = 'fixed' THEN NULL ELSE f.state_by END,
           reopened_count = f.reopened_count + CASE WHEN f.state = 'fixed' THEN 1 ELSE 0 END
         FROM json_to_recordset($4::json) AS x(${cols})
         WHERE f.site_id = $1 AND f.id = x.id`,
        [siteId, seenAt, runId, bulkJson(part)],
      );
    for (const part of chunks(events))
      await c.query(
        `INSERT INTO finding_events (site_id, finding_id, at, event, note, run_id)
         SELECT $1, x.finding_id, $2, x.event, x.note, $3
         FROM ROWS FROM (json_to_recordset($4::json) AS (finding_id text, event text, note text)) WITH ORDINALITY AS x(finding_id, event, note, n)
         ORDER BY x.n`,
        [siteId, seenAt, runId, bulkJson(part)],
      );
  }

  private async markUnseenFixed(c: pg.PoolClient, siteId: string, runId: number, at: string, columnIds: string[] | undefined): Promise<void> {
    const scope = columnIds ? "AND column_id = ANY($4::text[])" : "";
    const params: unknown[] = [siteId, runId, at];
    if (columnIds) params.push(columnIds);
    await c.query(
      `WITH fixed AS (
         UPDATE findings SET state = 'fixed', fixed_at = $3
         WHERE site_id = $1 AND state IN ('open', 'acknowledged') AND (last_run_id IS NULL OR last_run_id <> $2) ${scope}
         RETURNING id)
       INSERT INTO finding_events (site_id, finding_id, at, event, run_id) SELECT $1, id, $3, 'fixed', $2 FROM fixed ORDER BY id`,
      params,
    );
  }

  async abortRun(runId: number, reason: string): Promise<void> {
    const rows = await this.query<{ site_id: string }>(
      `UPDATE runs SET status = 'aborted', finished_at = $1, note = trim(both E'\\n' from COALESCE(note, '') || E'\\n' || $2)
       WHERE id = $3 AND status = 'running' RETURNING site_id`,
      [new Date().toISOString(), reason, runId],
    );
    const siteId = rows[0]?.site_id ?? (await this.query<{ site_id: string }>("SELECT site_id FROM runs WHERE id = $1", [runId]))[0]?.site_id;
    if (siteId !== undefined) await this.releaseRunLock(runId, siteId);
  }

  async savePageCache(entries: PageCacheEntry[]): Promise<void> {
    const site = this.site("保存页面缓存 save the page cache");
    // One row per URL (the last entry wins), as successive replaces would leave it.
    const byUrl = new Map(entries.map((e) => [e.url, e]));
    const rows = [...byUrl.values()].map((e) => ({
      url: e.url,
      etag: e.etag ?? null,
      last_modified: e.lastModified ?? null,
      record: JSON.stringify(e.record),
      fetched_at: e.fetchedAt,
    }));
    if (rows.length === 0) return;
    await this.tx(async (c) => {
      for (const part of chunks(rows, 200))
        await c.query(
          `INSERT INTO pages (site_id, url, etag, last_modified, record, fetched_at)
           SELECT $1, x.url, x.etag, x.last_modified, x.record, x.fetched_at
           FROM json_to_recordset($2::json) AS x(url text, etag text, last_modified text, record text, fetched_at text)
           ON CONFLICT (site_id, url) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
             record = EXCLUDED.record, fetched_at = EXCLUDED.fetched_at`,
          [site, bulkJson(part)],
        );
    });
  }

  async loadPageCache(urls?: string[]): Promise<Map<string, PageCacheEntry>> {
    const site = this.site("读取页面缓存 read the page cache");
    type Row = { url: string; etag: string | null; last_modified: string | null; record: string; fetched_at: string };
    const rows = urls
      ? await this.query<Row>("SELECT * FROM pages WHERE site_id = $1 AND url = ANY($2::text[])", [site, urls])
      : await this.query<Row>("SELECT * FROM pages WHERE site_id = $1", [site]);
    const out = new Map<string, PageCacheEntry>();
    for (const r of rows) {
      const e: PageCacheEntry = { url: r.url, record: JSON.parse(r.record), fetchedAt: r.fetched_at };
      if (r.etag !== null) e.etag = r.etag;
      if (r.last_modified !== null) e.lastModified = r.last_modified;
      out.set(r.url, e);
    }
    return out;
  }

  async savePagingStrategies(strategies: Map<string, string>): Promise<void> {
    const site = this.site("保存翻页方式 save paging strategies");
    if (strategies.size === 0) return;
    await this.query(
      `INSERT INTO paging_strategies (site_id, column_id, strategy)
       SELECT $1, x.column_id, x.strategy FROM json_to_recordset($2::json) AS x(column_id text, strategy text)
       ON CONFLICT (site_id, column_id) DO UPDATE SET strategy = EXCLUDED.strategy`,
      [site, JSON.stringify([...strategies].map(([column_id, strategy]) => ({ column_id, strategy })))],
    );
  }

  async loadPagingStrategies(): Promise<Map<string, string>> {
    const site = this.site("读取翻页方式 read paging strategies");
    const rows = await this.query<{ column_id: string; strategy: string }>("SELECT column_id, strategy FROM paging_strategies WHERE site_id = $1", [site]);
    return new Map(rows.map((r) => [r.column_id, r.strategy]));
  }

  async saveLinkChecks(runId: number, checks: LinkCheck[]): Promise<void> {
    await this.tx(async (c) => {
      const run = (await c.query<{ site_id: string }>("SELECT site_id FROM runs WHERE id = $1", [runId])).rows[0];
      if (!run) throw new StoreError("other", this.location, `没有编号为 ${runId} 的抓取 no run ${runId} in ${this.location}`);
      const byUrl = new Map(checks.map((ch) => [ch.url, ch]));
      const rows = [...byUrl.values()].map((ch) => ({ url: ch.url, outcome: ch.outcome, checked_at: ch.checkedAt, data: JSON.stringify(ch) }));
      for (const part of chunks(rows, 1000))
        await c.query(
          `INSERT INTO link_checks (site_id, run_id, url, outcome, checked_at, data)
           SELECT $1, $2, x.url, x.outcome, x.checked_at, x.data
           FROM json_to_recordset($3::json) AS x(url text, outcome text, checked_at text, data text)
           ON CONFLICT (run_id, url) DO UPDATE SET outcome = EXCLUDED.outcome, checked_at = EXCLUDED.checked_at, data = EXCLUDED.data`,
          [run.site_id, runId, bulkJson(part)],
        );
      // Bound the table: keep the checks of the site's latest few runs only.
      await c.query(
        `DELETE FROM link_checks WHERE site_id = $1 AND run_id NOT IN (
           SELECT run_id FROM (SELECT DISTINCT run_id FROM link_checks WHERE site_id = $1) r ORDER BY run_id DESC LIMIT $2)`,
        [run.site_id, LINK_CHECK_RUNS_KEPT],
      );
    });
  }

  async loadLatestLinkChecks(): Promise<Map<string, LinkCheck>> {
    const site = this.site("读取链接检查 read link checks");
    const rows = await this.query<{ url: string; data: string }>(
      "SELECT DISTINCT ON (url) url, data FROM link_checks WHERE site_id = $1 ORDER BY url, run_id DESC",
      [site],
    );
    return new Map(rows.map((r) => [r.url, JSON.parse(r.data) as LinkCheck]));
  }

  async findings(filter: FindingFilter = {}): Promise<StoredFinding[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace("?", `$${params.length}`));
    };
    if (this.siteId !== undefined) add("site_id = ?", this.siteId);
    if (filter.department !== undefined) add("department = ?", filter.department);
    if (filter.pageUrl !== undefined) add("page_url = ?", filter.pageUrl);
    if (filter.columnId !== undefined) add("column_id = ?", filter.columnId);
    if (filter.states) add("state = ANY(?::text[])", filter.states);
    if (filter.kinds) add("kind = ANY(?::text[])", filter.kinds);
    const rows = await this.query<FindingRow>(
      `SELECT * FROM findings ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY department, column_id, first_seen, id, site_id`,
      params,
    );
    return rows.map(toFinding);
  }

  /** The row of a finding: within the handle's site, or (unbound) the first site holding the id. */
  private async findingRow(id: string, c?: pg.PoolClient): Promise<FindingRow | undefined> {
    const sql = `SELECT * FROM findings WHERE id = $1${this.siteId !== undefined ? " AND site_id = $2" : ""} ORDER BY site_id LIMIT 1`;
    const params = this.siteId !== undefined ? [id, this.siteId] : [id];
    return c ? (await c.query<FindingRow>(sql, params)).rows[0] : (await this.query<FindingRow>(sql, params))[0];
  }

  async finding(id: string): Promise<StoredFinding | undefined> {
    const r = await this.findingRow(id);
    return r && toFinding(r);
  }

  async setState(id: string, change: StateChange): Promise<StoredFinding> {
    const row = await this.tx(async (c) => {
      const prev = await this.findingRow(id, c);
      if (!prev) throw new StoreError("other", this.location, `没有这条问题 no finding with id ${id}`);
      const at = new Date().toISOString();
      const by = { name: change.by.name, department: change.by.department, ...(change.note ? { note: change.note } : {}), at };
      const { rows } = await c.query<FindingRow>(
        `UPDATE findings SET state = $1, state_by = $2, fixed_at = CASE WHEN $1 = 'open' THEN NULL ELSE fixed_at END
         WHERE site_id = $3 AND id = $4 RETURNING *`,
        [change.state, JSON.stringify(by), prev.site_id, id],
      );
      await c.query(
        "INSERT INTO finding_events (site_id, finding_id, at, event, by_name, by_department, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [prev.site_id, id, at, change.state, change.by.name, change.by.department, change.note ?? null],
      );
      return rows[0];
    });
    return toFinding(row);
  }

  async history(id: string): ReturnType<Store["history"]> {
    const row = await this.findingRow(id);
    if (!row) return [];
    const rows = await this.query<EventRow>("SELECT * FROM finding_events WHERE site_id = $1 AND finding_id = $2 ORDER BY id", [row.site_id, id]);
    return historyOf(rows);
  }

  async events(filter: { since?: string; kinds?: string[] } = {}): Promise<ReturnType<typeof toEvent>[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (this.siteId !== undefined) {
      params.push(this.siteId);
      where.push(`e.site_id = $${params.length}`);
    }
    if (filter.since) {
      params.push(filter.since);
      where.push(`e.at >= $${params.length}`);
    }
    if (filter.kinds) {
      params.push(filter.kinds);
      where.push(`f.kind = ANY($${params.length}::text[])`);
    }
    const rows = await this.query<EventRow>(
      `SELECT e.site_id, e.finding_id, e.at, e.event, e.by_name, e.by_department, e.note, e.run_id, f.kind, f.department
       FROM finding_events e JOIN findings f ON f.site_id = e.site_id AND f.id = e.finding_id
       ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY e.at, e.id`,
      params,
    );
    return rows.map(toEvent);
  }

  async runs(limit = 50): Promise<RunInfo[]> {
    const rows =
      this.siteId === undefined
        ? await this.query<RunRow>("SELECT * FROM runs ORDER BY id DESC LIMIT $1", [limit])
        : await this.query<RunRow>("SELECT * FROM runs WHERE site_id = $1 ORDER BY id DESC LIMIT $2", [this.siteId, limit]);
    return rows.map(toRun);
  }

  async schemaVersion(): Promise<number> {
    const [r] = await this.query<{ version: number }>("SELECT version FROM gongkai_schema");
    return r?.version ?? 0;
  }

  async close(): Promise<void> {
    const conn = this.conn;
    if (conn.closed) return;
    // A run begun here and never finished did not complete: say so rather than leave it `running`.
    for (const runId of [...conn.runLocks.keys()]) {
      try {
        await this.abortRun(runId, "数据库在抓取结束前被关闭 the store was closed before the run finished");
      } catch {
        // Closing must not fail; the next beginRun of the site marks it aborted anyway.
      }
    }
    for (const lock of conn.runLocks.values()) await lock.end().catch(() => undefined);
    conn.closed = true;
    await conn.pool.end().catch(() => undefined);
  }
}
