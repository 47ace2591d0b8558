// The crawl queue: pg-boss 10 on the same PostgreSQL as the store, in its own schema. One queue, one job per site
// crawl. The queue's policy is pg-boss's "stately" with the site id as singletonKey: at most one crawl of a site
// waiting and at most one running, wherever the workers run, so a site is never crawled twice at once and never
// queued twice. Retries (a crawl that ends with exit 1) and expiry (a worker that died) are pg-boss's own.
import PgBoss from "pg-boss";
import { hostKey } from "../../shared/url.js";
import { siteIdOf, type Config } from "../../shared/schema.js";
import { UsageError } from "../args.js";
import { redactDbUrl } from "../store/db-url.js";

/** The PostgreSQL schema pg-boss keeps its tables in (beside the store's tables, never among them). */
export const QUEUE_SCHEMA = "gongkai_queue";
/** The one queue of crawl jobs. */
export const CRAWL_QUEUE = "gongkai-crawl";

/** What a crawl job carries: the config's text (each crawl parses it afresh), so any machine can run it. */
export interface CrawlJobData {
  siteId: string;
  siteName: string;
  /** The site's own hosts (host:port), for the per-host politeness lock (host-lock.ts). */
  hosts: string[];
  configText: string;
  /** Where the config was read, for messages only. */
  configFile: string;
}

export interface RetryOptions {
  /** Seconds a running crawl may take before its job counts as abandoned (a dead worker) and returns to the queue. */
  jobExpirySecs: number;
  /** Crawls that end with exit 1 are tried again this many times, after retryDelaySecs, doubling (with jitter). */
  retryLimit: number;
  retryDelaySecs: number;
}

export const DEFAULT_RETRY: RetryOptions = { jobExpirySecs: 7200, retryLimit: 2, retryDelaySecs: 300 };

/** The hosts (host:port) a site's crawl fetches as its own: the base URL's and every column's, sorted. */
export function siteHosts(config: Config): string[] {
  const hosts = new Set<string>();
  for (const u of [config.site.baseUrl, ...config.columns.map((c) => c.url)]) {
    const h = hostKey(u);
    if (h) hosts.add(h);
  }
  return [...hosts].sort();
}

export function crawlJobOf(config: Config, configText: string, configFile: string): CrawlJobData {
  return { siteId: siteIdOf(config.site), siteName: config.site.name, hosts: siteHosts(config), configText, configFile };
}

export { redactDbUrl };

export function requirePostgres(db: string | undefined, command: string): string {
  if (!db) throw new UsageError(`缺少数据库 missing: ${command} 需要 --db postgres://… (the queue lives in PostgreSQL)`);
  if (!/^postgres(ql)?:\/\//i.test(db))
    throw new UsageError(`${command} 需要 PostgreSQL 数据库 needs a PostgreSQL database: --db postgres://…, got "${db}"`);
  return db;
}

export function positiveInt(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} 应为不小于 ${min} 的整数 expected a whole number ≥ ${min}, got "${value}"`);
  return n;
}

export interface OpenQueueOptions {
  /** How often this process looks for abandoned (expired) jobs, in seconds (pg-boss maintenance). */
  maintenanceIntervalSecs?: number;
  /** false: do no maintenance here (enqueue, schedule: short-lived or not a worker). */
  supervise?: boolean;
  log?: (line: string) => void;
}

/** Connect to the queue (creating pg-boss's schema and the crawl queue on first use). */
export async function openQueue(dbUrl: string, opts: OpenQueueOptions = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: dbUrl,
    schema: QUEUE_SCHEMA,
    application_name: `gongkai-queue pid=${process.pid}`,
    max: 4,
    supervise: opts.supervise ?? true,
    schedule: false,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSecs ?? 60,
  });
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  boss.on("error", (e) => log(`队列错误 queue error: ${(e as Error).message}`));
  try {
    await boss.start();
    await boss.createQueue(CRAWL_QUEUE, { name: CRAWL_QUEUE, policy: "stately" });
  } catch (e) {
    await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
    const err = new Error(`无法打开队列 cannot open the queue at ${redactDbUrl(dbUrl)}: ${(e as Error).message}`) as Error & { exitCode: number };
    err.exitCode = 1;
    throw err;
  }
  return boss;
}

/**
 * Queue a crawl of one site. Returns the job id, or null when the site is already queued, waiting to retry or being
 * crawled. The stately policy alone would accept one more job while the site is being crawled (or waits to retry),
 * and pg-boss 10 then stalls: its fetch tries to make that job active beside the running one, hits the policy's
 * unique index and fetches nothing for any site until the crawl ends (pg-boss issue #535). So a site with a live job
 * is not queued again — which is also what "never queued twice" means to an office. A send racing a fetch can
 * still slip through; the index then stalls the queue only for that one crawl's length.
 */
export async function enqueueCrawl(boss: PgBoss, job: CrawlJobData, retry: RetryOptions): Promise<string | null> {
  const live = await boss
    .getDb()
    .executeSql(`SELECT 1 FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active') LIMIT 1`, [
      CRAWL_QUEUE,
      job.siteId,
    ]);
  if (live.rows.length > 0) return null;
  return boss.send(CRAWL_QUEUE, job as unknown as object, {
    singletonKey: job.siteId,
    retryLimit: retry.retryLimit,
    retryDelay: retry.retryDelaySecs,
    retryBackoff: true,
    expireInSeconds: retry.jobExpirySecs,
  });
}
