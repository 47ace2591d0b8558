// wrong-link (the part judged from link checks): the target answers, but not as the link promises —
// a specific page redirected to the home page, a link into a private network that the public cannot reach, an
// insecure http:// link on an https:// site. (title-mismatch lives in title-mismatch.ts.) Pure.
import type { FindingDraft } from "../../shared/schema.js";
import { parseHttpUrl } from "../../shared/url.js";
import type { CrawlData, Detector } from "../types.js";
import { linkNoun, reportableLinks } from "./broken-links.js";
import { ownerColumn } from "./lib/columns.js";

function quote(text: string, max = 40): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export const wrongLinks: Detector = {
  name: "wrong-links",
  detect(data: CrawlData): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const page of data.pages) {
      const column = ownerColumn(page, data);
      if (!column) continue;
      const pageUrl = page.record.finalUrl || page.record.url;
      const httpsPage = pageUrl.startsWith("https:");
      const done = new Set<string>();
      for (const link of reportableLinks(page)) {
        if (!link.url || link.scheme !== "http" || done.has(link.url)) continue;
        const check = data.checks.get(link.url);
        const where = `栏目“${column.name}”的页面上${linkNoun(link)}${link.text ? `“${quote(link.text)}”` : ""}`;
        const base = { kind: "wrong-link", columnId: column.id, pageUrl, targetUrl: link.url, linkText: link.text, maintainer: column.maintainer };
        if (check?.outcome === "wrong" && check.reason === "redirect-to-home") {
          done.add(link.url);
          out.push({
            ...base,
            reason: "redirect-to-home",
            severity: "medium",
            message: `${where}打开后被跳转到网站首页，没有到达应有的内容`,
            evidence: { status: check.status ?? null, redirects: check.redirects, finalUrl: check.finalUrl ?? null, method: check.method },
          });
        } else if (check?.outcome === "wrong" && check.reason === "private-address") {
          done.add(link.url);
          const host = parseHttpUrl(link.url)?.hostname ?? "";
          out.push({
            ...base,
            reason: "private-address",
            severity: "high",
            message: `${where}指向内网地址 ${host}，公众无法访问`,
            evidence: { host, redirects: check.redirects },
          });
        } else if (httpsPage && link.url.startsWith("http:") && (link.tag === "a" || link.tag === "area" || link.tag === "iframe" || link.tag === "img" || link.tag === "script" || link.tag === "link" || link.attachment)) {
          done.add(link.url);
          out.push({
            ...base,
            reason: "insecure",
            severity: "low",
            message: `${where}使用不安全的 http:// 地址，应改为 https://`,
            evidence: { href: link.raw, finalUrl: check?.finalUrl ?? null },
          });
        }
      }
    }
    return out;
  },
};
