// PostgreSQL for tests: the server named by GONGKAI_TEST_PG (a URL), else 127.0.0.1:5432 (user root, database
// `test`). Each test makes a database of its own (gongkai_test_<random>) and drops it. Where no server answers,
// the PostgreSQL tests are skipped and say so once: "skipped: no PostgreSQL at …".
//
//   import { PG, describePg, createTestDatabase } from "../helpers/pg.js";
//   describePg("the queue", () => { let db; beforeAll(async () => { db = await createTestDatabase(); }); … });
import pg from "pg";
import { randomBytes } from "node:crypto";
import { describe } from "vitest";

/** The server tests use (its admin database: new test databases are created from it). */
export const PG_ADMIN_URL = process.env.GONGKAI_TEST_PG || "postgres://root@127.0.0.1:5432/test";

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

let answered: Promise<boolean> | undefined;

/** Does the server answer? Asked once per test file (a 3 s connection timeout). */
export function pgAvailable(): Promise<boolean> {
  answered ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch (e) {
      console.warn(`skipped: no PostgreSQL at ${redact(PG_ADMIN_URL)} (${(e as Error).message}); set GONGKAI_TEST_PG to a postgres:// URL to run these tests`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return answered;
}

/** True when PostgreSQL answers (top-level await: decided before the tests are collected). */
export const PG = await pgAvailable();

/** A describe block that runs only where PostgreSQL answers (and is reported as skipped otherwise). */
export const describePg: typeof describe.skip = describe.skipIf(!PG) as typeof describe.skip;

export interface TestDatabase {
  /** postgres:// URL of the new database. */
  url: string;
  name: string;
  /** Drop it (connections still open are ended by the server). */
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 10_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** CREATE DATABASE gongkai_test_<random> on the test server; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `gongkai_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
