// Many sites, many machines: 5 demo sites queued, 2 worker processes draining the queue over real PostgreSQL
// (pg-boss). One worker is killed with SIGKILL mid-crawl: after the job expiry its sites are crawled again by the
// other worker, their findings are complete and the same as a single-process crawl of the same site, and the
// killed run changed no finding (its run is aborted, no history entry names it, nothing was marked fixed).
import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describePg, createTestDatabase, type TestDatabase } from "../helpers/pg.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import { openStore } from "../../crawler/store/index.js";
import type { FindingsFile } from "../../shared/schema.js";
import { gongkai, gongkaiRun, sitesDone, sitesStarted, type Proc } from "./queue-helpers.js";

const SITES = 5;
/**
 * Longer than any crawl of a demo site here (about 20 s alone, with one crawl per worker), short enough for a test:
 * a dead worker's job returns after this. A crawl that outlives its expiry is queued again (see docs/many-sites.md).
 */
const JOB_EXPIRY_SECS = 90;

function findingKeys(file: string): string[] {
  const f = JSON.parse(readFileSync(file, "utf8")) as FindingsFile;
  return f.findings.map((x) => JSON.stringify([x.id, x.kind, x.reason, x.columnId, x.pageUrl, x.targetUrl ?? ""])).sort();
}

describePg("queue: two workers, one killed mid-crawl", () => {
  let db: TestDatabase;
  let dir: string;
  const sites: DemoSite[] = [];
  const configs: string[] = [];
  const procs: Proc[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-queue-kill-"));
    for (let i = 1; i <= SITES; i++) {
      const site = await startDemoSite({ latencyMs: 5 });
      sites.push(site);
      const config = structuredClone(site.config);
      config.site.id = `demo${i}`;
      const file = path.join(dir, `demo${i}.json`);
      writeFileSync(file, JSON.stringify(config));
      configs.push(file);
    }
  });

  afterAll(async () => {
    for (const p of procs) p.kill("SIGKILL");
    await Promise.all(procs.map((p) => p.exit));
    await Promise.all(sites.map((s) => s.close()));
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("drains the queue; the killed worker's sites are crawled again, complete, as one process would, nothing marked fixed", async () => {
    const out = path.join(dir, "out");
    const queued = await gongkaiRun(
      ["enqueue", "--db", db.url, ...configs.flatMap((c) => ["--config", c]), "--job-expiry", String(JOB_EXPIRY_SECS), "--retry-delay", "1"],
      dir,
    );
    expect(queued.out).toMatch(/已排队 queued demo1 /);
    expect(queued.code).toBe(0);
    // Queued again while still queued: not queued twice.
    const again = await gongkaiRun(["enqueue", "--db", db.url, "--config", configs[0]], dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain("已在队列中 already queued demo1");

    const workerArgs = ["worker", "--db", db.url, "--out", out, "--concurrency", "1", "--poll", "0.5", "--check-expired", "1"];
    const doomed = gongkai(workerArgs, dir);
    procs.push(doomed);
    await doomed.waitFor(/开始抓取 crawl started/);
    const survivor = gongkai(workerArgs, dir);
    procs.push(survivor);
    await survivor.waitFor(/开始抓取 crawl started/);
    // Mid-crawl: the doomed worker's sites have been asked for pages, and it has finished none.
    const killed = sitesStarted(doomed.out);
    expect(killed).toHaveLength(1);
    const requestsOf = (id: string) => sites[Number(id.replace("demo", "")) - 1].requests.length;
    const t0 = Date.now();
    while (killed.some((id) => requestsOf(id) < 50) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
    expect(killed.every((id) => requestsOf(id) >= 50)).toBe(true);
    expect(sitesDone(doomed.out)).toEqual([]);
    doomed.kill("SIGKILL");
    expect(await doomed.exit).toBe(null);
    // Queued again while its job is still active (held by the dead worker until it expires): not queued again — a
    // second job beside an active one would stall pg-boss 10's fetch for every site.
    const killedConfig = configs[Number(killed[0].replace("demo", "")) - 1];
    const whileActive = await gongkaiRun(["enqueue", "--db", db.url, "--config", killedConfig], dir);
    expect(whileActive.code).toBe(0);
    expect(whileActive.out).toContain(`已在队列中 already queued ${killed[0]}`);

    // The survivor crawls all five, the two killed ones after their jobs expired.
    await survivor.waitFor(/完成 done /, SITES, 240_000);
    const done = sitesDone(survivor.out);
    expect(done.sort()).toEqual(Array.from({ length: SITES }, (_, i) => `demo${i + 1}`));
    for (const id of killed) expect(sitesStarted(survivor.out)).toContain(id);

    const store = await openStore(db.url);
    try {
      for (const id of killed) {
        const runs = await store.forSite(id).runs();
        // Newest first: the survivor's complete run, then the killed one, found dead and marked aborted.
        expect(runs.map((r) => r.status)).toEqual(["complete", "aborted"]);
        const deadRun = runs[1].id;
        const findings = await store.forSite(id).findings();
        expect(findings.length).toBeGreaterThan(0);
        expect(findings.filter((f) => f.state === "fixed")).toEqual([]);
        for (const f of findings) {
          const history = await store.forSite(id).history(f.id);
          expect(history.filter((h) => h.runId === deadRun)).toEqual([]);
        }
      }
      for (let i = 1; i <= SITES; i++) expect((await store.forSite(`demo${i}`).runs())[0].status).toBe("complete");
    } finally {
      await store.close();
    }

    // Each killed site's findings are those of a single-process crawl of it.
    for (const id of killed) {
      const ref = path.join(dir, `ref-${id}`);
      const single = await gongkaiRun(["crawl", "--config", path.join(dir, `${id}.json`), "--db", path.join(ref, "gongkai.sqlite"), "--out", ref, "--quiet"], dir);
      expect(single.code, single.out).toBe(0);
      const expected = findingKeys(path.join(ref, "findings.json"));
      expect(expected.length).toBeGreaterThan(10);
      expect(findingKeys(path.join(out, id, "findings.json"))).toEqual(expected);
    }

    // SIGTERM with nothing running: the worker stops and exits 0.
    survivor.kill("SIGTERM");
    expect(await survivor.exit).toBe(0);
    expect(survivor.out).toContain("已停止 stopped");
  });
});
