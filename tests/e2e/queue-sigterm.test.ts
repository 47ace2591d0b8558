// A worker stopped with SIGTERM: with no grace it stops its running crawl (an incomplete run: nothing marked fixed)
// and hands the job back, exit 0; the next worker takes the job at once. With grace, SIGTERM lets the running crawl
// finish, then exit 0. Real PostgreSQL, real worker processes, a slow site on loopback.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describePg, createTestDatabase, type TestDatabase } from "../helpers/pg.js";
import { page, startTestSite, type Route, type TestSite } from "./crawl-helpers.js";
import { openStore } from "../../crawler/store/index.js";
import { gongkai, gongkaiRun, sitesDone, type Proc } from "./queue-helpers.js";

describePg("queue: SIGTERM hands back or finishes the running crawl", () => {
  let db: TestDatabase;
  let dir: string;
  let site: TestSite;
  const procs: Proc[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-queue-sigterm-"));
    const routes: Record<string, Route> = {};
    const items = Array.from({ length: 16 }, (_, i) => `<li><a href="/xxgk/t2024030${i % 9}_${i}.html">文件 ${i}</a><span>2024-03-0${(i % 9) + 1}</span></li>`);
    routes["/"] = { body: page("首页", `<a href="/xxgk/index.html">政策文件</a>`) };
    routes["/xxgk/index.html"] = { body: page("政策文件", `<ul class="list">${items.join("")}</ul>`) };
    for (let i = 1; i < 16; i++) routes[`/xxgk/t2024030${i % 9}_${i}.html`] = { body: page(`文件 ${i}`, `<h1>文件 ${i}</h1><p>正文。</p>`) };
    // Item 0 is missing: a finding a complete crawl writes.
    site = await startTestSite(routes, { latencyMs: 400 });
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

  it("no grace: stopped and handed back, exit 0; with grace: the crawl finishes, exit 0", async () => {
    const q = await gongkaiRun(["enqueue", "--db", db.url, "--config", path.join(dir, "slow.json"), "--retry-delay", "0"], dir);
    expect(q.code, q.out).toBe(0);
    const args = ["worker", "--db", db.url, "--out", path.join(dir, "out"), "--poll", "0.3"];

    const first = gongkai([...args, "--stop-grace", "0"], dir);
    procs.push(first);
    await first.waitFor(/开始抓取 crawl started/);
    while (site.requests.length < 4) await new Promise((r) => setTimeout(r, 50));
    first.kill("SIGTERM");
    expect(await first.exit).toBe(0);
    expect(first.out).toContain("已交还队列 handed back");
    expect(sitesDone(first.out)).toEqual([]);

    const store = await openStore(db.url, { siteId: "slow" });
    try {
      expect((await store.runs()).map((r) => r.status)).toEqual(["incomplete"]);
      expect((await store.findings()).filter((f) => f.state === "fixed")).toEqual([]);
    } finally {
      await store.close();
    }

    // The job is back in the queue: the next worker takes it; SIGTERM now lets that crawl finish.
    const second = gongkai(args, dir);
    procs.push(second);
    await second.waitFor(/开始抓取 crawl started/);
    second.kill("SIGTERM");
    expect(await second.exit).toBe(0);
    expect(sitesDone(second.out)).toEqual(["slow"]);
    const after = await openStore(db.url, { siteId: "slow" });
    try {
      expect((await after.runs()).map((r) => r.status)).toEqual(["complete", "incomplete"]);
      expect((await after.findings({ kinds: ["broken-link"] })).map((f) => f.targetUrl)).toEqual([`${site.baseUrl}xxgk/t20240300_0.html`]);
    } finally {
      await after.close();
    }
  });
});
