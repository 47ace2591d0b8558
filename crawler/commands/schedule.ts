// `gongkai schedule`: the long-running process for unattended use (nightly crawl, weekly report and mail).
import type { Command } from "./command.js";
import { parseCommandArgs, UsageError } from "../args.js";

const usage = `用法 Usage: gongkai schedule --config FILE [--db FILE] [--out DIR] [--run-now crawl|report|both]

  常驻进程：按配置中 schedule.crawl 抓取（默认每天 02:00），按 schedule.report 生成报告并发送邮件（默认每周一 08:00），
  时区 schedule.timezone（默认 Asia/Shanghai）。同一数据库同时只会有一个抓取。每次执行前重新读取配置文件。
  Long-running: crawls on schedule.crawl (default 02:00 daily) and writes the report (and mails it when the config
  has a mail section) on schedule.report (default Monday 08:00), in schedule.timezone (default Asia/Shanghai).
  Never two crawls on one database at once. The config is re-read before each job.

  --config FILE    配置文件 the config (required)
  --db FILE|URL    数据库 the database: a SQLite file (default ./gongkai.sqlite) or postgres://…
  --out DIR        输出目录 output folder (default ./gongkai-out): findings.json, reports/YYYY-MM-DD/
  --run-now JOB    启动时立即执行一次 run once at start: crawl, report or both (then report after the crawl)

  PostgreSQL（--db postgres://…）：--config 可重复；按各网站的 schedule.crawl 把抓取放入队列，由 gongkai worker 执行。
  With --db postgres://…, --config repeats: each site's crawl is queued on its schedule.crawl for \`gongkai worker\`
  (--job-expiry, --retry-limit, --retry-delay as in \`gongkai enqueue\`; --run-now crawl queues every site at once).

  Ctrl-C / SIGTERM 停止：正在进行的抓取会被中止并记为未完成 stops cleanly; a running crawl ends as incomplete.`;

export const command: Command = {
  summary: "常驻进程：夜间抓取、每周报告与邮件 / nightly crawl and weekly report (long-running)",
  usage,
  async run(argv) {
    const args = parseCommandArgs(argv, {
      config: { type: "string", multiple: true },
      db: { type: "string", default: "gongkai.sqlite" },
      out: { type: "string", default: "gongkai-out" },
      "run-now": { type: "string" },
      "job-expiry": { type: "string" },
      "retry-limit": { type: "string" },
      "retry-delay": { type: "string" },
    });
    if (/^postgres(ql)?:\/\//i.test(args.db!)) return (await import("../schedule/queue-scheduler.js")).runQueueSchedule(args);
    if ((args.config?.length ?? 0) > 1) throw new UsageError("--config 只能给一个（SQLite）only one --config with a SQLite database; use --db postgres://… for several sites");
    if (!args.config?.length) throw new UsageError("--config FILE is required");
    const runNow = args["run-now"];
    if (runNow !== undefined && !["crawl", "report", "both"].includes(runNow))
      throw new UsageError(`--run-now: expected crawl, report or both, got "${runNow}"`);
    const { Scheduler } = await import("../schedule/scheduler.js");
    const scheduler = new Scheduler({ configFile: args.config[0], dbFile: args.db!, outDir: args.out! });
    const config = scheduler.currentConfig;
    if (config.mail) {
      const { mailSettingsProblems } = await import("../report/mail.js");
      const problems = mailSettingsProblems(config);
      if (problems.length) throw new UsageError(problems.join("\n"));
    }

    let stopped!: () => void;
    const done = new Promise<void>((r) => (stopped = r));
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        process.stderr.write(`再次收到 ${sig}，立即退出 second ${sig}: exiting now\n`);
        process.exit(130);
      }
      void scheduler.stop(sig).then(stopped);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    scheduler.start();
    if (runNow === "crawl" || runNow === "both") {
      await scheduler.run("crawl");
      if (runNow === "both") await scheduler.run("report");
    } else if (runNow === "report") await scheduler.run("report");
    await done;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    return 0;
  },
};
