// An older database opens in a newer gongkai: a database written at schema v1 (its DDL frozen here, as the first
// released gongkai wrote it) or v2 (the last single-site release) is upgraded in place, its history intact and
// kept under the site id derived from its base URL; a database from a newer gongkai is refused (SQLite and
// PostgreSQL).
import { afterEach, beforeEach, expect, it } from "vitest";
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MIGRATIONS, openStore, SCHEMA_VERSION, StoreError } from "../../crawler/store/index.js";
import { PG_SCHEMA_VERSION } from "../../crawler/store/pg-migrations.js";
import { createTestDatabase, PG } from "../helpers/pg.js";
import pg from "pg";

const V1_DDL = `
  CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running','complete','incomplete','aborted')), stats TEXT NOT NULL DEFAULT '{}',
    site_name TEXT NOT NULL DEFAULT '', base_url TEXT NOT NULL DEFAULT '', note TEXT);
  CREATE TABLE pages (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, record TEXT NOT NULL, fetched_at TEXT NOT NULL);
  CREATE TABLE link_checks (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, url TEXT NOT NULL,
    outcome TEXT NOT NULL, checked_at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, url));
  CREATE INDEX link_checks_url ON link_checks(url, checked_at);
  CREATE TABLE findings (id TEXT PRIMARY KEY, kind TEXT NOT NULL, reason TEXT NOT NULL, severity TEXT NOT NULL,
    column_id TEXT NOT NULL, department TEXT NOT NULL, page_url TEXT NOT NULL, target_url TEXT, link_text TEXT,
    message TEXT NOT NULL, maintainer TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '{}', first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('open','acknowledged','false-positive','fixed')),
    fixed_at TEXT, reopened_count INTEGER NOT NULL DEFAULT 0, state_by TEXT);
  CREATE INDEX findings_department ON findings(department, state);
  CREATE INDEX findings_page ON findings(page_url);
  CREATE TABLE finding_events (id INTEGER PRIMARY KEY AUTOINCREMENT, finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    at TEXT NOT NULL, event TEXT NOT NULL, by_name TEXT, by_department TEXT, note TEXT, run_id INTEGER);
  CREATE INDEX finding_events_finding ON finding_events(finding_id, id);
`;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-migrate-"));
  file = path.join(dir, "old.sqlite");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeV1(upTo = 1): void {
  const db = new Database(file);
  db.exec(V1_DDL);
  // v2 as the last release wrote it: its migration is frozen in migrations.ts (released migrations never change).
  for (let v = 1; v < upTo; v++) MIGRATIONS[v](db);
  db.prepare("INSERT INTO runs (started_at, finished_at, status, stats, site_name, base_url) VALUES (?, ?, 'complete', '{\"pagesCrawled\":3}', ?, ?)")
    .run("2026-01-05T02:00:00.000Z", "2026-01-05T02:10:00.000Z", "上海市嘉定区市场监督管理局", "http://127.0.0.1:8080/");
  // A run the old version left running (it crashed): it must come out aborted.
  db.prepare("INSERT INTO runs (started_at, status) VALUES (?, 'running')").run("2026-01-06T02:00:00.000Z");
  db.prepare(`INSERT INTO findings (id, kind, reason, severity, column_id, department, page_url, target_url, link_text, message,
      maintainer, evidence, first_seen, last_seen, state, state_by) VALUES
      ('old1', 'broken-link', 'http-404', 'high', 'tzgg', '办公室', 'http://127.0.0.1:8080/xxgk/tzgg/index.html',
       'http://127.0.0.1:8080/gone.html', '关于开展2026年“双随机、一公开”抽查的通知', '链接指向的页面不存在（404）。',
       '{"department":"办公室","name":"张三"}', '{"status":404}', '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:00.000Z',
       'acknowledged', '{"name":"张三","department":"办公室","at":"2026-01-05T09:00:00.000Z"}')`).run();
  db.prepare("INSERT INTO finding_events (finding_id, at, event, run_id) VALUES ('old1', '2026-01-05T02:00:00.000Z', 'new', 1)").run();
  db.prepare("INSERT INTO finding_events (finding_id, at, event, by_name, by_department) VALUES ('old1', '2026-01-05T09:00:00.000Z', 'acknowledged', '张三', '办公室')").run();
  db.pragma(`user_version = ${upTo}`);
  db.close();
}

it.each([1, 2])("upgrades a v%i database in place and keeps its findings, history and runs under the derived site id", async (version) => {
  writeV1(version);
  const store = await openStore(file);
  try {
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(await store.finding("old1")).toMatchObject({ siteId: "127-0-0-1-8080", state: "acknowledged", linkText: "关于开展2026年“双随机、一公开”抽查的通知", reopenedCount: 0 });
    expect((await store.history("old1")).map((h) => h.state)).toEqual(["open", "acknowledged"]);
    const runs = await store.runs();
    expect(runs.map((r) => [r.id, r.status, r.siteId])).toEqual([[2, "aborted", "127-0-0-1-8080"], [1, "complete", "127-0-0-1-8080"]]);
    expect(runs[1].stats).toEqual({ pagesCrawled: 3 });
    expect((await store.sites()).map((s) => [s.id, s.baseUrl])).toEqual([["127-0-0-1-8080", "http://127.0.0.1:8080/"]]);

    // And the upgraded database works as a new one: a crawl of the same site (its id derived from the base URL)
    // with the finding gone fixes it; the lock works.
    const run = await store.beginRun({ name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" }, "2026-01-12T02:00:00.000Z");
    await store.finishRun(run.id, { complete: true, finishedAt: "2026-01-12T02:10:00.000Z", stats: {}, findings: [], columnNames: {} });
    expect(await store.finding("old1")).toMatchObject({ state: "fixed", fixedAt: "2026-01-12T02:00:00.000Z" });
    expect((await store.history("old1")).map((h) => h.event)).toEqual(["new", "acknowledged", "fixed"]);
  } finally {
    await store.close();
  }
});

it("a read-only open of a database that still needs upgrading says so", async () => {
  writeV1();
  await expect(openStore(file, { readonly: true })).rejects.toThrow(/older than|open it writable once/);
});

it("refuses a database written by a newer gongkai, naming the file, and leaves it untouched", async () => {
  const db = new Database(file);
  db.exec("CREATE TABLE future (x)");
  db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  db.close();
  const err = await openStore(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe("too-new");
  expect((err as Error).message).toContain(file);
  const again = new Database(file, { readonly: true });
  expect(again.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION + 5);
  again.close();
});

it("a file that is not a database gets a clear error naming it", async () => {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(file, "这不是数据库 this is not a database, just text that is long enough to fill a header".repeat(20));
  await expect(openStore(file)).rejects.toThrow(new RegExp(`not a database.*${file.replace(/[.]/g, "\\.")}`));
});

it("a missing file opened read-only is reported as missing, not created", async () => {
  const { existsSync } = await import("node:fs");
  await expect(openStore(file, { readonly: true })).rejects.toThrow(/数据库文件不存在 database not found/);
  expect(existsSync(file)).toBe(false);
});

it.skipIf(!PG)("PostgreSQL: a database migrated by a newer gongkai is refused, naming it without its password", async () => {
  const t = await createTestDatabase();
  try {
    await (await openStore(t.url)).close();
    const c = new pg.Client({ connectionString: t.url });
    await c.connect();
    await c.query("UPDATE gongkai_schema SET version = $1", [PG_SCHEMA_VERSION + 5]);
    await c.end();
    const withPassword = t.url.replace("://root@", "://root:s3cret@");
    const err = await openStore(withPassword).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe("too-new");
    expect((err as Error).message).toContain(t.name);
    expect((err as Error).message).not.toContain("s3cret");
  } finally {
    await t.drop();
  }
});

it("PostgreSQL that does not answer: a clear error naming it, at once", async () => {
  const err = await openStore("postgres://root@127.0.0.1:1/gongkai").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe("unreachable");
  expect((err as Error).message).toMatch(/^无法连接 PostgreSQL 数据库 cannot reach the PostgreSQL database: postgres:\/\/root@127\.0\.0\.1:1\/gongkai/);
});
