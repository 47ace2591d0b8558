// Versioned schema migrations. The database's version is PRAGMA user_version; migration i (0-based) brings a
// database from version i to i+1. Released migrations are never edited: a change is a new function at the end,
// so any older database opens in a newer gongkai. Each migration runs in the same transaction as the version bump.
import type Database from "better-sqlite3";
import { defaultSiteId } from "../../shared/schema.js";

export type Migration = (db: Database.Database) => void;

export const MIGRATIONS: Migration[] = [
  // v1: runs, the page cache, link checks per run, findings with their lifecycle, and their history.
  (db) => {
    db.exec(`
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running','complete','incomplete','aborted')),
        stats TEXT NOT NULL DEFAULT '{}',
        site_name TEXT NOT NULL DEFAULT '',
        base_url TEXT NOT NULL DEFAULT '',
        note TEXT
      );
      CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        record TEXT NOT NULL,
        fetched_at TEXT NOT NULL
      );
      CREATE TABLE link_checks (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        outcome TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (run_id, url)
      );
      CREATE INDEX link_checks_url ON link_checks(url, checked_at);
      CREATE TABLE findings (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        severity TEXT NOT NULL,
        column_id TEXT NOT NULL,
        department TEXT NOT NULL,
        page_url TEXT NOT NULL,
        target_url TEXT,
        link_text TEXT,
        message TEXT NOT NULL,
        maintainer TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open','acknowledged','false-positive','fixed')),
        fixed_at TEXT,
        reopened_count INTEGER NOT NULL DEFAULT 0,
        state_by TEXT
      );
      CREATE INDEX findings_department ON findings(department, state);
      CREATE INDEX findings_page ON findings(page_url);
      CREATE TABLE finding_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        by_name TEXT,
        by_department TEXT,
        note TEXT,
        run_id INTEGER
      );
      CREATE INDEX finding_events_finding ON finding_events(finding_id, id);
    `);
  },
  // v2: the crawl lock (survives a crash: holder's pid and host, so a dead holder can be recognised), who ran a
  // run (to mark runs of dead processes aborted), names kept for reports, the last run that saw each finding.
  (db) => {
    db.exec(`
      CREATE TABLE crawl_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pid INTEGER NOT NULL,
        hostname TEXT NOT NULL,
        since TEXT NOT NULL,
        run_id INTEGER,
        token TEXT NOT NULL
      );
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN hostname TEXT;
      ALTER TABLE findings ADD COLUMN column_name TEXT;
      ALTER TABLE findings ADD COLUMN page_title TEXT;
      ALTER TABLE findings ADD COLUMN last_run_id INTEGER;
      CREATE INDEX finding_events_at ON finding_events(at);
    `);
  },
  // v3: several sites in one store. Every table is keyed by site_id as well. A database of the last release held
  // one site: all its history goes to the id derived from the base URL of its latest run (defaultSiteId).
  // findings and pages change their primary keys, so they are copied into new tables; finding_events loses its
  // foreign key (a cascade that never ran: findings are never deleted), which lets the old tables be dropped
  // without the cascade emptying the history.
  (db) => {
    const latest = db.prepare("SELECT base_url FROM runs WHERE base_url <> '' ORDER BY id DESC LIMIT 1").get() as { base_url: string } | undefined;
    let site = "site";
    try {
      if (latest) site = defaultSiteId(latest.base_url);
    } catch {
      // A base URL that does not parse: the fallback id.
    }
    const held = db.prepare("SELECT * FROM crawl_lock").all();
    db.exec(`
      ALTER TABLE runs ADD COLUMN site_id TEXT NOT NULL DEFAULT '';
      CREATE INDEX runs_site ON runs(site_id, id);
      ALTER TABLE link_checks ADD COLUMN site_id TEXT NOT NULL DEFAULT '';
      CREATE INDEX link_checks_site ON link_checks(site_id, url, run_id);
      CREATE TABLE findings_v3 (
        site_id TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        severity TEXT NOT NULL,
        column_id TEXT NOT NULL,
        department TEXT NOT NULL,
        page_url TEXT NOT NULL,
        target_url TEXT,
        link_text TEXT,
        message TEXT NOT NULL,
        maintainer TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open','acknowledged','false-positive','fixed')),
        fixed_at TEXT,
        reopened_count INTEGER NOT NULL DEFAULT 0,
        state_by TEXT,
        column_name TEXT,
        page_title TEXT,
        last_run_id INTEGER,
        PRIMARY KEY (site_id, id)
      );
      INSERT INTO findings_v3 SELECT @site, id, kind, reason, severity, column_id, department, page_url, target_url,
        link_text, message, maintainer, evidence, first_seen, last_seen, state, fixed_at, reopened_count, state_by,
        column_name, page_title, last_run_id FROM findings;
      CREATE TABLE finding_events_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site_id TEXT NOT NULL,
        finding_id TEXT NOT NULL,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        by_name TEXT,
        by_department TEXT,
        note TEXT,
        run_id INTEGER
      );
      INSERT INTO finding_events_v3 SELECT id, @site, finding_id, at, event, by_name, by_department, note, run_id FROM finding_events;
      CREATE TABLE pages_v3 (
        site_id TEXT NOT NULL,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        record TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (site_id, url)
      );
      INSERT INTO pages_v3 SELECT @site, url, etag, last_modified, record, fetched_at FROM pages;
      DROP TABLE finding_events;
      DROP TABLE findings;
      DROP TABLE pages;
      ALTER TABLE findings_v3 RENAME TO findings;
      ALTER TABLE finding_events_v3 RENAME TO finding_events;
      ALTER TABLE pages_v3 RENAME TO pages;
      CREATE INDEX findings_department ON findings(site_id, department, state);
      CREATE INDEX findings_page ON findings(site_id, page_url);
      CREATE INDEX findings_last_run ON findings(last_run_id);
      CREATE INDEX finding_events_finding ON finding_events(site_id, finding_id, id);
      CREATE INDEX finding_events_at ON finding_events(at);
      DROP TABLE crawl_lock;
      CREATE TABLE crawl_lock (
        site_id TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        hostname TEXT NOT NULL,
        since TEXT NOT NULL,
        run_id INTEGER,
        token TEXT NOT NULL
      );
    `.replaceAll("@site", "'" + site.replaceAll("'", "''") + "'"));
    db.prepare("UPDATE runs SET site_id = ?").run(site);
    db.prepare("UPDATE link_checks SET site_id = ?").run(site);
    const put = db.prepare("INSERT INTO crawl_lock (site_id, pid, hostname, since, run_id, token) VALUES (?, ?, ?, ?, ?, ?)");
    for (const h of held as { pid: number; hostname: string; since: string; run_id: number | null; token: string }[])
      put.run(site, h.pid, h.hostname, h.since, h.run_id, h.token);
  },
  // v4: per list column, the paging strategy that worked (crawl/paginate.ts): the next crawl starts with it.
  (db) => {
    db.exec(`
      CREATE TABLE paging_strategies (
        site_id TEXT NOT NULL,
        column_id TEXT NOT NULL,
        strategy TEXT NOT NULL,
        PRIMARY KEY (site_id, column_id)
      );
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Bring the database to SCHEMA_VERSION. Throws when the file was written by a newer gongkai. */
export function migrate(db: Database.Database, upTo = SCHEMA_VERSION): { from: number; to: number } {
  const from = db.pragma("user_version", { simple: true }) as number;
  if (from > SCHEMA_VERSION) {
    const err = new Error(`database schema version ${from} is newer than this gongkai understands (${SCHEMA_VERSION})`);
    (err as Error & { tooNew: true }).tooNew = true;
    throw err;
  }
  for (let v = from; v < upTo; v++) {
    db.transaction(() => {
      MIGRATIONS[v](db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return { from, to: Math.max(from, upTo) };
}
