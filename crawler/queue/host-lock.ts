// Politeness across workers: two sites on one host share that host's limit by never being crawled at the same
// time. Before a crawl, the worker takes a PostgreSQL session advisory lock per host of the site (sorted, so two
// workers never wait on each other crosswise) on a connection of its own, and holds them until the crawl ends.
// The server releases them by itself when the worker dies (its connection closes) — no lock table, no leases.
// Within one crawl the crawler's own per-host limit (config crawl.concurrency, robots.txt Crawl-delay) applies as
// on a single machine.
import pg from "pg";
import { createHash } from "node:crypto";

/** The advisory lock key of a host: 64 bits of a hash, in a namespace apart from the store's crawl locks. */
export function hostLockKey(host: string): string {
  return createHash("sha256").update(`gongkai-host\u0000${host.toLowerCase()}`).digest().readBigInt64BE(0).toString();
}

export interface HostLocks {
  release(): Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Wait until every host is free, then hold them. `onWait` is told once when another crawl holds one. Throws an
 * AbortError when `signal` fires while waiting (nothing is held then).
 */
export async function holdHosts(dbUrl: string, hosts: string[], opts: { signal?: AbortSignal; onWait?: (host: string) => void; pollMs?: number } = {}): Promise<HostLocks> {
  const client = new pg.Client({ connectionString: dbUrl, application_name: `gongkai-host-lock pid=${process.pid}` });
  await client.connect();
  client.on("error", () => undefined); // a dropped connection releases the locks; the crawl's own store reports it
  const held: string[] = [];
  const release = async () => {
    try {
      for (const key of held.reverse()) await client.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    let told = false;
    for (const host of [...new Set(hosts)].sort()) {
      const key = hostLockKey(host);
      for (;;) {
        if (opts.signal?.aborted) throw Object.assign(new Error("aborted while waiting for a host"), { name: "AbortError" });
        const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [key]);
        if (rows[0]?.ok) break;
        if (!told) opts.onWait?.(host);
        told = true;
        await sleep(opts.pollMs ?? 1000, opts.signal);
      }
      held.push(key);
    }
  } catch (e) {
    await release();
    throw e;
  }
  return { release };
}
