import { describe, expect, it } from "vitest";
import { classifyHost, classifyHref, fragmentOf, isNonPublicHost, linkTargetKey, normalizeUrl, sameOrigin } from "../../shared/url.js";

describe("normalizeUrl: when are two URLs the same page", () => {
  it("treats case of scheme/host, default ports, fragments and empty queries as the same page", () => {
    const a = normalizeUrl("HTTP://Example.INVALID:80/xxgk/zcwj/index.html?#top");
    const b = normalizeUrl("http://example.invalid/xxgk/zcwj/index.html");
    expect(a).toBe(b);
  });
  it("resolves relative hrefs and dot segments against the page", () => {
    expect(normalizeUrl("../tzgg/index_1.html", "http://127.0.0.1:8080/xxgk/zcwj/index.html")).toBe(
      "http://127.0.0.1:8080/xxgk/tzgg/index_1.html",
    );
  });
  it("encodes unencoded Chinese file names the way a browser requests them", () => {
    const raw = normalizeUrl("/files/嘉定区 通知.pdf", "http://127.0.0.1/");
    const enc = normalizeUrl("http://127.0.0.1/files/%E5%98%89%E5%AE%9A%E5%8C%BA%20%E9%80%9A%E7%9F%A5.pdf");
    expect(raw).toBe(enc);
  });
  it("decodes escaped unreserved characters but keeps reserved ones escaped", () => {
    expect(normalizeUrl("http://127.0.0.1/%7euser/a%2fb")).toBe("http://127.0.0.1/~user/a%2Fb");
  });
  it("keeps query parameter order (servers may care)", () => {
    expect(normalizeUrl("http://127.0.0.1/list?b=2&a=1")).toBe("http://127.0.0.1/list?b=2&a=1");
  });
  it("returns null for what is not an http(s) URL", () => {
    for (const href of ["mailto:a@b.invalid", "javascript:void(0)", "tel:12345", "data:text/plain,x", "http://", "ftp://x.invalid/"])
      expect(normalizeUrl(href, "http://127.0.0.1/")).toBeNull();
  });
  it("strips surrounding whitespace and embedded newlines as browsers do", () => {
    expect(normalizeUrl("  /a\n/b.html\t ", "http://127.0.0.1/")).toBe("http://127.0.0.1/a/b.html");
  });
  it("sees fragments and same origins", () => {
    expect(fragmentOf("/a.html#%E7%AC%AC%E4%B8%80", "http://127.0.0.1/")).toBe("第一");
    expect(sameOrigin("http://127.0.0.1:80/a", "http://127.0.0.1/b")).toBe(true);
    expect(sameOrigin("http://127.0.0.1/a", "http://127.0.0.2/a")).toBe(false);
  });
  it("keys a link by its URL, plus a named fragment (what a missing-anchor finding is about)", () => {
    expect(linkTargetKey("../jgzn/index.html#%E9%A2%86%E5%AF%BC", "http://127.0.0.1/xxgk/zcwj/a.html")).toBe("http://127.0.0.1/xxgk/jgzn/index.html#领导");
    expect(linkTargetKey("/a.html#", "http://127.0.0.1/")).toBe("http://127.0.0.1/a.html");
    expect(linkTargetKey("HTTP://127.0.0.1:80/a.html?", "http://127.0.0.1/")).toBe("http://127.0.0.1/a.html");
    expect(linkTargetKey("javascript:void(0)", "http://127.0.0.1/")).toBeNull();
  });
});

describe("classifyHref", () => {
  it("recognises javascript: in its disguises and the schemes that are never fetched", () => {
    expect(classifyHref(" JavaScript:alert(1)")).toBe("javascript");
    expect(classifyHref("java\tscript:alert(1)")).toBe("javascript");
    expect(classifyHref("mailto:x@y.invalid")).toBe("mailto");
    expect(classifyHref("tel:021-12345678")).toBe("tel");
    expect(classifyHref("data:image/png;base64,AAAA")).toBe("data");
    expect(classifyHref("#top")).toBe("fragment");
    expect(classifyHref("/xxgk/index.html")).toBe("http");
    expect(classifyHref("https://www.example.invalid/")).toBe("http");
  });
});

describe("classifyHost (pure; no traffic is ever sent to these)", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.0.0.2", "loopback"],
    ["localhost", "loopback"],
    ["[::1]", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["[fd00::1]", "private"],
    ["[fe80::1]", "link-local"],
    ["[::ffff:10.0.0.1]", "private"],
    ["8.8.8.8", "public"],
    ["www.gov.cn", "name"],
  ])("%s is %s", (host, cls) => {
    expect(classifyHost(host)).toBe(cls);
  });
  it("says which hosts are not public", () => {
    expect(isNonPublicHost("192.168.0.10")).toBe(true);
    expect(isNonPublicHost("www.jiading.gov.cn")).toBe(false);
  });
});

describe("classifyHost: IPv4 hidden inside IPv6 (as the URL parser rewrites it)", () => {
  it.each([
    ["[::ffff:a00:1]", "private"],
    ["[::ffff:a9fe:a9fe]", "link-local"],
    ["[::ffff:7f00:1]", "loopback"],
    ["[::ffff:c0a8:101]", "private"],
    ["[64:ff9b::a00:1]", "private"],
    ["[::ffff:808:808]", "public"],
  ])("%s is %s", (host, cls) => {
    expect(classifyHost(host)).toBe(cls);
  });
  it("judges what new URL() makes of a mapped private address", () => {
    const host = new URL("http://[::ffff:10.0.0.1]/").hostname;
    expect(host).toBe("[::ffff:a00:1]");
    expect(isNonPublicHost(host)).toBe(true);
  });
});
