// The paging strategy remembered per column (crawl/paginate.ts), in both stores: saved, read back by the next
// handle, kept per site, replaced column by column. Real SQLite; real PostgreSQL where one answers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStore } from "../../crawler/store/index.js";
import { createTestDatabase, describePg, type TestDatabase } from "../helpers/pg.js";

async function roundTrip(db: string): Promise<void> {
  const a = await openStore(db, { siteId: "site-a" });
  expect(await a.loadPagingStrategies()).toEqual(new Map());
  await a.savePagingStrategies(new Map([["zcwj", "trs-createPageHTML"], ["tzgs", "hanweb-dataproxy"]]));
  await a.close();
  const again = await openStore(db, { siteId: "site-a" });
  expect(await again.loadPagingStrategies()).toEqual(new Map([["zcwj", "trs-createPageHTML"], ["tzgs", "hanweb-dataproxy"]]));
  // A later crawl replaces what it found and leaves the other columns' entries.
  await again.savePagingStrategies(new Map([["tzgs", "hanweb-pagenum"]]));
  expect(await again.loadPagingStrategies()).toEqual(new Map([["zcwj", "trs-createPageHTML"], ["tzgs", "hanweb-pagenum"]]));
  await again.close();
  const other = await openStore(db, { siteId: "site-b" });
  expect(await other.loadPagingStrategies()).toEqual(new Map());
  await other.close();
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-store-paging-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("SQLite remembers each column's paging strategy per site", async () => {
  await roundTrip(path.join(dir, "gongkai.sqlite"));
});

describePg("PostgreSQL", () => {
  let pg: TestDatabase;
  beforeAll(async () => {
    pg = await createTestDatabase();
  });
  afterAll(async () => {
    await pg?.drop();
  });
  it("remembers each column's paging strategy per site", async () => {
    await roundTrip(pg.url);
  });
});
