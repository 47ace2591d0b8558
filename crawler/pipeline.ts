// One crawl, end to end: walk the columns and check the links (I/O) → detectors (pure) → store → findings.json.
// Used by `gongkai crawl`, the scheduler and the tests.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { lookup } from "node:dns/promises";
import path from "node:path";
import { privacyScanned, siteIdOf, type Config, type FindingDraft, type FindingsFile } from "../shared/schema.js";
import { classifyHost, hostKey, isNonPublicHost, normalizeUrl, parseHttpUrl } from "../shared/url.js";
import type { CrawlData, CrawlStats, LinkCheck } from "./types.js";
import { openStore, type PageCacheEntry, type StoredFinding } from "./store/index.js";
import { extractPage, extractPageFromBuffer } from "./extract/index.js";
import { withPersonalDataMasked } from "./extract/personal-data.js";
import { runDetectors } from "./detect/index.js";
import { allLaws } from "./detect/laws.js";
import { interpretationStats } from "./detect/missing-interpretation.js";
import { coverageEntries, withIds, type CoverageEntry } from "./findings.js";
import { coverageLine } from "./detect/coverage.js";
import { Fetcher } from "./crawl/fetcher.js";
import { ColumnWalker } from "./crawl/walk.js";
import { Progress } from "./crawl/progress.js";
import { trimHeapWhileCrawling } from "./crawl/heap.js";
import { ParsePool, type AttachmentMeta } from "./crawl/parse-pool.js";
import { setMaxListeners } from "node:events";
import { LinkChecker, looksLikePage } from "./check/checker.js";
import { ProbeCache, type PageTextExtractor } from "./check/probe.js";

export interface CrawlOptions {
  /** The store: a SQLite file path or a postgres:// URL (store/index.ts openStore). */
  dbFile: string;
  outDir: string;
  /** "Now" at the start of the crawl (tests, reruns); the clock moves on from it. */
  now?: Date;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface CrawlResult {
  exitCode: number;
  findingsFile: string;
  runId: number;
  data: CrawlData;
  findings: StoredFinding[];
}

export const USER_AGENT_BASE = "gongkai/0.1";

export function userAgent(config: Config): string {
  const contact = config.crawl.contact?.trim();
  return `${USER_AGENT_BASE} (+${contact || "https://github.com/gongkai"})`;
}

/** The hosts that make up the site: the base URL's and every column's. Only these are crawled. */
export function siteHostsOf(config: Config): Set<string> {
  const hosts = new Set<string>();
  for (const u of [config.site.baseUrl, ...config.columns.map((c) => c.url)]) {
    const h = hostKey(u);
    if (h) hosts.add(h);
  }
  return hosts;
}

/**
 * Does the site live on a public address? Then links from it to loopback/private addresses are never fetched.
 * A site on such an address itself (an intranet, the demo site) is exempt. Names are resolved once to decide.
 */
export async function isPublicSite(config: Config): Promise<boolean> {
  const u = parseHttpUrl(config.site.baseUrl);
  if (!u) return true;
  const c = classifyHost(u.hostname);
  if (c !== "name") return !isNonPublicHost(u.hostname);
  if (/\.invalid$/i.test(u.hostname)) return true;
  try {
    const addrs = await lookup(u.hostname, { all: true });
    return !addrs.some((a) => isNonPublicHost(a.address));
  } catch {
    return true; // cannot tell: be safe
  }
}

const textOf: PageTextExtractor = (body, meta) => {
  const r = extractPageFromBuffer(body, meta);
  // Title and anchors outlive the page in the link check: give them their own storage (not slices of the HTML).
  const kept = JSON.parse(JSON.stringify({ title: r.title, anchors: r.anchors })) as { title: string; anchors: string[] };
  return { title: kept.title, text: r.bodyText, anchors: kept.anchors };
};

/** Write a file so that readers see the old one or the new one, never half of it. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function linkFailureKind(check: LinkCheck): boolean {
  return check.outcome === "broken" && (check.reason === "connection" || check.reason === "timeout" || check.reason === "dns");
}

function withStillOpen(seen: StoredFinding[], open: StoredFinding[]): StoredFinding[] {
  const ids = new Set(seen.map((f) => f.id));
  return [...seen, ...open.filter((f) => !ids.has(f.id))];
}

export async function runCrawl(config: Config, opts: CrawlOptions): Promise<CrawlResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const t0 = Date.now();
  const clock = () => (opts.now ? new Date(opts.now.getTime() + (Date.now() - t0)) : new Date());
  const startedAt = clock().toISOString();
  const findingsFile = path.resolve(opts.outDir, "findings.json");
  mkdirSync(opts.outDir, { recursive: true });

  const siteId = siteIdOf(config.site);
  const store = await openStore(opts.dbFile, { siteId });
  let runId: number | undefined;
  let finished = false;
  // Every request and waiting slot listens for the abort; thousands at once are expected, not a leak.
  if (opts.signal) setMaxListeners(0, opts.signal);
  const stopTrimming = trimHeapWhileCrawling();
  let parser: ParsePool | undefined;
  try {
    const run = await store.beginRun({ id: siteId, name: config.site.name, baseUrl: config.site.baseUrl }, startedAt);
    runId = run.id;
    for (const note of run.notes ?? []) log(note);

    const siteHosts = siteHostsOf(config);
    const publicSite = await isPublicSite(config);
    const fetcher = new Fetcher({
      concurrency: config.crawl.concurrency,
      timeoutMs: config.crawl.requestTimeoutSecs * 1000,
      retries: config.crawl.retries,
      respectRobots: config.crawl.respectRobotsTxt,
      userAgent: userAgent(config),
      publicSite,
      signal: opts.signal,
    });
    const probes = new ProbeCache(fetcher, textOf);
    const columnNames = new Map(config.columns.map((c) => [c.id, c.name]));
    let checker!: LinkChecker;
    const progress = new Progress(log, columnNames, () => ({
      requests: fetcher.stats.requests,
      errors: fetcher.stats.errors,
      pendingChecks: checker?.pending() ?? 0,
    }));
    checker = new LinkChecker({
      fetcher,
      probes,
      extract: textOf,
      concurrency: config.crawl.concurrency,
      checkExternal: config.crawl.checkExternalLinks,
      // Also with recheckAfterHours 0: scanned attachments are then asked conditionally with the stored validators.
      previous: config.crawl.recheckAfterHours > 0 || config.columns.some(privacyScanned) ? await store.loadLatestLinkChecks() : undefined,
      recheckAfterMs: config.crawl.recheckAfterHours * 3600e3,
      now: clock,
      onChecked: () => progress.checked(),
      // Attachments are downloaded and scanned (on the parse thread) only when some column scans for personal data.
      ...(config.columns.some(privacyScanned)
        ? { attachments: { maxBytes: config.crawl.maxAttachmentBytes, scan: (body: Buffer, meta: AttachmentMeta) => pagePool.scanAttachment(body, meta) } }
        : {}),
    });
    const unsavedCache: PageCacheEntry[] = [];
    /** Page cache writes made while the walk goes on: the final save waits for them. */
    const cacheSaves: Promise<void>[] = [];
    const pagePool = new ParsePool(extractPageFromBuffer);
    pagePool.warm();
    parser = pagePool;
    // Each list column starts with the way of paging that worked last time (crawl/paginate.ts).
    const pagingMemory = await store.loadPagingStrategies();
    const walker = new ColumnWalker({
      config,
      fetcher,
      checker,
      probes,
      extract: (body, meta) => pagePool.parse(body, meta),
      siteHosts,
      cached: (urls) => store.loadPageCache(urls),
      trustRecent: config.crawl.recheckAfterHours > 0,
      pagingMemory,
      now: clock,
      signal: opts.signal,
      renderer: async () => {
        const { PlaywrightRenderer } = await import("./crawl/render.js");
        return new PlaywrightRenderer({
          fetcher,
          checker,
          // Rendered pages get their personal numbers masked too, as the parse thread does (extract/personal-data.ts).
          extract: (input) => withPersonalDataMasked(extractPage(input)),
          now: clock,
          timeoutSecs: config.crawl.requestTimeoutSecs,
          maxBodyBytes: config.crawl.maxBodyBytes,
          userAgent: userAgent(config),
        });
      },
      onPage: (columnId) => progress.page(columnId),
      onCacheEntries: (entries) => {
        // A failed write (disk full) must not lose pages mid-walk: the entries wait for the final save, which then
        // fails loudly.
        if (unsavedCache.length > 0) unsavedCache.push(...entries);
        else cacheSaves.push(store.savePageCache(entries).catch(() => void unsavedCache.push(...entries)));
      },
    });

    log(
      `[开始 start] ${config.site.name} ${config.site.baseUrl} · ${config.columns.length} 个栏目 columns · ` +
        `每站并发 concurrency ${config.crawl.concurrency} · UA ${userAgent(config)}`,
    );
    // Learn the site's robots.txt and error page first: every page judgement needs them.
    const origins = new Set([config.site.baseUrl, ...config.columns.map((c) => c.url)].map((u) => `${new URL(u).origin}/`));
    await Promise.all(
      [...origins].map(async (origin) => {
        await fetcher.robots.allowed(origin);
        await probes.forUrl(origin);
      }),
    );
    // Links that timed out in the last run are asked again first: each costs a whole timeout, and asked after the
    // walk (where a re-crawl that trusts most pages would reach them) it would stretch the crawl's end.
    const lastRun = (await store.runs(5)).find((r) => r.id !== runId);
    if (lastRun) {
      for (const url of checker.timedOutSince(lastRun.startedAt)) {
        checker.reference(url, { attachment: !looksLikePage(url), sameSite: walker.isSiteUrl(url), tag: "a", fragment: false, fresh: true });
      }
    }
    const walk = await walker.run();
    checker.walkFinished(walk.trappedPaths);
    await checker.idle();
    progress.tick(true);

    const aborted = !!opts.signal?.aborted;
    const finishedAt = clock().toISOString();
    const pages = [...walk.pages.values()];
    // The site could not be reached at all: no page, and the column pages failed on the network.
    const siteChecks = [...checker.checks.values()].filter((c) => siteHosts.has(hostKey(c.url)));
    const netFailures = siteChecks.filter(linkFailureKind).length;
    // (A site answering 5xx to every column page — down for maintenance — counts as unreachable too.)
    const columnPageDown = (url: string) => {
      const c = checker.checks.get(normalizeUrl(url) ?? url);
      return !!c && (linkFailureKind(c) || c.reason === "http-5xx");
    };
    const unreachable = pages.length === 0 && walk.columns.length > 0 && walk.columns.every((c) => c.error && columnPageDown(c.column.url));
    // The site went down during the crawl: many of its own URLs failed on the network. Those failures say nothing
    // about the links, so they are not reported, and the crawl counts as incomplete.
    const wentDown = !unreachable && netFailures >= 5 && netFailures / Math.max(1, siteChecks.length) >= 0.3;
    const complete = !aborted && !unreachable && !wentDown;

    const stats: CrawlStats = {
      pagesCrawled: pages.length,
      linksChecked: [...checker.checks.values()].filter((c) => c.method !== "none").length,
      linksReused: checker.stats.reused,
      linksSkipped: checker.stats.skipped,
      requests: fetcher.stats.requests,
      bytes: fetcher.stats.bytes,
      errors: fetcher.stats.errors,
      retries: fetcher.stats.retries,
      robotsSkipped: fetcher.stats.robotsSkipped,
      privateSkipped: fetcher.stats.privateSkipped,
      unchangedPages: walk.unchanged,
      trustedPages: walk.trusted,
      headFallbacks: checker.stats.headFallbacks,
      attachmentsScanned: checker.stats.attachmentsScanned,
      attachmentsUnchanged: checker.stats.attachmentsUnchanged,
      attachmentsTooLarge: checker.stats.attachmentsTooLarge,
      attachmentBytes: checker.stats.attachmentBytes,
      boundHits: walk.columns.filter((c) => c.boundHit).length,
      maxInFlight: Math.max(0, ...[...siteHosts].map((h) => fetcher.limiter.maxInFlight(h))),
      elapsedMs: Date.now() - t0,
    };
    const data: CrawlData = { config, startedAt, finishedAt, complete, pages, columns: walk.columns, checks: checker.checks, stats };

    const ctx = { now: opts.now ?? new Date(startedAt), laws: allLaws(config) };
    const tDetect = Date.now();
    let drafts: FindingDraft[] = complete || wentDown ? runDetectors(data, ctx) : [];
    stats.detectMs = Date.now() - tDetect;
    if (wentDown) {
      drafts = drafts.filter((d) => {
        if (d.kind !== "broken-link" || !d.targetUrl) return true;
        const c = checker.checks.get(d.targetUrl);
        return !(c && linkFailureKind(c) && siteHosts.has(hostKey(c.url)));
      });
    }
    const findings = withIds(drafts);

    const tStore = Date.now();
    await Promise.all(cacheSaves);
    await store.savePageCache([...unsavedCache, ...walk.cacheEntries]);
    await store.savePagingStrategies(new Map(walk.columns.flatMap((c) => (c.coverage && !["single-page", "none"].includes(c.coverage.how) ? [[c.column.id, c.coverage.how] as const] : []))));
    await store.saveLinkChecks(
      runId,
      [...checker.checks.values()].filter((c) => c.method !== "none" || c.outcome !== "ok").map(({ anchors: _anchors, ...c }) => c),
    );
    const pageTitles: Record<string, string> = {};
    for (const p of pages) if (p.record.title) pageTitles[p.record.finalUrl || p.record.url] = p.record.title;
    const walkedColumns = walk.columns.filter((c) => !c.error).map((c) => c.column.id);
    const stored = await store.finishRun(runId, {
      complete,
      finishedAt,
      stats,
      findings,
      pageTitles,
      columnNames: Object.fromEntries(columnNames),
      columnIds: walkedColumns,
    });
    finished = true;
    stats.storeMs = Date.now() - tStore;

    const file: FindingsFile & { coverage: CoverageEntry[] } = {
      generatedAt: clock().toISOString(),
      site: { name: config.site.name, baseUrl: config.site.baseUrl },
      run: { startedAt, finishedAt, pagesCrawled: stats.pagesCrawled, linksChecked: stats.linksChecked, requests: stats.requests, complete, runId } as FindingsFile["run"],
      // Per list column: what the site states it holds, what the walk reached, how it paged (contract: Coverage).
      coverage: coverageEntries(walk.columns),
      // An incomplete crawl (site unreachable, went down, aborted) proves nothing fixed: the file keeps listing what is
      // still open from earlier crawls, so a script reading it never takes an outage for "no problems".
      findings: (complete ? stored : withStillOpen(stored, await store.findings({ states: ["open", "acknowledged"] }))).map((f) => {
        const out: FindingsFile["findings"][number] = {
          id: f.id,
          kind: f.kind,
          reason: f.reason,
          severity: f.severity,
          columnId: f.columnId,
          pageUrl: f.pageUrl,
          message: f.message,
          maintainer: f.maintainer,
          firstSeen: f.firstSeen,
          lastSeen: f.lastSeen,
          evidence: f.evidence,
          state: f.state,
        };
        if (f.targetUrl !== undefined) out.targetUrl = f.targetUrl;
        if (f.linkText !== undefined) out.linkText = f.linkText;
        return out;
      }),
    };
    writeFileAtomic(findingsFile, JSON.stringify(file, null, 2) + "\n");

    summarize(log, data, stored, walk.columns, ctx, { unreachable, wentDown, aborted, findingsFile });
    return { exitCode: complete ? 0 : 1, findingsFile, runId, data, findings: stored };
  } catch (e) {
    if (runId !== undefined && !finished) {
      try {
        await store.abortRun(runId, String((e as Error)?.message ?? e));
      } catch {
        /* the original error matters more */
      }
    }
    throw e;
  } finally {
    await parser?.close();
    stopTrimming();
    await store.close();
  }
}

function summarize(
  log: (line: string) => void,
  data: CrawlData,
  findings: StoredFinding[],
  columns: CrawlData["columns"],
  ctx: { now: Date; laws: ReturnType<typeof allLaws> },
  state: { unreachable: boolean; wentDown: boolean; aborted: boolean; findingsFile: string },
): void {
  const s = data.stats;
  const byKind = new Map<string, number>();
  for (const f of findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  log(
    `[完成 done] 页面 pages ${s.pagesCrawled}（未变化 unchanged ${s.unchangedPages}${s.trustedPages ? `，近期已查未重取 trusted ${s.trustedPages}` : ""}）· 链接 links ${s.linksChecked}` +
      `（沿用 reused ${s.linksReused}，跳过 skipped ${s.linksSkipped}）· 请求 requests ${s.requests} · ` +
      `重试 retries ${s.retries} · robots 跳过 ${s.robotsSkipped} · 抓取 crawl ${(s.elapsedMs / 1000).toFixed(1)} s` +
      ` + 判断 detect ${((s.detectMs ?? 0) / 1000).toFixed(1)} s + 保存 store ${((s.storeMs ?? 0) / 1000).toFixed(1)} s`,
  );
  if (s.attachmentsScanned || s.attachmentsUnchanged || s.attachmentsTooLarge)
    log(
      `[附件 attachments] 已扫描个人信息 scanned ${s.attachmentsScanned}（${((s.attachmentBytes ?? 0) / 1048576).toFixed(1)} MB）` +
        ` · 未变化 unchanged ${s.attachmentsUnchanged} · 超过大小上限未扫描 too large, skipped ${s.attachmentsTooLarge}`,
    );
  log(`[问题 findings] 共 total ${findings.length}${[...byKind].map(([k, n]) => ` · ${k} ${n}`).join("")}`);
  try {
    const i = interpretationStats(data, ctx);
    log(
      `[解读 interpretation] 政策文件 ${i.policies} 件，已解读 ${i.interpreted} 件（${Math.round(i.rate * 100)}%），` +
        `多样化解读 diverse ${i.diverseForms} 件（${Math.round(i.diverseRate * 100)}%，目标 target 60%）`,
    );
  } catch {
    /* no policy columns */
  }
  for (const c of columns) {
    const coverage = coverageLine(c);
    if (coverage) log(`[覆盖 coverage] ${coverage}`);
    if (c.boundHit)
      log(`[上限 bound] 栏目“${c.column.name}”(${c.column.id}) 因${c.boundReason === "trap" ? "疑似爬虫陷阱 crawler trap" : "页数上限 maxPagesPerColumn"}提前停止`);
    if (c.error) log(`[栏目错误 column error] 栏目“${c.column.name}”(${c.column.id}) 首页无法抓取 first page failed: ${c.error}`);
  }
  if (state.unreachable) log("[失败 failed] 网站无法访问，本次抓取不完整，未将任何问题标记为已修复 site unreachable: nothing marked fixed");
  else if (state.wentDown) log("[失败 failed] 抓取中途网站无法访问，本次抓取不完整，未将任何问题标记为已修复 site went down mid-crawl: nothing marked fixed");
  else if (state.aborted) log("[中止 aborted] 抓取被中止，未将任何问题标记为已修复 aborted: nothing marked fixed");
  log(`[输出 output] ${state.findingsFile}`);
}

export { normalizeUrl };
