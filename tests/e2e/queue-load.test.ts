// Load: 50 small sites queued, 3 worker processes over real PostgreSQL. Every site is crawled exactly once, to the
// end; no site is crawled twice at once; sites that share a host are never crawled at the same time (the host's
// server never sees more requests in flight than one crawl's limit).
import { afterAll, beforeAll, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describePg, createTestDatabase, type TestDatabase } from "../helpers/pg.js";
import { page, startTestSite, type Route, type TestSite } from "./crawl-helpers.js";
import { openStore, type RunInfo } from "../../crawler/store/index.js";
import type { ConfigInput } from "../../shared/schema.js";
import { gongkai, gongkaiRun, sitesDone, type Proc } from "./queue-helpers.js";

const SITES = 50;
/** Sites 41–50 live five to a host on two hosts (paths /s1/ … /s5/); the others have a host each. */
const SHARED_HOSTS = 2;
const PER_SHARED_HOST = 5;
const CONCURRENCY = 2;

/** A small site under `prefix`: a home page, one column listing six documents (one of them missing). */
function addSmallSite(routes: Record<string, Route>, prefix: string, n: number): void {
  const items = Array.from({ length: 6 }, (_, i) => `<li><a href="${prefix}xxgk/t2024031${i}_${i}.html">第 ${n} 号网站的文件 ${i}</a><span>2024-03-1${i}</span></li>`);
  routes[`${prefix}`] = { body: page(`网站 ${n}`, `<a href="${prefix}xxgk/index.html">政策文件</a>`) };
  routes[`${prefix}xxgk/index.html`] = {
    body: page("政策文件", `<div class="crumb">当前位置：首页 &gt; 政策文件</div><ul class="list">${items.join("")}</ul>`, `<meta name="ColumnName" content="政策文件">`),
  };
  for (let i = 0; i < 5; i++)
    routes[`${prefix}xxgk/t2024031${i}_${i}.html`] = { body: page(`第 ${n} 号网站的文件 ${i}`, `<h1>第 ${n} 号网站的文件 ${i}</h1><p>发布日期：2024-03-1${i}</p><p>正文。</p>`) };
}

function configOf(id: string, base: string, n: number): ConfigInput {
  return {
    site: { id, name: `第 ${n} 号网站`, baseUrl: base },
    crawl: { concurrency: CONCURRENCY, requestTimeoutSecs: 5, maxPagesPerColumn: 20, contact: "ops@example.invalid", retries: 0, respectRobotsTxt: false },
    columns: [{ id: "zcwj", name: "政策文件", url: new URL("xxgk/index.html", base).toString(), type: "policy", maintainer: { department: "办公室", name: "张三" } }],
  };
}

describePg("queue: 50 sites, 3 workers", () => {
  let db: TestDatabase;
  let dir: string;
  const servers: TestSite[] = [];
  const sharedServers: TestSite[] = [];
  const configs: string[] = [];
  const procs: Proc[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-queue-load-"));
    const write = (id: string, base: string, n: number) => {
      const file = path.join(dir, `${id}.json`);
      writeFileSync(file, JSON.stringify(configOf(id, base, n)));
      configs.push(file);
    };
    const own = SITES - SHARED_HOSTS * PER_SHARED_HOST;
    for (let n = 1; n <= own; n++) {
      const routes: Record<string, Route> = {};
      addSmallSite(routes, "/", n);
      const s = await startTestSite(routes, { latencyMs: 20 });
      servers.push(s);
      write(`site${n}`, s.baseUrl, n);
    }
    for (let h = 0; h < SHARED_HOSTS; h++) {
      const routes: Record<string, Route> = {};
      const ns = Array.from({ length: PER_SHARED_HOST }, (_, i) => own + h * PER_SHARED_HOST + i + 1);
      ns.forEach((n, i) => addSmallSite(routes, `/s${i + 1}/`, n));
      const s = await startTestSite(routes, { latencyMs: 20 });
      sharedServers.push(s);
      ns.forEach((n, i) => write(`site${n}`, new URL(`/s${i + 1}/`, s.baseUrl).toString(), n));
    }
  });

  afterAll(async () => {
    for (const p of procs) p.kill("SIGKILL");
    await Promise.all(procs.map((p) => p.exit));
    await Promise.all([...servers, ...sharedServers].map((s) => s.close()));
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("crawls every site once, never one site twice at once, never two sites of one host at once", async () => {
    const out = path.join(dir, "out");
    const queued = await gongkaiRun(["enqueue", "--db", db.url, ...configs.flatMap((c) => ["--config", c])], dir);
    expect(queued.code, queued.out).toBe(0);
    expect(queued.out.match(/已排队 queued /g)).toHaveLength(SITES);

    for (let i = 0; i < 3; i++) procs.push(gongkai(["worker", "--db", db.url, "--out", out, "--concurrency", "2", "--poll", "0.3"], dir));
    const t0 = Date.now();
    while (procs.reduce((n, p) => n + sitesDone(p.out).length, 0) < SITES) {
      if (Date.now() - t0 > 240_000) throw new Error(`timed out; logs:\n${procs.map((p) => p.out.slice(-3000)).join("\n----\n")}`);
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`a worker exited ${p.child.exitCode}:\n${p.out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const done = procs.flatMap((p) => sitesDone(p.out));
    expect(done.sort()).toEqual(Array.from({ length: SITES }, (_, i) => `site${i + 1}`).sort());
    // The load split: every worker took a share.
    for (const p of procs) expect(sitesDone(p.out).length).toBeGreaterThan(0);

    const store = await openStore(db.url);
    const runsBySite = new Map<string, RunInfo[]>();
    try {
      for (let n = 1; n <= SITES; n++) runsBySite.set(`site${n}`, await store.forSite(`site${n}`).runs());
    } finally {
      await store.close();
    }
    // Exactly one crawl per site, and it completed: no site was crawled twice (at once or at all).
    for (const [id, runs] of runsBySite) {
      expect(runs.map((r) => r.status), id).toEqual(["complete"]);
      expect(existsSync(path.join(out, id, "findings.json"))).toBe(true);
    }
    // Sites sharing a host: their runs never overlap, and the host never saw more than one crawl's requests at once.
    const own = SITES - SHARED_HOSTS * PER_SHARED_HOST;
    for (let h = 0; h < SHARED_HOSTS; h++) {
      const spans = Array.from({ length: PER_SHARED_HOST }, (_, i) => runsBySite.get(`site${own + h * PER_SHARED_HOST + i + 1}`)![0])
        .map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt!)] as const)
        .sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
      expect(sharedServers[h].maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
      expect(sharedServers[h].requests.length).toBeGreaterThanOrEqual(PER_SHARED_HOST * 7);
    }

    for (const p of procs) p.kill("SIGTERM");
    expect(await Promise.all(procs.map((p) => p.exit))).toEqual([0, 0, 0]);
  });
});
