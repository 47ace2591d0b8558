// Store errors a user can act on: each names the database file and says what is wrong, in Chinese then English.
// SQLite's own codes (SQLITE_READONLY, SQLITE_FULL, …) are turned into these at the store's boundary.

export type StoreErrorCode = "missing" | "readonly" | "full" | "io" | "corrupt" | "busy" | "locked" | "too-new" | "other";

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
