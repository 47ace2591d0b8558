// The crawl lock: a second crawl on the same database is refused while the first lives; a crawl killed with
// SIGKILL leaves a lock that the next crawl takes over, and its run is marked aborted. Real processes, real file.
import { afterEach, beforeEach, expect, it } from "vitest";
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireCrawlLock, CrawlLockedError, openStore } from "../../crawler/store/index.js";

const storeModule = path.resolve("crawler/store/index.ts");
const site = { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" };
let dir: string;
let file: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-lock-"));
  file = path.join(dir, "gongkai.sqlite");
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Start a crawl in another process that begins a run and then stays alive until killed. */
async function startCrawlProcess(): Promise<{ pid: number; runId: number }> {
  const code = `
    const { openStore } = await import(${JSON.stringify(storeModule)});
    const s = openStore(${JSON.stringify(file)});
    const run = s.beginRun(${JSON.stringify(site)}, new Date().toISOString());
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

it("refuses a second crawl while a live process holds the lock, naming its pid", async () => {
  const { pid } = await startCrawlProcess();
  const store = openStore(file);
  try {
    let err: unknown;
    try {
      store.beginRun(site, new Date().toISOString());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CrawlLockedError);
    expect((err as Error).message).toMatch(new RegExp(`^另一个抓取正在进行 another crawl is running \\(pid ${pid} on .+ since \\d{4}-`));
    expect(() => acquireCrawlLock(file)).toThrow(CrawlLockedError);
    // The refused attempt left no run behind.
    expect(store.runs().length).toBe(1);
  } finally {
    store.close();
  }
});

it("a crawl killed with SIGKILL leaves a lock that the next crawl takes over, and its run is marked aborted", async () => {
  const { runId } = await startCrawlProcess();
  child!.kill("SIGKILL");
  await new Promise((r) => child!.once("exit", r));

  const store = openStore(file);
  try {
    expect(store.runs().find((r) => r.id === runId)).toMatchObject({ status: "aborted" });
    expect(store.lockHolder()).toMatchObject({ runId, dead: true });
    const run = store.beginRun(site, new Date().toISOString());
    expect(run.notes?.join(" ")).toMatch(/took over the crawl lock of a process that is gone/);
    store.finishRun(run.id, { complete: true, finishedAt: new Date().toISOString(), stats: {}, findings: [] });
    expect(store.lockHolder()).toBeUndefined();
  } finally {
    store.close();
  }
});

it("the same process cannot run two crawls at once either; finishing releases the lock", () => {
  const store = openStore(file);
  try {
    const first = store.beginRun(site, "2026-03-02T02:00:00.000Z");
    expect(() => store.beginRun(site, "2026-03-02T02:05:00.000Z")).toThrow(/另一个抓取正在进行 another crawl is running \(pid \d+/);
    store.finishRun(first.id, { complete: false, finishedAt: "2026-03-02T02:10:00.000Z", stats: {}, findings: [] });
    const lock = acquireCrawlLock(file);
    expect(() => store.beginRun(site, "2026-03-02T02:15:00.000Z")).toThrow(CrawlLockedError);
    lock.release();
    expect(() => store.beginRun(site, "2026-03-02T02:20:00.000Z")).not.toThrow();
  } finally {
    store.close();
  }
});

it("a lock from another host is respected until it is a day old", () => {
  openStore(file).close();
  const db = new Database(file);
  const put = (since: string) =>
    db.prepare("INSERT OR REPLACE INTO crawl_lock (id, pid, hostname, since, run_id, token) VALUES (1, 4242, 'crawler2.invalid', ?, NULL, 't')").run(since);
  put(new Date(Date.now() - 3600e3).toISOString());
  const store = openStore(file);
  try {
    expect(() => store.beginRun(site, new Date().toISOString())).toThrow(/pid 4242 on crawler2\.invalid/);
    put(new Date(Date.now() - 25 * 3600e3).toISOString());
    expect(store.beginRun(site, new Date().toISOString()).notes?.[0]).toMatch(/pid 4242 on crawler2\.invalid/);
  } finally {
    store.close();
    db.close();
  }
});
