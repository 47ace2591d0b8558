// `gongkai worker --db postgres://… [--out DIR] [--concurrency N]`: runs crawl jobs from the queue until stopped.
// SIGTERM/SIGINT: take no new job, let the running crawls finish for --stop-grace seconds, then abort them and hand
// them back to the queue; exit 0. A second signal aborts at once (still handed back, still exit 0).
import type { Command } from "./command.js";
import { parseCommandArgs, UsageError } from "../args.js";

export const command: Command = {
  summary: "从队列取抓取任务并执行（可多台机器）/ run queued crawls (any number of machines)",
  usage: [
    "用法 Usage: gongkai worker --db postgres://… [--out DIR] [--concurrency N] [options]",
    "",
    "  从队列取网站抓取任务并执行，写入 DIR/<site.id>/findings.json；同一网站任何时候只有一个抓取，",
    "  同一主机上的两个网站不会同时抓取。Takes crawl jobs and runs them, writing DIR/<site.id>/findings.json;",
    "  never two crawls of one site at once anywhere, and never two sites of one host at once.",
    "",
    "  --db URL              PostgreSQL 数据库 the database (postgres://…)",
    "  --out DIR             输出目录 output folder (default ./gongkai-out)",
    "  --concurrency N       同时抓取的网站数 sites crawled at once (default 2)",
    "  --poll SECS           队列为空时的查看间隔 seconds between looks at an empty queue (default 2)",
    "  --check-expired SECS  检查失联任务的间隔 seconds between looks for jobs of dead workers (default 60)",
    "  --stop-grace SECS     停止时等待正在进行的抓取 on SIGTERM, wait this long for running crawls, then hand",
    "                        them back (default 60)",
    "  --verbose             显示抓取进度 show the crawls' progress lines",
    "",
    "退出码 Exit codes: 0 已停止 stopped · 1 无法连接数据库 database unreachable · 2 参数错误 bad arguments",
  ].join("\n"),
  async run(argv) {
    const args = parseCommandArgs(argv, {
      db: { type: "string" },
      out: { type: "string", default: "gongkai-out" },
      concurrency: { type: "string" },
      poll: { type: "string" },
      "check-expired": { type: "string" },
      "stop-grace": { type: "string" },
      verbose: { type: "boolean" },
    });
    const { requirePostgres, positiveInt } = await import("../queue/queue.js");
    const dbUrl = requirePostgres(args.db, "worker");
    const pollSecs = args.poll === undefined ? 2 : Number(args.poll);
    if (!(pollSecs >= 0.1 && pollSecs <= 600)) throw new UsageError(`--poll 应为 0.1–600 秒 expected 0.1 to 600 seconds, got "${args.poll}"`);
    const opts = {
      dbUrl,
      outDir: args.out!,
      concurrency: positiveInt(args.concurrency, "--concurrency", 2),
      pollSecs,
      maintenanceSecs: positiveInt(args["check-expired"], "--check-expired", 60),
      stopGraceSecs: positiveInt(args["stop-grace"], "--stop-grace", 60, 0),
      verbose: args.verbose,
      log: (line: string) => void process.stderr.write(`[${new Date().toISOString()}] ${line}\n`),
    };
    const { CrawlWorker } = await import("../queue/worker.js");
    const worker = new CrawlWorker(opts);
    let stopping: Promise<void> | undefined;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) void worker.stop(`second ${sig}`, true);
      else stopping = worker.stop(sig);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      await worker.start();
      await worker.finished();
      await stopping;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    return 0;
  },
};
