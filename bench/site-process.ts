// The bench's site, in its own process so the crawler's CPU and memory are measured alone. Serves the demo site
// (tests/fixtures/demo-site/server.ts) at the size and latency asked for, counts what it serves, and answers the
// parent over IPC: { id, op: "info" | "counters" | "reset" | "override" | "close" }.
// Started by bench/lib/site.ts as `node bin/run-ts.mjs bench/site-process.ts` with an IPC channel.
import http from "node:http";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { countLinks, emptyHostCounts, looksLikeHtml, quantile, totalOf, type HostCounts, type SiteCounts } from "./lib/stats.js";
import { realAttachmentFor } from "./lib/attachments.js";

interface HostState extends HostCounts {
  urls: Set<string>;
  gaps: number[];
  inFlight: number;
  /** performance.now() of the last change of inFlight, for the time spent at each level. */
  changedAt: number;
  /** URLs asked for and never answered (the client gave up), and URLs answered: never-answering = first minus second. */
  unanswered: Set<string>;
  answered: Set<string>;
}

const hosts = new Map<string, HostState>();
/** When each connection's last answer was sent (for the client's turnaround). */
const lastAnswered = new WeakMap<object, number>();
let cpuAtReset = process.cpuUsage();
let since = Date.now();
let sinceMono = performance.now();

/** Time spent at the current in-flight level is added before the level changes. */
function levelChange(h: HostState, delta: number): void {
  const now = performance.now();
  const at = h.msAtInFlight!;
  at[h.inFlight] = (at[h.inFlight] ?? 0) + (now - h.changedAt);
  if (process.env.BENCH_SITE_IDLE_SERIES) {
    // Idle slot-ms per second of the run (for finding where a crawl leaves slots unused).
    const series = ((h as unknown as { idleSeries?: number[] }).idleSeries ??= []);
    const b = Math.floor((now - sinceMono) / 1000);
    series[b] = (series[b] ?? 0) + Math.max(0, 4 - h.inFlight) * (now - h.changedAt);
  }
  h.changedAt = now;
  h.inFlight += delta;
  if (delta < 0) h.lastAnswerMs = now - sinceMono;
}

function hostState(host: string): HostState {
  let h = hosts.get(host);
  if (!h) {
    h = { ...emptyHostCounts(), urls: new Set(), gaps: [], inFlight: 0, changedAt: performance.now(), unanswered: new Set(), answered: new Set(), msAtInFlight: [], firstRequestMs: performance.now() - sinceMono };
    hosts.set(host, h);
  }
  return h;
}

// Count every request any server in this process receives, before the demo server sees it: the counts do not
// depend on how the demo server records requests, and bytes are measured on the socket (headers included).
const originalEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
  if (event === "request") {
    const req = args[0] as http.IncomingMessage;
    const res = args[1] as http.ServerResponse;
    const host = req.headers.host ?? "?";
    const h = hostState(host);
    h.requests++;
    if (req.method === "GET") h.get++;
    else if (req.method === "HEAD") h.head++;
    if (req.headers["if-none-match"] || req.headers["if-modified-since"]) h.conditional++;
    const key = req.url ?? "";
    if (!h.urls.has(key)) {
      h.urls.add(key);
      h.uniqueUrls++;
    }
    levelChange(h, 1);
    if (h.inFlight > h.maxInFlight) h.maxInFlight = h.inFlight;
    const socket = req.socket;
    const last = lastAnswered.get(socket);
    if (last !== undefined) {
      const gap = performance.now() - last;
      h.turnaroundMs += gap;
      h.turnarounds++;
      h.gaps.push(gap);
    }
    // Headers given to writeHead directly are not readable with getHeader afterwards: note Retry-After on the way.
    let retryAfter: unknown;
    const writeHead = res.writeHead;
    res.writeHead = function (this: http.ServerResponse, ...whArgs: unknown[]) {
      const headers = whArgs.find((a, i) => i > 0 && a && typeof a === "object") as Record<string, unknown> | unknown[] | undefined;
      if (Array.isArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === "retry-after") retryAfter = headers[i + 1];
      } else if (headers) {
        for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === "retry-after") retryAfter = v;
      }
      return writeHead.apply(this, whArgs as Parameters<typeof writeHead>);
    } as typeof res.writeHead;
    const writtenBefore = socket.bytesWritten;
    const arrived = performance.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      levelChange(h, -1);
      const now = performance.now();
      h.busyMs += now - arrived;
      lastAnswered.set(socket, now);
      h.bytesOut += Math.max(0, socket.bytesWritten - writtenBefore);
      if (res.statusCode === 304) h.notModified++;
      if (!res.headersSent) h.unanswered.add(key);
      else {
        h.answered.add(key);
        // A wait the site asked for (429/503 with Retry-After in seconds): a polite client sends nothing meanwhile.
        const ra = Number(res.getHeader("retry-after") ?? retryAfter);
        if ((res.statusCode === 429 || res.statusCode === 503) && Number.isFinite(ra) && ra > 0) h.retryAfterMs = (h.retryAfterMs ?? 0) + ra * 1000;
      }
    };
    // One attachment in ten is a real file (a PDF, DOCX or XLSX decision or result sheet) instead of the demo
    // site's few placeholder bytes, so the crawl's attachment scan has real work (BENCH_SITE_REAL_ATTACHMENTS=0: off).
    const real = process.env.BENCH_SITE_REAL_ATTACHMENTS === "0" ? undefined : realAttachmentFor(key);
    if (real) {
      const writeHeadReal = res.writeHead;
      res.writeHead = function (this: http.ServerResponse, ...whArgs: unknown[]) {
        const headers = whArgs.find((a, i) => i > 0 && a && typeof a === "object" && !Array.isArray(a)) as Record<string, string> | undefined;
        if (headers && (whArgs[0] as number) === 200) {
          headers["content-length"] = String(real.body.length);
          headers["content-type"] = real.type;
        }
        return writeHeadReal.apply(this, whArgs as Parameters<typeof writeHeadReal>);
      } as typeof res.writeHead;
      const endReal = res.end;
      res.end = function (this: http.ServerResponse, ...endArgs: unknown[]) {
        if (res.statusCode === 200 && req.method === "GET" && Buffer.isBuffer(endArgs[0])) endArgs[0] = real.body;
        return endReal.apply(this, endArgs as Parameters<typeof endReal>);
      } as typeof res.end;
    }
    // Count the links on every HTML page served whole: the site's size in links, as the checkers saw it.
    if (req.method === "GET") {
      const end = res.end;
      res.end = function (this: http.ServerResponse, ...endArgs: unknown[]) {
        const chunk = endArgs[0];
        const out = end.apply(this, endArgs as Parameters<typeof end>);
        // Counted after the answer is on its way: the count is the bench's work, not the site's answer time.
        if (res.statusCode >= 200 && res.statusCode < 300 && (Buffer.isBuffer(chunk) || typeof chunk === "string")) {
          setImmediate(() => {
            const text = Buffer.isBuffer(chunk) ? chunk.toString("latin1") : chunk;
            if (looksLikeHtml(text.slice(0, 300))) {
              h.htmlPages++;
              h.linksOnPages += countLinks(text);
            }
          });
        }
        return out;
      } as typeof res.end;
    }
    res.once("finish", finish);
    res.once("close", finish);
  }
  return originalEmit.apply(this, [event, ...args] as Parameters<typeof originalEmit>);
} as typeof http.Server.prototype.emit;

function counters(): SiteCounts & { elapsedMs: number; cpuUserMs: number; cpuSystemMs: number } {
  const out: Record<string, HostCounts> = {};
  for (const [host, h] of hosts) {
    const { urls: _urls, inFlight: _inFlight, changedAt: _changedAt, unanswered, answered, gaps, ...counts } = h;
    counts.neverAnsweredUrls = [...unanswered].filter((u) => !answered.has(u)).length;
    counts.msAtInFlight = (h.msAtInFlight ?? []).map((v) => Math.round(v ?? 0));
    const series = (h as unknown as { idleSeries?: number[] }).idleSeries;
    if (series) (counts as Record<string, unknown>).idleSeries = Array.from(series, (v) => Math.round(v ?? 0));
    out[host] = gaps.length ? { ...counts, turnaroundMedianMs: quantile(gaps, 0.5), turnaroundP90Ms: quantile(gaps, 0.9) } : counts;
  }
  const cpu = process.cpuUsage(cpuAtReset);
  return { hosts: out, total: totalOf(out), elapsedMs: Date.now() - since, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 };
}

function reset(): void {
  hosts.clear();
  cpuAtReset = process.cpuUsage();
  since = Date.now();
  sinceMono = performance.now();
}

const size = process.env.BENCH_SITE_SIZE === "demo" || !process.env.BENCH_SITE_SIZE ? "demo" : Number(process.env.BENCH_SITE_SIZE);
const latencyMs = Number(process.env.BENCH_SITE_LATENCY_MS ?? 20);
const port = process.env.BENCH_SITE_PORT ? Number(process.env.BENCH_SITE_PORT) : undefined;
const externalPort = process.env.BENCH_SITE_EXTERNAL_PORT ? Number(process.env.BENCH_SITE_EXTERNAL_PORT) : undefined;
const now = process.env.BENCH_SITE_NOW ? new Date(process.env.BENCH_SITE_NOW) : undefined;

// BENCH_SITE_MODULE: another module with the same startDemoSite signature (to try the harness on a stand-in).
const { startDemoSite } = (await import(
  process.env.BENCH_SITE_MODULE ? pathToFileURL(process.env.BENCH_SITE_MODULE).href : "../tests/fixtures/demo-site/server.js"
)) as typeof import("../tests/fixtures/demo-site/server.js");
const startedAt = Date.now();
const site = await startDemoSite({ size, latencyMs, ...(port !== undefined ? { port } : {}), ...(externalPort !== undefined ? { externalPort } : {}), ...(now ? { now } : {}) });
const startMs = Date.now() - startedAt;

function info() {
  const m = site.manifest;
  return {
    baseUrl: site.baseUrl,
    externalBaseUrl: site.externalBaseUrl,
    startMs,
    size,
    latencyMs,
    pageCount: m.pageCount,
    trapPrefix: m.trapPrefix,
    robotsDisallowed: m.robotsDisallowed,
    now: m.now,
    columns: m.columns.map((c) => ({ id: c.id, url: c.url, type: c.type, listPages: c.listPages, items: c.items, charset: c.charset, sampleItems: c.sampleItems?.map((x) => x.url) })),
    planted: m.planted.length,
    // Planted link defects: the bench re-checks that a crawl still finds them (speed that misses defects is no win).
    plantedLinks: m.planted.filter((p) => p.targetUrl).map((p) => ({ kind: p.kind, reason: p.reason, pageUrl: p.pageUrl, targetUrl: p.targetUrl })),
    config: site.config,
    rss: process.memoryUsage().rss,
  };
}

type Message = { id: number; op: string; path?: string; res?: unknown; file?: string };

process.on("message", async (msg: Message) => {
  const reply = (value: unknown, error?: string) => process.send?.({ id: msg.id, value, error });
  try {
    switch (msg.op) {
      case "info":
        return reply(info());
      case "counters":
        return reply(counters());
      case "dump":
        // Every URL requested since the last reset, per host, one a line: to compare what two tools fetched.
        writeFileSync(msg.file!, [...hosts].flatMap(([host, h]) => [...h.urls].map((u) => `${host}${u}`)).sort().join("\n") + "\n");
        return reply(true);
      case "reset":
        site.resetCounters?.();
        reset();
        return reply(true);
      case "override":
        // The demo server's override: a path answers differently (changed or broken page) until cleared with null.
        site.override(msg.path!, (msg.res ?? null) as Parameters<typeof site.override>[1]);
        return reply(true);
      case "close":
        await site.close();
        reply(true);
        process.disconnect?.();
        return;
      default:
        return reply(undefined, `unknown op ${msg.op}`);
    }
  } catch (e) {
    reply(undefined, (e as Error).stack ?? String(e));
  }
});

process.on("disconnect", () => {
  // The parent went away: stop serving rather than linger as an orphan.
  void site.close().finally(() => process.exit(0));
});

process.send?.({ id: 0, value: "ready" });
