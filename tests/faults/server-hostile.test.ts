// The findings server under hostile use, as a real process (`gongkai serve`) on loopback: missing, forged and
// near-miss tokens, another department's findings, oversized and malformed bodies, path tricks, a flood (with
// stalled connections) while a maintainer keeps working. The server's own output never holds a token.
// Then the HTML report, rendered in real Chromium, with crawled text that holds script and onerror markup.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright";
import { ROOT, runCli, startCli, tempDir, waitFor, type RunningCli } from "./helpers/cli.js";
import { article, configFor, listPage, readDb } from "./helpers/config.js";
import { html, page, startFaultSite } from "./helpers/fault-site.js";

const TOKENS = {
  office: { token: "office-7f3a9c1e5b2d4086a1c3", name: "王主任", department: "办公室", role: "office" },
  law: { token: "law-4b8e2d6f0a1c3e5b7d9f", name: "李四", department: "法规科", role: "maintainer" },
  reg: { token: "reg-9c1e3a5b7d0f2e4a6c8b", name: "赵六", department: "登记注册科", role: "maintainer" },
};

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json?: any;
}

let baseUrl = "";
let server: RunningCli;
const t = tempDir();
let lawFinding = "";
let regFinding = "";
let dbFile = "";

/** One request to the server; never throws for HTTP errors; a dropped connection becomes status 0. */
function request(method: string, target: string, opts: { token?: string; authorization?: string; body?: string | Buffer; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.authorization !== undefined) headers.authorization = opts.authorization;
    if (opts.body !== undefined) {
      headers["content-type"] = opts.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(opts.body));
    }
    const u = new URL(baseUrl);
    const req = http.request({ host: u.hostname, port: u.port, method, path: target, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", () => resolve({ status: 0, headers: {}, text: "" }));
    req.setTimeout(20_000, () => req.destroy());
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** Nothing of the server's insides leaks into an answer. */
function expectCleanError(a: Answer, status: number | number[]) {
  const wanted = Array.isArray(status) ? status : [status];
  expect(wanted, `${a.status} ${a.text.slice(0, 300)}`).toContain(a.status);
  expect(a.text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|\/work\/|SQLITE|Error:/);
  if (a.status >= 400 && a.text) expect(typeof a.json?.error, a.text.slice(0, 200)).toBe("string");
}

/** A snapshot of everything a request could have changed. */
function dbState(): string {
  return JSON.stringify(readDb(dbFile).findings);
}

beforeAll(async () => {
  // Real findings from a real crawl: one column per department, each with a broken link.
  const site = await startFaultSite();
  site.route("/xxgk/fgwj/index.html", html(listPage("法规文件", [["/xxgk/fgwj/t1.html", "关于印发行政执法规范的通知"]])));
  site.route("/xxgk/fgwj/t1.html", html(article("关于印发行政执法规范的通知", `<a href="/gone-law.html">执法文书样式</a>`)));
  site.route("/xxgk/djzc/index.html", html(listPage("登记注册", [["/xxgk/djzc/t2.html", "关于企业登记的公告"]])));
  site.route("/xxgk/djzc/t2.html", html(article("关于企业登记的公告", `<a href="/gone-reg.html">登记表格下载</a>`)));
  const config = configFor(site.baseUrl, [
    { id: "fgwj", url: site.baseUrl + "xxgk/fgwj/index.html", type: "notice", name: "法规文件" },
    { id: "djzc", url: site.baseUrl + "xxgk/djzc/index.html", type: "notice", name: "登记注册" },
  ]) as any;
  config.columns[0].maintainer = { department: "法规科", name: "李四" };
  config.columns[1].maintainer = { department: "登记注册科", name: "赵六" };
  dbFile = t.file("gongkai.sqlite");
  const crawl = await runCli(["crawl", "--config", t.writeJson("config.json", config), "--db", dbFile, "--out", t.file("out"), "--quiet"]);
  await site.close();
  expect(crawl.code, crawl.stderr).toBe(0);
  const rows = readDb(dbFile).findings;
  lawFinding = rows.find((f) => f.target_url?.endsWith("/gone-law.html"))!.id;
  regFinding = rows.find((f) => f.target_url?.endsWith("/gone-reg.html"))!.id;
  expect(lawFinding && regFinding).toBeTruthy();

  const tokens = t.writeJson("tokens.json", { tokens: Object.values(TOKENS) });
  server = startCli(["serve", "--db", dbFile, "--tokens", tokens, "--port", "0"]);
  await waitFor(() => /listening on (http:\/\/\S+)/.test(server.stdout()) || server.child.exitCode !== null, 30_000, "the server to start");
  baseUrl = /listening on (http:\/\/\S+)/.exec(server.stdout())?.[1] ?? "";
  expect(baseUrl, server.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

afterAll(async () => {
  server?.child.kill("SIGTERM");
  await server?.done;
  t.cleanup();
});

describe("tokens", () => {
  it("no token, a malformed header, forged and near-miss tokens: 401, and nothing is revealed or changed", async () => {
    const before = dbState();
    const real = TOKENS.law.token;
    const nearMisses = [
      real.slice(0, -1) + (real.endsWith("f") ? "e" : "f"), // last character differs
      (real[0] === "l" ? "m" : "l") + real.slice(1), // first character differs
      real.slice(0, -1), // a prefix
      real + "0", // one character more
      real.toUpperCase(),
      ` ${real}x`,
    ];
    const headers: (string | undefined)[] = [undefined, "", "Bearer", "Bearer ", `Basic ${Buffer.from(`x:${real}`).toString("base64")}`, `${real}`, `Bearer ${real} ${real}`, "Bearer \t", `Token ${real}`];
    for (const target of ["/api/me", `/api/findings/${lawFinding}`, "/api/findings/mine", "/api/nonexistent"]) {
      for (const authorization of headers) {
        const a = await request("GET", target, authorization === undefined ? {} : { authorization });
        expectCleanError(a, [401, 429]);
        expect(a.text).not.toContain("gone-law");
      }
      for (const token of nearMisses) {
        const a = await request("GET", target, { authorization: `Bearer ${token}` });
        expectCleanError(a, [401, 429]);
        expect(a.text).not.toContain("gone-law");
      }
    }
    for (const token of nearMisses) {
      const a = await request("POST", `/api/findings/${lawFinding}/state`, { authorization: `Bearer ${token}`, body: JSON.stringify({ state: "false-positive", note: "伪造" }) });
      expectCleanError(a, [401, 429]);
    }
    expect(dbState()).toBe(before);
    // The real token still works after all that (the limits are per address for strangers, per token for users).
    const ok = await request("GET", "/api/me", { token: real });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.user).toMatchObject({ name: "李四", department: "法规科" });
  });

  it("tokens are compared in constant time (timingSafeEqual over hashes, no early exit)", () => {
    const source = readFileSync(path.join(ROOT, "crawler/serve/tokens.ts"), "utf8");
    expect(source).toMatch(/timingSafeEqual\(/);
    // No plain string comparison of a presented token anywhere in the server.
    const serverSource = readFileSync(path.join(ROOT, "crawler/serve/server.ts"), "utf8");
    expect(serverSource).not.toMatch(/token\s*===|===\s*token|presented\s*===|===\s*presented/);
  });
});

describe("another department", () => {
  it("a maintainer cannot change another department's finding, and their worklist holds only their own", async () => {
    const before = dbState();
    for (const state of ["acknowledged", "false-positive", "open"]) {
      const a = await request("POST", `/api/findings/${regFinding}/state`, { token: TOKENS.law.token, body: JSON.stringify({ state, note: "不是我的" }) });
      expectCleanError(a, 403);
    }
    expect(dbState()).toBe(before);
    const mine = await request("GET", "/api/findings/mine", { token: TOKENS.law.token });
    expect(mine.status).toBe(200);
    expect(mine.json.findings.map((f: any) => f.id)).toEqual([lawFinding]);
    // The office may.
    const office = await request("POST", `/api/findings/${regFinding}/state`, { token: TOKENS.office.token, body: JSON.stringify({ state: "acknowledged", note: "办公室已督办" }) });
    expect(office.status, office.text).toBe(200);
    expect(readDb(dbFile).findings.find((f) => f.id === regFinding)?.state).toBe("acknowledged");
  });
});

describe("bodies", () => {
  const target = () => `/api/findings/${lawFinding}/state`;
  it("oversized bodies are refused (413 or the connection closed), nothing changed", async () => {
    const before = dbState();
    const big = JSON.stringify({ state: "acknowledged", note: "长".repeat(3 * 1024 * 1024) });
    const a = await request("POST", target(), { token: TOKENS.law.token, body: big });
    expect([413, 0]).toContain(a.status);
    if (a.status) expectCleanError(a, 413);
    // A body that claims to be small but goes on and on.
    const liar = await new Promise<number>((resolve) => {
      const u = new URL(baseUrl);
      const req = http.request({ host: u.hostname, port: u.port, method: "POST", path: target(), agent: false, headers: { authorization: `Bearer ${TOKENS.law.token}`, "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", () => resolve(0));
      const chunk = Buffer.alloc(256 * 1024, "a");
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    expect([413, 0]).toContain(liar);
    expect(dbState()).toBe(before);
  });

  it("malformed bodies get 400/415 with a JSON error, nothing changed", async () => {
    const before = dbState();
    const bodies: [string, string | Buffer, string?][] = [
      ["not JSON", "state=acknowledged"],
      ["truncated JSON", '{"state":"acknowled'],
      ["an array", "[]"],
      ["null", "null"],
      ["a number", "42"],
      ["unknown state", JSON.stringify({ state: "deleted" })],
      ["state fixed (only the crawl may say so)", JSON.stringify({ state: "fixed" })],
      ["an extra field", JSON.stringify({ state: "acknowledged", by: "办公室主任" })],
      ["a note that is not text", JSON.stringify({ state: "acknowledged", note: { $gt: "" } })],
      ["prototype pollution", '{"state":"acknowledged","__proto__":{"role":"office"}}'],
      ["deeply nested", "[".repeat(200_000) + "]".repeat(200_000)],
      ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x73, 0x74, 0x61, 0x74, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
      ["the wrong content type", JSON.stringify({ state: "acknowledged" }), "text/plain"],
      ["an empty body", ""],
    ];
    for (const [what, body, contentType] of bodies) {
      const a = await request("POST", target(), { token: TOKENS.law.token, body, contentType });
      expect([400, 413, 415], `${what}: ${a.status} ${a.text.slice(0, 200)}`).toContain(a.status);
      expectCleanError(a, [400, 413, 415]);
    }
    expect(dbState()).toBe(before);
    // Methods and ids that do not exist.
    expectCleanError(await request("DELETE", target(), { token: TOKENS.law.token }), 405);
    expectCleanError(await request("PUT", `/api/findings/${lawFinding}`, { token: TOKENS.law.token, body: "{}" }), 405);
    expectCleanError(await request("POST", `/api/findings/${"x".repeat(500)}/state`, { token: TOKENS.law.token, body: '{"state":"open"}' }), 404);
    expectCleanError(await request("GET", "/api/findings/'%20OR%20'1'='1", { token: TOKENS.law.token }), [400, 404]);
    expect(dbState()).toBe(before);
  });
});

describe("path tricks", () => {
  it("dot segments, encoded slashes, double slashes, NULs and very long paths never reach data or crash", async () => {
    const targets = [
      "/api/../api/me",
      "/api/./me",
      "/api/%2e%2e/api/me",
      "/api/%2E%2E/%2E%2E/etc/passwd",
      `/api/findings/..%2f..%2f${lawFinding}`,
      `/api/findings/${lawFinding}%2fstate`,
      "/api//me",
      "//api/me",
      "/api/me//",
      "/api/findings/%00",
      "/api/findings/%zz",
      "/api/me%00.json",
      "/api\\me",
      "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/api/findings?page=" + "%".repeat(50),
      "/api/" + "a".repeat(15_000),
    ];
    for (const target of targets) {
      const a = await request("GET", target, { token: TOKENS.law.token });
      expectCleanError(a, [400, 404, 414, 431]);
      expect(a.text).not.toContain("root:");
    }
    // Beyond the header limit: refused by the HTTP layer (431) or the connection closed, the server lives on.
    const huge = await request("GET", "/api/" + "b".repeat(100_000), { token: TOKENS.law.token });
    expect([0, 400, 414, 431]).toContain(huge.status);
    expect((await request("GET", "/api/me", { token: TOKENS.law.token })).status).toBe(200);
  });
});

describe("a flood", () => {
  it("thousands of strangers' requests and stalled connections: the maintainer's requests are still answered", async () => {
    // Stalled connections (slowloris): headers begun, never finished.
    const stalled: net.Socket[] = [];
    const u = new URL(baseUrl);
    for (let i = 0; i < 200; i++) {
      const s = net.connect(Number(u.port), u.hostname);
      s.on("error", () => undefined);
      s.write(`GET /api/me HTTP/1.1\r\nHost: x\r\nX-Slow-${i}: `);
      stalled.push(s);
    }
    let stop = false;
    let strangers = 0;
    const statuses = new Map<number, number>();
    const flood = async () => {
      // Bounded in count and in time.
      const until = Date.now() + 8_000;
      while (!stop && strangers < 6_000 && Date.now() < until) {
        strangers++;
        const a = await request("GET", strangers % 3 ? "/api/findings/mine" : `/api/findings/${lawFinding}`, strangers % 2 ? { authorization: `Bearer forged-${strangers}-0000000000` } : {});
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      }
    };
    const floods = Array.from({ length: 24 }, flood);
    // Meanwhile the maintainer works at a human pace.
    const answered: number[] = [];
    for (let i = 0; i < 25; i++) {
      const a = await request("GET", "/api/findings/mine", { token: TOKENS.reg.token });
      answered.push(a.status);
      await new Promise((r) => setTimeout(r, 100));
    }
    stop = true;
    await Promise.all(floods);
    for (const s of stalled) s.destroy();
    console.log(`flood: ${strangers} strangers' requests → ${JSON.stringify(Object.fromEntries(statuses))}; maintainer → ${answered.join(",")}`);
    expect(answered.every((s) => s === 200), answered.join(",")).toBe(true);
    // Strangers learnt nothing: 401 or 429 only.
    expect([...statuses.keys()].filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
  });

  it("one user's own flood is limited to that user; another user is not slowed", async () => {
    const own: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 60; i++) own.push((await request("GET", "/api/me", { token: TOKENS.office.token })).status);
      }),
    );
    expect(own.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(own.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect((await request("GET", "/api/me", { token: TOKENS.law.token })).status).toBe(200);
  });
});

describe("the server's output", () => {
  it("never holds a token (valid, forged or near-miss), though every request above is logged", async () => {
    // Give the log a moment to flush what it wrote for the last requests.
    await new Promise((r) => setTimeout(r, 200));
    const output = server.stdout() + server.stderr();
    expect(output).toMatch(/GET \/api\/me 200/);
    for (const { token } of Object.values(TOKENS)) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.slice(0, 12));
    }
    expect(output).not.toMatch(/forged-\d+/);
    expect(output).not.toContain(Buffer.from(`x:${TOKENS.law.token}`).toString("base64"));
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("the HTML report shows crawled text only as text", () => {
  it("a title and link texts holding <script> and <img onerror> render as visible text in Chromium, and nothing runs", async () => {
    const w = tempDir();
    const site = await startFaultSite();
    try {
      const hostileTitle = `<script>window.__gongkaiPwned="title"</script>通知`;
      const hostileLink = `<img src=x onerror="window.__gongkaiPwned='onerror'">附件<script>window.__gongkaiPwned="link"</script>`;
      const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
      site.route("/xxgk/zcwj/index.html", html(listPage("政策文件", [["/xxgk/zcwj/t1.html", "关于加强监管的通知"]])));
      site.route(
        "/xxgk/zcwj/t1.html",
        html(
          page(
            esc(hostileTitle),
            `<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政策文件</div><h1>${esc(hostileTitle)}</h1>` +
              `<a href="/gone.html">${esc(hostileLink)}</a> <a href="/gone-2.html?q=&quot;&gt;&lt;script&gt;window.__gongkaiPwned=1&lt;/script&gt;">第二个</a>`,
          ),
        ),
      );
      const config = configFor(site.baseUrl, [{ id: "zcwj", url: site.baseUrl + "xxgk/zcwj/index.html" }]);
      const db = w.file("gongkai.sqlite");
      const crawl = await runCli(["crawl", "--config", w.writeJson("config.json", config), "--db", db, "--out", w.file("out"), "--quiet"]);
      expect(crawl.code, crawl.stderr).toBe(0);
      const report = await runCli(["report", "--db", db, "--format", "html", "--out", w.file("report")]);
      expect(report.code, report.stderr).toBe(0);
      const file = w.file("report/report.html");
      expect(readFileSync(file, "utf8")).not.toMatch(/<script>window\.__gongkaiPwned/);

      const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
      try {
        const p = await browser.newPage();
        const dialogs: string[] = [];
        p.on("dialog", (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        const requests: string[] = [];
        p.on("request", (r) => requests.push(r.url()));
        await p.goto("file://" + file);
        await p.waitForLoadState("load");
        expect(await p.evaluate(() => (window as unknown as { __gongkaiPwned?: unknown }).__gongkaiPwned)).toBeUndefined();
        expect(dialogs).toEqual([]);
        // The markup is there for the reader to see, as text.
        const text = await p.evaluate(() => document.body.innerText);
        expect(text).toContain(`<img src=x onerror="window.__gongkaiPwned='onerror'">附件`);
        expect(text).toContain(`<script>window.__gongkaiPwned="title"</script>通知`);
        // No element came out of crawled text, and the self-contained report fetched nothing (no img src=x).
        expect(await p.locator("img[onerror], script").count()).toBe(0);
        expect(requests.filter((r) => !r.startsWith("file://") && !r.startsWith("data:"))).toEqual([]);
        // Kept outside the test folder for a person to look at.
        const shot = path.join(tmpdir(), "gongkai-faults-report-xss.png");
        await p.screenshot({ path: shot, fullPage: true });
        console.log(`report screenshot: ${shot}`);
      } finally {
        await browser.close();
      }
    } finally {
      await site.close();
      w.cleanup();
    }
  });
});
