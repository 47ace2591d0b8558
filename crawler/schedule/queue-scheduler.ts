// `schedule --db postgres://…`: the scheduler of many sites. It crawls nothing itself: on each site's
// schedule.crawl (in its schedule.timezone) it puts a crawl of that site on the pg-boss queue, where any worker
// (`gongkai worker`, on any machine) takes it. A site still queued is not queued again (the queue's singleton per
// site), so two schedulers, or a tick during a long crawl, never make two crawls of one site. Each site's config
// file is re-read at each tick: edits apply without a restart, a broken edit skips that tick and is logged.
import { Cron } from "croner";
import { readFileSync } from "node:fs";
import type PgBoss from "pg-boss";
import { loadConfig } from "../args.js";
import { siteIdOf, type Config } from "../../shared/schema.js";
import { crawlJobOf, enqueueCrawl, openQueue, redactDbUrl, type RetryOptions } from "../queue/queue.js";
import { stamp, validateSchedule } from "./scheduler.js";

export interface QueueSchedulerOptions {
  configFiles: string[];
  dbUrl: string;
  retry: RetryOptions;
  log?: (line: string) => void;
}

export class QueueScheduler {
  private boss?: PgBoss;
  private crons: Cron[] = [];
  private readonly log: (line: string) => void;
  /** The configs as read at start (validated: a bad one stops the start with exit 2). */
  readonly configs: Config[];

  constructor(private readonly opts: QueueSchedulerOptions) {
    this.configs = opts.configFiles.map((f) => loadConfig(f));
    for (const c of this.configs) validateSchedule(c);
    const out = opts.log ?? ((line: string) => process.stdout.write(line + "\n"));
    this.log = (line) => out(`[${stamp(new Date(), this.configs[0]?.schedule.timezone ?? "Asia/Shanghai")}] ${line}`);
  }

  async start(): Promise<void> {
    this.boss = await openQueue(this.opts.dbUrl, { supervise: false, log: this.log });
    this.configs.forEach((config, i) => {
      const file = this.opts.configFiles[i];
      const cron = new Cron(config.schedule.crawl, { timezone: config.schedule.timezone, name: `gongkai-enqueue-${siteIdOf(config.site)}-${process.pid}` }, () => {
        void this.enqueue(file);
      });
      this.crons.push(cron);
      const next = cron.nextRun();
      this.log(`  ${siteIdOf(config.site)} "${config.schedule.crawl}" · 下次排队 next ${next ? stamp(next, config.schedule.timezone) : "—"}`);
    });
    this.log(`已启动 started (pid ${process.pid}) · 队列 queue ${redactDbUrl(this.opts.dbUrl)} · ${this.configs.length} 个网站 sites`);
  }

  /** Queue one site's crawl now (the cron callback, or --run-now crawl). */
  async enqueue(file: string): Promise<string | null | undefined> {
    let config: Config;
    try {
      config = loadConfig(file);
    } catch (e) {
      this.log(`跳过 skipped ${file}: ${(e as Error).message}`);
      return undefined;
    }
    const job = crawlJobOf(config, readFileSync(file, "utf8"), file);
    try {
      const id = await enqueueCrawl(this.boss!, job, this.opts.retry);
      this.log(id ? `已排队 queued ${job.siteId} (job ${id})` : `已在队列中 already queued ${job.siteId}`);
      return id;
    } catch (e) {
      this.log(`排队失败 could not queue ${job.siteId}: ${(e as Error).message}`);
      return undefined;
    }
  }

  async runNow(): Promise<void> {
    for (const file of this.opts.configFiles) await this.enqueue(file);
  }

  async stop(reason: string): Promise<void> {
    for (const c of this.crons) c.stop();
    this.log(`正在停止 stopping (${reason})`);
    await this.boss?.stop({ graceful: false, wait: true });
    this.log("已停止 stopped");
  }
}

/** The `schedule --db postgres://…` command: runs until SIGINT/SIGTERM, then exits 0. */
export async function runQueueSchedule(args: {
  config?: string[];
  db?: string;
  "run-now"?: string;
  "job-expiry"?: string;
  "retry-limit"?: string;
  "retry-delay"?: string;
}): Promise<number> {
  const { UsageError } = await import("../args.js");
  const { DEFAULT_RETRY, positiveInt } = await import("../queue/queue.js");
  if (!args.config?.length) throw new UsageError("缺少配置文件 missing: --config FILE is required (repeatable)");
  const runNow = args["run-now"];
  if (runNow !== undefined && runNow !== "crawl")
    throw new UsageError(`--run-now: 使用 PostgreSQL 时只能为 crawl with PostgreSQL only "crawl" (reports: gongkai report), got "${runNow}"`);
  const scheduler = new QueueScheduler({
    configFiles: args.config,
    dbUrl: args.db!,
    retry: {
      jobExpirySecs: positiveInt(args["job-expiry"], "--job-expiry", DEFAULT_RETRY.jobExpirySecs),
      retryLimit: positiveInt(args["retry-limit"], "--retry-limit", DEFAULT_RETRY.retryLimit, 0),
      retryDelaySecs: positiveInt(args["retry-delay"], "--retry-delay", DEFAULT_RETRY.retryDelaySecs, 0),
    },
  });
  let stopped!: () => void;
  const done = new Promise<void>((r) => (stopped = r));
  const onSignal = (sig: NodeJS.Signals) => void scheduler.stop(sig).then(stopped);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await scheduler.start();
    if (runNow === "crawl") await scheduler.runNow();
    await done;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return 0;
}
