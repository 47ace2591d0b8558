// The crawl lock, per site, on both backends: a second crawl of a site is refused while the first lives (naming
// its pid), a crawl of another site is not; a crawl killed with SIGKILL does not block the next one, and its run
// is marked aborted. SQLite keeps a lock row (a dead pid's lock is taken over); PostgreSQL an advisory lock that
// the server drops with the killed process's connection. Real processes, a real file, a real database.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireCrawlLock, CrawlLockedError, openStore, SqliteStore } from "../../crawler/store/index.js";
import { createTestDatabase, PG } from "../helpers/pg.js";
import pg from "pg";

const storeModule = path.resolve("crawler/store/index.ts");
const site = { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" };
const siteId = "127-0-0-1-8080";
const otherSite = { id: "jiading-wsjkw", name: "上海市嘉定区卫生健康委员会", baseUrl: "http://127.0.0.2:8080/" };
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Start a crawl in another process that begins a run and then stays alive until killed. */
async function startCrawlProcess(db: string): Promise<{ pid: number; runId: number }> {
  const code = `
    const { openStore } = await import(${JSON.stringify(storeModule)});
    const s = await openStore(${JSON.stringify(db)});
    const run = await s.beginRun(${JSON.stringify(site)}, new Date().toISOString());
    console.log("begun " + run.id);
    setInterval(() => {}, 1000);`;
  child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const runId = await new Promise<number>((resolve, reject) => {
    child!.stdout!.on("data", (d) => {
      out += d;
      const m = /begun (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child!.on("exit", (c) => reject(new Error(`child exited ${c}: ${err}`)));
  });
  return { pid: child.pid!, runId };
}

const BACKENDS = [
  {
    name: "SQLite",
    available: true,
    async create(): Promise<{ db: string; cleanup: () => Promise<void> }> {
      const dir = mkdtempSync(path.join(tmpdir(), "gongkai-lock-"));
      return { db: path.join(dir, "gongkai.sqlite"), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "PostgreSQL",
    available: PG,
    async create(): Promise<{ db: string; cleanup: () => Promise<void> }> {
      const t = await createTestDatabase();
      return { db: t.url, cleanup: t.drop };
    },
  },
];

describe.each(BACKENDS)("$name crawl lock", (backend) => {
  let db: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    if (backend.available) ({ db, cleanup } = await backend.create());
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));
    }
    if (backend.available) await cleanup();
  });

  describe.skipIf(!backend.available)(backend.name, () => {
    it("refuses a second crawl of the site while a live process holds the lock, naming its pid; another site crawls meanwhile", async () => {
      const { pid } = await startCrawlProcess(db);
      const store = await openStore(db);
      try {
        const err = await store.beginRun(site, new Date().toISOString()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CrawlLockedError);
        expect((err as Error).message).toMatch(new RegExp(`^另一个抓取正在进行 another crawl is running \\(pid ${pid} on .+ since \\d{4}-`));
        await expect(acquireCrawlLock(db, siteId)).rejects.toThrow(CrawlLockedError);
        // The refused attempt left no run behind.
        expect((await store.runs()).length).toBe(1);
        // A crawl of another site in the same store is not held up.
        const other = await store.beginRun(otherSite, new Date().toISOString());
        await store.finishRun(other.id, { complete: true, finishedAt: new Date().toISOString(), stats: {}, findings: [] });
      } finally {
        await store.close();
      }
    });

    it("a crawl killed with SIGKILL does not block the next crawl, and its run is marked aborted", async () => {
      const { runId, pid } = await startCrawlProcess(db);
      child!.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));

      const store = await openStore(db);
      try {
        const run = await store.beginRun(site, new Date().toISOString());
        expect((await store.runs()).find((r) => r.id === runId)).toMatchObject({ status: "aborted" });
        expect((await store.runs()).find((r) => r.id === runId)?.notes?.join(" ")).toMatch(new RegExp(`pid ${pid}.*exited before finishing`));
        await store.finishRun(run.id, { complete: true, finishedAt: new Date().toISOString(), stats: {}, findings: [] });
        // Finishing released the lock.
        await (await acquireCrawlLock(db, siteId)).release();
      } finally {
        await store.close();
      }
    });

    it("the same process cannot run two crawls of one site at once either; finishing releases the lock", async () => {
      const store = await openStore(db);
      try {
        const first = await store.beginRun(site, "2026-03-02T02:00:00.000Z");
        await expect(store.beginRun(site, "2026-03-02T02:05:00.000Z")).rejects.toThrow(/另一个抓取正在进行 another crawl is running \(pid \d+/);
        await store.finishRun(first.id, { complete: false, finishedAt: "2026-03-02T02:10:00.000Z", stats: {}, findings: [] });
        const lock = await acquireCrawlLock(db, siteId);
        await expect(store.beginRun(site, "2026-03-02T02:15:00.000Z")).rejects.toThrow(CrawlLockedError);
        await lock.release();
        const again = await store.beginRun(site, "2026-03-02T02:20:00.000Z");
        expect(again.status).toBe("running");
      } finally {
        await store.close();
      }
    });
  });
});

describe.skipIf(!PG)("PostgreSQL only", () => {
  it("a run whose lock connection was cut saves nothing: another crawl of the site may be running by then", async () => {
    const t = await createTestDatabase();
    const store = await openStore(t.url);
    try {
      const run = await store.beginRun(site, "2026-03-02T02:00:00.000Z");
      // The server ends the lock's connection (as a network cut or a restart would): the lock is free at once.
      const admin = await openStore(t.url);
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      const killed = await c.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE $1",
        [`gongkai-lock ${process.pid} %`],
      );
      await c.end();
      expect(killed.rows[0].n).toBe(1);
      const other = await admin.beginRun(site, "2026-03-02T02:30:00.000Z");
      await expect(
        store.finishRun(run.id, { complete: true, finishedAt: "2026-03-02T03:00:00.000Z", stats: {}, findings: [] }),
      ).rejects.toThrow(/lost its crawl lock.*nothing was saved/);
      // The crawl that took the lock marked the cut run aborted.
      expect((await store.runs()).find((r) => r.id === run.id)?.status).toBe("aborted");
      await admin.finishRun(other.id, { complete: true, finishedAt: "2026-03-02T03:00:00.000Z", stats: {}, findings: [] });
      await admin.close();
    } finally {
      await store.close();
      await t.drop();
    }
  });
});

describe("SQLite only", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-lock-"));
    file = path.join(dir, "gongkai.sqlite");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a killed crawl's lock row is taken over, and the next run says so", async () => {
    const { runId } = await startCrawlProcess(file);
    child!.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));
    const store = new SqliteStore(file);
    try {
      expect((await store.runs()).find((r) => r.id === runId)).toMatchObject({ status: "aborted" });
      expect(await store.lockHolder(siteId)).toMatchObject({ runId, dead: true });
      const run = await store.beginRun(site, new Date().toISOString());
      expect(run.notes?.join(" ")).toMatch(/took over the crawl lock of a process that is gone/);
      await store.finishRun(run.id, { complete: true, finishedAt: new Date().toISOString(), stats: {}, findings: [] });
      expect(await store.lockHolder(siteId)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("a lock from another host is respected until it is a day old", async () => {
    await (await openStore(file)).close();
    const db = new Database(file);
    const put = (since: string) =>
      db.prepare("INSERT OR REPLACE INTO crawl_lock (site_id, pid, hostname, since, run_id, token) VALUES (?, 4242, 'crawler2.invalid', ?, NULL, 't')").run(siteId, since);
    put(new Date(Date.now() - 3600e3).toISOString());
    const store = await openStore(file);
    try {
      await expect(store.beginRun(site, new Date().toISOString())).rejects.toThrow(/pid 4242 on crawler2\.invalid/);
      put(new Date(Date.now() - 25 * 3600e3).toISOString());
      expect((await store.beginRun(site, new Date().toISOString())).notes?.[0]).toMatch(/pid 4242 on crawler2\.invalid/);
    } finally {
      await store.close();
      db.close();
    }
  });
});
