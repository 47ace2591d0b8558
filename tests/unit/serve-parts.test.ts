// The findings server's pure parts: rate limiting, request-target parsing, tokens, and which findings belong to a page.
import { describe, expect, it } from "vitest";
import { FindingsIndex } from "../../crawler/serve/findings-index.js";
import { RateLimiter } from "../../crawler/serve/rate-limit.js";
import { parseRequestTarget } from "../../crawler/serve/server.js";
import { TokenAuthenticator, bearerToken, parseTokens } from "../../crawler/serve/tokens.js";
import type { StoredFinding } from "../../crawler/store/types.js";

describe("RateLimiter", () => {
  it("allows a burst, then asks to wait, then refills", () => {
    let now = 0;
    const rl = new RateLimiter({ burst: 3, perSecond: 2 }, () => now);
    expect([rl.take("a"), rl.take("a"), rl.take("a")]).toEqual([0, 0, 0]);
    expect(rl.take("a")).toBe(1);
    expect(rl.take("b")).toBe(0); // another key has its own bucket
    now += 500; // one request refilled
    expect(rl.take("a")).toBe(0);
    expect(rl.take("a")).toBeGreaterThan(0);
  });

  it("keeps memory bounded however many keys arrive", () => {
    let now = 0;
    const rl = new RateLimiter({ burst: 1, perSecond: 1, maxKeys: 1000 }, () => now++);
    for (let i = 0; i < 50_000; i++) rl.take(`ip:${i}`);
    expect(rl.size).toBe(1000);
  });
});

describe("parseRequestTarget", () => {
  it("splits and decodes path segments and the query", () => {
    const { segments, query } = parseRequestTarget("/api/findings?page=http%3A%2F%2Fa.invalid%2Fx.html&states=open");
    expect(segments).toEqual(["api", "findings"]);
    expect(query.get("page")).toBe("http://a.invalid/x.html");
    expect(parseRequestTarget("/").segments).toEqual([]);
    expect(parseRequestTarget("/api/me/").segments).toEqual(["api", "me"]);
  });

  it.each([
    "/api/../me",
    "/api/./me",
    "/api/%2e%2e/me",
    "/api/%2E./me",
    "/api/a%2fb",
    "/api/a%5cb",
    "/api/a\\b",
    "/api//me",
    "/api/%00",
    "/api/%zz",
    "api/me",
    "http://evil.invalid/api/me",
    "/api/me?page=%E0%A4%A",
  ])("refuses %s", (target) => {
    expect(() => parseRequestTarget(target)).toThrow();
  });
});

describe("tokens", () => {
  const tokens = parseTokens({
    tokens: [
      { token: "token-aaaaaaaaaaaa", name: "张三", department: "办公室", role: "maintainer" },
      { token: "token-bbbbbbbbbbbb", name: "王主任", department: "办公室", role: "office" },
    ],
  });

  it("identifies the right person and nobody for anything else", () => {
    const auth = new TokenAuthenticator(tokens);
    expect(auth.identify("token-bbbbbbbbbbbb")).toMatchObject({ name: "王主任", role: "office" });
    expect(auth.identify("token-aaaaaaaaaaaa")).toMatchObject({ name: "张三", role: "maintainer" });
    expect(auth.identify("token-aaaaaaaaaaab")).toBeUndefined();
    expect(auth.identify("")).toBeUndefined();
    expect(auth.identify("token-aaaaaaaaaaaa ")).toBeUndefined();
    // The rate-limit key is derived from the token but is not the token.
    expect(auth.identify("token-aaaaaaaaaaaa")!.key).not.toContain("token");
  });

  it("reads only well-formed Bearer headers", () => {
    expect(bearerToken("Bearer abc.DEF-123")).toBe("abc.DEF-123");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("names the field of every problem in a tokens file", () => {
    const problems = (raw: unknown) => {
      try {
        parseTokens(raw, "t.json");
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(problems({})).toContain("tokens:");
    expect(problems({ tokens: [{ token: "x", name: "a", department: "b", role: "office" }] })).toContain("tokens[0].token");
    expect(problems({ tokens: [{ token: "token-aaaaaaaaaaaa", name: "", department: "b", role: "office" }] })).toContain("tokens[0].name");
    expect(problems({ tokens: [{ token: "token-aaaaaaaaaaaa", name: "a", department: "b", role: "root" }] })).toContain("tokens[0].role");
    expect(problems({ tokens: [{ token: "token-aaaaaaaaaaaa", name: "a", department: "b", role: "office", admin: true }] })).toContain("admin");
    expect(problems({ tokens: [{ token: "token with spaces!", name: "a", department: "b", role: "office" }] })).toContain("tokens[0].token");
  });
});

describe("FindingsIndex", () => {
  const base = {
    severity: "high" as const,
    reason: "http-404",
    evidence: {},
    firstSeen: "2026-01-01T00:00:00.000Z",
    lastSeen: "2026-01-02T00:00:00.000Z",
    reopenedCount: 0,
    message: "m",
  };
  const f = (id: string, over: Partial<StoredFinding>): StoredFinding =>
    ({
      id,
      kind: "broken-link",
      columnId: "zcwj",
      pageUrl: "http://site.invalid/a.html",
      maintainer: { department: "办公室", name: "张三" },
      department: "办公室",
      state: "open",
      ...base,
      ...over,
    }) as StoredFinding;
  const findings = [
    f("1", { targetUrl: "http://site.invalid/x.pdf", severity: "low" }),
    f("2", { targetUrl: "http://site.invalid/y.pdf" }),
    f("3", { targetUrl: "http://site.invalid/z.pdf", state: "acknowledged" }),
    f("4", { kind: "stale-column", pageUrl: "http://site.invalid/zcwj/index.html" }),
    f("5", { kind: "stale-guide", pageUrl: "http://site.invalid/guide.html", columnId: "bszn", department: "登记注册科", maintainer: { department: "登记注册科", name: "赵六" } }),
    f("6", { pageUrl: "http://site.invalid/b.html", targetUrl: "http://site.invalid/gone", state: "fixed" }),
  ];
  const index = new FindingsIndex(findings);

  it("finds a page's findings whatever the URL's spelling, worst first, in the asked states", () => {
    const r = index.forPage("HTTP://SITE.invalid:80/a.html#top", ["open"])!;
    expect(r.page).toBe("http://site.invalid/a.html");
    expect(r.linkFindings.map((x) => x.id)).toEqual(["2", "1"]);
    expect(index.forPage("http://site.invalid/a.html", ["open", "acknowledged"])!.linkFindings.map((x) => x.id)).toEqual(["2", "3", "1"]);
    expect(index.forPage("http://site.invalid/b.html", ["open", "acknowledged", "false-positive", "fixed"])!.linkFindings).toEqual([]);
    expect(index.forPage("javascript:alert(1)", ["open"])).toBeNull();
  });

  it("recognises a column's list page from its stale-column finding and lists the column's other findings", () => {
    const r = index.forPage("http://site.invalid/zcwj/index.html", ["open"])!;
    expect(r.column).toMatchObject({ id: "zcwj", url: "http://site.invalid/zcwj/index.html" });
    expect(r.pageFindings.map((x) => x.id)).toEqual(["4"]);
    expect(r.columnFindings.map((x) => x.id)).toEqual(["2", "1"]);
    expect(index.columnOrigins()).toEqual(["http://site.invalid"]);
  });

  it("recognises column pages from the config too", () => {
    const withConfig = new FindingsIndex(findings, [{ id: "bszn", name: "办事指南", url: "http://site.invalid/bszn/" }]);
    const r = withConfig.forPage("http://site.invalid/bszn/", ["open"])!;
    expect(r.column).toMatchObject({ id: "bszn", name: "办事指南" });
    expect(r.columnFindings.map((x) => x.id)).toEqual(["5"]);
  });

  it("gives a department its own findings and the office everything", () => {
    expect(index.forDepartment("登记注册科", ["open"]).map((x) => x.id)).toEqual(["5"]);
    expect(index.forDepartment(undefined, ["open"]).length).toBe(4);
  });
});
