// The store module: the one door to history. SQLite today; a PostgreSQL backend can follow behind `Store`.
import { SqliteStore, type OpenStoreOptions } from "./sqlite.js";
import type { Store } from "./types.js";

export type { Store, StoredFinding, RunInfo, FindingFilter, StateChange, PageCacheEntry, FindingEvent } from "./types.js";
export { StoreError, CrawlLockedError, type StoreErrorCode, type LockHolder } from "./errors.js";
export { SCHEMA_VERSION, MIGRATIONS } from "./migrations.js";
export { SqliteStore, pidAlive, LINK_CHECK_RUNS_KEPT, type OpenStoreOptions } from "./sqlite.js";

/**
 * Open (and create or upgrade) the database at `file`. Throws StoreError naming the file when it cannot be used:
 * missing (readonly), read-only, damaged, written by a newer gongkai.
 */
export function openStore(file: string, opts: OpenStoreOptions = {}): Store & SqliteStore {
  return new SqliteStore(file, opts);
}

/**
 * Hold the crawl lock of the database at `dbFile` without starting a run, e.g. around maintenance. Throws
 * CrawlLockedError when a live crawl holds it; a dead holder's lock is taken over (`note` says so).
 */
export function acquireCrawlLock(dbFile: string): { release: () => void; note?: string } {
  const store = new SqliteStore(dbFile);
  try {
    const lock = store.acquireLock();
    return {
      note: lock.note,
      release: () => {
        try {
          lock.release();
        } finally {
          store.close();
        }
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
