// The store contract, run against both backends: a real SQLite file and a real PostgreSQL database of its own
// (skipped, saying so, where no PostgreSQL answers: tests/helpers/pg.ts). The life of a finding across crawls: new,
// still open, fixed, reopened, acknowledged, false positive; incomplete runs fix nothing; finishRun is
// all-or-nothing; several sites in one store never mix; the crawl lock is per site.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CrawlLockedError, openStore, type Store } from "../../crawler/store/index.js";
import { createTestDatabase, PG } from "../helpers/pg.js";
import type { FindingDraft } from "../../shared/schema.js";
import type { LinkCheck, PageRecord } from "../../crawler/types.js";

type Draft = FindingDraft & { id: string };
const office = { department: "办公室", name: "张三", email: "zhangsan@example.invalid" };
const law = { department: "法规科", name: "李四" };

function link(id: string, target: string, extra: Partial<Draft> = {}): Draft {
  return {
    id,
    kind: "broken-link",
    reason: "http-404",
    severity: "high",
    columnId: "zcwj",
    pageUrl: "http://127.0.0.1:8080/xxgk/zcwj/index.html",
    targetUrl: target,
    linkText: "关于印发《嘉定区市场监管年度工作要点》的通知",
    message: "链接指向的页面不存在（404），请更正或删除该链接。",
    maintainer: office,
    evidence: { status: 404 },
    ...extra,
  };
}

const BACKENDS = [
  {
    name: "SQLite",
    available: true,
    async create(): Promise<{ db: string; cleanup: () => Promise<void> }> {
      const dir = mkdtempSync(path.join(tmpdir(), "gongkai-store-"));
      return { db: path.join(dir, "gongkai.sqlite"), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "PostgreSQL",
    available: PG,
    async create(): Promise<{ db: string; cleanup: () => Promise<void> }> {
      const t = await createTestDatabase();
      return { db: t.url, cleanup: t.drop };
    },
  },
];

describe.each(BACKENDS)("$name store", (backend) => {
let db: string;
let cleanup: () => Promise<void>;
let store: Store;
const site = { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" };

async function crawl(at: string, findings: Draft[], complete = true, columnIds?: string[], on: Store = store, which = site) {
  const run = await on.beginRun(which, at);
  return on.finishRun(run.id, { complete, finishedAt: at, stats: { pagesCrawled: 10 }, findings, columnIds });
}

beforeEach(async () => {
  if (!backend.available) return;
  ({ db, cleanup } = await backend.create());
  store = (await openStore(db)).forSite("127-0-0-1-8080");
});
afterEach(async () => {
  if (!backend.available) return;
  await store.close();
  await cleanup();
});

describe.skipIf(!backend.available)(`${backend.name}`, () => {
describe("finding lifecycle", () => {
  it("keeps first seen, moves last seen, fixes what a complete crawl no longer sees, reopens what comes back", async () => {
    const a = link("a", "http://127.0.0.1:8080/gone-a.html");
    const b = link("b", "http://127.0.0.1:8080/gone-b.html");
    const first = await crawl("2026-03-02T02:00:00.000Z", [a, b]);
    expect(first.map((f) => [f.id, f.state, f.firstSeen])).toEqual([
      ["a", "open", "2026-03-02T02:00:00.000Z"],
      ["b", "open", "2026-03-02T02:00:00.000Z"],
    ]);

    // Second crawl: a still there, b gone (fixed by the maintainer).
    await crawl("2026-03-03T02:00:00.000Z", [a]);
    const fa = (await store.finding("a"))!;
    expect(fa.state).toBe("open");
    expect(fa.firstSeen).toBe("2026-03-02T02:00:00.000Z");
    expect(fa.lastSeen).toBe("2026-03-03T02:00:00.000Z");
    const fb = (await store.finding("b"))!;
    expect(fb.state).toBe("fixed");
    expect(fb.fixedAt).toBe("2026-03-03T02:00:00.000Z");
    expect(fb.lastSeen).toBe("2026-03-02T02:00:00.000Z");

    // Third crawl: b is broken again.
    await crawl("2026-03-04T02:00:00.000Z", [a, b]);
    const again = (await store.finding("b"))!;
    expect(again.state).toBe("open");
    expect(again.reopenedCount).toBe(1);
    expect(again.fixedAt).toBeUndefined();
    expect(again.firstSeen).toBe("2026-03-02T02:00:00.000Z");
    expect((await store.history("b")).map((h) => [h.event, h.state])).toEqual([
      ["new", "open"],
      ["fixed", "fixed"],
      ["reopened", "open"],
    ]);
  });

  it("an acknowledged finding stays acknowledged when seen again, and is fixed when it is gone", async () => {
    await crawl("2026-03-02T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/a.html")]);
    const acked = await store.setState("a", { state: "acknowledged", by: { name: "张三", department: "办公室" }, note: "已联系信息中心修复" });
    expect(acked.state).toBe("acknowledged");
    expect(acked.stateBy).toMatchObject({ name: "张三", department: "办公室", note: "已联系信息中心修复" });

    await crawl("2026-03-03T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/a.html")]);
    expect((await store.finding("a"))!.state).toBe("acknowledged");

    await crawl("2026-03-04T02:00:00.000Z", []);
    expect((await store.finding("a"))!.state).toBe("fixed");
    const h = await store.history("a");
    expect(h.map((e) => e.state)).toEqual(["open", "acknowledged", "fixed"]);
    expect(h[1]).toMatchObject({ by: "张三", department: "办公室", note: "已联系信息中心修复" });
  });

  it("a false positive stays quiet: seen again it stays false-positive, gone it is not marked fixed", async () => {
    await crawl("2026-03-02T02:00:00.000Z", [link("fp", "http://127.0.0.1:8080/slow.html", { reason: "timeout" })]);
    await store.setState("fp", { state: "false-positive", by: { name: "李四", department: "法规科" }, note: "该链接在浏览器中可以打开" });
    const seen = await crawl("2026-03-03T02:00:00.000Z", [link("fp", "http://127.0.0.1:8080/slow.html", { reason: "timeout" })]);
    expect(seen[0].state).toBe("false-positive");
    expect(await store.findings({ states: ["open", "acknowledged"] })).toEqual([]);
    await crawl("2026-03-04T02:00:00.000Z", []);
    expect((await store.finding("fp"))!.state).toBe("false-positive");
    expect((await store.finding("fp"))!.lastSeen).toBe("2026-03-03T02:00:00.000Z");
  });

  it("an incomplete crawl marks nothing fixed", async () => {
    await crawl("2026-03-02T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/a.html"), link("b", "http://127.0.0.1:8080/b.html")]);
    const before = await store.findings();
    const out = await crawl("2026-03-03T02:00:00.000Z", [], false);
    expect(out).toEqual([]);
    expect(await store.findings()).toEqual(before);
    expect((await store.runs(1))[0].status).toBe("incomplete");
  });

  it("an aborted crawl changes no finding", async () => {
    await crawl("2026-03-02T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/a.html")]);
    const before = await store.findings();
    const run = await store.beginRun(site, "2026-03-03T02:00:00.000Z");
    await store.abortRun(run.id, "站点无法访问 site unreachable");
    expect(await store.findings()).toEqual(before);
    expect((await store.runs(1))[0]).toMatchObject({ status: "aborted", notes: ["站点无法访问 site unreachable"] });
    // The lock was released: the next crawl can start.
    await expect(crawl("2026-03-04T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/a.html")])).resolves.toHaveLength(1);
  });

  it("only the columns a crawl covered can have findings fixed", async () => {
    await crawl("2026-03-02T02:00:00.000Z", [
      link("zc", "http://127.0.0.1:8080/a.html"),
      link("tz", "http://127.0.0.1:8080/b.html", { columnId: "tzgg", maintainer: law }),
    ]);
    await crawl("2026-03-03T02:00:00.000Z", [], true, ["zcwj"]);
    expect((await store.finding("zc"))!.state).toBe("fixed");
    expect((await store.finding("tz"))!.state).toBe("open");
    expect((await store.findings({ department: "法规科" })).map((f) => f.id)).toEqual(["tz"]);
  });

  it("keeps the latest content, page titles and column names; records a changed reason in the history", async () => {
    const run = await store.beginRun(site, "2026-03-02T02:00:00.000Z");
    await store.finishRun(run.id, {
      complete: true,
      finishedAt: "2026-03-02T03:00:00.000Z",
      stats: {},
      findings: [link("a", "http://127.0.0.1:8080/a.html")],
      pageTitles: { "http://127.0.0.1:8080/xxgk/zcwj/index.html": "政策文件_上海市嘉定区市场监督管理局" },
      columnNames: { zcwj: "政策文件" },
    });
    await crawl("2026-03-03T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/a.html", { reason: "http-5xx", evidence: { status: 502 } })]);
    const f = (await store.finding("a"))!;
    expect(f).toMatchObject({ reason: "http-5xx", evidence: { status: 502 }, pageTitle: "政策文件_上海市嘉定区市场监督管理局", columnName: "政策文件" });
    expect((await store.history("a")).map((h) => [h.event, h.note ?? ""])).toEqual([
      ["new", ""],
      ["seen", "http-404 → http-5xx"],
    ]);
    const events = await store.events({ since: "2026-03-03T00:00:00.000Z" });
    expect(events).toEqual([expect.objectContaining({ findingId: "a", event: "seen", kind: "broken-link", findingDepartment: "办公室" })]);
  });

  it("finishRun is all or nothing: a failure midway leaves the previous state and the run still running", async () => {
    await crawl("2026-03-02T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/a.html"), link("b", "http://127.0.0.1:8080/b.html")]);
    const before = await store.findings();
    const run = await store.beginRun(site, "2026-03-03T02:00:00.000Z");
    const broken = { ...link("c", "http://127.0.0.1:8080/c.html"), maintainer: undefined } as unknown as Draft;
    await expect(
      store.finishRun(run.id, { complete: true, finishedAt: "x", stats: {}, findings: [link("new", "http://127.0.0.1:8080/n.html"), broken] }),
    ).rejects.toThrow();
    expect(await store.findings()).toEqual(before);
    expect(await store.finding("new")).toBeUndefined();
    expect((await store.runs(1))[0].status).toBe("running");
  });

  it("setState on an unknown id says so and changes nothing", async () => {
    await expect(store.setState("nope", { state: "acknowledged", by: { name: "张三", department: "办公室" } })).rejects.toThrow(/no finding with id nope/);
  });
});

describe("page cache and link checks", () => {
  const record = (url: string): PageRecord => ({
    url, finalUrl: url, status: 200, title: "通知公告", meta: {}, breadcrumb: ["首页", "通知公告"], metadata: {}, dates: {},
    bodyText: "", anchors: [], links: [], listItems: [], pagination: [], emptyNotice: false,
  });
  const check = (url: string, outcome: LinkCheck["outcome"], at: string): LinkCheck => ({
    url, outcome, redirects: [], method: "HEAD", attempts: 1, checkedAt: at,
  });

  it("round-trips pages with their validators and returns only the URLs asked for", async () => {
    await store.savePageCache([
      { url: "http://127.0.0.1:8080/a.html", etag: '"abc"', lastModified: "Mon, 02 Mar 2026 02:00:00 GMT", record: record("http://127.0.0.1:8080/a.html"), fetchedAt: "2026-03-02T02:00:00.000Z" },
      { url: "http://127.0.0.1:8080/b.html", record: record("http://127.0.0.1:8080/b.html"), fetchedAt: "2026-03-02T02:00:00.000Z" },
    ]);
    const got = await store.loadPageCache(["http://127.0.0.1:8080/a.html"]);
    expect([...got.keys()]).toEqual(["http://127.0.0.1:8080/a.html"]);
    expect(got.get("http://127.0.0.1:8080/a.html")).toMatchObject({ etag: '"abc"', record: { title: "通知公告" } });
    expect((await store.loadPageCache()).size).toBe(2);
  });

  it("gives the latest check per URL and keeps only the latest runs' checks", async () => {
    const runIds: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const run = await store.beginRun(site, `2026-03-0${i}T02:00:00.000Z`);
      runIds.push(run.id);
      const checks = [check("http://127.0.0.1:8080/x.html", i === 5 ? "broken" : "ok", `2026-03-0${i}T02:00:00.000Z`)];
      if (i === 1) checks.push(check("http://127.0.0.1:8080/only-first.html", "ok", "2026-03-01T02:00:00.000Z"));
      await store.saveLinkChecks(run.id, checks);
      await store.finishRun(run.id, { complete: true, finishedAt: `2026-03-0${i}T03:00:00.000Z`, stats: {}, findings: [] });
    }
    const latest = await store.loadLatestLinkChecks();
    expect(latest.get("http://127.0.0.1:8080/x.html")).toMatchObject({ outcome: "broken", checkedAt: "2026-03-05T02:00:00.000Z" });
    // The first run's checks were pruned: only the latest three runs are kept.
    expect(latest.has("http://127.0.0.1:8080/only-first.html")).toBe(false);
  });
});

describe("several sites in one store", () => {
  const other = { id: "jiading-wsjkw", name: "上海市嘉定区卫生健康委员会", baseUrl: "http://127.0.0.2:8080/" };
  const otherLink = (id: string, target: string) => link(id, target, { pageUrl: "http://127.0.0.2:8080/xxgk/zcwj/index.html" });

  it("findings of two sites never mix: a complete crawl of one fixes nothing of the other; the same id is two findings", async () => {
    const all = await openStore(db);
    const b = all.forSite(other.id);
    try {
      await crawl("2026-03-02T02:00:00.000Z", [link("a", "http://127.0.0.1:8080/gone.html"), link("same", "http://127.0.0.1:8080/x.html")]);
      await crawl("2026-03-02T03:00:00.000Z", [otherLink("b", "http://127.0.0.2:8080/gone.html"), otherLink("same", "http://127.0.0.2:8080/x.html")], true, undefined, b, other);
      // Site B crawled again, complete, with nothing found: only B's findings are fixed.
      await crawl("2026-03-03T03:00:00.000Z", [], true, undefined, b, other);
      expect((await store.findings()).map((f) => [f.id, f.state, f.siteId])).toEqual([
        ["a", "open", "127-0-0-1-8080"],
        ["same", "open", "127-0-0-1-8080"],
      ]);
      expect((await b.findings()).map((f) => [f.id, f.state, f.siteId])).toEqual([
        ["b", "fixed", other.id],
        ["same", "fixed", other.id],
      ]);
      // A person's state change on one site's finding leaves the other site's finding of the same id alone.
      await store.setState("same", { state: "acknowledged", by: { name: "张三", department: "办公室" } });
      expect((await b.finding("same"))!.state).toBe("fixed");
      expect((await b.history("same")).map((h) => h.event)).toEqual(["new", "fixed"]);
      expect((await store.history("same")).map((h) => h.event)).toEqual(["new", "acknowledged"]);
      // Each site's runs and events are its own; an unbound handle sees every site.
      expect((await b.runs()).map((r) => r.siteId)).toEqual([other.id, other.id]);
      expect((await store.events()).every((e) => e.siteId === "127-0-0-1-8080")).toBe(true);
      expect((await all.findings()).length).toBe(4);
      expect((await all.sites()).map((s) => [s.id, s.name, s.lastRun?.status])).toEqual([
        ["127-0-0-1-8080", site.name, "complete"],
        [other.id, other.name, "complete"],
      ]);
    } finally {
      await all.close();
    }
  });

  it("each site has its own page cache and link checks", async () => {
    const b = store.forSite(other.id);
    const url = "http://127.0.0.1:8080/shared.html";
    await store.savePageCache([{ url, etag: '"a"', record: { url, finalUrl: url, status: 200, title: "甲", meta: {}, breadcrumb: [], metadata: {}, dates: {}, bodyText: "", anchors: [], links: [], listItems: [], pagination: [], emptyNotice: false }, fetchedAt: "2026-03-02T02:00:00.000Z" }]);
    expect((await b.loadPageCache([url])).size).toBe(0);
    const run = await b.beginRun(other, "2026-03-02T02:00:00.000Z");
    await b.saveLinkChecks(run.id, [{ url, outcome: "broken", redirects: [], method: "HEAD", attempts: 1, checkedAt: "2026-03-02T02:00:00.000Z" }]);
    await b.finishRun(run.id, { complete: true, finishedAt: "2026-03-02T03:00:00.000Z", stats: {}, findings: [] });
    expect((await store.loadLatestLinkChecks()).size).toBe(0);
    expect((await b.loadLatestLinkChecks()).get(url)).toMatchObject({ outcome: "broken" });
    expect((await store.loadPageCache([url])).get(url)).toMatchObject({ etag: '"a"' });
  });

  it("a handle bound to one site refuses a run of another; an unbound handle refuses what needs a site", async () => {
    await expect(store.beginRun(other, "2026-03-02T02:00:00.000Z")).rejects.toThrow(/handle is bound to site 127-0-0-1-8080, not jiading-wsjkw/);
    const all = await openStore(db);
    try {
      await expect(all.loadPageCache([])).rejects.toThrow(/^需要指定站点（site\.id）.*a site \(site\.id\) is needed/);
      // beginRun names its site: the run is that site's (id derived from the base URL when none is given).
      const run = await all.beginRun({ name: "无编号", baseUrl: "https://www.jiading.gov.cn/scjgj/" }, "2026-03-02T02:00:00.000Z");
      expect(run.siteId).toBe("jiading-gov-cn-scjgj");
      await all.abortRun(run.id, "测试 test");
    } finally {
      await all.close();
    }
  });
});
});
});
