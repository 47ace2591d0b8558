// The disclosure-duty detectors (issue #14) on a real crawl of the demo site, against its manifest: every planted case
// found with its evidence, no must-not-report case reported, and the second site configuration (its 重大行政决策
// column at a list holding the 目录 now due) without the missed deadline.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../shared/schema.js";
import { runCrawl, type CrawlResult } from "../../crawler/pipeline.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import { secondDecisionsConfig } from "../fixtures/demo-site/plants-duties.js";
import type { PlantedFinding } from "../fixtures/demo-site/manifest.js";

/** The kinds and reasons of the duties; missing-interpretation only for its new reason. */
const DUTY_REASONS: Record<string, string[]> = {
  "late-publication": ["published-late"],
  "missed-deadline": ["yearly-item-missing"],
  "missing-interpretation": ["not-linked-back"],
  "missing-feedback": ["consultation-feedback-missing"],
  "catalogue-gap": ["no-link", "links-empty", "links-broken"],
};
const isDuty = (f: { kind: string; reason: string }) => DUTY_REASONS[f.kind]?.includes(f.reason) ?? false;

let site: DemoSite;
let dir: string;
let first: CrawlResult;
let second: CrawlResult;
type Finding = CrawlResult["findings"][number];

async function crawl(config: unknown, name: string): Promise<CrawlResult> {
  return runCrawl(ConfigSchema.parse(config), { dbFile: path.join(dir, `${name}.sqlite`), outDir: path.join(dir, name), now: new Date(site.manifest.now), log: () => undefined });
}

beforeAll(async () => {
  site = await startDemoSite();
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-duties-"));
  first = await crawl(site.config, "first");
  second = await crawl(secondDecisionsConfig(site.config), "second");
}, 180_000);

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The finding a planted case stands for: same kind, reason and page (and target); a catalogue row by its 事项. */
function findingFor(p: PlantedFinding, findings: Finding[]): Finding | undefined {
  return findings.find(
    (f) =>
      f.kind === p.kind &&
      f.reason === p.reason &&
      f.pageUrl === p.pageUrl &&
      (!p.targetUrl || f.targetUrl === p.targetUrl) &&
      (p.kind !== "catalogue-gap" || f.evidence.item === p.evidenceIncludes?.[0]),
  );
}

describe("disclosure duties on the demo site", () => {
  it("the manifest plants at least one case of every duty reason", () => {
    for (const [kind, reasons] of Object.entries(DUTY_REASONS))
      for (const reason of reasons) expect(site.manifest.planted.some((p) => p.kind === kind && p.reason === reason), `${kind}/${reason}`).toBe(true);
    const rows = site.manifest.planted.filter((p) => p.kind === "catalogue-gap");
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(site.manifest.mustNotReport.filter((n) => n.kind === "catalogue-gap").length + rows.length, "标准目录 rows").toBeGreaterThanOrEqual(30);
  });

  it("finds every planted case on its page, with its evidence, in Chinese", () => {
    const planted = site.manifest.planted.filter(isDuty);
    const missed: string[] = [];
    for (const p of planted) {
      const f = findingFor(p, first.findings);
      if (!f) {
        missed.push(`${p.kind}/${p.reason} ${p.pageUrl}: ${p.note}`);
        continue;
      }
      expect(f.columnId, p.note).toBe(p.columnId);
      const said = JSON.stringify(f.evidence) + f.message;
      for (const s of p.evidenceIncludes ?? []) expect(said, `${p.note}: names ${s}`).toContain(s);
      expect(f.message, p.note).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(missed).toEqual([]);
  });

  it("reports no duty that was not planted, and none of the must-not-report cases", () => {
    const planted = site.manifest.planted.filter(isDuty);
    const extra = first.findings.filter(isDuty).filter((f) => !planted.some((p) => findingFor(p, [f])));
    expect(extra.map((f) => `${f.kind}/${f.reason} ${f.pageUrl}: ${f.message}`)).toEqual([]);
    const healthy = site.manifest.mustNotReport.filter((n) => n.kind && n.kind in DUTY_REASONS && n.kind !== "missing-interpretation");
    expect(healthy.length, "the manifest names duty cases that must not be reported").toBeGreaterThan(0);
    for (const n of healthy) {
      const hits = first.findings.filter((f) => f.kind === n.kind && (!n.pageUrl || f.pageUrl === n.pageUrl) && (!n.targetUrl || f.targetUrl === n.targetUrl));
      expect(hits.map((h) => `${h.kind}/${h.reason} ${h.pageUrl}`), n.note).toEqual([]);
    }
  });

  it("the second configuration, whose 重大行政决策 list holds the 目录 now due, has no missed deadline", () => {
    const planted = site.manifest.planted.filter((p) => p.kind === "missed-deadline");
    expect(planted.length, "the first configuration misses the 目录").toBeGreaterThan(0);
    expect(second.data.columns.map((w) => [w.column.id, w.error ?? null, w.items.length > 0])).toEqual([["zdjcml", null, true]]);
    expect(second.findings.filter((f) => f.kind === "missed-deadline").map((f) => f.message)).toEqual([]);
  });
});
