// A crawl that outlives its --job-expiry: pg-boss returns the job to the queue while the crawl still runs. The
// worker's other slot takes it but waits on the host lock, so the site is never crawled twice at once; the late
// outcome of the first attempt does not complete the second one. Real PostgreSQL, a real worker, a slow site.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describePg, createTestDatabase, type TestDatabase } from "../helpers/pg.js";
import { page, startTestSite, type Route, type TestSite } from "./crawl-helpers.js";
import { openStore } from "../../crawler/store/index.js";
import { gongkai, gongkaiRun, sitesDone, type Proc } from "./queue-helpers.js";

describePg("queue: a crawl longer than its expiry", () => {
  let db: TestDatabase;
  let dir: string;
  let site: TestSite;
  const procs: Proc[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-queue-expiry-"));
    const routes: Record<string, Route> = {};
    const items = Array.from({ length: 12 }, (_, i) => `<li><a href="/xxgk/t2024030${i % 9}_${i}.html">文件 ${i}</a><span>2024-03-0${(i % 9) + 1}</span></li>`);
    routes["/"] = { body: page("首页", `<a href="/xxgk/index.html">政策文件</a>`) };
    routes["/xxgk/index.html"] = { body: page("政策文件", `<ul class="list">${items.join("")}</ul>`) };
    for (let i = 0; i < 12; i++) routes[`/xxgk/t2024030${i % 9}_${i}.html`] = { body: page(`文件 ${i}`, `<h1>文件 ${i}</h1><p>正文。</p>`) };
    site = await startTestSite(routes, { latencyMs: 700 });
    writeFileSync(
      path.join(dir, "slow.json"),
      JSON.stringify({
        site: { id: "slow", name: "很慢的网站", baseUrl: site.baseUrl },
        crawl: { concurrency: 2, requestTimeoutSecs: 10, retries: 0, respectRobotsTxt: false, contact: "ops@example.invalid" },
        columns: [{ id: "zcwj", name: "政策文件", url: `${site.baseUrl}xxgk/index.html`, type: "policy", maintainer: { department: "办公室", name: "张三" } }],
      }),
    );
  });

  afterAll(async () => {
    for (const p of procs) p.kill("SIGKILL");
    await Promise.all(procs.map((p) => p.exit));
    await site?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is queued again, waits for the host, never runs twice at once", async () => {
    const q = await gongkaiRun(["enqueue", "--db", db.url, "--config", path.join(dir, "slow.json"), "--job-expiry", "2", "--retry-delay", "0"], dir);
    expect(q.code, q.out).toBe(0);
    const worker = gongkai(["worker", "--db", db.url, "--out", path.join(dir, "out"), "--poll", "0.3", "--check-expired", "1", "--concurrency", "2"], dir);
    procs.push(worker);
    await worker.waitFor(/等待 waiting: 同一主机上的另一个网站正在抓取/, 1, 60_000);
    await worker.waitFor(/本次结果不回报 the job outlived its expiry/, 1, 90_000);
    // The second attempt expires too (the site is slow): by then it holds the host and the first has ended.
    await worker.waitFor(/抓取完成 crawl done|本次结果不回报/, 2, 90_000);
    worker.kill("SIGTERM");
    expect(await worker.exit).toBe(0);
    expect(site.maxInFlight).toBeLessThanOrEqual(2);
    const store = await openStore(db.url, { siteId: "slow" });
    try {
      const runs = (await store.runs()).filter((r) => r.finishedAt).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      expect(runs.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < runs.length; i++) expect(Date.parse(runs[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].finishedAt!));
    } finally {
      await store.close();
    }
    expect(sitesDone(worker.out).length).toBeLessThanOrEqual(1);
  });
});
