// SitesIndex (crawler/serve/sites-index.ts): many sites behind one server. Two sites both have a column `zcwj`;
// a page is answered from the site whose origin its URL has, so one site's column never lists the other's
// findings; tokens listing sites and the office-only kind coverage are honoured.
import { describe, expect, it } from "vitest";
import { SitesIndex } from "../../crawler/serve/sites-index.js";
import type { StoredFinding } from "../../crawler/store/types.js";
import type { Caller } from "../../crawler/serve/tokens.js";

const A = "http://a.example.invalid/";
const B = "http://b.example.invalid/";

function finding(siteId: string, base: string, id: string, over: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id,
    siteId,
    kind: "broken-link",
    reason: "http-404",
    severity: "high",
    columnId: "zcwj",
    pageUrl: `${base}xxgk/zcwj/t1.html`,
    targetUrl: `${base}gone.html`,
    message: "链接失效",
    maintainer: { department: "法规科", name: "李四" },
    department: "法规科",
    firstSeen: "2026-01-01T00:00:00Z",
    lastSeen: "2026-01-02T00:00:00Z",
    evidence: {},
    state: "open",
    reopenedCount: 0,
    ...over,
  };
}

const staleA = finding("site-a", A, "a-stale", { kind: "stale-column", reason: "no-update", pageUrl: `${A}xxgk/zcwj/index.html`, targetUrl: undefined });
const staleB = finding("site-b", B, "b-stale", { kind: "stale-column", reason: "no-update", pageUrl: `${B}xxgk/zcwj/index.html`, targetUrl: undefined });
const all = [finding("site-a", A, "a1"), finding("site-b", B, "b1"), staleA, staleB, finding("site-a", A, "a-cov", { kind: "coverage", reason: "items-unreached", targetUrl: undefined })];
const sites = [
  { id: "site-a", name: "甲", baseUrl: A },
  { id: "site-b", name: "乙", baseUrl: B },
];
const maintainer: Caller = { name: "李四", department: "法规科", role: "maintainer", key: "k" };
const office: Caller = { name: "王", department: "办公室", role: "office", key: "o" };

describe("SitesIndex", () => {
  const index = new SitesIndex(all, sites, [staleA, staleB]);

  it("answers a column's list page with that site's column only", () => {
    const r = index.forPage(`${A}xxgk/zcwj/index.html`, ["open"], maintainer)!;
    expect(r.pageFindings.map((f) => f.id)).toEqual(["a-stale"]);
    expect(r.columnFindings.map((f) => f.id)).toEqual(["a1"]);
    const rb = index.forPage(`${B}xxgk/zcwj/index.html`, ["open"], maintainer)!;
    expect(rb.columnFindings.map((f) => f.id)).toEqual(["b1"]);
  });

  it("a page of no monitored site has no findings", () => {
    const r = index.forPage("http://c.example.invalid/xxgk/zcwj/index.html", ["open"], office)!;
    expect([...r.linkFindings, ...r.pageFindings, ...r.columnFindings]).toEqual([]);
  });

  it("limits a token listing sites to them, and keeps coverage from maintainers", () => {
    const onlyB: Caller = { ...maintainer, sites: ["site-b"] };
    expect(index.forDepartment(undefined, ["open"], onlyB).map((f) => f.id).sort()).toEqual(["b-stale", "b1"]);
    expect(index.forPage(`${A}xxgk/zcwj/index.html`, ["open"], onlyB)!.columnFindings).toEqual([]);
    expect(index.origins(onlyB)).toEqual(["http://b.example.invalid"]);
    expect(index.forDepartment(undefined, ["open"], maintainer).some((f) => f.kind === "coverage")).toBe(false);
    expect(index.forDepartment(undefined, ["open"], office).some((f) => f.kind === "coverage")).toBe(true);
  });
});
