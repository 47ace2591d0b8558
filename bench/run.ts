// `npm run bench`: gongkai against a large generated site at the politeness limit, and against linkinator; the
// re-crawl; memory at two sizes; the overlay's cost in Chromium; a CPU profile. Prints a table and writes
// bench/results/latest.json and latest.md (and profile.md). Not part of `npm test`: it takes minutes.
//
//   npm run bench -- [--pages 20000] [--latency 20] [--concurrency 4] [--repeat 1] [--skip-linkinator]
//                    [--skip-overlay] [--skip-profile] [--uncapped-linkinator] [--quick] [--out DIR]
//                    [--gongkai CHECKOUT]   (another checkout's crawler, e.g. to measure a change before it lands)
//                    [--without-hang]       (the site's never-answering URL answers 404 at every latency, not only at 0 ms)
//   (or BENCH_PAGES, BENCH_LATENCY, BENCH_CONCURRENCY in the environment)
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { normalizeUrl } from "../shared/url.js";
import { startSiteProcess, type BenchSite, type Counters, type SiteInfo } from "./lib/site.js";
import { boundSeconds, boundWithWaitsSeconds, growthExponent, share, slotBoundSeconds, type CpuProfile } from "./lib/stats.js";
import { REQUEST_TIMEOUT_MS, runGongkai, runLinkinator, skipPattern, wholeSiteConfig, writeJson, type ToolRun } from "./lib/tools.js";
import { hasGnuTime } from "./lib/measure.js";
import { evaluateTargets } from "./lib/targets.js";
import { renderMarkdown, terminalTable } from "./lib/report.js";
import { renderProfileMarkdown, summariseProfile, threadName, type ThreadProfile } from "./lib/profile.js";
import { applySmallChange, clearSmallChange } from "./lib/change.js";
import { sizeForPages } from "./lib/sizing.js";
import { generateSite } from "../tests/fixtures/demo-site/generate.js";
import { measureStartup, startupTable } from "./startup.js";
import type { BenchResults, RunKind, RunResult } from "./lib/types.js";

const fmtNumber = (n: number) => n.toLocaleString("en-US");
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function usageExit(message: string): never {
  process.stderr.write(`${message}\n\n用法 usage: npm run bench -- [--pages N] [--small-pages N] [--latency MS] [--concurrency N] [--repeat N] [--skip-linkinator] [--skip-overlay] [--skip-profile] [--uncapped-linkinator] [--without-hang] [--quick] [--out DIR] [--gongkai CHECKOUT]\n`);
  process.exit(2);
}

function parseFlags() {
  return parseArgs({
    args: process.argv.slice(2),
    options: {
      pages: { type: "string" },
      "small-pages": { type: "string" },
      latency: { type: "string" },
      concurrency: { type: "string" },
      repeat: { type: "string" },
      "skip-linkinator": { type: "boolean", default: false },
      "skip-overlay": { type: "boolean", default: false },
      "skip-profile": { type: "boolean", default: false },
      "uncapped-linkinator": { type: "boolean", default: false },
      "without-hang": { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      gongkai: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

// `npm run bench -- --multisite [--sites 20] [--latency 20] [--workers 1,2,4]`: the many-sites bench instead.
if (process.argv.includes("--multisite")) {
  await import("./multisite.js");
  process.exit(process.exitCode ?? 0);
}

let flags: ReturnType<typeof parseFlags>;
try {
  flags = parseFlags();
} catch (e) {
  usageExit((e as Error).message);
}
if (flags.help) usageExit("gongkai 基准测试 benchmark");

function intFlag(name: string, value: string | undefined, env: string | undefined, fallback: number, min: number): number {
  const raw = value ?? env;
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) usageExit(`--${name}: expected an integer ≥ ${min}, got "${raw}"`);
  return n;
}

const quick = flags.quick;
const pages = intFlag("pages", flags.pages, process.env.BENCH_PAGES, quick ? 1500 : 20000, 50);
const smallPages = intFlag("small-pages", flags["small-pages"], undefined, Math.max(50, Math.round(pages / 4)), 50);
const latencyMs = intFlag("latency", flags.latency, process.env.BENCH_LATENCY, 20, 0);
const concurrency = intFlag("concurrency", flags.concurrency, process.env.BENCH_CONCURRENCY, 4, 1);
const repeat = intFlag("repeat", flags.repeat, undefined, 1, 1);
const withLinkinator = !flags["skip-linkinator"];
const withOverlay = !flags["skip-overlay"];
const withProfile = !flags["skip-profile"];
const outDir = path.resolve(flags.out ?? path.join(ROOT, "bench/results"));
const outName = quick && !flags.out ? "quick" : "latest";
// --gongkai DIR: run another checkout's bin/gongkai.mjs (to measure a change to the crawler before it lands).
const gongkaiRoot = flags.gongkai ? path.resolve(flags.gongkai) : ROOT;

/** The commit the measured crawler is at, and whether its crawler files had uncommitted changes. */
function versionOf(dir: string): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "crawler", "shared", "bin"], { cwd: dir, encoding: "utf8" }).trim() !== "";
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

const workDir = mkdtempSync(path.join(os.tmpdir(), "gongkai-bench-"));
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
log(`work dir ${workDir}`);

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  finishedAt: "",
  quick,
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? "?",
    totalMemBytes: os.totalmem(),
    node: process.versions.node,
    platform: `${os.platform()} ${os.release()}`,
    measuredVia: hasGnuTime() ? "GNU time (/usr/bin/time)" : "process.resourceUsage() preload",
  },
  options: { pages, smallPages, latencyMs, concurrency, repeat, linkinator: withLinkinator, overlay: withOverlay, profile: withProfile, withoutHang: flags["without-hang"] },
  gongkai: { root: path.relative(ROOT, gongkaiRoot) || ".", ...versionOf(gongkaiRoot) },
  site: { pageCount: 0, startMs: 0, trapPrefix: "", robotsDisallowed: [], plantedBroken: 0 },
  scope: [],
  runs: [],
  targets: [],
  errors: [],
};

/** Generous: a crawl slower than 20× its bound (plus 10 minutes) is stuck, not slow. */
const timeoutFor = (info: SiteInfo, lat: number) => Math.max(600_000, info.pageCount * 8 * Math.max(lat, 1) * 20 / concurrency);

function rootOf(info: SiteInfo): string {
  return new URL("/", info.baseUrl).href;
}

function plantedBroken(info: SiteInfo): string[] {
  return [...new Set(info.plantedLinks.filter((p) => p.kind === "broken-link" && p.targetUrl).map((p) => normalizeUrl(p.targetUrl!) ?? p.targetUrl!))];
}

/** The turnaround figures of the host with the most requests (the one the politeness limit binds). */
function busiestTurnaround(c: Counters): { turnaroundMedianMs?: number; turnaroundP90Ms?: number } {
  const h = Object.values(c.hosts).sort((a, b) => b.requests - a.requests)[0];
  return h ? { turnaroundMedianMs: h.turnaroundMedianMs, turnaroundP90Ms: h.turnaroundP90Ms } : {};
}

function toResult(label: string, kind: RunKind, tool: RunResult["tool"], info: SiteInfo, lat: number, run: ToolRun, c: Counters): RunResult {
  const uniqueByHost = Object.values(c.hosts).map((h) => h.uniqueUrls);
  const bound = boundSeconds(uniqueByHost, lat, concurrency);
  const slot = slotBoundSeconds(Object.values(c.hosts).map((h) => h.busyMs), concurrency);
  // The crawls run with the default request timeout (15 s); linkinator's is set the same (tools.ts).
  const waits = boundWithWaitsSeconds(Object.values(c.hosts), lat, concurrency, REQUEST_TIMEOUT_MS);
  const expected = plantedBroken(info);
  const reportedSet = new Set(run.reported.brokenTargets.map((u) => normalizeUrl(u) ?? u));
  const missed = expected.filter((u) => !reportedSet.has(u));
  return {
    label,
    tool,
    kind,
    latencyMs: lat,
    concurrency,
    sitePages: info.pageCount,
    wallSecs: run.wallSecs,
    cpuSecs: run.cpuSecs,
    userSecs: run.userSecs,
    systemSecs: run.systemSecs,
    maxRssBytes: run.maxRssBytes,
    requests: c.total.requests,
    uniqueUrls: c.total.uniqueUrls,
    requestsPerUniqueUrl: share(c.total.requests, c.total.uniqueUrls),
    boundSecs: bound,
    efficiency: lat > 0 ? bound / run.wallSecs : undefined,
    waitsBoundSecs: lat > 0 ? waits : undefined,
    efficiencyWithWaits: lat > 0 ? waits / run.wallSecs : undefined,
    slotBoundSecs: slot,
    slotEfficiency: lat > 0 ? slot / run.wallSecs : undefined,
    bytesOut: c.total.bytesOut,
    htmlPagesServed: c.total.htmlPages,
    linksOnPagesServed: c.total.linksOnPages,
    get: c.total.get,
    head: c.total.head,
    conditional: c.total.conditional,
    notModified: c.total.notModified,
    maxInFlightPerHost: c.total.maxInFlight,
    ...busiestTurnaround(c),
    hosts: c.hosts,
    siteCpuSecs: (c.cpuUserMs + c.cpuSystemMs) / 1000,
    reported: {
      pagesCrawled: run.reported.pagesCrawled,
      linksChecked: run.reported.linksChecked,
      requests: run.reported.requests,
      findings: run.reported.findings,
      brokenLinkFindings: run.reported.brokenLinkFindings,
    },
    plantedBrokenFound: kind === "changed" || expected.length === 0 ? undefined : { found: expected.length - missed.length, of: expected.length, missed: missed.slice(0, 20) },
    measuredVia: run.via,
  };
}

/** The site's size (items) for a page count: the generator is cheap (pages render on demand), so ask it. */
const sizeCache = new Map<number, number>();
function siteSize(targetPages: number): number {
  let size = sizeCache.get(targetPages);
  if (size === undefined) {
    const found = sizeForPages(targetPages, (s) => generateSite({ baseUrl: "http://127.0.0.1:1/", externalBaseUrl: "http://127.0.0.2:1/", size: s }).manifest.pageCount);
    size = found.size;
    sizeCache.set(targetPages, size);
  }
  return size;
}

async function withSite<T>(targetPages: number, lat: number, fn: (site: BenchSite, configFile: string) => Promise<T>): Promise<T> {
  const size = siteSize(targetPages);
  log(`starting site: ~${targetPages} pages (size ${size}), ${lat} ms latency`);
  const site = await startSiteProcess({ size, latencyMs: lat, root: ROOT });
  log(`site up at ${site.info.baseUrl} (${site.info.pageCount} pages, generated in ${(site.info.startMs / 1000).toFixed(1)} s)`);
  const configFile = path.join(workDir, `config-${size}-${lat}.json`);
  const cfg = wholeSiteConfig({
    siteName: "基准测试站点 bench site",
    root: rootOf(site.info),
    concurrency,
    // Room for every page: the bound must not cut the walk short (the trap is gongkai's to recognise).
    maxPages: Math.min(1_000_000, site.info.pageCount * 2 + 1000),
  });
  writeFileSync(configFile, JSON.stringify(cfg, null, 2));
  if (lat === 0 || flags["without-hang"])
    // At zero latency (or with --without-hang) the checkers' own speed is the point: a URL that never answers would only measure each
    // tool's timeout policy (gongkai: 15 s × attempts; linkinator: 15 s × 4 with 2–8 s backoff). It answers 404 here.
    for (const p of site.info.plantedLinks.filter((x) => x.reason === "timeout" && x.targetUrl)) {
      const u = new URL(p.targetUrl!);
      if (u.origin === new URL(site.info.baseUrl).origin) await site.override(u.pathname + u.search, { status: 404, body: "<html><body><h1>404</h1></body></html>" });
    }
  try {
    return await fn(site, configFile);
  } finally {
    await site.close();
  }
}

async function measure(site: BenchSite, label: string, kind: RunKind, lat: number, go: () => Promise<ToolRun>): Promise<RunResult | undefined> {
  await site.reset();
  log(`${label} …`);
  try {
    const run = await go();
    const c = await site.counters();
    await site.dumpUrls(path.join(workDir, `${label.replace(/[^\w-]+/g, "_")}.urls.txt`));
    const r = toResult(label, kind, label.startsWith("linkinator") ? "linkinator" : "gongkai", site.info, lat, run, c);
    results.runs.push(r);
    log(
      `${label}: ${r.wallSecs.toFixed(1)} s wall, ${r.requests} requests (${r.uniqueUrls} unique), ` +
        `efficiency ${r.efficiency?.toFixed(2) ?? "–"}, CPU ${r.cpuSecs.toFixed(1)} s, RSS ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MB, max in flight ${r.maxInFlightPerHost}`,
    );
    return r;
  } catch (e) {
    const msg = `${label}: ${(e as Error).message}`;
    results.errors.push(msg);
    log(`FAILED ${msg}`);
    return undefined;
  }
}

function gongkai(label: string, configFile: string, dbFile: string, lat: number, info: SiteInfo, cpuProfDir?: string) {
  return () =>
    runGongkai({ root: gongkaiRoot, workDir, label, configFile, dbFile, outDir: path.join(workDir, `out-${label}`), cpuProfDir, timeoutMs: timeoutFor(info, lat) });
}

function linkinator(label: string, info: SiteInfo, lat: number, perHostCap = true) {
  // linkinator ignores robots.txt and has no trap detection: skip what gongkai may not fetch (robots) and the
  // self-linking calendar, or it would never finish.
  const skip = [skipPattern(info.trapPrefix), ...info.robotsDisallowed.map(skipPattern)].filter((s) => s !== "^");
  return () => runLinkinator({ root: ROOT, workDir, label, startUrl: rootOf(info), concurrency, perHostCap, skip, timeoutMs: timeoutFor(info, lat) });
}

// ---------------------------------------------------------------------------------------------------------------

const L = latencyMs;
let coldMain: RunResult | undefined;

// 1. At the configured latency: cold, linkinator (alternating when repeated), re-crawl, changed.
await withSite(pages, L, async (site, configFile) => {
  const info = site.info;
  results.site = {
    pageCount: info.pageCount,
    startMs: info.startMs,
    trapPrefix: info.trapPrefix,
    robotsDisallowed: info.robotsDisallowed,
    plantedBroken: plantedBroken(info).length,
  };
  let lastDb = "";
  for (let i = 1; i <= repeat; i++) {
    const suffix = repeat > 1 ? ` #${i}` : "";
    lastDb = path.join(workDir, `gongkai-${L}-${i}.sqlite`);
    const g = await measure(site, `gongkai cold${suffix}`, "cold", L, gongkai(`gongkai-cold-${L}-${i}`, configFile, lastDb, L, info));
    if (g && !coldMain) {
      coldMain = g;
      results.site.htmlPages = g.htmlPagesServed;
      results.site.links = g.linksOnPagesServed;
    }
    if (withLinkinator) await measure(site, `linkinator${suffix}`, "linkinator", L, linkinator(`linkinator-${L}-${i}`, info, L));
  }
  if (flags["uncapped-linkinator"] && withLinkinator)
    await measure(site, "linkinator (--concurrency only)", "linkinator-uncapped", L, linkinator(`linkinator-uncapped-${L}`, info, L, false));
  if (!coldMain) return;
  const re = await measure(site, "gongkai re-crawl", "recrawl", L, gongkai(`gongkai-recrawl-${L}`, configFile, lastDb, L, info));
  if (re) results.recrawl = { timeShare: share(re.wallSecs, coldMain.wallSecs), requestShare: share(re.requests, coldMain.requests) };
  // The next night: the last checks are older than recheckAfterHours (here: set to 0 on a copy of the database), so
  // every page is asked again (conditionally) and every link checked again. Cheaper in bytes and CPU, not in requests.
  const nightDb = path.join(workDir, `gongkai-${L}-night.sqlite`);
  copyFileSync(lastDb, nightDb);
  const nightConfig = configFile.replace(/\.json$/, "-night.json");
  writeFileSync(nightConfig, JSON.stringify({ ...JSON.parse(readFileSync(configFile, "utf8")), crawl: { ...JSON.parse(readFileSync(configFile, "utf8")).crawl, recheckAfterHours: 0 } }, null, 2));
  const night = await measure(site, "gongkai next night", "night", L, gongkai(`gongkai-night-${L}`, nightConfig, nightDb, L, info));
  if (night && results.recrawl) results.recrawl.nextNight = { timeShare: share(night.wallSecs, coldMain.wallSecs), requestShare: share(night.requests, coldMain.requests), bytesShare: share(night.bytesOut, coldMain.bytesOut), cpuShare: share(night.cpuSecs, coldMain.cpuSecs) };
  // A small change: a few item pages now answer 404 and one list page gains a link to a missing page.
  try {
    const change = await applySmallChange(site, info);
    log(`small change: ${change.description}`);
    const ch = await measure(site, "gongkai changed", "changed", L, gongkai(`gongkai-changed-${L}`, configFile, lastDb, L, info));
    await clearSmallChange(site, change);
    if (ch && results.recrawl) {
      const outFile = path.join(workDir, `out-gongkai-changed-${L}`, "findings.json");
      const findings = (JSON.parse(readFileSync(outFile, "utf8")) as { findings: { kind: string; targetUrl?: string }[] }).findings;
      const reported = new Set(findings.filter((f) => f.kind === "broken-link").map((f) => normalizeUrl(f.targetUrl ?? "") ?? f.targetUrl));
      const found = change.expectBroken.filter((u) => reported.has(u));
      results.recrawl.changed = {
        timeShare: share(ch.wallSecs, coldMain.wallSecs),
        requestShare: share(ch.requests, coldMain.requests),
        expected: change.expectBroken,
        found,
        missed: change.expectBroken.filter((u) => !reported.has(u)),
      };
    }
  } catch (e) {
    results.errors.push(`small change: ${(e as Error).message}`);
    log(`FAILED small change: ${(e as Error).message}`);
  }
});

// 2. At zero latency (CPU-bound): linkinator first this time, then gongkai; then gongkai under the profiler.
let cold0: RunResult | undefined;
if (L !== 0 || withProfile) {
  await withSite(pages, 0, async (site, configFile) => {
    const info = site.info;
    if (L !== 0) {
      if (withLinkinator) await measure(site, "linkinator", "linkinator", 0, linkinator("linkinator-0", info, 0));
      cold0 = await measure(site, "gongkai cold", "cold", 0, gongkai("gongkai-cold-0", configFile, path.join(workDir, "gongkai-0.sqlite"), 0, info));
    }
    if (withProfile) {
      const profDir = path.join(workDir, "cpuprofile");
      rmSync(profDir, { recursive: true, force: true });
      mkdirSync(profDir, { recursive: true });
      const p = await measure(site, "gongkai profiled", "profile", 0, gongkai("gongkai-profile-0", configFile, path.join(workDir, "gongkai-prof.sqlite"), 0, info, profDir));
      try {
        const files = readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile"));
        if (!files.length) throw new Error("no .cpuprofile written");
        // One file per thread: the main thread (I/O, walk, checks, store) and the parse worker, summarised apart.
        const threads: ThreadProfile[] = files.map((f) => {
          const file = path.join(profDir, f);
          const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
          return { thread: threadName(profile, f), file, summary: summariseProfile(profile, ROOT) };
        });
        const order = (t: ThreadProfile) => (t.thread === "main" ? 0 : t.thread === "parse worker" ? 1 : 2);
        threads.sort((a, b) => order(a) - order(b) || b.summary.busyMs - a.summary.busyMs);
        results.profile = {
          wallSecs: p?.wallSecs,
          cpuSecs: p?.cpuSecs,
          threads: threads.map((t) => ({ thread: t.thread, file: t.file, busyMs: t.summary.busyMs, totalMs: t.summary.totalMs, top: t.summary.top, modules: t.summary.modules })),
        };
        const md = renderProfileMarkdown(threads, {
          label: `${fmtNumber(info.pageCount)} pages, ${results.startedAt.slice(0, 10)}`,
          wallSecs: p?.wallSecs ?? NaN,
          cpuSecs: p?.cpuSecs ?? NaN,
          pages: info.pageCount,
          notes: [],
        });
        mkdirSync(outDir, { recursive: true });
        writeFileSync(path.join(outDir, quick && !flags.out ? "profile-quick.md" : "profile.md"), md);
      } catch (e) {
        results.profile = { error: (e as Error).message };
      }
    }
  });
}

// 3. Memory at a second, smaller size (same latency as the main cold crawl) to show how RSS grows.
if (smallPages !== pages && coldMain) {
  await withSite(smallPages, L, async (site, configFile) => {
    const info = site.info;
    results.site.smallPageCount = info.pageCount;
    const s = await measure(site, "gongkai cold (small site)", "size", L, gongkai(`gongkai-small-${L}`, configFile, path.join(workDir, "gongkai-small.sqlite"), L, info));
    if (s && coldMain)
      results.rssGrowth = {
        smallPages: info.pageCount,
        smallRssBytes: s.maxRssBytes,
        pages: coldMain.sitePages,
        rssBytes: coldMain.maxRssBytes,
        exponent: growthExponent(info.pageCount, s.maxRssBytes, coldMain.sitePages, coldMain.maxRssBytes),
      };
  });
}

// 4. The overlay in Chromium.
if (withOverlay) {
  try {
    const { measureOverlay } = await import("./overlay.js");
    log("overlay …");
    const overlay = await measureOverlay({ root: ROOT, links: 3000, findings: 300, added: 100, repeats: quick ? 3 : 7, log });
    results.overlay = overlay;
    log(`overlay: load → complete ${overlay.loadToCompleteMs.toFixed(1)} ms, 100 added ${overlay.added100Ms.toFixed(1)} ms (${overlay.via})`);
  } catch (e) {
    results.overlay = { error: (e as Error).message.split("\n")[0] };
    log(`FAILED overlay: ${(e as Error).stack}`);
  }
}

// Start-up of the compiled CLI as installed (bench/startup.ts): `gongkai --help`, and `gongkai crawl` → first request.
let startup = "";
if (!existsSync(path.join(gongkaiRoot, "bin/build.mjs"))) log("startup: skipped (that checkout has no bin/build.mjs)");
else try {
  const figures = await measureStartup({ root: gongkaiRoot, runs: quick ? 3 : 7, log });
  Object.assign(results, { startup: figures });
  startup = startupTable(figures) + "\n";
} catch (e) {
  results.errors.push(`startup: ${(e as Error).message}`);
}

results.scope = [
  `gongkai: \`node bin/gongkai.mjs crawl\` with the whole site as one \`other\` column at the site root (maxPagesPerColumn above the page count), concurrency ${concurrency} per host, robots.txt obeyed, external links checked; every page fetched with GET, every link on it checked once (HEAD first, GET when HEAD is refused or for #fragments), soft-404 probes, retries with backoff, findings written to SQLite and findings.json.`,
  `linkinator 7.6.1: its CLI with \`--recurse --concurrency ${concurrency} --retry --retry-errors --retry-errors-count 3 --check-fragments --timeout 15000\` from the same root: recurses into every same-host page under the root (GET), checks every other link (HEAD, GET on failure). Its \`--concurrency\` does not bound requests in flight (it starts each check when it finds the link), so the bench also caps Node's fetch at ${concurrency} connections per host (bench/lib/linkinator-per-host.mjs) — the same per-host limit gongkai obeys. It ignores robots.txt and has no trap detection, so the robots-disallowed paths and the self-linking calendar are passed to it as --skip.`,
  `Both: the same site process, reset counters before each run, the site in its own process so the checker's CPU and RSS are its own.`,
  flags["without-hang"]
    ? `The site as generated has a URL that never answers (a planted timeout); in this run (--without-hang) it answers 404 at once at every latency.`
    : `The site as generated has a URL that never answers (a planted timeout). At ${L} ms it stays, as on a real site; in the zero-latency runs (and the profile) it answers 404 at once, so those runs measure each tool's own speed rather than its timeout policy.`,
];
results.targets = evaluateTargets(results);
results.finishedAt = new Date().toISOString();

mkdirSync(outDir, { recursive: true });
writeJson(path.join(outDir, `${outName}.json`), results);
writeFileSync(path.join(outDir, `${outName}.md`), renderMarkdown(results) + (startup && `\n${startup}`));

process.stdout.write("\n" + terminalTable(results) + "\n\n" + (startup && `${startup}\n`));
for (const t of results.targets) process.stdout.write(`${t.reference ? "(参考)" : t.met === undefined ? "·" : t.met ? "✓" : "✗"} ${t.target}: ${t.value}${t.note ? `  (${t.note})` : ""}\n`);
process.stdout.write(`\n结果 results: ${path.join(outDir, `${outName}.json`)}, ${path.join(outDir, `${outName}.md`)}\n`);
if (results.errors.length) process.stdout.write(`错误 errors:\n${results.errors.map((e) => "  " + e.split("\n")[0]).join("\n")}\n`);
process.exitCode = results.errors.length ? 1 : 0;
