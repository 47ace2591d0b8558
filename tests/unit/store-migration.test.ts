// An older database opens in a newer gongkai: a database written at schema v1 (its DDL frozen here, as the first
// released gongkai wrote it) is upgraded in place, its history intact; a database from a newer gongkai is refused.
import { afterEach, beforeEach, expect, it } from "vitest";
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, SCHEMA_VERSION, StoreError } from "../../crawler/store/index.js";

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

function writeV1(): void {
  const db = new Database(file);
  db.exec(V1_DDL);
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
  db.pragma("user_version = 1");
  db.close();
}

it("upgrades a v1 database in place and keeps its findings, history and runs", () => {
  writeV1();
  const store = openStore(file);
  try {
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.finding("old1")).toMatchObject({ state: "acknowledged", linkText: "关于开展2026年“双随机、一公开”抽查的通知", reopenedCount: 0 });
    expect(store.history("old1").map((h) => h.state)).toEqual(["open", "acknowledged"]);
    const runs = store.runs();
    expect(runs.map((r) => [r.id, r.status])).toEqual([[2, "aborted"], [1, "complete"]]);
    expect(runs[1].stats).toEqual({ pagesCrawled: 3 });

    // And the upgraded database works as a new one: a crawl with the finding gone fixes it; the lock works.
    const run = store.beginRun({ name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" }, "2026-01-12T02:00:00.000Z");
    store.finishRun(run.id, { complete: true, finishedAt: "2026-01-12T02:10:00.000Z", stats: {}, findings: [], columnNames: {} });
    expect(store.finding("old1")).toMatchObject({ state: "fixed", fixedAt: "2026-01-12T02:00:00.000Z" });
  } finally {
    store.close();
  }
});

it("a read-only open of a database that still needs upgrading says so", () => {
  writeV1();
  expect(() => openStore(file, { readonly: true })).toThrow(/older than|open it writable once/);
});

it("refuses a database written by a newer gongkai, naming the file, and leaves it untouched", () => {
  const db = new Database(file);
  db.exec("CREATE TABLE future (x)");
  db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  db.close();
  let err: unknown;
  try {
    openStore(file);
  } catch (e) {
    err = e;
  }
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
  expect(() => openStore(file)).toThrow(new RegExp(`not a database.*${file.replace(/[.]/g, "\\.")}`));
});

it("a missing file opened read-only is reported as missing, not created", async () => {
  const { existsSync } = await import("node:fs");
  expect(() => openStore(file, { readonly: true })).toThrow(/数据库文件不存在 database not found/);
  expect(existsSync(file)).toBe(false);
});
