// The same crawl of the demo site into SQLite and into PostgreSQL gives the same findings.json (ids, kinds,
// reasons, evidence, states, order; coverage), and so does the re-crawl an hour later, which reads the page cache
// and link checks back from the store (the same pages answered 304 or trusted). `gongkai report` and `gongkai
// crawl` take the postgres:// URL as --db. Real PostgreSQL (a database of its own, dropped after), a real demo
// site on loopback; skipped, saying so, where no PostgreSQL answers.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ConfigSchema, type Config, type FindingsFile } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { openStore } from "../../crawler/store/index.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import { createTestDatabase, describePg, type TestDatabase } from "../helpers/pg.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** What must be equal between two crawls of the same site at the same "now": everything but times and run ids. */
function comparable(file: string): unknown {
  const f = JSON.parse(readFileSync(file, "utf8")) as FindingsFile & { coverage?: unknown };
  return {
    site: f.site,
    complete: (f.run as { complete?: boolean }).complete,
    pagesCrawled: f.run.pagesCrawled,
    linksChecked: f.run.linksChecked,
    coverage: f.coverage,
    findings: f.findings.map(({ firstSeen, lastSeen, evidence, ...rest }) => ({
      ...rest,
      // When a link was checked is the crawl's clock (its "now" plus the time the crawl has run): not the store's.
      evidence: { ...evidence, checkedAt: typeof evidence.checkedAt === "string" },
      // First and last seen are the run's start: equal in form, not in value.
      firstSeenIsRunStart: firstSeen === f.run.startedAt,
      lastSeenIsRunStart: lastSeen === f.run.startedAt,
    })),
  };
}

describePg("a crawl into PostgreSQL", () => {
  let site: DemoSite;
  let dir: string;
  let pg: TestDatabase;
  let config: Config;
  const crawls: Record<"sqlite" | "postgres", CrawlResult[]> = { sqlite: [], postgres: [] };

  beforeAll(async () => {
    site = await startDemoSite();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-store-pg-"));
    pg = await createTestDatabase();
    config = ConfigSchema.parse(site.config);
    const now = Date.parse(site.manifest.now);
    for (const [i, at] of [now, now + 3600e3].entries()) {
      for (const backend of ["sqlite", "postgres"] as const) {
        site.resetCounters();
        const dbFile = backend === "sqlite" ? path.join(dir, "gongkai.sqlite") : pg.url;
        crawls[backend].push(await runCrawl(config, { dbFile, outDir: path.join(dir, `${backend}-${i}`), now: new Date(at), log: () => undefined }));
      }
    }
  });

  afterAll(async () => {
    await site?.close();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("gives the same findings.json as SQLite, on the first crawl and on the re-crawl", () => {
    for (const i of [0, 1]) {
      const a = crawls.sqlite[i];
      const b = crawls.postgres[i];
      expect(a.exitCode).toBe(0);
      expect(b.exitCode).toBe(0);
      const sqlite = comparable(a.findingsFile) as { findings: unknown[] };
      expect(sqlite.findings.length).toBeGreaterThan(20);
      expect(comparable(b.findingsFile)).toEqual(sqlite);
    }
  });

  it("the re-crawl reads the page cache and link checks back from PostgreSQL as from SQLite", () => {
    const [a, b] = [crawls.sqlite[1].data.stats, crawls.postgres[1].data.stats];
    // An hour later nothing changed: pages answer 304 or are trusted; links checked within the window are reused.
    expect(b.unchangedPages + b.trustedPages).toBeGreaterThan(50);
    expect([b.unchangedPages, b.trustedPages, b.linksReused, b.requests]).toEqual([a.unchangedPages, a.trustedPages, a.linksReused, a.requests]);
  });

  it("keeps the history in the database: two complete runs of the site, every finding still open", async () => {
    const store = await openStore(pg.url);
    try {
      const sites = await store.sites();
      expect(sites.map((s) => [s.id, s.baseUrl])).toEqual([["127-0-0-1-" + new URL(site.baseUrl).port, config.site.baseUrl]]);
      expect((await store.runs()).map((r) => r.status)).toEqual(["complete", "complete"]);
      const open = await store.findings({ states: ["open"] });
      expect(open.map((f) => f.id).sort()).toEqual(crawls.postgres[1].findings.map((f) => f.id).sort());
    } finally {
      await store.close();
    }
  });

  it("`gongkai crawl --db postgres://…` crawls into the same history (a third run of the site, same finding ids)", async () => {
    const cfg = path.join(dir, "config-cli.json");
    site.writeConfig(cfg);
    site.resetCounters();
    const out = path.join(dir, "cli");
    const child = spawn(process.execPath, [path.join(ROOT, "bin/gongkai.mjs"), "crawl", "--config", cfg, "--db", pg.url, "--out", out, "--quiet"], { cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/postgres:\/\/[^ ]*:[^ ]*@/); // never a password (there is none here, but never the form)
    expect(code).toBe(0);
    const file = JSON.parse(readFileSync(path.join(out, "findings.json"), "utf8")) as FindingsFile;
    const earlier = new Set(crawls.postgres[1].findings.map((f) => f.id));
    // The CLI crawl runs at today's date, not the demo's: the link findings are the same findings (same ids).
    const links = file.findings.filter((f) => f.kind === "broken-link");
    expect(links.length).toBeGreaterThan(10);
    for (const f of links) expect(earlier.has(f.id), `${f.reason} ${f.targetUrl}`).toBe(true);
    const store = await openStore(pg.url);
    try {
      expect((await store.runs()).map((r) => r.status)).toEqual(["complete", "complete", "complete"]);
    } finally {
      await store.close();
    }
  });

  it("`gongkai report --db postgres://… --site ID` writes the report of what is stored", () => {
    const out = path.join(dir, "report");
    const siteId = `127-0-0-1-${new URL(site.baseUrl).port}`;
    const cfg = path.join(dir, "config.json");
    site.writeConfig(cfg);
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin/gongkai.mjs"), "report", "--db", pg.url, "--site", siteId, "--config", cfg, "--format", "html", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.stderr).not.toMatch(/error|错误/i);
    expect(r.status).toBe(0);
    const html = readFileSync(path.join(out, "report.html"), "utf8");
    const broken = crawls.postgres[1].findings.find((f) => f.kind === "broken-link" && f.linkText)!;
    expect(html).toContain(broken.linkText!.replace(/&/g, "&amp;").replace(/</g, "&lt;"));
  });
});
