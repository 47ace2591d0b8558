// `gongkai enqueue --db postgres://… --config A.json [--config B.json …]`: one crawl job per site on the pg-boss
// queue (crawler/queue). A site already queued is not queued again (the queue's singleton per site). Every config
// is checked before anything is queued: one bad config → exit 2, nothing queued.
import { readFileSync } from "node:fs";
import type { Command } from "./command.js";
import { loadConfig, parseCommandArgs, UsageError } from "../args.js";

export const command: Command = {
  summary: "把网站的抓取任务放入队列（PostgreSQL）/ queue crawls of sites for the workers",
  usage: [
    "用法 Usage: gongkai enqueue --db postgres://… --config A.json [--config B.json …] [options]",
    "",
    "  每个网站一个抓取任务；已在队列中、等待重试或正在抓取的网站不会重复排队。由 gongkai worker 执行。",
    "  One crawl job per site; a site already queued is not queued twice. `gongkai worker` runs them.",
    "",
    "  --db URL             PostgreSQL 数据库 the database (postgres://…); the queue lives there too",
    "  --config FILE        配置文件，可重复 a site's config (repeatable)",
    "  --job-expiry SECS    抓取超过该时长视为工作进程已死，任务重回队列 a running crawl older than this is taken",
    "                       to have lost its worker and returns to the queue (default 7200; set above the longest crawl)",
    "  --retry-limit N      退出码 1 的抓取重试次数 tries again after exit 1 (default 2)",
    "  --retry-delay SECS   首次重试前等待，之后加倍 wait before the first retry, then doubling (default 300)",
    "",
    "退出码 Exit codes: 0 已排队 queued · 1 无法连接数据库 database unreachable · 2 参数或配置错误，未排队 bad arguments or config, nothing queued",
  ].join("\n"),
  async run(argv) {
    const args = parseCommandArgs(argv, {
      db: { type: "string" },
      config: { type: "string", multiple: true },
      "job-expiry": { type: "string" },
      "retry-limit": { type: "string" },
      "retry-delay": { type: "string" },
    });
    const { requirePostgres, positiveInt, crawlJobOf, DEFAULT_RETRY, openQueue, enqueueCrawl } = await import("../queue/queue.js");
    const db = requirePostgres(args.db, "enqueue");
    const retry = {
      jobExpirySecs: positiveInt(args["job-expiry"], "--job-expiry", DEFAULT_RETRY.jobExpirySecs),
      retryLimit: positiveInt(args["retry-limit"], "--retry-limit", DEFAULT_RETRY.retryLimit, 0),
      retryDelaySecs: positiveInt(args["retry-delay"], "--retry-delay", DEFAULT_RETRY.retryDelaySecs, 0),
    };
    if (retry.jobExpirySecs > 24 * 3600) throw new UsageError(`--job-expiry 不能超过 86400 秒 at most 86400 seconds (pg-boss), got ${retry.jobExpirySecs}`);
    const files = args.config ?? [];
    if (!files.length) throw new UsageError("缺少配置文件 missing: --config FILE is required (repeatable)");
    const jobs = files.map((file) => crawlJobOf(loadConfig(file), readFileSync(file, "utf8"), file));
    const seen = new Map<string, string>();
    for (const job of jobs) {
      const other = seen.get(job.siteId);
      if (other) throw new UsageError(`site.id 重复 duplicate site id "${job.siteId}": ${other} 与 and ${job.configFile}`);
      seen.set(job.siteId, job.configFile);
    }
    const boss = await openQueue(db, { supervise: false });
    try {
      for (const job of jobs) {
        const id = await enqueueCrawl(boss, job, retry);
        process.stdout.write(id ? `已排队 queued ${job.siteId} ${id}\n` : `已在队列中 already queued ${job.siteId}（排队、等待重试或正在抓取 queued, retrying or being crawled）\n`);
      }
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    return 0;
  },
};
