// The store module: the one door to history. `--db` names either a SQLite file (the embedded default) or a
// PostgreSQL database (`postgres://…` or `postgresql://…`); openStore picks the backend from that alone, so no
// caller ever knows which one it talks to.
import { SqliteStore, type OpenStoreOptions } from "./sqlite.js";
import type { HeldLock, Store } from "./types.js";

export type {
  Store,
  StoredFinding,
  RunInfo,
  FindingFilter,
  StateChange,
  PageCacheEntry,
  FindingEvent,
  SiteInfo,
  HeldLock,
} from "./types.js";
export { StoreError, CrawlLockedError, type StoreErrorCode, type LockHolder } from "./errors.js";
export { SCHEMA_VERSION, MIGRATIONS } from "./migrations.js";
export { SqliteStore, pidAlive, LINK_CHECK_RUNS_KEPT, type OpenStoreOptions } from "./sqlite.js";

/** True when `db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

export interface OpenOptions extends OpenStoreOptions {
  /** Bind the handle to this site (site.id): see types.ts. Omitted: reads span every site. */
  siteId?: string;
}

/**
 * Open (and create or upgrade) the store named by `db`: a `postgres://…` URL or a SQLite file path. Throws a
 * StoreError naming it when it cannot be used (SQLite: missing (readonly), read-only, damaged, written by a newer
 * gongkai; PostgreSQL: not reachable, refused, newer schema).
 */
export async function openStore(db: string, opts: OpenOptions = {}): Promise<Store> {
  if (isPostgresUrl(db)) {
    const { PostgresStore } = await import("./postgres.js");
    return PostgresStore.open(db, opts);
  }
  return new SqliteStore(db, opts);
}

/**
 * Hold the crawl lock of one site in the store at `db` without starting a run, e.g. around maintenance. Throws
 * CrawlLockedError when a live crawl of that site holds it. SQLite: a dead holder's lock is taken over (`note`
 * says so); with no `siteId`, the store's only site (or the lock of a store with no site yet, `site`).
 */
export async function acquireCrawlLock(db: string, siteId?: string): Promise<HeldLock> {
  const store = await openStore(db);
  try {
    const site = siteId ?? (await store.sites()).map((s) => s.id).find((_, i, all) => all.length === 1) ?? "site";
    const lock = await store.acquireLock(site);
    return {
      note: lock.note,
      release: async () => {
        try {
          await lock.release();
        } finally {
          await store.close();
        }
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
