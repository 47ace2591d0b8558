import { describe, expect, it } from "vitest";
import { RobotsCache, robotsRules, robotsUrlFor } from "../../crawler/crawl/robots.js";

const R = "http://127.0.0.1:8080/robots.txt";
const U = (p: string) => `http://127.0.0.1:8080${p}`;

describe("robotsRules", () => {
  it("obeys Disallow for every agent", () => {
    const r = robotsRules(R, { status: 200, body: "User-agent: *\nDisallow: /private/\n" });
    expect(r.allowed(U("/private/a.html"))).toBe(false);
    expect(r.allowed(U("/xxgk/index.html"))).toBe(true);
  });
  it("follows a group written for gongkai over the * group", () => {
    const body = "User-agent: *\nDisallow: /\n\nUser-agent: gongkai\nDisallow: /search/\n";
    const r = robotsRules(R, { status: 200, body });
    expect(r.allowed(U("/xxgk/index.html"))).toBe(true);
    expect(r.allowed(U("/search/?q=1"))).toBe(false);
  });
  it("treats a missing robots.txt (4xx) as no rules", () => {
    expect(robotsRules(R, { status: 404 }).allowed(U("/anything"))).toBe(true);
  });
  it("treats a server error as 'disallow everything' (RFC 9309)", () => {
    expect(robotsRules(R, { status: 503 }).allowed(U("/xxgk/"))).toBe(false);
  });
  it("reads an HTML error page served as robots.txt as no rules", () => {
    expect(robotsRules(R, { status: 200, body: "<html><body>页面不存在</body></html>" }).allowed(U("/xxgk/"))).toBe(true);
  });
  it("lets requests through when robots.txt could not be fetched at all (they will meet the same error)", () => {
    expect(robotsRules(R, { error: "ECONNREFUSED" }).allowed(U("/xxgk/"))).toBe(true);
  });
});

describe("RobotsCache", () => {
  it("loads each origin's robots.txt once", async () => {
    const loads: string[] = [];
    const cache = new RobotsCache(async (url) => {
      loads.push(url);
      return { status: 200, body: "User-agent: *\nDisallow: /no/\n" };
    });
    const answers = await Promise.all([cache.allowed(U("/a")), cache.allowed(U("/no/b")), cache.allowed("http://127.0.0.2:9/no/c")]);
    expect(answers).toEqual([true, false, false]);
    expect(loads).toEqual([R, "http://127.0.0.2:9/robots.txt"]);
    expect(robotsUrlFor("https://h.example.invalid:8443/x/y?z")).toBe("https://h.example.invalid:8443/robots.txt");
  });
});
