import { describe, expect, it } from "vitest";
import { extractPage, loadHtml } from "../../crawler/extract/index.js";
import { extractLinks, isAttachmentUrl } from "../../crawler/extract/links.js";

const PAGE = "http://127.0.0.1:8080/xxgk/zcwj/202403/t20240315_1.html";

function links(body: string, head = "", url = PAGE) {
  return extractLinks(loadHtml(`<html><head>${head}</head><body>${body}</body></html>`), url);
}

describe("extractLinks: every kind of link", () => {
  it("collects a, area, img, iframe, frame, embed, object, link, script, source, video, audio in order", () => {
    const ls = links(
      `<a href="a.html">甲</a><map><area href="/map.html" alt="地图区域"></map><img src="/i.png" alt="图片说明">` +
        `<iframe src="/frame.html"></iframe><frameset><frame src="/f2.html"></frameset><embed src="/e.swf">` +
        `<object data="/o.pdf"></object><script src="/s.js"></script><video src="/v.mp4"><source src="/v.webm"></video>` +
        `<audio src="/a.mp3"></audio><form action="/search.jsp"><input name="q"></form>`,
      `<link rel="stylesheet" href="/css/main.css"><link rel="icon" href="/favicon.ico"><link rel="dns-prefetch" href="//cdn.example.invalid">` +
        `<link rel="canonical" href="${PAGE}">`,
    );
    expect(ls.map((l) => [l.tag, l.url])).toEqual([
      ["link", "http://127.0.0.1:8080/css/main.css"],
      ["link", "http://127.0.0.1:8080/favicon.ico"],
      ["link", PAGE],
      ["a", "http://127.0.0.1:8080/xxgk/zcwj/202403/a.html"],
      ["area", "http://127.0.0.1:8080/map.html"],
      ["img", "http://127.0.0.1:8080/i.png"],
      ["iframe", "http://127.0.0.1:8080/frame.html"],
      ["frame", "http://127.0.0.1:8080/f2.html"],
      ["embed", "http://127.0.0.1:8080/e.swf"],
      ["object", "http://127.0.0.1:8080/o.pdf"],
      ["script", "http://127.0.0.1:8080/s.js"],
      ["video", "http://127.0.0.1:8080/v.mp4"],
      ["source", "http://127.0.0.1:8080/v.webm"],
      ["audio", "http://127.0.0.1:8080/a.mp3"],
    ]);
    // form actions are not links to check
    expect(ls.some((l) => l.raw.includes("search.jsp"))).toBe(false);
    expect(ls.find((l) => l.tag === "area")?.text).toBe("地图区域");
    expect(ls.find((l) => l.tag === "img")?.text).toBe("图片说明");
  });

  it("takes link text from the visible text, else the image alt, else the title", () => {
    const ls = links(
      `<a href="/1.html">  关于  印发\n<b>通知</b> </a><a href="/2.html"><img src="/b.png" alt="一图读懂"></a><a href="/3.html" title="下载附件"></a>`,
    );
    expect(ls.filter((l) => l.tag === "a").map((l) => l.text)).toEqual(["关于 印发 通知", "一图读懂", "下载附件"]);
  });

  it("resolves against <base href>, itself relative to the page", () => {
    const ls = links(`<a href="t1.html">一</a><a href="../up.html">二</a>`, `<base href="/xxgk/tzgg/">`);
    expect(ls.map((l) => l.url)).toEqual(["http://127.0.0.1:8080/xxgk/tzgg/t1.html", "http://127.0.0.1:8080/xxgk/up.html"]);
  });

  it("ignores a <base href> that is not http(s)", () => {
    const ls = links(`<a href="t1.html">一</a>`, `<base href="javascript:alert(1)">`);
    expect(ls[0].url).toBe("http://127.0.0.1:8080/xxgk/zcwj/202403/t1.html");
  });
});

describe("extractLinks: what other link checkers read too", () => {
  it("srcset candidates, video poster, track, input type=image, body background, meta refresh", () => {
    const ls = extractLinks(
      loadHtml(
        `<html><head><meta http-equiv="refresh" content="5; URL='/xxgk/new.html'"><meta property="og:image" content="/og.png"></head>` +
          `<body background="/bg.gif"><img src="/a.png" srcset="/a-1x.png 1x, /a-2x.png 2x" alt="图"><picture><source srcset="/b.webp 100w,/b-big.webp 800w"></picture>` +
          `<video src="/v.mp4" poster="/v.jpg"><track src="/v.vtt" kind="subtitles"></video>` +
          `<input type="image" src="/submit.png"><input type="text" src="/not-a-link.png"></body></html>`,
      ),
      PAGE,
    );
    expect(ls.map((l) => [l.tag, l.url?.replace("http://127.0.0.1:8080", "")])).toEqual([
      ["meta", "/xxgk/new.html"],
      ["img", "/bg.gif"],
      ["img", "/a.png"],
      ["img", "/a-1x.png"],
      ["img", "/a-2x.png"],
      ["source", "/b.webp"],
      ["source", "/b-big.webp"],
      ["video", "/v.mp4"],
      ["video", "/v.jpg"],
      ["source", "/v.vtt"],
      ["img", "/submit.png"],
    ]);
  });

  it("a meta refresh without a URL is no link", () => {
    expect(links("", `<meta http-equiv="refresh" content="300">`)).toEqual([]);
  });
});

describe("extractLinks: schemes and hostile hrefs", () => {
  it("classifies javascript: variants with case, spaces, control characters and entities", () => {
    const ls = links(
      [
        `<a href="javascript:void(0)">a</a>`,
        `<a href="JavaScript:openWin('x')">b</a>`,
        `<a href="  javascript:;">c</a>`,
        `<a href="java&#x09;script:alert(1)">d</a>`,
        `<a href="&#106;avascript:alert(1)">e</a>`,
        `<a href="jav&#x0A;ascript:alert(1)">f</a>`,
        `<a href="vbscript:msgbox(1)">g</a>`,
      ].join(""),
    );
    expect(ls.map((l) => l.scheme)).toEqual(Array(7).fill("javascript"));
    expect(ls.every((l) => l.url === null)).toBe(true);
  });

  it("classifies mailto:, tel:, data: and unknown schemes without URLs", () => {
    const ls = links(
      `<a href="mailto:xxgk@example.invalid">信箱</a><a href="tel:021-69989898">电话</a>` +
        `<img src="data:image/png;base64,iVBORw0KGgo="><a href="ftp://files.example.invalid/a.zip">ftp</a>`,
    );
    expect(ls.map((l) => [l.scheme, l.url])).toEqual([
      ["mailto", null],
      ["tel", null],
      ["data", null],
      ["other", null],
    ]);
  });

  it("keeps fragments: #top points into this page, other#part into the other page", () => {
    const ls = links(`<a href="#top">返回顶部</a><a href="other.html#第二节">跳转</a><a href="">空</a>`);
    expect(ls[0]).toMatchObject({ scheme: "fragment", url: PAGE, fragment: "top" });
    expect(ls[1]).toMatchObject({ scheme: "http", url: "http://127.0.0.1:8080/xxgk/zcwj/202403/other.html", fragment: "第二节" });
    expect(ls[2]).toMatchObject({ scheme: "fragment", url: PAGE });
  });

  it("encodes unencoded Chinese file names and spaces in attachment hrefs", () => {
    const ls = links(`<a href="/uploads/关于印发 实施办法的通知.pdf">附件</a>`);
    expect(ls[0]).toMatchObject({
      scheme: "http",
      attachment: true,
      url: "http://127.0.0.1:8080/uploads/%E5%85%B3%E4%BA%8E%E5%8D%B0%E5%8F%91%20%E5%AE%9E%E6%96%BD%E5%8A%9E%E6%B3%95%E7%9A%84%E9%80%9A%E7%9F%A5.pdf",
    });
  });

  it("never throws on bad percent-encoding, control characters, broken hosts or 5,000-character URLs", () => {
    const long = "/a/" + "x".repeat(5000) + ".html";
    const huge = "/a/" + "y".repeat(10000);
    const ls = links(
      [
        `<a href="/bad%zz%/encoding%E4.html">bad</a>`,
        `<a href="/ctl\u0001char.html">ctl</a>`,
        `<a href="http://exa mple.invalid/">space host</a>`,
        `<a href="http://[::1">broken v6</a>`,
        `<a href="http://">no host</a>`,
        `<a href="${long}">long</a>`,
        `<a href="${huge}">huge</a>`,
        `<a href="%">lone percent</a>`,
        `<a href="#%E4%zz">bad fragment</a>`,
      ].join(""),
    );
    expect(ls).toHaveLength(9);
    expect(ls[0].scheme).toBe("http");
    expect(ls[0].url).toContain("/bad%zz%/encoding%E4.html");
    expect(ls[1].url).toBe("http://127.0.0.1:8080/ctl%01char.html");
    expect(ls[2]).toMatchObject({ scheme: "invalid", url: null });
    expect(ls[3]).toMatchObject({ scheme: "invalid", url: null });
    expect(ls[4]).toMatchObject({ scheme: "invalid", url: null });
    expect(ls[5].url).toBe(`http://127.0.0.1:8080${long}`);
    expect(ls[6]).toMatchObject({ scheme: "invalid", url: null });
    expect(ls[7].scheme).toBe("http");
    expect(ls[8]).toMatchObject({ scheme: "fragment", fragment: "%E4%zz" });
  });
});

describe("attachments", () => {
  it.each([
    ["/a/b.pdf", true],
    ["/a/B.DOCX", true],
    ["/a/表格.xls?v=2", true],
    ["/a/b.wps", true],
    ["/a/b.ofd", true],
    ["/a/b.zip", true],
    ["/a/b.et", true],
    ["/module/download/downfile.jsp?classid=0&filename=%E9%80%9A%E7%9F%A5.pdf", true],
    ["/a/photo.jpg", false],
    ["/a/index.html", false],
    ["/a/pdf/", false],
    ["/a/t20240315_1.html?file=x", false],
  ])("%s → %s", (href, expected) => {
    expect(isAttachmentUrl(href, PAGE)).toBe(expected);
  });
});

describe("a page with 20,000 links", () => {
  it("extracts all of them", () => {
    const body = Array.from({ length: 20000 }, (_, i) => `<a href="/p/${i % 5000}.html">链接${i}</a>`).join("");
    const r = extractPage({ url: PAGE, finalUrl: PAGE, status: 200, html: `<html><body>${body}</body></html>` });
    expect(r.links).toHaveLength(20000);
    expect(r.links[19999]).toMatchObject({ url: "http://127.0.0.1:8080/p/4999.html", text: "链接19999" });
  });
});
