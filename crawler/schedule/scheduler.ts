// The long-running scheduler: a crawl on `schedule.crawl`, the report (and mail, when configured) on
// `schedule.report`, in the schedule's time zone. Never two crawls at once: one at a time in this process, and the
// store's crawl lock keeps out crawls of other processes (a cron job, a manual run). Every action is logged with
// a timestamp. The config file is re-read before each job, so edits apply without a restart.
import { Cron } from "croner";
import path from "node:path";
import { loadConfig, UsageError } from "../args.js";
import type { Config } from "../../shared/schema.js";

export type JobName = "crawl" | "report";

export interface SchedulerOptions {
  configFile: string;
  dbFile: string;
  /** findings.json goes here; reports to `outDir/reports/YYYY-MM-DD/`. */
  outDir: string;
  log?: (line: string) => void;
}

export interface JobOutcome {
  job: JobName;
  ok: boolean;
  skipped?: string;
  detail?: string;
}

/** A timestamp in the given zone, with its offset: `2026-03-02 02:00:00 +08:00`. */
export function stamp(date: Date, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  const offset = p.timeZoneName === "GMT" ? "+00:00" : p.timeZoneName.replace("GMT", "");
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${offset}`;
}

/** Check the schedule of a config: valid cron expressions and time zone. Throws UsageError naming the field. */
export function validateSchedule(config: Config): void {
  try {
    new Intl.DateTimeFormat("en", { timeZone: config.schedule.timezone });
  } catch {
    throw new UsageError(`schedule.timezone: unknown time zone "${config.schedule.timezone}"`);
  }
  for (const field of ["crawl", "report"] as const) {
    try {
      const probe = new Cron(config.schedule[field], { paused: true, timezone: config.schedule.timezone });
      const next = probe.nextRun();
      probe.stop();
      if (!next) throw new Error("it never fires");
    } catch (e) {
      throw new UsageError(`schedule.${field}: invalid cron expression "${config.schedule[field]}" (${(e as Error).message})`);
    }
  }
}

export class Scheduler {
  private jobs: Cron[] = [];
  private running = new Map<JobName, Promise<JobOutcome>>();
  private abort = new AbortController();
  private config: Config;
  private readonly log: (line: string) => void;
  private stopping = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.config = loadConfig(opts.configFile);
    validateSchedule(this.config);
    const out = opts.log ?? ((line: string) => process.stdout.write(line + "\n"));
    this.log = (line) => out(`[${stamp(new Date(), this.config.schedule.timezone)}] ${line}`);
  }

  /** The config as last read (at start, then before each job). */
  get currentConfig(): Config {
    return this.config;
  }

  start(): void {
    const { schedule } = this.config;
    for (const job of ["crawl", "report"] as const) {
      const cron = new Cron(schedule[job], { timezone: schedule.timezone, name: `gongkai-${job}-${process.pid}` }, () => {
        void this.run(job);
      });
      this.jobs.push(cron);
    }
    this.log(
      `已启动 started (pid ${process.pid}) · 数据库 db ${path.resolve(this.opts.dbFile)} · 时区 timezone ${schedule.timezone}\n` +
        `  抓取 crawl  "${schedule.crawl}" · 下次 next ${this.nextText("crawl")}\n` +
        `  报告 report "${schedule.report}" · 下次 next ${this.nextText("report")}` +
        (this.config.mail ? ` · 邮件 mail ${this.config.mail.host}:${this.config.mail.port}` : " · 未配置邮件 no mail configured"),
    );
  }

  private nextText(job: JobName): string {
    const cron = this.jobs[job === "crawl" ? 0 : 1];
    const next = cron?.nextRun();
    return next ? stamp(next, this.config.schedule.timezone) : "—";
  }

  /** Run a job now (the cron callback, or --run-now). A job already running is not started twice. */
  run(job: JobName): Promise<JobOutcome> {
    if (this.stopping) return Promise.resolve({ job, ok: false, skipped: "stopping" });
    const busy = this.running.get(job);
    if (busy) {
      this.log(`跳过 skipped ${job}: 上一次${job === "crawl" ? "抓取" : "报告"}仍在进行 the previous ${job} is still running`);
      return Promise.resolve({ job, ok: false, skipped: "busy" });
    }
    const p = (job === "crawl" ? this.crawl() : this.report()).finally(() => {
      this.running.delete(job);
      if (!this.stopping) this.log(`${job === "crawl" ? "抓取" : "报告"} ${job} · 下次 next ${this.nextText(job)}`);
    });
    this.running.set(job, p);
    return p;
  }

  /** Re-read the config; a broken edit is logged and the job skipped, the scheduler keeps running. */
  private reloadConfig(job: JobName): Config | undefined {
    try {
      this.config = loadConfig(this.opts.configFile);
      return this.config;
    } catch (e) {
      this.log(`跳过 skipped ${job}: ${(e as Error).message}`);
      return undefined;
    }
  }

  private async crawl(): Promise<JobOutcome> {
    const config = this.reloadConfig("crawl");
    if (!config) return { job: "crawl", ok: false, skipped: "config" };
    this.log(`抓取开始 crawl started: ${config.site.name} ${config.site.baseUrl}`);
    const t0 = Date.now();
    try {
      const { runCrawl } = await import("../pipeline.js");
      const result = await runCrawl(config, {
        dbFile: this.opts.dbFile,
        outDir: this.opts.outDir,
        signal: this.abort.signal,
        log: (line) => this.log(`  ${line}`),
      });
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      this.log(`抓取结束 crawl finished: 退出码 exit ${result.exitCode} · 第 ${result.runId} 次 run ${result.runId} · ${secs}s · ${result.findingsFile}`);
      return { job: "crawl", ok: result.exitCode === 0, detail: result.findingsFile };
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.name === "CrawlLockedError") {
        this.log(`跳过 skipped crawl: ${err.message}`);
        return { job: "crawl", ok: false, skipped: "locked" };
      }
      this.log(`抓取失败 crawl failed: ${err.message}`);
      return { job: "crawl", ok: false, detail: err.message };
    }
  }

  /** The report's period: the interval between two report runs (a week for the default Monday 08:00). */
  private reportPeriodMs(config: Config): number {
    const probe = new Cron(config.schedule.report, { paused: true, timezone: config.schedule.timezone });
    const [a, b] = probe.nextRuns(2);
    probe.stop();
    return a && b ? Math.max(1000, b.getTime() - a.getTime()) : 7 * 86400e3;
  }

  private async report(): Promise<JobOutcome> {
    const config = this.reloadConfig("report");
    if (!config) return { job: "report", ok: false, skipped: "config" };
    const now = new Date();
    const since = new Date(now.getTime() - this.reportPeriodMs(config));
    try {
      const { existsSync } = await import("node:fs");
      const { isPostgresUrl } = await import("../store/index.js");
      if (!isPostgresUrl(this.opts.dbFile) && !existsSync(this.opts.dbFile)) {
        this.log(`跳过 skipped report: 数据库尚不存在 no database yet (${path.resolve(this.opts.dbFile)}); 等待第一次抓取 waiting for the first crawl`);
        return { job: "report", ok: false, skipped: "no-db" };
      }
      const { loadReportModelFromFile, writeReport } = await import("../report/index.js");
      const { localDate } = await import("../report/model.js");
      const model = await loadReportModelFromFile(this.opts.dbFile, { since, now, config });
      const dir = path.join(this.opts.outDir, "reports", localDate(now.toISOString(), config.schedule.timezone));
      const files = await writeReport(model, { outDir: dir, formats: ["html", "md", "csv", "xlsx"], language: config.language });
      const t = model.totals;
      this.log(`报告已生成 report written: ${path.resolve(dir)} (新发现 new ${t.newCount} · 未修复 open ${t.open} · 本期已修复 fixed ${t.fixed}; ${files.length} files)`);
      if (!config.mail) return { job: "report", ok: true, detail: dir };
      const { mailSettingsProblems, sendReportMail } = await import("../report/mail.js");
      const problems = mailSettingsProblems(config);
      if (problems.length) {
        this.log(`邮件未发送 mail not sent: ${problems.join("; ")}`);
        return { job: "report", ok: false, detail: dir };
      }
      const results = await sendReportMail(model, config, { log: (line) => this.log(`  ${line}`) });
      const failed = results.filter((r) => !r.ok).length;
      this.log(`邮件 mail: ${results.length - failed} 封已发送 sent, ${failed} 封失败 failed`);
      return { job: "report", ok: failed === 0, detail: dir };
    } catch (e) {
      this.log(`报告失败 report failed: ${(e as Error).message}`);
      return { job: "report", ok: false, detail: (e as Error).message };
    }
  }

  /** Stop the timers; a running crawl is told to stop and awaited (up to `graceMs`), so it ends as incomplete. */
  async stop(reason: string, graceMs = 60_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const j of this.jobs) j.stop();
    const busy = [...this.running.values()];
    this.log(`正在停止 stopping (${reason})${busy.length ? ` · 等待 waiting for ${[...this.running.keys()].join(", ")}` : ""}`);
    this.abort.abort();
    if (busy.length) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), graceMs)));
      const done = await Promise.race([Promise.allSettled(busy).then(() => "done" as const), timeout]);
      clearTimeout(timer);
      if (done === "timeout") this.log(`等待超时 gave up waiting after ${graceMs / 1000}s; 下次启动时会接管抓取锁 the next start takes over the crawl lock`);
    }
    this.log("已停止 stopped");
  }
}
