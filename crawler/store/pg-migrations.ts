// Versioned schema migrations of the PostgreSQL store (migrations.ts holds SQLite's). The version lives in the
// table gongkai_schema; migration i (0-based) brings the database from version i to i+1. Released migrations are
// never edited: a change is a new entry at the end. All of them run in one transaction under an advisory lock,
// so workers starting at once never migrate twice.
//
// Every text column is COLLATE "C": ORDER BY then sorts byte-wise, as SQLite does, so both backends list findings
// in the same order whatever the server's locale. Times are ISO-8601 text, as in SQLite (they sort as text).
import type pg from "pg";

export type PgMigration = string;

/** `T` is a text column sorted byte-wise. */
const T = `TEXT COLLATE "C"`;

export const PG_MIGRATIONS: PgMigration[] = [
  // v1: the SQLite schema at its v3 (several sites): runs, page cache, link checks, findings and their history.
  // No lock table: the crawl lock is an advisory lock (postgres.ts).
  `
  CREATE TABLE runs (
    id SERIAL PRIMARY KEY,
    site_id ${T} NOT NULL,
    started_at ${T} NOT NULL,
    finished_at ${T},
    status ${T} NOT NULL CHECK (status IN ('running','complete','incomplete','aborted')),
    stats ${T} NOT NULL DEFAULT '{}',
    site_name ${T} NOT NULL DEFAULT '',
    base_url ${T} NOT NULL DEFAULT '',
    note ${T},
    pid INTEGER,
    hostname ${T}
  );
  CREATE INDEX runs_site ON runs(site_id, id);
  CREATE TABLE pages (
    site_id ${T} NOT NULL,
    url ${T} NOT NULL,
    etag ${T},
    last_modified ${T},
    record ${T} NOT NULL,
    fetched_at ${T} NOT NULL,
    PRIMARY KEY (site_id, url)
  );
  CREATE TABLE link_checks (
    site_id ${T} NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    url ${T} NOT NULL,
    outcome ${T} NOT NULL,
    checked_at ${T} NOT NULL,
    data ${T} NOT NULL,
    PRIMARY KEY (run_id, url)
  );
  CREATE INDEX link_checks_site ON link_checks(site_id, url, run_id);
  CREATE TABLE findings (
    site_id ${T} NOT NULL,
    id ${T} NOT NULL,
    kind ${T} NOT NULL,
    reason ${T} NOT NULL,
    severity ${T} NOT NULL,
    column_id ${T} NOT NULL,
    department ${T} NOT NULL,
    page_url ${T} NOT NULL,
    target_url ${T},
    link_text ${T},
    message ${T} NOT NULL,
    maintainer ${T} NOT NULL,
    evidence ${T} NOT NULL DEFAULT '{}',
    first_seen ${T} NOT NULL,
    last_seen ${T} NOT NULL,
    state ${T} NOT NULL CHECK (state IN ('open','acknowledged','false-positive','fixed')),
    fixed_at ${T},
    reopened_count INTEGER NOT NULL DEFAULT 0,
    state_by ${T},
    column_name ${T},
    page_title ${T},
    last_run_id INTEGER,
    PRIMARY KEY (site_id, id)
  );
  CREATE INDEX findings_department ON findings(site_id, department, state);
  CREATE INDEX findings_page ON findings(site_id, page_url);
  CREATE INDEX findings_last_run ON findings(last_run_id);
  CREATE TABLE finding_events (
    id BIGSERIAL PRIMARY KEY,
    site_id ${T} NOT NULL,
    finding_id ${T} NOT NULL,
    at ${T} NOT NULL,
    event ${T} NOT NULL,
    by_name ${T},
    by_department ${T},
    note ${T},
    run_id INTEGER
  );
  CREATE INDEX finding_events_finding ON finding_events(site_id, finding_id, id);
  CREATE INDEX finding_events_at ON finding_events(at);
  `,
  // v2: per list column, the paging strategy that worked (crawl/paginate.ts): the next crawl starts with it.
  `
  CREATE TABLE paging_strategies (
    site_id TEXT NOT NULL,
    column_id TEXT NOT NULL,
    strategy TEXT NOT NULL,
    PRIMARY KEY (site_id, column_id)
  );
  `,
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** Any fixed number: the transaction-scoped advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x676f6e676b6169n; // "gongkai"

/**
 * Bring the database to PG_SCHEMA_VERSION. Throws (`tooNew`) when it was written by a newer gongkai. Returns the
 * version found and the version now.
 */
export async function migratePg(client: pg.ClientBase): Promise<{ from: number; to: number }> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK.toString()]);
    await client.query("CREATE TABLE IF NOT EXISTS gongkai_schema (version INTEGER NOT NULL)");
    const { rows } = await client.query<{ version: number }>("SELECT version FROM gongkai_schema");
    if (rows.length === 0) await client.query("INSERT INTO gongkai_schema (version) VALUES (0)");
    const from = rows[0]?.version ?? 0;
    if (from > PG_SCHEMA_VERSION) {
      const err = new Error(`database schema version ${from} is newer than this gongkai understands (${PG_SCHEMA_VERSION})`);
      (err as Error & { tooNew: number }).tooNew = from;
      throw err;
    }
    for (let v = from; v < PG_SCHEMA_VERSION; v++) await client.query(PG_MIGRATIONS[v]);
    await client.query("UPDATE gongkai_schema SET version = $1", [Math.max(from, PG_SCHEMA_VERSION)]);
    await client.query("COMMIT");
    return { from, to: Math.max(from, PG_SCHEMA_VERSION) };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}
