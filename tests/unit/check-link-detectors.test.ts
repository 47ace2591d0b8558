import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../shared/schema.js";
import type { CrawlData, CrawledPage, LinkCheck, LinkRecord, PageRecord } from "../../crawler/types.js";
import { brokenLinks } from "../../crawler/detect/broken-links.js";
import { wrongLinks } from "../../crawler/detect/wrong-links.js";
import { withIds } from "../../crawler/findings.js";

const B = "https://www.example.invalid";
const config = ConfigSchema.parse({
  site: { name: "测试局", baseUrl: `${B}/` },
  columns: [
    { id: "zcwj", name: "政策文件", url: `${B}/xxgk/zcwj/index.html`, type: "policy", maintainer: { department: "办公室", name: "张三" } },
    { id: "tzgg", name: "通知公告", url: `${B}/xxgk/tzgg/index.html`, type: "notice", maintainer: { department: "综合科", name: "李四" } },
  ],
});

function link(url: string | null, text: string, extra: Partial<LinkRecord> = {}): LinkRecord {
  return { raw: url ?? "http://%zz", url, scheme: "http", tag: "a", text, attachment: false, ...extra };
}
function record(url: string, links: LinkRecord[], extra: Partial<PageRecord> = {}): PageRecord {
  return { url, finalUrl: url, status: 200, title: "页面", meta: {}, breadcrumb: [], metadata: {}, dates: {}, bodyText: "", anchors: [], links, listItems: [], pagination: [], emptyNotice: false, ...extra };
}
function check(url: string, c: Partial<LinkCheck>): LinkCheck {
  return { url, outcome: "ok", redirects: [], method: "GET", attempts: 1, checkedAt: "2026-11-26T02:00:00.000Z", ...c };
}
function data(pages: CrawledPage[], checks: LinkCheck[]): CrawlData {
  return {
    config,
    startedAt: "2026-11-26T02:00:00.000Z",
    finishedAt: "2026-11-26T02:10:00.000Z",
    complete: true,
    pages,
    columns: [],
    checks: new Map(checks.map((c) => [c.url, c])),
    stats: { pagesCrawled: pages.length, linksChecked: checks.length, requests: 0, bytes: 0, errors: 0, retries: 0, robotsSkipped: 0 },
  };
}
const ctx = { now: new Date("2026-11-26T02:00:00Z"), laws: [] };

describe("broken-links", () => {
  const list = `${B}/xxgk/zcwj/index.html`;
  const item = `${B}/xxgk/zcwj/t1.html`;
  const pages: CrawledPage[] = [
    {
      record: record(list, [
        link(`${B}/gone.html`, "已删除的文件"),
        link(`${B}/gone.html`, "已删除的文件（重复）"),
        link(`${B}/files/a.pdf`, "附件一", { attachment: true }),
        link(`${B}/ok.html`, "正常"),
        link(`${B}/ok.html`, "第二节", { fragment: "sec2" }),
        link(`${B}/ok.html`, "顶部", { fragment: "top" }),
        link(`${B}/robots-no.html`, "禁止抓取"),
        link(`${B}/busy.html`, "服务器忙"),
        link(null, "坏地址", { raw: "http://exa mple.invalid/%zz" }),
      ]),
      columns: [
        { columnId: "tzgg", role: "item" },
        { columnId: "zcwj", role: "list" },
      ],
    },
    { record: record(item, [link(`${B}/gone.html`, "失效链接")]), columns: [{ columnId: "zcwj", role: "item" }] },
  ];
  const checks = [
    check(`${B}/gone.html`, { outcome: "broken", reason: "http-404", status: 404, redirects: [{ url: `${B}/gone.html`, status: 404 }] }),
    check(`${B}/files/a.pdf`, { outcome: "broken", reason: "empty-file", status: 200, method: "HEAD" }),
    check(`${B}/ok.html`, { status: 200, anchors: ["sec1"] }),
    check(`${B}/robots-no.html`, { outcome: "skipped", skipped: "robots", method: "none" }),
    check(`${B}/busy.html`, { outcome: "broken", reason: "http-5xx", status: 503, attempts: 4 }),
  ];
  const found = brokenLinks.detect(data(pages, checks), ctx);

  it("reports each broken target once per page, on the page, with its text, column and maintainer", () => {
    const gone = found.filter((f) => f.targetUrl === `${B}/gone.html`);
    expect(gone.map((f) => f.pageUrl).sort()).toEqual([item, list].sort());
    const onList = gone.find((f) => f.pageUrl === list)!;
    // The page is a list page of 政策文件 (and an item of 通知公告): the list column owns it.
    expect(onList).toMatchObject({ kind: "broken-link", reason: "http-404", severity: "high", columnId: "zcwj", linkText: "已删除的文件" });
    expect(onList.maintainer.name).toBe("张三");
    expect(onList.message).toBe("栏目“政策文件”的页面上链接“已删除的文件”指向的地址返回 404（页面不存在）");
    expect(onList.evidence).toMatchObject({ status: 404, redirects: [{ url: `${B}/gone.html`, status: 404 }], attempts: 1, method: "GET" });
  });
  it("grades severity: gone high, server trouble medium, missing anchor low", () => {
    const sev = Object.fromEntries(found.map((f) => [f.reason, f.severity]));
    expect(sev).toMatchObject({ "http-404": "high", "empty-file": "high", "http-5xx": "medium", "missing-anchor": "low", "invalid-url": "medium" });
    expect(found.find((f) => f.reason === "empty-file")!.message).toContain("附件“附件一”");
    expect(found.find((f) => f.reason === "http-5xx")!.message).toContain("重试 3 次后仍然失败");
  });
  it("checks fragments against the target's anchors, leaving #top alone", () => {
    const anchors = found.filter((f) => f.reason === "missing-anchor");
    expect(anchors).toHaveLength(1);
    expect(anchors[0]).toMatchObject({ targetUrl: `${B}/ok.html#sec2`, linkText: "第二节" });
  });
  it("says nothing about links robots.txt kept us from", () => {
    expect(found.some((f) => f.targetUrl === `${B}/robots-no.html`)).toBe(false);
  });
  it("gives every finding a distinct stable id", () => {
    const ids = withIds(found).map((f) => f.id);
    expect(new Set(ids).size).toBe(found.length);
    expect(withIds(brokenLinks.detect(data(pages, checks), ctx)).map((f) => f.id)).toEqual(ids);
  });
  it("reports list entries that are not plain links (script-held records) on the list page", () => {
    const p: CrawledPage = {
      record: record(list, [], { listItems: [{ url: `${B}/gone.html`, title: "脚本里的条目", date: "2024-01-01" }] }),
      columns: [{ columnId: "zcwj", role: "list" }],
    };
    const f = brokenLinks.detect(data([p], checks), ctx);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ pageUrl: list, linkText: "脚本里的条目", reason: "http-404" });
  });
});

describe("wrong-links", () => {
  const list = `${B}/xxgk/zcwj/index.html`;
  const pages: CrawledPage[] = [
    {
      record: record(list, [
        link(`${B}/old/page.html`, "旧地址"),
        link("http://10.1.2.3/oa/file.html", "内网文件"),
        link("http://www.other.invalid/doc.html", "外部 http 链接"),
        link(`${B}/fine.html`, "正常"),
      ]),
      columns: [{ columnId: "zcwj", role: "list" }],
    },
  ];
  const checks = [
    check(`${B}/old/page.html`, { outcome: "wrong", reason: "redirect-to-home", status: 200, finalUrl: `${B}/`, redirects: [{ url: `${B}/old/page.html`, status: 301 }, { url: `${B}/`, status: 200 }] }),
    check("http://10.1.2.3/oa/file.html", { outcome: "wrong", reason: "private-address", method: "none", attempts: 0 }),
    check("http://www.other.invalid/doc.html", { status: 200, method: "HEAD" }),
    check(`${B}/fine.html`, { status: 200 }),
  ];
  const found = wrongLinks.detect(data(pages, checks), ctx);
  it("reports a deep link sent to the home page", () => {
    expect(found.find((f) => f.reason === "redirect-to-home")).toMatchObject({ kind: "wrong-link", pageUrl: list, linkText: "旧地址", targetUrl: `${B}/old/page.html` });
  });
  it("reports a link into a private network, naming the address", () => {
    const f = found.find((f) => f.reason === "private-address")!;
    expect(f.message).toContain("10.1.2.3");
    expect(f.severity).toBe("high");
  });
  it("reports http:// links on an https:// site as insecure, low", () => {
    const f = found.filter((f) => f.reason === "insecure");
    expect(f.map((x) => x.targetUrl)).toEqual(["http://www.other.invalid/doc.html"]);
    expect(f[0].severity).toBe("low");
  });
  it("says nothing about a healthy link", () => {
    expect(found.some((f) => f.targetUrl === `${B}/fine.html`)).toBe(false);
  });
});

describe("broken-links: hrefs no browser can open, and script routes", () => {
  const page = `${B}/xxgk/zcwj/index.html`;
  const found = brokenLinks.detect(
    data(
      [
        {
          record: record(page, [
            link(null, "端口错误", { raw: "http://www.example.invalid:99999/a.html", scheme: "invalid" }),
            link(null, "空格主机", { raw: "http://bad host.invalid/", scheme: "invalid" }),
            link(null, "", { raw: "javascript:void(0)", scheme: "javascript" }),
            link(`${B}/gkmlpt/index`, "重大行政决策", { fragment: "2310" }),
            link(`${B}/app/`, "办事大厅", { fragment: "!/list" }),
            link(`${B}/app/`, "详情", { fragment: "/detail/1" }),
          ]),
          columns: [{ columnId: "zcwj", role: "list" }],
        },
      ],
      [check(`${B}/gkmlpt/index`, { status: 200, anchors: [] }), check(`${B}/app/`, { status: 200, anchors: ["main"] })],
    ),
    ctx,
  );
  it("reports hrefs extraction marked invalid, once each, and never javascript:", () => {
    expect(found.filter((f) => f.reason === "invalid-url").map((f) => f.linkText).sort()).toEqual(["端口错误", "空格主机"].sort());
    expect(found.some((f) => f.targetUrl?.startsWith("javascript"))).toBe(false);
  });
  it("does not treat hash routes (#2310, #!/list, #/detail/1) as missing anchors", () => {
    expect(found.filter((f) => f.reason === "missing-anchor")).toEqual([]);
  });
});
