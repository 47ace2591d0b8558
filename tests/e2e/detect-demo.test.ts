// The content detectors (issue #4) on a real crawl of the demo site, compared with its manifest per detector:
// every planted case found on the right page with its evidence, nothing reported on the healthy items.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, FindingsFileSchema } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { allLaws } from "../../crawler/detect/laws.js";
import { interpretationStats } from "../../crawler/detect/missing-interpretation.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";

const CONTENT_KINDS = ["misfiled", "stale-guide", "stale-column", "empty-column", "missing-interpretation"];
const isContent = (f: { kind: string; reason?: string }) => CONTENT_KINDS.includes(f.kind) || f.reason === "title-mismatch";

/** Serve the demo site (at `size`), crawl it once on "today" of its manifest; close() stops it and removes the files. */
async function crawledDemo(size?: number): Promise<{ site: DemoSite; result: CrawlResult; close: () => Promise<void> }> {
  const site = await startDemoSite(size === undefined ? {} : { size });
  const dir = mkdtempSync(path.join(tmpdir(), "gongkai-detect-demo-"));
  const result = await runCrawl(ConfigSchema.parse(site.config), {
    dbFile: path.join(dir, "db.sqlite"),
    outDir: path.join(dir, "out"),
    now: new Date(site.manifest.now),
    log: () => undefined,
  });
  return { site, result, close: async () => (await site.close(), rmSync(dir, { recursive: true, force: true })) };
}

let site: DemoSite;
let result: CrawlResult;
let closeDemo: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ site, result, close: closeDemo } = await crawledDemo());
});

afterAll(async () => {
  await closeDemo?.();
});

describe("content detectors on the demo site", () => {
  it.each([...CONTENT_KINDS, "wrong-link"])("finds every planted %s case on the right page, with its evidence", (kind) => {
    const planted = site.manifest.planted.filter((p) => p.kind === kind && isContent(p));
    expect(planted.length, `the demo site plants ${kind}`).toBeGreaterThan(0);
    for (const p of planted) {
      const f = result.findings.find((x) => x.kind === p.kind && x.reason === p.reason && x.pageUrl === p.pageUrl && (!p.targetUrl || x.targetUrl === p.targetUrl));
      expect(f, `${p.kind}/${p.reason}: ${p.note}`).toBeDefined();
      expect(f!.columnId, p.note).toBe(p.columnId);
      if (p.linkText) expect(f!.linkText, p.note).toBe(p.linkText);
      const said = JSON.stringify(f!.evidence) + f!.message;
      for (const s of p.evidenceIncludes ?? []) expect(said, `${p.note}: evidence names ${s}`).toContain(s);
      expect(f!.message).toMatch(/[\u4e00-\u9fff]/);
      expect(f!.maintainer.department.length).toBeGreaterThan(0);
    }
  });

  it("reports nothing that was not planted, and none of the must-not-report cases", () => {
    const planted = new Set(site.manifest.planted.map((p) => `${p.kind}|${p.reason}|${p.pageUrl}`));
    const extra = result.findings.filter((f) => isContent(f) && !planted.has(`${f.kind}|${f.reason}|${f.pageUrl}`));
    expect(extra.map((f) => `${f.kind}/${f.reason} ${f.pageUrl}: ${f.message}`)).toEqual([]);
    const healthy = site.manifest.mustNotReport.filter((n) => !n.kind || CONTENT_KINDS.includes(n.kind) || n.kind === "wrong-link");
    expect(healthy.length, "the manifest names content cases that must not be reported").toBeGreaterThan(0);
    for (const n of healthy) {
      const hits = result.findings.filter(
        (f) => isContent(f) && (!n.kind || f.kind === n.kind) && (!n.pageUrl || f.pageUrl === n.pageUrl) && (!n.targetUrl || f.targetUrl === n.targetUrl),
      );
      expect(hits.map((h) => `${h.kind}/${h.reason} ${h.pageUrl}`), n.note).toEqual([]);
    }
  });

  it("writes the content findings to findings.json in the contract's shape", () => {
    const file = FindingsFileSchema.parse(JSON.parse(readFileSync(result.findingsFile, "utf8")));
    const written = file.findings.filter(isContent);
    expect(written.length).toBe(result.findings.filter(isContent).length);
    expect(new Set(written.map((f) => f.id)).size).toBe(written.length);
  });

  it("gives the interpretation figures: the planted uninterpreted document keeps the rate below 100%", () => {
    const stats = interpretationStats(result.data, { now: new Date(site.manifest.now), laws: allLaws(result.data.config) });
    const uninterpreted = site.manifest.planted.filter((p) => p.kind === "missing-interpretation" && p.reason === "no-interpretation").length;
    expect(uninterpreted, "the manifest plants an uninterpreted policy document").toBeGreaterThan(0);
    expect(stats.policies).toBeGreaterThan(uninterpreted);
    expect(stats.interpreted).toBe(stats.policies - uninterpreted);
    expect(stats.rate).toBeCloseTo(stats.interpreted / stats.policies, 3);
    expect(stats.diverseForms).toBeGreaterThan(0);
    expect(stats.diverseForms).toBeLessThanOrEqual(stats.interpreted);
  });
});

// Bigger sites put items closer together in time and repeat titles (revised editions): the planted cases must still
// be found and nothing else reported (this once caught duplicate 发文字号 and a news report judged as a policy).
describe("content detectors on a bigger demo site (2,000 items)", () => {
  let big: DemoSite;
  let bigResult: CrawlResult;
  let closeBig: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ site: big, result: bigResult, close: closeBig } = await crawledDemo(2000));
  }, 120_000);
  afterAll(async () => {
    await closeBig?.();
  });

  it("finds every planted content case and reports nothing else", () => {
    const planted = big.manifest.planted.filter(isContent);
    for (const kind of [...CONTENT_KINDS, "wrong-link"]) expect(planted.some((p) => p.kind === kind), `the bigger site plants ${kind}`).toBe(true);
    const missed = planted.filter((p) => !bigResult.findings.some((x) => x.kind === p.kind && x.reason === p.reason && x.pageUrl === p.pageUrl));
    expect(missed.map((p) => `${p.kind}/${p.reason} ${p.pageUrl}: ${p.note}`)).toEqual([]);
    const keys = new Set(planted.map((p) => `${p.kind}|${p.reason}|${p.pageUrl}`));
    const extra = bigResult.findings.filter((f) => isContent(f) && !keys.has(`${f.kind}|${f.reason}|${f.pageUrl}`));
    expect(extra.map((f) => `${f.kind}/${f.reason} ${f.pageUrl}: ${f.message}`)).toEqual([]);
  });
});

