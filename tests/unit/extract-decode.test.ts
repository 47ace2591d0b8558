import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeBody, isHtmlContentType, looksLikeHtml } from "../../crawler/extract/decode.js";
import { extractPageFromBuffer } from "../../crawler/extract/index.js";

const page = (head: string) =>
  `<!DOCTYPE html><html><head>${head}<title>嘉定区市场监督管理局 政策文件</title></head>` +
  `<body><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; 政策文件</div>` +
  `<ul class="list"><li><a href="/xxgk/zcwj/202403/t20240315_1.html">关于进一步加强食品安全监管的通知</a><span>2024-03-15</span></li>` +
  `<li><a href="/xxgk/zcwj/202402/t20240201_2.html">关于印发《市场主体登记办法》的通知</a><span>2024-02-01</span></li></ul></body></html>`;

describe("decodeBody", () => {
  it("decodes GB2312 declared only in <meta http-equiv>", () => {
    const bytes = iconv.encode(page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'), "gbk");
    const d = decodeBody(bytes, "text/html");
    expect(d.source).toBe("meta");
    expect(d.charset).toBe("gb2312");
    expect(d.text).toContain("嘉定区市场监督管理局 政策文件");
  });

  it("decodes GBK declared only in <meta charset>", () => {
    const bytes = iconv.encode(page('<meta charset="GBK">'), "gbk");
    const d = decodeBody(bytes);
    expect(d).toMatchObject({ source: "meta", charset: "gbk" });
    expect(d.text).toContain("关于进一步加强食品安全监管的通知");
  });

  it("uses the header charset when the page has no meta", () => {
    const bytes = iconv.encode(page(""), "gbk");
    const d = decodeBody(bytes, "text/html; charset=GBK");
    expect(d).toMatchObject({ source: "header", charset: "gbk" });
    expect(d.text).toContain("政府信息公开");
  });

  it("header wins over a conflicting meta when the bytes agree with the header", () => {
    const bytes = Buffer.from(page('<meta charset="gb2312">'), "utf8");
    const d = decodeBody(bytes, "text/html;charset=utf-8");
    expect(d).toMatchObject({ source: "header", charset: "utf-8" });
    expect(d.text).toContain("政策文件");
  });

  it("falls back when the header says UTF-8 over GBK bytes (a page lying about its charset)", () => {
    const bytes = iconv.encode(page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'), "gbk");
    const d = decodeBody(bytes, "text/html; charset=UTF-8");
    expect(d.source).toBe("meta");
    expect(d.text).toContain("嘉定区市场监督管理局");
    expect(d.text).not.toContain("\uFFFD");
  });

  it("detects GBK when both header and meta claim UTF-8", () => {
    const bytes = iconv.encode(page('<meta charset="utf-8">'), "gbk");
    const d = decodeBody(bytes, "text/html; charset=utf-8");
    expect(d.source).toBe("detected");
    expect(d.text).toContain("关于印发《市场主体登记办法》的通知");
  });

  it("detects GBK with no declaration at all", () => {
    const bytes = iconv.encode(page(""), "gbk");
    const d = decodeBody(bytes);
    expect(d.source).toBe("detected");
    expect(d.text).toContain("嘉定区市场监督管理局");
  });

  it("believes UTF-8 bytes over a header claiming GBK (server default stamped on UTF-8 files)", () => {
    const d = decodeBody(Buffer.from(page(""), "utf8"), "text/html; charset=gbk");
    expect(d.source).toBe("detected");
    expect(d.charset).toBe("utf-8");
    expect(d.text).toContain("政府信息公开");
  });

  it("honours a UTF-8 BOM over any declaration", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(page('<meta charset="gbk">'), "utf8")]);
    const d = decodeBody(bytes, "text/html; charset=gbk");
    expect(d).toMatchObject({ source: "bom", charset: "utf-8" });
    expect(d.text.startsWith("<!DOCTYPE")).toBe(true);
  });

  it("tolerates a UTF-8 body cut off in the middle of a character", () => {
    const full = Buffer.from(page(""), "utf8");
    const cut = full.subarray(0, full.indexOf(Buffer.from("政策文件</title>")) + 2);
    const d = decodeBody(cut, "text/html; charset=utf-8");
    expect(d.source).toBe("header");
    expect(d.text).toContain("嘉定区市场监督管理局");
  });

  it("defaults to UTF-8 for plain ASCII and ignores unknown charset labels", () => {
    expect(decodeBody(Buffer.from("<p>hello</p>"))).toEqual({ text: "<p>hello</p>", charset: "utf-8", source: "default" });
    const d = decodeBody(Buffer.from("<p>hello</p>"), "text/html; charset=x-no-such-charset");
    expect(d.source).toBe("default");
  });

  it("GB2312 pages with characters outside GB2312 still decode (gb18030 superset)", () => {
    const text = '<meta charset="gb2312"><p>镕基 喆 堃 𠮷</p>';
    const d = decodeBody(iconv.encode(text, "gb18030"));
    expect(d.text).toContain("镕基 喆 堃 𠮷");
  });
});

describe("content types", () => {
  it("recognises HTML content types", () => {
    expect(isHtmlContentType("text/html; charset=utf-8")).toBe(true);
    expect(isHtmlContentType("application/xhtml+xml")).toBe(true);
    expect(isHtmlContentType("TEXT/HTML")).toBe(true);
    expect(isHtmlContentType("application/pdf")).toBe(false);
    expect(isHtmlContentType(undefined)).toBe(false);
  });
  it("sniffs HTML bodies served without a usable type", () => {
    expect(looksLikeHtml(Buffer.from("  \n<!doctype html><html>"))).toBe(true);
    expect(looksLikeHtml(Buffer.from("%PDF-1.4 ..."))).toBe(false);
  });
});

describe("extractPageFromBuffer", () => {
  it("decodes a GBK page declared only in meta and extracts correct Chinese everywhere", () => {
    const bytes = iconv.encode(page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'), "gbk");
    const url = "http://127.0.0.1:8080/xxgk/zcwj/";
    const r = extractPageFromBuffer(bytes, { url, finalUrl: url, status: 200, contentType: "text/html" });
    expect(r.charset).toBe("gb2312");
    expect(r.charsetSource).toBe("meta");
    expect(r.title).toBe("嘉定区市场监督管理局 政策文件");
    expect(r.breadcrumb).toEqual(["首页", "政府信息公开", "政策文件"]);
    expect(r.listItems.map((i) => i.title)).toEqual(["关于进一步加强食品安全监管的通知", "关于印发《市场主体登记办法》的通知"]);
    expect(r.links.find((l) => l.url?.endsWith("t20240315_1.html"))?.text).toBe("关于进一步加强食品安全监管的通知");
  });
});

describe("damaged UTF-8", () => {
  const utf8Page = Buffer.from(page('<meta charset="utf-8">'));
  const withStray = (n: number) =>
    Buffer.concat([utf8Page.subarray(0, 200), Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256)), utf8Page.subarray(200)]);

  it("stays UTF-8 with a few stray bytes, as a browser shows it", () => {
    const d = decodeBody(withStray(20), "text/html; charset=utf-8");
    expect(d.charset).toBe("utf-8");
    expect(d.text).toContain("关于进一步加强食品安全监管的通知");
  });

  it("still recognises GBK bytes under a UTF-8 header", () => {
    const gbk = iconv.encode(page('<meta charset="gbk">'), "gbk");
    const d = decodeBody(gbk, "text/html; charset=utf-8");
    expect(d.charset).toBe("gbk");
    expect(d.text).toContain("关于进一步加强食品安全监管的通知");
  });
});
