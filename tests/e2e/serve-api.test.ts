// The findings server under ordinary and hostile use: a real server on 127.0.0.1 over a real SQLite store.
// Every refused request is checked to have changed nothing in the store.
import http from "node:http";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALLOWED_ORIGINS, startServer, type RunningServer } from "../../crawler/serve/server.js";
import type { Store } from "../../crawler/store/types.js";
import type { FindingDraft } from "../../shared/schema.js";
import { DEPT_LAW, DEPT_OFFICE, DEPT_REG, TOKENS, maintainers, seedStore, snapshot, tempDir } from "./serve-helpers.js";

const SITE = "http://www.jiading-amr.example.invalid";
const COLUMN_URL = `${SITE}/xxgk/zcwj/index.html`;
const PAGE = `${SITE}/xxgk/zcwj/202403/t20240315_1001.html`;
const GUIDE = `${SITE}/xxgk/bszn/202101/t20210105_2001.html`;
const OTHER_PAGE = `${SITE}/xxgk/zcwj/202402/t20240201_1000.html`;

const drafts: FindingDraft[] = [
  {
    kind: "broken-link", reason: "http-404", severity: "high", columnId: "zcwj", pageUrl: PAGE,
    targetUrl: `${SITE}/files/2024/attachment-1.pdf`, linkText: "附件1：实施细则", message: "链接“附件1：实施细则”指向的文件不存在（404）。",
    maintainer: maintainers[DEPT_OFFICE], evidence: { status: 404 },
  },
  {
    kind: "wrong-link", reason: "title-mismatch", severity: "medium", columnId: "fgwj", pageUrl: PAGE,
    targetUrl: `${SITE}/xxgk/fgwj/2023/report.html`, linkText: "2024年度报告", message: "链接文字说的是2024年度报告，打开的却是2023年度报告。",
    maintainer: maintainers[DEPT_LAW], evidence: {},
  },
  {
    kind: "broken-link", reason: "http-5xx", severity: "high", columnId: "zcwj", pageUrl: OTHER_PAGE,
    targetUrl: `${SITE}/files/old.doc`, linkText: "旧文件", message: "链接“旧文件”打不开（服务器错误 500）。",
    maintainer: maintainers[DEPT_OFFICE], evidence: { status: 500 },
  },
  {
    kind: "stale-column", reason: "not-updated", severity: "high", columnId: "zcwj", pageUrl: COLUMN_URL,
    message: "栏目“政策文件”已超过180天未更新。", maintainer: maintainers[DEPT_OFFICE], evidence: { newest: "2024-01-01" },
  },
  {
    kind: "stale-guide", reason: "outdated", severity: "medium", columnId: "bszn", pageUrl: GUIDE,
    message: "办事指南已超过一年未更新。", maintainer: maintainers[DEPT_REG], evidence: { updated: "2021-01-05" },
  },
];

let store: Store;
let dbFile: string;
let ids: string[];
let server: RunningServer;
const logLines: string[] = [];
const ORIGIN = DEFAULT_ALLOWED_ORIGINS[0];

beforeAll(async () => {
  ({ store, file: dbFile, ids } = await seedStore(drafts, { site: { name: "嘉定区市场监管局", baseUrl: `${SITE}/` } }));
  server = await startServer({
    store,
    tokens: Object.values(TOKENS),
    port: 0,
    log: (l) => logLines.push(l),
    cacheMs: 0,
    // These tests send many refused requests on purpose; the flood test below has its own, tight limits.
    rateLimit: { anonymous: { burst: 10_000, perSecond: 1000 } },
  });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/** A request sent exactly as written (no client-side path normalisation), so path tricks reach the server. */
function raw(method: string, target: string, opts: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<RawResponse> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: target, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    if (opts.body !== undefined) {
      if (opts.chunked) {
        // Written in pieces without Content-Length: the limit must hold while streaming too.
        const buf = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
        for (let i = 0; i < buf.length; i += 16 * 1024) req.write(buf.subarray(i, i + 16 * 1024));
      } else req.write(opts.body);
    }
    req.end();
  });
}

const bearer = (t: { token: string }) => ({ Authorization: `Bearer ${t.token}` });
const jsonHeaders = (t: { token: string }) => ({ ...bearer(t), "Content-Type": "application/json" });
const q = encodeURIComponent;

function expectError(res: RawResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(res.json).toMatchObject({ error: code });
  expect(typeof res.json.message).toBe("string");
  expect(res.json.message.length).toBeGreaterThan(0);
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/); // never a stack trace
}

describe("authentication", () => {
  it("answers 401 without a token, with a wrong token, with a token in the query, on every route", async () => {
    const before = await snapshot(store);
    for (const target of ["/api/me", `/api/findings?page=${q(PAGE)}`, "/api/findings/mine", `/api/findings/${ids[0]}`, "/api/nothing-here"]) {
      expectError(await raw("GET", target), 401, "unauthorized");
      expectError(await raw("GET", target, { headers: { Authorization: "Bearer not-a-real-token-123" } }), 401, "unauthorized");
      expectError(await raw("GET", target, { headers: { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } }), 401, "unauthorized");
      // A token that is one character off is still wrong.
      expectError(await raw("GET", target, { headers: { Authorization: `Bearer ${TOKENS.law.token.slice(0, -1)}x` } }), 401, "unauthorized");
    }
    expectError(await raw("GET", `/api/me?token=${TOKENS.office.token}`), 401, "unauthorized");
    const post = await raw("POST", `/api/findings/${ids[0]}/state`, {
      headers: { "Content-Type": "application/json", Authorization: "Bearer forged-token-abcdef" },
      body: JSON.stringify({ state: "acknowledged" }),
    });
    expectError(post, 401, "unauthorized");
    expect(post.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(await snapshot(store)).toBe(before);
  });

  it("tells who the caller is and which site is monitored", async () => {
    const res = await raw("GET", "/api/me", { headers: bearer(TOKENS.law) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ server: "gongkai", user: { name: "李四", department: DEPT_LAW, role: "maintainer" }, site: { baseUrl: `${SITE}/` } });
    expect(res.json.siteOrigins).toEqual([SITE]);
    // The scheme name is case-insensitive.
    expect((await raw("GET", "/api/me", { headers: { Authorization: `bearer ${TOKENS.law.token}` } })).status).toBe(200);
  });

  it("binds to 127.0.0.1 by default", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("reading findings", () => {
  it("gives a page's link findings however its URL is written", async () => {
    for (const variant of [PAGE, PAGE.replace("http://www.", "HTTP://WWW.").replace(".invalid", ".INVALID:80"), `${PAGE}#content`]) {
      const res = await raw("GET", `/api/findings?page=${q(variant)}`, { headers: bearer(TOKENS.reg) });
      expect(res.status).toBe(200);
      expect(res.json.page).toBe(PAGE);
      expect(res.json.linkFindings.map((f: any) => f.linkText).sort()).toEqual(["2024年度报告", "附件1：实施细则"]);
      expect(res.json.pageFindings).toEqual([]);
      expect(res.json.column).toBeNull();
    }
  });

  it("gives a guide page its own finding, and a column's list page the column's findings", async () => {
    const guide = await raw("GET", `/api/findings?page=${q(GUIDE)}`, { headers: bearer(TOKENS.law) });
    expect(guide.json.pageFindings.map((f: any) => f.kind)).toEqual(["stale-guide"]);
    const column = await raw("GET", `/api/findings?page=${q(COLUMN_URL)}`, { headers: bearer(TOKENS.law) });
    expect(column.status).toBe(200);
    expect(column.json.pageFindings.map((f: any) => f.kind)).toEqual(["stale-column"]);
    expect(column.json.column).toMatchObject({ id: "zcwj", url: COLUMN_URL });
    // The column's other findings (on its item pages) come with it; another column's do not.
    expect(column.json.columnFindings.map((f: any) => f.linkText).sort()).toEqual(["旧文件", "附件1：实施细则"]);
    expect(column.json.columnFindingsTotal).toBe(2);
    const none = await raw("GET", `/api/findings?page=${q(`${SITE}/xxgk/index.html`)}`, { headers: bearer(TOKENS.law) });
    expect(none.json).toMatchObject({ linkFindings: [], pageFindings: [], column: null, columnFindings: [] });
  });

  it("lists a maintainer's own department only, and everything for the office", async () => {
    const law = await raw("GET", "/api/findings/mine", { headers: bearer(TOKENS.law) });
    expect(law.json).toMatchObject({ department: DEPT_LAW, scope: "department", total: 1 });
    expect(law.json.findings.map((f: any) => f.maintainer.department)).toEqual([DEPT_LAW]);
    const mine = await raw("GET", "/api/findings/mine", { headers: bearer(TOKENS.officeMaintainer) });
    expect(mine.json.total).toBe(3);
    expect(new Set(mine.json.findings.map((f: any) => f.department))).toEqual(new Set([DEPT_OFFICE]));
    const office = await raw("GET", "/api/findings/mine", { headers: bearer(TOKENS.office) });
    expect(office.json).toMatchObject({ scope: "all", total: drafts.length });
  });

  it("refuses bad query parameters with 400 naming the problem", async () => {
    expectError(await raw("GET", "/api/findings", { headers: bearer(TOKENS.law) }), 400, "bad_request");
    expectError(await raw("GET", `/api/findings?page=${q("javascript:alert(1)")}`, { headers: bearer(TOKENS.law) }), 400, "bad_request");
    const badState = await raw("GET", `/api/findings?page=${q(PAGE)}&states=open,deleted`, { headers: bearer(TOKENS.law) });
    expectError(badState, 400, "bad_request");
    expect(badState.json.message).toContain("deleted");
    expectError(await raw("GET", "/api/findings/mine?limit=-1", { headers: bearer(TOKENS.law) }), 400, "bad_request");
    expectError(await raw("GET", "/api/findings?page=%zz", { headers: bearer(TOKENS.law) }), 400, "bad_request");
  });

  it("answers 404 for unknown ids and routes, 405 for wrong methods", async () => {
    expectError(await raw("GET", "/api/findings/0123456789abcdef", { headers: bearer(TOKENS.law) }), 404, "not_found");
    expectError(await raw("GET", "/api/nothing", { headers: bearer(TOKENS.law) }), 404, "not_found");
    expectError(await raw("GET", "/", { headers: bearer(TOKENS.law) }), 404, "not_found");
    const del = await raw("DELETE", "/api/me", { headers: bearer(TOKENS.law) });
    expectError(del, 405, "method_not_allowed");
    expect(del.headers.allow).toContain("GET");
    expectError(await raw("GET", `/api/findings/${ids[0]}/state`, { headers: bearer(TOKENS.law) }), 405, "method_not_allowed");
  });
});

describe("changing a finding's state", () => {
  const post = (id: string, token: { token: string }, body: unknown, headers: Record<string, string> = {}) =>
    raw("POST", `/api/findings/${id}/state`, { headers: { ...jsonHeaders(token), ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("records who acknowledged, with the note, and reopens", async () => {
    const lawFinding = ids[1];
    const res = await post(lawFinding, TOKENS.law, { state: "acknowledged", note: "已联系信息中心修改" });
    expect(res.status).toBe(200);
    expect(res.json.finding).toMatchObject({ id: lawFinding, state: "acknowledged", stateBy: { name: "李四", department: DEPT_LAW, note: "已联系信息中心修改" } });
    expect((await store.finding(lawFinding))!.state).toBe("acknowledged");
    // Acknowledged findings leave the page's open list at once.
    const page = await raw("GET", `/api/findings?page=${q(PAGE)}`, { headers: bearer(TOKENS.law) });
    expect(page.json.linkFindings.map((f: any) => f.id)).not.toContain(lawFinding);
    const withAck = await raw("GET", `/api/findings?page=${q(PAGE)}&states=open,acknowledged`, { headers: bearer(TOKENS.law) });
    expect(withAck.json.linkFindings.map((f: any) => f.id)).toContain(lawFinding);
    const reopened = await post(lawFinding, TOKENS.law, { state: "open" });
    expect(reopened.json.finding.state).toBe("open");
    expect((await store.history(lawFinding)).map((h) => [h.state, h.by])).toEqual(
      expect.arrayContaining([["acknowledged", "李四"], ["open", "李四"]]),
    );
  });

  it("lets the office change any department's finding", async () => {
    const res = await post(ids[4], TOKENS.office, { state: "false-positive", note: "指南已废止" });
    expect(res.status).toBe(200);
    expect((await store.finding(ids[4]))!.stateBy).toMatchObject({ name: "王主任", department: DEPT_OFFICE });
    await post(ids[4], TOKENS.office, { state: "open" });
  });

  it("forbids another department's finding (403) and changes nothing", async () => {
    const before = await snapshot(store);
    const res = await post(ids[0], TOKENS.law, { state: "false-positive", note: "不是我们的" });
    expectError(res, 403, "forbidden");
    expect(res.json.message).toContain(DEPT_OFFICE);
    expectError(await post(ids[4], TOKENS.officeMaintainer, { state: "acknowledged" }), 403, "forbidden");
    expect(await snapshot(store)).toBe(before);
  });

  it("refuses malformed bodies with 400/415 and changes nothing", async () => {
    const before = await snapshot(store);
    const id = ids[0];
    for (const body of [
      "{not json",
      "",
      "null",
      "[]",
      '"acknowledged"',
      JSON.stringify({}),
      JSON.stringify({ state: "fixed" }),
      JSON.stringify({ state: "deleted" }),
      JSON.stringify({ state: "acknowledged", note: 42 }),
      JSON.stringify({ state: "acknowledged", extra: true }),
      JSON.stringify({ state: "acknowledged", note: "x".repeat(2001) }),
      JSON.stringify({ state: "acknowledged", __proto__: { admin: true } }).replace("}", ',"__proto__":{"admin":true}}'),
    ]) {
      const res = await post(id, TOKENS.officeMaintainer, body);
      expectError(res, 400, "bad_request");
    }
    const stateErr = await post(id, TOKENS.officeMaintainer, { state: "fixed" });
    expect(stateErr.json.message).toContain("state");
    expectError(await post(id, TOKENS.officeMaintainer, "state=acknowledged", { "Content-Type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type");
    expectError(await post(id, TOKENS.officeMaintainer, { state: "acknowledged" }, { "Content-Type": "text/plain" }), 415, "unsupported_media_type");
    expect(await snapshot(store)).toBe(before);
  });

  it("refuses oversized bodies with 413, declared or streamed, and changes nothing", async () => {
    const before = await snapshot(store);
    const big = JSON.stringify({ state: "acknowledged", note: "长".repeat(100_000) });
    expectError(await post(ids[0], TOKENS.officeMaintainer, big), 413, "payload_too_large");
    const streamed = await raw("POST", `/api/findings/${ids[0]}/state`, { headers: jsonHeaders(TOKENS.officeMaintainer), body: big, chunked: true });
    expectError(streamed, 413, "payload_too_large");
    expect(await snapshot(store)).toBe(before);
  });

  it("answers 404 for unknown or odd ids and changes nothing", async () => {
    const before = await snapshot(store);
    for (const id of ["0123456789abcdef", "nope", "a%20b", "x".repeat(300)])
      expectError(await post(id, TOKENS.office, { state: "acknowledged" }), 404, "not_found");
    expect(await snapshot(store)).toBe(before);
  });

  it("refuses path tricks (dot segments, encoded slashes) and changes nothing", async () => {
    const before = await snapshot(store);
    const id = ids[0];
    const tricks = [
      `/api/findings/../findings/${id}/state`,
      `/api/findings/%2e%2e/findings/${id}/state`,
      `/api/findings/${id}%2fstate`,
      `/api/findings/${id}%2Fstate`,
      `/api/findings/.%2e/me`,
      `/api/findings/${id}/./state`,
      `/api//findings/${id}/state`,
      `/api/findings/${id}/state%00`,
      `/api/findings/%00/state`,
      `/api/findings/${id}\\state`,
      `/api/findings/%E0%A4%A/state`,
    ];
    for (const target of tricks) {
      const res = await raw("POST", target, { headers: jsonHeaders(TOKENS.office), body: JSON.stringify({ state: "acknowledged" }) });
      expect(res.status, target).toBeGreaterThanOrEqual(400);
      expect(res.status, target).toBeLessThan(500);
      expect(res.json?.error, target).toBeTruthy();
    }
    expectError(await raw("GET", "/api/findings/%2e%2e/me", { headers: bearer(TOKENS.office) }), 400, "bad_request");
    expectError(await raw("GET", "/api/../etc/passwd", { headers: bearer(TOKENS.office) }), 400, "bad_request");
    expect(await snapshot(store)).toBe(before);
  });

  it("refuses a fixed finding with 409", async () => {
    // Mark one fixed the way a crawl does: a later complete run that no longer sees it.
    const { store: s2, ids: ids2 } = await seedStore(drafts.slice(0, 1));
    // The same site as seeded (a run of another site fixes nothing here).
    const [seeded] = await s2.sites();
    const run = await s2.beginRun({ id: seeded.id, name: "x", baseUrl: `${SITE}/` }, new Date().toISOString());
    await s2.finishRun(run.id, { complete: true, finishedAt: new Date().toISOString(), stats: {}, findings: [] });
    const srv = await startServer({ store: s2, tokens: Object.values(TOKENS), port: 0 });
    try {
      const res = await fetch(`${srv.url}/api/findings/${ids2[0]}/state`, {
        method: "POST",
        headers: jsonHeaders(TOKENS.office),
        body: JSON.stringify({ state: "acknowledged" }),
      });
      expect(res.status).toBe(409);
      expect((await s2.finding(ids2[0]))!.state).toBe("fixed");
    } finally {
      await srv.close();
      await s2.close();
    }
  });
});

describe("CORS", () => {
  it("answers the extension's origin, preflight included", async () => {
    const pre = await raw("OPTIONS", `/api/findings/${ids[0]}/state`, {
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(pre.headers["access-control-allow-headers"]).toMatch(/Authorization/i);
    const get = await raw("GET", "/api/me", { headers: { ...bearer(TOKENS.law), Origin: ORIGIN } });
    expect(get.status).toBe(200);
    expect(get.headers["access-control-allow-origin"]).toBe(ORIGIN);
    // Errors carry it too, so the extension can read why.
    const err = await raw("GET", "/api/me", { headers: { Origin: ORIGIN } });
    expect(err.status).toBe(401);
    expect(err.headers["access-control-allow-origin"]).toBe(ORIGIN);
  });

  it("refuses every other origin, even with a valid token, and changes nothing", async () => {
    const before = await snapshot(store);
    for (const origin of ["https://evil.example.invalid", "null", "http://127.0.0.1:8080", "chrome-extension://abcdefghijklmnopabcdefghijklmnop"]) {
      const pre = await raw("OPTIONS", "/api/me", { headers: { Origin: origin, "Access-Control-Request-Method": "GET" } });
      expectError(pre, 403, "forbidden_origin");
      expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
      const get = await raw("GET", "/api/me", { headers: { ...bearer(TOKENS.office), Origin: origin } });
      expectError(get, 403, "forbidden_origin");
      expect(get.headers["access-control-allow-origin"]).toBeUndefined();
      const post = await raw("POST", `/api/findings/${ids[0]}/state`, {
        headers: { ...jsonHeaders(TOKENS.office), Origin: origin },
        body: JSON.stringify({ state: "acknowledged" }),
      });
      expectError(post, 403, "forbidden_origin");
    }
    expect(await snapshot(store)).toBe(before);
  });

  it("accepts a configured origin instead of the default", async () => {
    const other = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";
    const srv = await startServer({ store, tokens: Object.values(TOKENS), port: 0, allowedOrigins: [other] });
    try {
      const ok = await fetch(`${srv.url}/api/me`, { headers: { ...bearer(TOKENS.law), Origin: other } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("access-control-allow-origin")).toBe(other);
      const refused = await fetch(`${srv.url}/api/me`, { headers: { ...bearer(TOKENS.law), Origin: ORIGIN } });
      expect(refused.status).toBe(403);
    } finally {
      await srv.close();
    }
  });
});

describe("a flood of requests", () => {
  it("keeps answering legitimate callers while 2,000 forged requests and one runaway client are throttled", async () => {
    // Its own server with the default limits, over the same store.
    const floodLog: string[] = [];
    const srv = await startServer({ store, tokens: Object.values(TOKENS), port: 0, cacheMs: 0, log: (l) => floodLog.push(l) });
    const target = new URL(srv.url);
    const send = (method: string, p: string, headers: Record<string, string>, body?: string) =>
      new Promise<{ status: number; json: any; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        const req = http.request({ host: target.hostname, port: target.port, method, path: p, headers, agent: false }, (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(text), headers: res.headers }));
        });
        req.on("error", reject);
        req.end(body);
      });
    const before = await snapshot(store);
    const statuses = new Map<number, number>();
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
    let legitimateOk = 0;
    let legitimateTotal = 0;
    let stop = false;
    // A legitimate maintainer keeps working, one request every 50 ms, during the whole flood.
    const legit = (async () => {
      while (!stop) {
        legitimateTotal++;
        const res = await send("GET", `/api/findings?page=${q(PAGE)}`, bearer(TOKENS.reg));
        if (res.status === 200 && res.json.linkFindings.length >= 1) legitimateOk++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // The flood: 2,000 requests, 50 at a time: forged tokens, forged state changes, and a client hammering with a
    // real token.
    const kinds = [
      () => send("GET", "/api/me", { Authorization: `Bearer forged-${Math.random()}` }),
      () => send("POST", `/api/findings/${ids[0]}/state`, { "Content-Type": "application/json", Authorization: "Bearer forged-token-xyz" }, '{"state":"acknowledged"}'),
      () => send("GET", "/api/findings/mine", bearer(TOKENS.law)),
    ];
    let next = 0;
    const worker = async () => {
      while (next < 2000) {
        const i = next++;
        count((await kinds[i % kinds.length]()).status);
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    stop = true;
    await legit;
    try {
      expect(statuses.get(429) ?? 0).toBeGreaterThan(1000); // throttled, and answered cheaply
      expect([...statuses.keys()].every((s) => [200, 401, 429].includes(s))).toBe(true);
      expect(legitimateTotal).toBeGreaterThan(0);
      expect(legitimateOk).toBe(legitimateTotal);
      // A stranger who keeps going is still throttled (a burst, so a bucket refilled on a slow machine empties again).
      const burst = await Promise.all(
        Array.from({ length: 300 }, (_, i) => send("GET", "/api/me", { Authorization: `Bearer forged-once-more-${i}` })),
      );
      const limited = burst.find((r) => r.status === 429);
      expect(limited, `statuses: ${[...new Set(burst.map((r) => r.status))].join(",")}`).toBeTruthy();
      expect(Number(limited!.headers["retry-after"])).toBeGreaterThan(0);
      expect(burst.every((r) => r.status === 429 || r.status === 401)).toBe(true);
      // The runaway client's own bucket refills: it is served again after a pause.
      await new Promise((r) => setTimeout(r, 1500));
      expect((await send("GET", "/api/findings/mine", bearer(TOKENS.law))).status).toBe(200);
      expect(await snapshot(store)).toBe(before);
      const all = floodLog.join("\n");
      expect(all).not.toContain("forged-token-xyz");
      expect(all).not.toContain(TOKENS.law.token);
    } finally {
      await srv.close();
    }
  });
});

describe("logs and the command", () => {
  it("never logs a token", () => {
    expect(logLines.length).toBeGreaterThan(50);
    const all = logLines.join("\n");
    for (const t of Object.values(TOKENS)) expect(all).not.toContain(t.token);
    expect(all).not.toContain("not-a-real-token-123");
    expect(all).toMatch(/GET \/api\/me 200 [\d.]+ms 李四/);
  });

  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string; child: ReturnType<typeof spawn> }>((resolve) => {
      const child = spawn(process.execPath, [path.resolve("bin/gongkai.mjs"), "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
        if (stdout.includes("listening on")) resolve({ code: null, stdout, stderr, child });
      });
      child.stderr.on("data", (d) => (stderr += d));
      child.on("exit", (code) => resolve({ code, stdout, stderr, child }));
    });

  it("exits 2 naming the field when the tokens file is bad", async () => {
    const dir = tempDir("tokens");
    const cases: [unknown, string][] = [
      [{ tokens: [{ token: "a-long-enough-token-1", name: "张三", department: "办公室", role: "admin" }] }, "tokens[0].role"],
      [{ tokens: [{ token: "short", name: "张三", department: "办公室", role: "office" }] }, "tokens[0].token"],
      [{ tokens: [{ token: "a-long-enough-token-1", department: "办公室", role: "office" }] }, "tokens[0].name"],
      [{ tokens: [] }, "tokens"],
      [{ tokens: [TOKENS.law, TOKENS.law] }, "tokens[1].token"],
    ];
    for (const [content, field] of cases) {
      const file = path.join(dir, "tokens.json");
      writeFileSync(file, JSON.stringify(content));
      const res = await cli(["--db", dbFile, "--tokens", file, "--port", "0"]);
      expect(res.code, field).toBe(2);
      expect(res.stderr, field).toContain(field);
      expect(res.stderr).not.toContain("a-long-enough-token-1"); // not even a bad file's tokens are echoed
    }
    writeFileSync(path.join(dir, "broken.json"), "{tokens:");
    const broken = await cli(["--db", dbFile, "--tokens", path.join(dir, "broken.json"), "--port", "0"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/JSON/);
    const missing = await cli(["--db", dbFile, "--tokens", path.join(dir, "none.json"), "--port", "0"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("none.json");
  });

  it("serves the database given on the command line", async () => {
    const dir = tempDir("serve-cli");
    const tokensFile = path.join(dir, "tokens.json");
    writeFileSync(tokensFile, JSON.stringify({ tokens: [TOKENS.office] }));
    const res = await cli(["--db", dbFile, "--tokens", tokensFile, "--port", "0"]);
    try {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(res.stdout)?.[1];
      expect(url).toBeTruthy();
      const me = await fetch(`${url}/api/findings/mine`, { headers: bearer(TOKENS.office) });
      expect(me.status).toBe(200);
      expect((await me.json()).total).toBe(drafts.length);
    } finally {
      res.child.kill("SIGTERM");
      await new Promise((r) => res.child.once("exit", r));
    }
    expect(res.child.exitCode).toBe(0);
  });
});
