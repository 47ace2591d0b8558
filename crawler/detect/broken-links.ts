// broken-link: a link whose target cannot be had, reported on the page that holds it, with the link's text, so the
// maintainer can find it. Pure: reads the crawl's page records and link checks (crawler/check judged the answers).
import type { FindingDraft, Severity } from "../../shared/schema.js";
import type { CrawlData, CrawledPage, Detector, LinkCheck, LinkRecord } from "../types.js";
import { ownerColumn } from "./lib/columns.js";
import { normalizeUrl } from "../../shared/url.js";

/** What a maintainer reads about each reason, after 「…指向的地址」. */
export function describeBroken(check: LinkCheck, timeoutSecs: number): string {
  const s = check.status;
  switch (check.reason) {
    case "http-404":
      return s === 410 ? "返回 410（已被删除）" : "返回 404（页面不存在）";
    case "http-4xx":
      return s === 403 ? "返回 403（禁止访问）" : s === 401 ? "返回 401（需要登录）" : `返回 ${s}（请求被拒绝）`;
    case "http-5xx":
      return `返回 ${s}（服务器错误），${check.attempts > 1 ? `重试 ${check.attempts - 1} 次后仍然失败` : "无法打开"}`;
    case "timeout":
      return `在 ${timeoutSecs} 秒内没有响应（超时），重试后仍然超时`;
    case "dns":
      return "的域名无法解析（网站可能已关闭或域名写错）";
    case "connection":
      return "无法连接（连接被拒绝或中断）";
    case "soft-404":
      return "打开后显示“页面不存在”（服务器却返回 200）";
    case "redirect-to-error":
      return `被跳转到了错误页${check.finalUrl ? ` ${check.finalUrl}` : ""}`;
    case "redirect-loop":
      return "陷入循环跳转，无法打开";
    case "too-many-redirects":
      return "跳转次数过多（超过 10 次），无法打开";
    case "empty-file":
      return "是一个空文件（0 字节）";
    case "invalid-url":
      return "格式不正确，无法打开";
    default:
      return `无法打开（${check.reason ?? "未知原因"}）`;
  }
}

export function severityOf(reason: string | undefined): Severity {
  switch (reason) {
    case "http-404":
    case "dns":
    case "empty-file":
    case "soft-404":
    case "redirect-to-error":
    case "redirect-loop":
    case "too-many-redirects":
      return "high";
    case "missing-anchor":
      return "low";
    default:
      return "medium";
  }
}

/** 链接 / 图片 / 附件 / 框架: what the maintainer should look for on the page. */
export function linkNoun(link: Pick<LinkRecord, "tag" | "attachment">): string {
  if (link.attachment) return "附件";
  switch (link.tag) {
    case "img":
      return "图片";
    case "iframe":
    case "frame":
      return "嵌入页面";
    case "script":
      return "脚本";
    case "link":
      return "样式或引用";
    case "embed":
    case "object":
    case "video":
    case "audio":
    case "source":
      return "媒体文件";
    default:
      return "链接";
  }
}

/** The links of a page to report on: its links, plus list entries not seen as plain links (e.g. Hanweb records). */
export function reportableLinks(page: CrawledPage): LinkRecord[] {
  const links = page.record.links;
  if (page.record.listItems.length === 0) return links;
  const seen = new Set(links.map((l) => l.url));
  const extra: LinkRecord[] = [];
  for (const item of page.record.listItems) {
    if (seen.has(item.url)) continue;
    seen.add(item.url);
    extra.push({ raw: item.url, url: item.url, scheme: "http", tag: "a", text: item.title, attachment: /\.(pdf|docx?|xlsx?|wps|ofd|zip|rar|et)$/i.test(item.url) });
  }
  return extra.length ? [...links, ...extra] : links;
}

function evidenceOf(check: LinkCheck, link: LinkRecord): Record<string, unknown> {
  const e: Record<string, unknown> = {
    status: check.status ?? null,
    redirects: check.redirects,
    method: check.method,
    attempts: check.attempts,
    checkedAt: check.checkedAt,
    tag: link.tag,
    href: link.raw,
  };
  if (check.error) e.error = check.error;
  if (check.finalUrl) e.finalUrl = check.finalUrl;
  if (check.contentType) e.contentType = check.contentType;
  if (check.contentLength !== undefined) e.contentLength = check.contentLength;
  return e;
}

function quote(text: string, max = 40): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export const brokenLinks: Detector = {
  name: "broken-links",
  detect(data: CrawlData): FindingDraft[] {
    const out: FindingDraft[] = [];
    const timeoutSecs = data.config.crawl.requestTimeoutSecs;
    for (const page of data.pages) {
      const column = ownerColumn(page, data);
      if (!column) continue;
      const pageUrl = page.record.finalUrl || page.record.url;
      const done = new Set<string>();
      for (const link of reportableLinks(page)) {
        // "invalid" hrefs (no browser can open them) are reported below; mailto:, tel:, javascript: are not links to check.
        if (link.scheme !== "http" && link.scheme !== "invalid") continue;
        const noun = linkNoun(link);
        const shown = link.text ? `“${quote(link.text)}”` : "";
        const where = `栏目“${column.name}”的页面上${noun}${shown}`;
        if (!link.url) {
          // An href no browser can open (bad percent-encoding, a 5,000-character URL …).
          if (link.tag !== "a" && link.tag !== "area") continue;
          const key = `invalid:${link.raw}`;
          if (done.has(key)) continue;
          done.add(key);
          out.push({
            kind: "broken-link",
            reason: "invalid-url",
            severity: "medium",
            columnId: column.id,
            pageUrl,
            targetUrl: link.raw.slice(0, 2000),
            linkText: link.text,
            message: `${where}的地址格式不正确，无法打开`,
            maintainer: column.maintainer,
            evidence: { href: link.raw.slice(0, 2000), tag: link.tag },
          });
          continue;
        }
        const check = data.checks.get(link.url);
        if (!check) continue;
        if (check.outcome === "broken") {
          if (done.has(link.url)) continue;
          done.add(link.url);
          out.push({
            kind: "broken-link",
            reason: check.reason ?? "unknown",
            severity: severityOf(check.reason),
            columnId: column.id,
            pageUrl,
            targetUrl: link.url,
            linkText: link.text,
            message: `${where}指向的地址${describeBroken(check, timeoutSecs)}`,
            maintainer: column.maintainer,
            evidence: evidenceOf(check, link),
          });
          continue;
        }
        // #fragment pointing at an id or name the target does not have.
        if (check.outcome === "ok" && link.fragment && check.anchors && !isTrivial(link.fragment)) {
          if (check.anchors.includes(link.fragment)) continue;
          const key = `${link.url}#${link.fragment}`;
          if (done.has(key)) continue;
          done.add(key);
          out.push({
            kind: "broken-link",
            reason: "missing-anchor",
            severity: "low",
            columnId: column.id,
            pageUrl,
            targetUrl: `${link.url}#${link.fragment}`,
            linkText: link.text,
            message: `${where}指向的页面中没有锚点“#${quote(link.fragment, 60)}”，点击后不会跳到对应位置`,
            maintainer: column.maintainer,
            evidence: { ...evidenceOf(check, link), fragment: link.fragment },
          });
        }
      }
    }
    out.push(...deadColumns(data, timeoutSecs));
    return out;
  },
};

/**
 * A column whose own first page cannot be had (moved, deleted, server error) is a broken link too: the configured
 * column address, reported on itself, for its maintainer, so a dead column is never silent. Columns robots.txt
 * keeps us from are not broken and are left to the crawl log.
 */
function deadColumns(data: CrawlData, timeoutSecs: number): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const walk of data.columns) {
    if (!walk.error) continue;
    const url = normalizeUrl(walk.column.url) ?? walk.column.url;
    const check = data.checks.get(url);
    if (!check || check.outcome !== "broken") continue;
    out.push({
      kind: "broken-link",
      reason: check.reason ?? "unknown",
      severity: "high",
      columnId: walk.column.id,
      pageUrl: url,
      targetUrl: url,
      linkText: walk.column.name,
      message: `栏目“${walk.column.name}”的首页（配置中的栏目地址）${describeBroken(check, timeoutSecs).replace(/^的/, "")}，整个栏目无法检查`,
      maintainer: walk.column.maintainer,
      evidence: { ...evidenceOf(check, { tag: "a", raw: walk.column.url, text: walk.column.name, attachment: false, scheme: "http", url }), columnUrl: walk.column.url, walkError: walk.error },
    });
  }
  return out;
}

/**
 * Fragments that are not anchors to check: empty and "top" (browsers scroll to the top without an element), and
 * script routes: hash-bang and path routes (`#!/list`, `#/detail/1`) and bare numbers (`#2310`, as gkmlpt-style
 * lists use to pick a column). Those are read by scripts, not matched against ids, so a missing id proves nothing.
 */
function isTrivial(f: string): boolean {
  const t = f.trim().toLowerCase();
  return t === "" || t === "top" || t === "_top" || t === "page-top" || t === "pagetop" || /^[!/]/.test(t) || /^\d+$/.test(t);
}
