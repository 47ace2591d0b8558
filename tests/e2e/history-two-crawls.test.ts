// Issue #5: history across crawls of the demo site. A defect fixed and one added between two nightly crawls give the
// right new / fixed / still-open sets; a crawl of an unreachable site changes no finding's state.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, type Config } from "../../shared/schema.js";
import { runCrawl } from "../../crawler/pipeline.js";
import { openStore } from "../../crawler/store/index.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";

const DAY = 86_400_000;

describe("finding history over two nightly crawls of the demo site", () => {
  let site: DemoSite;
  let dir: string;
  let config: Config;
  const now = new Date();

  beforeAll(async () => {
    site = await startDemoSite({ now });
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-history-"));
    config = ConfigSchema.parse(site.config);
  });
  afterAll(async () => {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const quiet = () => {};
  const dbFile = () => path.join(dir, "gongkai.sqlite");

  it("tracks new, fixed and still-open findings, and an aborted crawl changes nothing", async () => {
    // Night 1.
    const first = await runCrawl(config, { dbFile: dbFile(), outDir: path.join(dir, "out1"), now, log: quiet });
    expect(first.exitCode).toBe(0);
    const planted404 = site.manifest.planted.find((p) => p.reason === "http-404" && p.targetUrl?.startsWith(site.baseUrl))!;
    expect(planted404, "the demo site plants a same-site 404").toBeTruthy();
    const fixedOne = first.findings.find((f) => f.kind === "broken-link" && f.targetUrl === planted404.targetUrl)!;
    expect(fixedOne.state).toBe("open");

    // Between the nights: the maintainer fixes the planted 404, and a healthy attachment breaks.
    site.override(planted404.targetUrl!, { status: 200, body: "%PDF-1.4 修复后的附件", headers: { "content-type": "application/pdf" } });
    const healthyLinked = first.data.pages
      .flatMap((p) => p.record.links.map((l) => ({ page: p.record.url, link: l })))
      .find(({ link }) => link.attachment && link.url?.startsWith(site.baseUrl) && site.manifest.healthyTargets.includes(link.url))!;
    expect(healthyLinked, "some healthy attachment is linked from a crawled page").toBeTruthy();
    site.override(healthyLinked.link.url!, { status: 404, body: "Not Found" });
    site.resetCounters();

    // Night 2, a day later.
    const second = await runCrawl(config, { dbFile: dbFile(), outDir: path.join(dir, "out2"), now: new Date(now.getTime() + DAY), log: quiet });
    expect(second.exitCode).toBe(0);
    const store = await openStore(dbFile());
    try {
      const all = await store.findings({ states: ["open", "acknowledged", "false-positive", "fixed"] });
      const byId = new Map(all.map((f) => [f.id, f]));

      // Fixed: gone from a complete crawl.
      expect(byId.get(fixedOne.id)?.state).toBe("fixed");
      // New: the attachment that broke, on the page that links it, first seen in night 2.
      const added = all.find((f) => f.kind === "broken-link" && f.targetUrl === healthyLinked.link.url && f.pageUrl === healthyLinked.page);
      expect(added?.state).toBe("open");
      expect(added?.reason).toBe("http-404");
      expect(new Date(added!.firstSeen).getTime()).toBeGreaterThan(now.getTime() + DAY / 2);
      // Still open: every other finding of night 1 kept its id and first-seen time.
      const stillOpen = first.findings.filter((f) => f.id !== fixedOne.id);
      expect(stillOpen.length).toBeGreaterThan(15);
      for (const f of stillOpen) {
        const now2 = byId.get(f.id);
        expect(now2?.state, `${f.kind}/${f.reason} on ${f.pageUrl}`).toBe("open");
        expect(now2?.firstSeen).toBe(f.firstSeen);
        expect(new Date(now2!.lastSeen).getTime()).toBeGreaterThan(new Date(f.lastSeen).getTime());
      }

      // Night 3: the site is down. The crawl fails (exit 1) and no finding changes state.
      const before = JSON.stringify(all.map((f) => [f.id, f.state, f.fixedAt ?? null]).sort());
      await site.close();
      const third = await runCrawl(config, { dbFile: dbFile(), outDir: path.join(dir, "out3"), now: new Date(now.getTime() + 2 * DAY), log: quiet });
      expect(third.exitCode).toBe(1);
      // Its findings.json says the crawl was incomplete and still lists what is open: an outage is not "no problems".
      const file = JSON.parse(readFileSync(third.findingsFile, "utf8"));
      expect(file.run.complete).toBe(false);
      const openIds = all.filter((f) => f.state === "open" || f.state === "acknowledged").map((f) => f.id).sort();
      expect(file.findings.map((f: { id: string }) => f.id).sort()).toEqual(openIds);
      const after = JSON.stringify(
        (await store.findings({ states: ["open", "acknowledged", "false-positive", "fixed"] }))
          .map((f) => [f.id, f.state, f.fixedAt ?? null])
          .sort(),
      );
      expect(after).toBe(before);
    } finally {
      await store.close();
      site = await startDemoSite({ now }); // afterAll closes it again
    }
  });
});
