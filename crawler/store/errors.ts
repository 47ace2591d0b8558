// Store errors a user can act on: each names the database file and says what is wrong, in Chinese then English.
// SQLite's own codes (SQLITE_READONLY, SQLITE_FULL, …) are turned into these at the store's boundary.

export type StoreErrorCode = "missing" | "readonly" | "full" | "io" | "corrupt" | "busy" | "locked" | "too-new" | "unreachable" | "other";

export class StoreError extends Error {
  /** Exit code for the CLI: a store that cannot be used means the command could not run. */
  exitCode = 1;
  constructor(
    readonly code: StoreErrorCode,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}

export interface LockHolder {
  pid: number;
  hostname: string;
  since: string;
  runId?: number;
}

/** A second crawl while one is running on the same database. */
export class CrawlLockedError extends StoreError {
  constructor(
    file: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.hostname ? ` on ${holder.hostname}` : "";
    super("locked", file, `另一个抓取正在进行 another crawl is running (pid ${holder.pid}${where} since ${holder.since}) — database ${file}`);
    this.name = "CrawlLockedError";
  }
}

/** Translate a better-sqlite3 error into a StoreError naming the file; anything else passes through unchanged. */
export function storeErrorFrom(e: unknown, file: string): unknown {
  if (e instanceof StoreError) return e;
  const err = e as { code?: string; message?: string };
  const code = typeof err?.code === "string" ? err.code : "";
  const detail = err?.message ?? String(e);
  if (code.startsWith("SQLITE_READONLY"))
    return new StoreError("readonly", file, `数据库文件只读，无法写入 database is read-only: ${file} (${detail})`, { cause: e });
  if (code === "SQLITE_FULL")
    return new StoreError("full", file, `磁盘已满，数据库未作任何改动 disk full, nothing was written: ${file} (${detail})`, { cause: e });
  if (code.startsWith("SQLITE_IOERR"))
    return new StoreError("io", file, `写入数据库失败（磁盘已满或读写错误），未作任何改动 cannot write the database (disk full or I/O error), nothing was written: ${file} (${detail})`, { cause: e });
  if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB")
    return new StoreError("corrupt", file, `数据库文件已损坏或不是 gongkai 数据库 database is damaged or not a database: ${file} (${detail})`, { cause: e });
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
    return new StoreError("busy", file, `数据库正被其他进程占用 database is busy (another process holds it): ${file} (${detail})`, { cause: e });
  if (code.startsWith("SQLITE_CANTOPEN"))
    return new StoreError("missing", file, `无法打开数据库 cannot open the database: ${file} (${detail})`, { cause: e });
  return e;
}

/**
 * Translate a node-postgres error into a StoreError naming the database (its URL without the password); anything
 * else passes through unchanged.
 */
export function pgStoreErrorFrom(e: unknown, location: string): unknown {
  if (e instanceof StoreError) return e;
  const err = e as { code?: string; message?: string };
  const code = typeof err?.code === "string" ? err.code : "";
  const detail = err?.message ?? String(e);
  if (["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN", "57P01", "57P03"].includes(code) || /Connection terminated|timeout exceeded when trying to connect/i.test(detail))
    return new StoreError("unreachable", location, `无法连接 PostgreSQL 数据库 cannot reach the PostgreSQL database: ${location} (${detail})`, { cause: e });
  if (code === "3D000")
    return new StoreError("missing", location, `PostgreSQL 数据库不存在 database does not exist: ${location} (${detail})`, { cause: e });
  if (code === "28P01" || code === "28000" || code === "42501")
    return new StoreError("readonly", location, `PostgreSQL 拒绝访问（用户或权限）access refused by PostgreSQL: ${location} (${detail})`, { cause: e });
  if (code === "53100")
    return new StoreError("full", location, `PostgreSQL 磁盘已满，未作任何改动 disk full on the PostgreSQL server, nothing was written: ${location} (${detail})`, { cause: e });
  return e;
}
