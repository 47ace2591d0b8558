// `npm run bench -- --multisite`: many sites through the pg-boss queue. N small sites (a home page, two columns of
// 30 documents each, ~65 pages and ~130 links) answer after `--latency` ms; they are queued with `gongkai enqueue`
// and drained by 1, 2 and 4 `gongkai worker` processes (each running `--concurrency` sites at once) on the
// machine's PostgreSQL. Reports the wall time from the workers' start until every site is done, and sites per hour
// per worker. Writes bench/results/multisite.json and .md.
//
//   npm run bench -- --multisite [--sites 20] [--latency 20] [--workers 1,2,4] [--worker-concurrency 2]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { page, startTestSite, type Route, type TestSite } from "../tests/e2e/crawl-helpers.js";
import { createTestDatabase, PG, PG_ADMIN_URL } from "../tests/helpers/pg.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const flags = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--multisite"),
  options: {
    sites: { type: "string", default: "20" },
    latency: { type: "string", default: "20" },
    workers: { type: "string", default: "1,2,4" },
    "worker-concurrency": { type: "string", default: "2" },
    out: { type: "string" },
  },
  strict: true,
}).values;
const SITES = Number(flags.sites);
const LATENCY = Number(flags.latency);
const WORKERS = flags.workers!.split(",").map(Number);
const WORKER_CONCURRENCY = Number(flags["worker-concurrency"]);
const log = (line: string) => process.stderr.write(`[multisite] ${line}\n`);

if (!PG) {
  process.stderr.write(`跳过 skipped: no PostgreSQL at ${PG_ADMIN_URL}\n`);
  process.exit(1);
}

function addSite(routes: Record<string, Route>, n: number): void {
  const columns = ["zcwj", "tzgg"];
  routes["/"] = { body: page(`网站 ${n}`, columns.map((c) => `<a href="/${c}/index.html">${c}</a>`).join("")) };
  for (const c of columns) {
    const items = Array.from({ length: 30 }, (_, i) => `<li><a href="/${c}/t202403${String(i + 1).padStart(2, "0")}_${i}.html">网站 ${n} ${c} 文件 ${i}</a><span>2024-03-${String(i + 1).padStart(2, "0")}</span></li>`);
    routes[`/${c}/index.html`] = { body: page(c, `<ul class="list">${items.join("")}</ul>`, `<meta name="ColumnName" content="${c}">`) };
    for (let i = 0; i < 30; i++)
      routes[`/${c}/t202403${String(i + 1).padStart(2, "0")}_${i}.html`] = {
        body: page(`网站 ${n} ${c} 文件 ${i}`, `<h1>网站 ${n} ${c} 文件 ${i}</h1><p>发布日期：2024-03-${String(i + 1).padStart(2, "0")}</p><a href="/${c}/index.html">返回</a><a href="/files/${c}-${i}.pdf">附件</a>`),
      };
  }
}

function runCli(args: string[], cwd: string): { done: Promise<number | null>; out: () => string; kill: (s: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/gongkai.mjs"), ...args], { cwd });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return { done: new Promise((r) => child.on("exit", r)), out: () => out, kill: (s) => void child.kill(s) };
}

const dir = mkdtempSync(path.join(os.tmpdir(), "gongkai-bench-multisite-"));
const servers: TestSite[] = [];
const configs: string[] = [];
for (let n = 1; n <= SITES; n++) {
  const routes: Record<string, Route> = {};
  addSite(routes, n);
  const s = await startTestSite(routes, { latencyMs: LATENCY });
  servers.push(s);
  const file = path.join(dir, `site${n}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      site: { id: `site${n}`, name: `网站 ${n}`, baseUrl: s.baseUrl },
      crawl: { concurrency: 4, requestTimeoutSecs: 10, retries: 0, respectRobotsTxt: false, contact: "bench@example.invalid" },
      columns: ["zcwj", "tzgg"].map((c) => ({ id: c, name: c, url: `${s.baseUrl}${c}/index.html`, type: "other", maintainer: { department: "办公室", name: "张三" } })),
    }),
  );
  configs.push(file);
}

interface Row {
  workers: number;
  wallSecs: number;
  sitesPerHourPerWorker: number;
  requests: number;
  /** The machine's 1-minute load average before and after (other work on a shared machine shows here). */
  loadBefore: number;
  loadAfter: number;
}
const rows: Row[] = [];
for (const w of WORKERS) {
  const db = await createTestDatabase();
  try {
    const before = servers.reduce((n, s) => n + s.requests.length, 0);
    const loadBefore = os.loadavg()[0];
    const q = runCli(["enqueue", "--db", db.url, ...configs.flatMap((c) => ["--config", c])], dir);
    if ((await q.done) !== 0) throw new Error(`enqueue failed:\n${q.out()}`);
    const t0 = Date.now();
    const procs = Array.from({ length: w }, () => runCli(["worker", "--db", db.url, "--out", path.join(dir, `out-${w}`), "--concurrency", String(WORKER_CONCURRENCY), "--poll", "0.2"], dir));
    const doneCount = () => procs.reduce((n, p) => n + (p.out().match(/完成 done /g)?.length ?? 0), 0);
    while (doneCount() < SITES) {
      if (Date.now() - t0 > 1800_000) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 100));
    }
    const wallSecs = (Date.now() - t0) / 1000;
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.done));
    const requests = servers.reduce((n, s) => n + s.requests.length, 0) - before;
    rows.push({ workers: w, wallSecs, sitesPerHourPerWorker: (SITES / wallSecs) * 3600 / w, requests, loadBefore, loadAfter: os.loadavg()[0] });
    log(`${w} worker(s): ${SITES} sites in ${wallSecs.toFixed(1)} s (${rows.at(-1)!.sitesPerHourPerWorker.toFixed(0)} sites/h/worker, ${requests} requests)`);
  } finally {
    await db.drop();
  }
}
await Promise.all(servers.map((s) => s.close()));
rmSync(dir, { recursive: true, force: true });

const result = {
  finishedAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30) },
  sites: SITES,
  latencyMs: LATENCY,
  workerConcurrency: WORKER_CONCURRENCY,
  pagesPerSite: 63,
  /** Wall time if only the site's latency bounded the crawls: requests × latency ÷ (4 per site × sites at once). */
  networkBoundSecs: rows.map((r) => ({ workers: r.workers, secs: (r.requests * LATENCY) / 1000 / (4 * WORKER_CONCURRENCY * r.workers) })),
  rows,
};
const outDir = flags.out ?? path.join(ROOT, "bench/results");
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "multisite.json"), JSON.stringify(result, null, 2) + "\n");
const md = [
  `# 多站点基准 Many sites (${result.finishedAt})`,
  "",
  `${SITES} 个小网站（每站约 63 个页面、约 190 个链接），响应延迟 ${LATENCY} ms；每个 worker 同时抓取 ${WORKER_CONCURRENCY} 个网站，每站并发 4；机器 ${result.machine.cpus} 核。`,
  `${SITES} small sites (~63 pages, ~190 links each) answering after ${LATENCY} ms; each worker runs ${WORKER_CONCURRENCY} sites at once, 4 requests per site; ${result.machine.cpus} cores.`,
  "",
  "| workers | 总时间 wall (s) | 仅受网络延迟限制 network bound (s) | 网站/小时/worker sites/h/worker | 请求 requests | 负载 load avg before → after |",
  "| ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r, i) =>
      `| ${r.workers} | ${r.wallSecs.toFixed(1)} | ${result.networkBoundSecs[i].secs.toFixed(1)} | ${r.sitesPerHourPerWorker.toFixed(0)} | ${r.requests} | ${r.loadBefore.toFixed(1)} → ${r.loadAfter.toFixed(1)} |`,
  ),
  "",
].join("\n");
writeFileSync(path.join(outDir, "multisite.md"), md);
process.stdout.write(md + "\n");
