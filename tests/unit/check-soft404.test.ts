import { describe, expect, it } from "vitest";
import {
  isCosmeticRedirect,
  isErrorTitle,
  isErrorUrl,
  isHomeUrl,
  judgePage,
  looksLikeErrorPage,
  matchesFingerprint,
  textGrams,
  type ErrorFingerprint,
} from "../../crawler/check/soft404.js";

const B = "http://127.0.0.1:8080";

describe("error page wording", () => {
  it("recognises the phrases Chinese CMS error pages use", () => {
    expect(looksLikeErrorPage("提示信息", "对不起，您访问的页面不存在或已被删除！ 返回首页")).toBe(true);
    expect(looksLikeErrorPage("", "404 Not Found")).toBe(true);
    expect(looksLikeErrorPage("网站首页", "找不到页面")).toBe(true);
    expect(isErrorTitle("404")).toBe(true);
    expect(isErrorTitle("404 - 页面不存在")).toBe(true);
    expect(isErrorTitle("错误页面")).toBe(true);
  });
  it("does not take a long page that mentions the phrase for an error page", () => {
    const notice = "关于网站改版的公告。" + "网站改版后部分栏目调整，如遇页面不存在，请通过站内搜索查找。".repeat(5) + "正文内容。".repeat(300);
    expect(looksLikeErrorPage("关于网站改版的公告", notice)).toBe(false);
  });
  it("does not take a title that merely contains the number 404 for an error", () => {
    expect(isErrorTitle("关于公布2024年第404号公告的通知")).toBe(false);
    expect(isErrorTitle("4040 项目进展")).toBe(false);
  });
});

describe("URLs", () => {
  it("knows error page addresses", () => {
    expect(isErrorUrl(`${B}/404.html`)).toBe(true);
    expect(isErrorUrl(`${B}/error/index.html`)).toBe(true);
    expect(isErrorUrl(`${B}/notfound.jsp`)).toBe(true);
    expect(isErrorUrl(`${B}/default.aspx?aspxerrorpath=/x.aspx`)).toBe(true);
    expect(isErrorUrl(`${B}/xxgk/zcwj/t20240404_404.html`)).toBe(false);
    expect(isErrorUrl(`${B}/xxgk/errorcorrection.html`)).toBe(false);
  });
  it("knows home pages", () => {
    expect(isHomeUrl(`${B}/`)).toBe(true);
    expect(isHomeUrl(`${B}/index.html`)).toBe(true);
    expect(isHomeUrl(`${B}/default.aspx`)).toBe(true);
    expect(isHomeUrl(`${B}/xxgk/index.html`)).toBe(false);
    expect(isHomeUrl(`${B}/?id=3`)).toBe(false);
  });
  it("treats http→https, a trailing slash or index.html as cosmetic", () => {
    expect(isCosmeticRedirect(`${B}/xxgk`, `${B}/xxgk/`)).toBe(true);
    expect(isCosmeticRedirect("http://www.example.invalid/a/", "https://example.invalid/a/index.html")).toBe(true);
    expect(isCosmeticRedirect(`${B}/a/b.html`, `${B}/`)).toBe(false);
  });
});

describe("judgePage", () => {
  const probe200 = (text: string): ErrorFingerprint => ({
    status: 200,
    finalUrl: `${B}/gongkai-probe-x/not-here-x.html`,
    redirected: false,
    grams: textGrams(` ${text}`),
    textLength: text.length,
  });
  const errorText = "嘉定区市场监督管理局 很抱歉，您要找的内容暂时无法显示，请返回首页继续浏览。联系电话 021-59990000";

  it("a 200 page with an error message is a soft 404", () => {
    const v = judgePage({ requestedUrl: `${B}/a.html`, finalUrl: `${B}/a.html`, status: 200, redirected: false, title: "提示", text: "您访问的页面不存在或已被删除" });
    expect(v.verdict).toBe("soft-404");
  });
  it("a 200 page that looks like the host's own error page is a soft 404, even without the usual words", () => {
    const v = judgePage({
      requestedUrl: `${B}/xxgk/old.html`,
      finalUrl: `${B}/xxgk/old.html`,
      status: 200,
      redirected: false,
      title: "",
      text: errorText.replace("021-59990000", "021-59990001"),
      probe: probe200(errorText),
    });
    expect(v.verdict).toBe("soft-404");
  });
  it("an ordinary page is fine, also next to a soft-404 host", () => {
    const v = judgePage({
      requestedUrl: `${B}/xxgk/zcwj/t1.html`,
      finalUrl: `${B}/xxgk/zcwj/t1.html`,
      status: 200,
      redirected: false,
      title: "关于加强食品安全监管的通知",
      text: "各街道、镇市场监管所：为进一步加强食品安全监管，现就有关事项通知如下。一、提高认识。二、落实责任。",
      probe: probe200(errorText),
    });
    expect(v.verdict).toBe("ok");
  });
  it("a redirect to /404.html is a redirect to an error page", () => {
    const v = judgePage({ requestedUrl: `${B}/moved.html`, finalUrl: `${B}/404.html`, status: 200, redirected: true, title: "", text: "" });
    expect(v.verdict).toBe("redirect-to-error");
  });
  it("a deep URL redirected to the home page is a redirect to home; the home page itself is not", () => {
    expect(judgePage({ requestedUrl: `${B}/old/deep/page.html`, finalUrl: `${B}/`, status: 200, redirected: true }).verdict).toBe("redirect-to-home");
    expect(judgePage({ requestedUrl: `${B}/index.html`, finalUrl: `${B}/`, status: 200, redirected: true }).verdict).toBe("ok");
    expect(judgePage({ requestedUrl: `${B}/xxgk`, finalUrl: `${B}/xxgk/`, status: 200, redirected: true }).verdict).toBe("ok");
  });
  it("leaves 4xx and 5xx to the status classification", () => {
    expect(judgePage({ requestedUrl: `${B}/x`, finalUrl: `${B}/x`, status: 404, redirected: false, text: "页面不存在" }).verdict).toBe("ok");
  });
  it("fingerprints ignore the requested path that error pages echo back", () => {
    const fp = probe200(`您请求的 /gongkai-probe-x/not-here-x.html 无法找到，请检查地址`.replace("/gongkai-probe-x/not-here-x.html", " "));
    expect(matchesFingerprint("您请求的 /xxgk/a.html 无法找到，请检查地址", fp, `${B}/xxgk/a.html`)).toBe(true);
  });
});
