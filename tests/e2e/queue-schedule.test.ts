// `schedule --db postgres://…` with several configs: each site is queued on its own cron, never twice while
// still queued, and a worker crawls what was queued. SIGTERM stops the scheduler with exit 0.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describePg, createTestDatabase, type TestDatabase } from "../helpers/pg.js";
import { page, startTestSite, type TestSite } from "./crawl-helpers.js";
import { gongkai, gongkaiRun, sitesDone, type Proc } from "./queue-helpers.js";

describePg("schedule with PostgreSQL: queues each site on its cron", () => {
  let db: TestDatabase;
  let dir: string;
  const sites: TestSite[] = [];
  const procs: Proc[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-queue-schedule-"));
    for (const id of ["alpha", "beta"]) {
      const s = await startTestSite({
        "/": { body: page("首页", `<a href="/xxgk/index.html">政策文件</a>`) },
        "/xxgk/index.html": { body: page("政策文件", `<ul class="list"><li><a href="/xxgk/gone.html">已删除的文件</a><span>2024-03-01</span></li></ul>`) },
      });
      sites.push(s);
      writeFileSync(
        path.join(dir, `${id}.json`),
        JSON.stringify({
          site: { id, name: `网站 ${id}`, baseUrl: s.baseUrl },
          crawl: { concurrency: 2, requestTimeoutSecs: 5, retries: 0, respectRobotsTxt: false, contact: "ops@example.invalid" },
          // alpha every second; beta never during the test (Feb 29th at 03:00): only --run-now queues it.
          schedule: { crawl: id === "alpha" ? "* * * * * *" : "0 3 29 2 *", timezone: "Asia/Shanghai" },
          columns: [{ id: "zcwj", name: "政策文件", url: new URL("/xxgk/index.html", s.baseUrl).toString(), type: "policy", maintainer: { department: "办公室", name: "张三" } }],
        }),
      );
    }
  });

  afterAll(async () => {
    for (const p of procs) p.kill("SIGKILL");
    await Promise.all(procs.map((p) => p.exit));
    await Promise.all(sites.map((s) => s.close()));
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("queues alpha every tick (once while queued), beta at --run-now; a worker crawls both", async () => {
    const bad = await gongkaiRun(["schedule", "--db", db.url, "--config", path.join(dir, "alpha.json"), "--config", path.join(dir, "missing.json")], dir);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("无法读取配置文件 cannot read config");

    // enqueue: one bad config among good ones → exit 2 naming it, nothing queued (the scheduler below is first to queue alpha).
    const badEnqueue = await gongkaiRun(["enqueue", "--db", db.url, "--config", path.join(dir, "alpha.json"), "--config", path.join(dir, "missing.json")], dir);
    expect(badEnqueue.code).toBe(2);
    expect(badEnqueue.out).toContain("missing.json");
    const sqlite = await gongkaiRun(["enqueue", "--db", path.join(dir, "x.sqlite"), "--config", path.join(dir, "alpha.json")], dir);
    expect(sqlite.code).toBe(2);
    expect(sqlite.out).toContain("enqueue 需要 PostgreSQL 数据库 needs a PostgreSQL database");

    const cfg = ["--config", path.join(dir, "alpha.json"), "--config", path.join(dir, "beta.json")];
    const scheduler = gongkai(["schedule", "--db", db.url, ...cfg, "--run-now", "crawl"], dir);
    procs.push(scheduler);
    await scheduler.waitFor(/已排队 queued beta/);
    await scheduler.waitFor(/已在队列中 already queued alpha/, 2, 30_000);
    // Nobody crawls yet: alpha was queued once, every later tick found it still queued.
    expect(scheduler.count(/已排队 queued alpha/)).toBe(1);

    const worker = gongkai(["worker", "--db", db.url, "--out", path.join(dir, "out"), "--poll", "0.3"], dir);
    procs.push(worker);
    await worker.waitFor(/完成 done alpha /, 1, 60_000);
    await worker.waitFor(/完成 done beta /, 1, 60_000);
    // Alpha may have been crawled again by now (the scheduler queues it anew once its crawl is over): both were crawled.
    expect([...new Set(sitesDone(worker.out))].sort()).toEqual(["alpha", "beta"]);
    // Once alpha's crawl is over, a tick queues it again (while it ran, ticks found it live and skipped it).
    await scheduler.waitFor(/已排队 queued alpha/, 2, 30_000);

    scheduler.kill("SIGTERM");
    worker.kill("SIGTERM");
    expect(await scheduler.exit).toBe(0);
    expect(await worker.exit).toBe(0);
    expect(scheduler.out).toContain("已停止 stopped");
  });
});
