// The bench's "small change" between two crawls: a few item pages start answering 404, and one list page gains a
// link to a page that does not exist. A re-crawl that is cheap must still find all of them.
import { normalizeUrl } from "../../shared/url.js";
import type { BenchSite, SiteInfo } from "./site.js";

export interface SmallChange {
  description: string;
  /** Paths overridden on the site (to clear afterwards). */
  paths: string[];
  /** Normalised URLs the changed crawl must report as broken links. */
  expectBroken: string[];
}

/** Same-host page links on a list page, in document order (pure). */
export function itemLinks(html: string, pageUrl: string): string[] {
  const page = new URL(pageUrl);
  const out: string[] = [];
  for (const m of html.matchAll(/<a\b[^>]*\bhref\s*=\s*["']([^"']+)["']/gi)) {
    let u: URL;
    try {
      u = new URL(m[1].replace(/#.*$/, ""), page);
    } catch {
      continue;
    }
    if (u.host !== page.host || u.search) continue;
    if (!/\.s?html?$/.test(u.pathname)) continue;
    // Not the list page itself, not its pagination, not the home or column index pages.
    if (/\/index(_\d+)?\.s?html?$/.test(u.pathname) || u.pathname === page.pathname) continue;
    const n = normalizeUrl(u.href);
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Insert a link just before the first `</ul>` (the list) or, failing that, before `</body>` (pure). */
export function withExtraLink(html: string, href: string, text: string): string {
  const li = `<li><a href="${href}">${text}</a></li>`;
  const ul = html.search(/<\/ul>/i);
  if (ul >= 0) return html.slice(0, ul) + li + html.slice(ul);
  const body = html.search(/<\/body>/i);
  if (body >= 0) return html.slice(0, body) + `<p><a href="${href}">${text}</a></p>` + html.slice(body);
  return html + `<p><a href="${href}">${text}</a></p>`;
}

export async function applySmallChange(site: BenchSite, info: SiteInfo, brokenItems = 3): Promise<SmallChange> {
  // A UTF-8 list column with enough items: its first list page is what a maintainer edits most.
  const candidates = info.columns.filter((c) => !["page", "other"].includes(c.type) && c.items >= brokenItems && !c.charset);
  for (const col of candidates) {
    const res = await fetch(col.url);
    if (!res.ok || !/utf-?8/i.test(res.headers.get("content-type") ?? "utf-8")) continue;
    const html = await res.text();
    // Items the site's manifest names for this column; else item-looking links on its first list page.
    const listed = itemLinks(html, col.url);
    const items = (col.sampleItems?.length ? col.sampleItems.map((u) => normalizeUrl(u) ?? u).filter((u) => listed.includes(u)) : listed.filter((u) => /\/t\d{8}_\d+\.s?html?$|\/art_\d+_\d+\.html$/.test(u))).slice(0, brokenItems);
    if (items.length < brokenItems) continue;
    const missing = new URL(`bench-missing-${Date.now()}.html`, col.url).href;
    const paths: string[] = [];
    for (const item of items) {
      const p = new URL(item).pathname;
      await site.override(p, { status: 404, headers: { "content-type": "text/html; charset=utf-8" }, body: "<!DOCTYPE html><html><head><title>404 页面不存在</title></head><body><h1>页面不存在</h1></body></html>" });
      paths.push(p);
    }
    const listPath = new URL(col.url).pathname;
    await site.override(listPath, { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: withExtraLink(html, missing, "基准测试新增的断链") });
    paths.push(listPath);
    return {
      description: `${items.length} items of ${col.id} now 404, ${listPath} links to ${new URL(missing).pathname}`,
      paths,
      expectBroken: [...items, normalizeUrl(missing)!],
    };
  }
  throw new Error("no UTF-8 list column with enough items to change");
}

export async function clearSmallChange(site: BenchSite, change: SmallChange): Promise<void> {
  for (const p of change.paths) await site.override(p, null);
}
