// `serve --db postgres://…`: one server for every site in the store. A page is answered from the site whose origin
// its URL has; a token listing `sites` sees only those sites (their pages, worklist, findings by id, state
// changes); the office-only kind `coverage` never reaches a maintainer. Real PostgreSQL, the real server process.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describePg, createTestDatabase, type TestDatabase } from "../helpers/pg.js";
import { withIds } from "../../crawler/findings.js";
import { openStore } from "../../crawler/store/index.js";
import type { FindingDraft } from "../../shared/schema.js";
import { gongkai, type Proc } from "./queue-helpers.js";

const A = "http://127.0.0.1:9101/";
const B = "http://127.0.0.2:9102/";
const law = { department: "法规科", name: "李四" };
const TOKENS = {
  office: { token: "office-token-0123456789", name: "王主任", department: "办公室", role: "office" },
  law: { token: "law-maint-0123456789ab", name: "李四", department: "法规科", role: "maintainer" },
  lawA: { token: "law-a-maint-0123456789", name: "钱七", department: "法规科", role: "maintainer", sites: ["site-a"] },
};

function broken(base: string, page: string, target: string): FindingDraft {
  return {
    kind: "broken-link",
    reason: "http-404",
    severity: "high",
    columnId: "zcwj",
    pageUrl: new URL(page, base).toString(),
    targetUrl: new URL(target, base).toString(),
    message: "链接失效",
    maintainer: law,
    evidence: { status: 404 },
  };
}

describePg("serve: many sites from one PostgreSQL store", () => {
  let db: TestDatabase;
  let dir: string;
  let server: Proc;
  let url = "";
  const ids: Record<string, string> = {};

  const get = async (token: keyof typeof TOKENS, p: string) => {
    const r = await fetch(url + p, { headers: { Authorization: `Bearer ${TOKENS[token].token}` } });
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "gongkai-serve-sites-"));
    const store = await openStore(db.url);
    const seed = async (id: string, base: string, drafts: FindingDraft[]) => {
      const run = await store.beginRun({ id, name: `网站 ${id}`, baseUrl: base }, new Date(Date.now() - 60_000).toISOString());
      const withId = withIds(drafts);
      await store.finishRun(run.id, { complete: true, finishedAt: new Date().toISOString(), stats: {}, findings: withId });
      return withId.map((f) => f.id);
    };
    [ids.aLink, ids.aCoverage] = await seed("site-a", A, [
      broken(A, "/xxgk/zcwj/index.html", "/gone-a.html"),
      { ...broken(A, "/xxgk/zcwj/index.html", "/x"), kind: "coverage", reason: "items-unreached", targetUrl: undefined, severity: "medium", message: "只访问到部分信息", evidence: {} },
    ]);
    [ids.bLink] = await seed("site-b", B, [broken(B, "/xxgk/zcwj/index.html", "/gone-b.html")]);
    await store.close();
    writeFileSync(path.join(dir, "tokens.json"), JSON.stringify({ tokens: Object.values(TOKENS) }));
    server = gongkai(["serve", "--db", db.url, "--port", "0", "--tokens", path.join(dir, "tokens.json")], dir);
    await server.waitFor(/listening on http:\/\/\S+/);
    url = /listening on (http:\/\/\S+)/.exec(server.out)![1];
  });

  afterAll(async () => {
    server?.kill("SIGTERM");
    await server?.exit;
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers a page from the site whose origin its URL has", async () => {
    const pa = await get("law", `/api/findings?page=${encodeURIComponent(A + "xxgk/zcwj/index.html")}`);
    expect(pa.status).toBe(200);
    expect(pa.body.linkFindings.map((f: { id: string }) => f.id)).toEqual([ids.aLink]);
    const pb = await get("law", `/api/findings?page=${encodeURIComponent(B + "xxgk/zcwj/index.html")}`);
    expect(pb.body.linkFindings.map((f: { id: string }) => f.id)).toEqual([ids.bLink]);
    const me = await get("law", "/api/me");
    expect(me.body.siteOrigins).toEqual(["http://127.0.0.1:9101", "http://127.0.0.2:9102"]);
    const mine = await get("law", "/api/findings/mine");
    expect(mine.body.findings.map((f: { id: string }) => f.id).sort()).toEqual([ids.aLink, ids.bLink].sort());
  });

  it("a token listing sites sees those sites only", async () => {
    const pb = await get("lawA", `/api/findings?page=${encodeURIComponent(B + "xxgk/zcwj/index.html")}`);
    expect(pb.status).toBe(200);
    expect(pb.body.linkFindings).toEqual([]);
    expect((await get("lawA", "/api/findings/mine")).body.findings.map((f: { id: string }) => f.id)).toEqual([ids.aLink]);
    expect((await get("lawA", "/api/me")).body.siteOrigins).toEqual(["http://127.0.0.1:9101"]);
    expect((await get("lawA", `/api/findings/${ids.bLink}`)).status).toBe(404);
    const post = await fetch(`${url}/api/findings/${ids.bLink}/state`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKENS.lawA.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ state: "acknowledged" }),
    });
    expect(post.status).toBe(404);
    // The same change by a maintainer of every site lands on site B's finding.
    const ok = await fetch(`${url}/api/findings/${ids.bLink}/state`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKENS.law.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ state: "acknowledged", note: "已联系" }),
    });
    expect(ok.status).toBe(200);
    const store = await openStore(db.url);
    try {
      expect((await store.forSite("site-b").finding(ids.bLink))?.state).toBe("acknowledged");
      expect((await store.forSite("site-a").finding(ids.aLink))?.state).toBe("open");
    } finally {
      await store.close();
    }
  });

  it("never gives coverage findings to a maintainer; the office sees them", async () => {
    const page = `/api/findings?page=${encodeURIComponent(A + "xxgk/zcwj/index.html")}`;
    expect((await get("law", page)).body.pageFindings).toEqual([]);
    expect((await get("law", "/api/findings/mine?limit=5000")).body.findings.some((f: { kind: string }) => f.kind === "coverage")).toBe(false);
    expect((await get("law", `/api/findings/${ids.aCoverage}`)).status).toBe(404);
    expect((await get("office", page)).body.pageFindings.map((f: { id: string }) => f.id)).toEqual([ids.aCoverage]);
    expect((await get("office", "/api/findings/mine")).body.findings.map((f: { id: string }) => f.id)).toContain(ids.aCoverage);
  });
});
