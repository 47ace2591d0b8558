// A queue worker: takes crawl jobs from the pg-boss queue and runs them, N sites at once. Each job's crawl gets a
// fresh Config parsed from the job's text, its own AbortController, and the per-host locks of host-lock.ts. The
// crawl writes DIR/<site.id>/findings.json and its history into the store at the same `--db`.
//
// Outcomes go back to pg-boss: exit 0 → complete; exit 1 or an error → fail (pg-boss retries with backoff while
// tries are left); stopped by SIGTERM → fail with "handed back", so the crawl returns to the queue for another
// worker (the stopped crawl ends as an incomplete run: nothing is marked fixed). A worker killed outright leaves its
// job active and writes nothing; pg-boss's maintenance (in any worker) returns the job after its expiry.
import path from "node:path";
import type PgBoss from "pg-boss";
import { parseConfigText } from "../../shared/schema.js";
import { CRAWL_QUEUE, openQueue, type CrawlJobData } from "./queue.js";
import { holdHosts } from "./host-lock.js";

export interface WorkerOptions {
  dbUrl: string;
  outDir: string;
  /** Sites crawled at once by this worker. */
  concurrency: number;
  /** Seconds between looks at an empty queue. */
  pollSecs: number;
  /** Seconds between this worker's looks for abandoned (expired) jobs. */
  maintenanceSecs: number;
  /** On stop: seconds the running crawls get to finish before they are aborted and handed back. */
  stopGraceSecs: number;
  log: (line: string) => void;
  /** Show the crawls' progress lines too. */
  verbose?: boolean;
}

export interface JobReport {
  siteId: string;
  jobId: string;
  outcome: "complete" | "failed" | "handed-back";
  exitCode?: number;
  findingsFile?: string;
  message?: string;
}

export class CrawlWorker {
  private boss?: PgBoss;
  private stopping = false;
  private readonly wake = new AbortController();
  private readonly running = new Map<string, { siteId: string; abort: AbortController }>();
  private slots: Promise<void>[] = [];
  readonly reports: JobReport[] = [];

  constructor(private readonly opts: WorkerOptions) {}

  async start(): Promise<void> {
    this.boss = await openQueue(this.opts.dbUrl, { maintenanceIntervalSecs: this.opts.maintenanceSecs, log: this.opts.log });
    this.opts.log(`工作进程已启动 worker started (pid ${process.pid}) · 同时抓取 concurrency ${this.opts.concurrency} · 输出 out ${path.resolve(this.opts.outDir)}`);
    for (let i = 0; i < this.opts.concurrency; i++) this.slots.push(this.slot());
  }

  /** Resolves when every slot has ended (after stop()). */
  async finished(): Promise<void> {
    await Promise.all(this.slots);
  }

  private async slot(): Promise<void> {
    const boss = this.boss!;
    while (!this.stopping) {
      let jobs: PgBoss.JobWithMetadata<CrawlJobData>[] = [];
      try {
        jobs = await boss.fetch<CrawlJobData>(CRAWL_QUEUE, { batchSize: 1, includeMetadata: true });
      } catch (e) {
        this.opts.log(`取任务失败 fetch failed: ${(e as Error).message}`);
      }
      const job = jobs[0];
      if (!job) {
        await pause(this.opts.pollSecs * 1000, this.wake.signal);
        continue;
      }
      await this.runJob(boss, job);
    }
  }

  /**
   * Is the job still the one this worker took? A crawl that outlived its expiry was returned to the queue by
   * pg-boss (same id) and may be running elsewhere now: its outcome must not complete or fail that new attempt.
   */
  private async stillOurs(boss: PgBoss, job: PgBoss.JobWithMetadata<CrawlJobData>, log: (line: string) => void): Promise<boolean> {
    const now = await boss.getJobById<CrawlJobData>(CRAWL_QUEUE, job.id).catch(() => null);
    const ours = !!now && now.state === "active" && new Date(now.startedOn).getTime() === new Date(job.startedOn).getTime();
    if (!ours) log(`任务已超过 --job-expiry 并被重新排队，本次结果不回报 the job outlived its expiry and was queued again: outcome not reported`);
    return ours;
  }

  private async runJob(boss: PgBoss, job: PgBoss.JobWithMetadata<CrawlJobData>): Promise<void> {
    const { siteId } = job.data;
    const abort = new AbortController();
    this.running.set(job.id, { siteId, abort });
    const log = (line: string) => this.opts.log(`[${siteId}] ${line}`);
    const report = (r: Omit<JobReport, "siteId" | "jobId">) => {
      this.reports.push({ siteId, jobId: job.id, ...r });
    };
    try {
      const parsed = parseConfigText(job.data.configText, job.data.configFile);
      if (!parsed.ok) throw new Error(`配置有误 invalid config ${job.data.configFile}: ${parsed.errors.join("; ")}`);
      const config = parsed.value;
      const hosts = await holdHosts(this.opts.dbUrl, job.data.hosts, {
        signal: abort.signal,
        onWait: (host) => log(`等待 waiting: 同一主机上的另一个网站正在抓取 another site on ${host} is being crawled`),
      });
      try {
        log(`开始抓取 crawl started: ${config.site.name} ${config.site.baseUrl} (job ${job.id})`);
        const { runCrawl } = await import("../pipeline.js");
        const result = await runCrawl(config, {
          dbFile: this.opts.dbUrl,
          outDir: path.join(this.opts.outDir, siteId),
          signal: abort.signal,
          log: (line) => (this.opts.verbose || !line.startsWith("[进度") ? log(`  ${line}`) : undefined),
        });
        if (!(await this.stillOurs(boss, job, log))) {
          report({ outcome: "failed", exitCode: result.exitCode, message: "expired" });
        } else if (abort.signal.aborted) {
          await boss.fail(CRAWL_QUEUE, job.id, { message: "handed back: worker stopping 工作进程停止，已交还队列" });
          log(`已交还队列 handed back (第 ${result.runId} 次抓取未完成，不会把任何问题标为已修复 run ${result.runId} incomplete: nothing marked fixed)`);
          report({ outcome: "handed-back", exitCode: result.exitCode });
        } else if (result.exitCode === 0) {
          await boss.complete(CRAWL_QUEUE, job.id, { runId: result.runId, findings: result.findings.length, findingsFile: result.findingsFile });
          log(`抓取完成 crawl done: ${result.findingsFile}`);
          this.opts.log(`完成 done ${siteId} ${result.findingsFile}`);
          report({ outcome: "complete", exitCode: 0, findingsFile: result.findingsFile });
        } else {
          await boss.fail(CRAWL_QUEUE, job.id, { exitCode: result.exitCode, runId: result.runId });
          log(`抓取未完成 crawl ended with exit ${result.exitCode}: 稍后重试（如还有次数）retried later while tries are left`);
          report({ outcome: "failed", exitCode: result.exitCode });
        }
      } finally {
        await hosts.release();
      }
    } catch (e) {
      const err = e as Error;
      const handedBack = abort.signal.aborted;
      if (await this.stillOurs(boss, job, log))
        await boss
        .fail(CRAWL_QUEUE, job.id, { message: handedBack ? "handed back: worker stopping" : err.message })
        .catch((f) => log(`无法交还任务 could not fail the job: ${(f as Error).message}`));
      log(handedBack ? "已交还队列 handed back" : `抓取失败 crawl failed: ${err.message}`);
      report({ outcome: handedBack ? "handed-back" : "failed", message: err.message });
    } finally {
      this.running.delete(job.id);
    }
  }

  /**
   * Stop taking jobs; give the running crawls `stopGraceSecs` to finish, then abort them (each is handed back to
   * the queue, its run marked aborted). `now`: abort at once.
   */
  async stop(reason: string, now = false): Promise<void> {
    const first = !this.stopping;
    this.stopping = true;
    this.wake.abort();
    const busy = [...this.running.values()].map((r) => r.siteId);
    if (first) this.opts.log(`正在停止 stopping (${reason})${busy.length ? ` · 正在抓取 running: ${busy.join(", ")}` : ""}`);
    if (now) for (const r of this.running.values()) r.abort.abort();
    if (!first) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), this.opts.stopGraceSecs * 1000)));
    const ended = await Promise.race([this.finished().then(() => "done" as const), grace]);
    clearTimeout(timer);
    if (ended === "timeout") {
      this.opts.log(`等待 ${this.opts.stopGraceSecs}s 后中止 aborting the running crawls after ${this.opts.stopGraceSecs}s; 交还队列 handing them back`);
      for (const r of this.running.values()) r.abort.abort();
      await this.finished();
    }
    await this.boss?.stop({ graceful: false, wait: true, timeout: 10_000 });
    this.opts.log("已停止 stopped");
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
