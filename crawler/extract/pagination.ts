// The other pages of a column's list: from TRS createPageHTML scripts, Hanweb jpage settings, pager links and
// URL patterns. Pure. Only same-host URLs are returned; the current page is left out.
import type { CheerioAPI } from "cheerio";
import type { Element } from "domhandler";
import { classifyHref, normalizeUrl, parseHttpUrl } from "../../shared/url.js";
import { baseUrlOf, resolveUrl } from "./links.js";
import { scanOf } from "./scan.js";
import { collapse, textOf } from "./text.js";

/** No column has more list pages than this; a script claiming more is not believed beyond it. */
export const MAX_INFERRED_PAGES = 5000;

const PAGER_TEXT = /^(下一页|下页|后一页|后页|下一頁|尾页|末页|最后一页|最末页|尾 页|末 页|上一页|上页|前一页|前页|首页|第一页|next|last|prev|previous|first|>|>>|<|<<|›|»|‹|«|\d{1,5})$/i;
const STRONG_PAGER_TEXT = /^(下一页|下页|后一页|后页|尾页|末页|最后一页|最末页|上一页|上页|前一页|前页)$/;
const FIRST_TEXT = /^(首页|第一页|first|<<|«)$/i;
const LAST_TEXT = /^(尾页|末页|最后一页|最末页|last|>>|»)$/i;
const PAGER_CONTAINER = /(page|pager|paging|pagination|fenye|fy|pagebar|pagenav|page-?list|turn|pg)/i;
/** Query parameters that number list pages. */
const PAGE_PARAMS = ["page", "pageNum", "pagenum", "pageNo", "pageno", "pageIndex", "pageindex", "curPage", "curpage",
  "currentPage", "currentpage", "cpage", "p", "pn", "page_no", "pageNumber", "pageCurrent", "PageIndex", "Page", "startrecord"];

function literal(arg: string, script: string): string | number | undefined {
  const a = arg.trim();
  if (/^-?\d+$/.test(a)) return Number(a);
  const s = /^(["'])(.*)\1$/.exec(a);
  if (s) return s[2];
  if (/^[A-Za-z_$][\w$]*$/.test(a)) {
    // createPageHTML(countPage, currentPage, …) with `var countPage = 9` earlier in the page.
    const re = new RegExp(`(?:^|[^\\w$.])${a.replace(/\$/g, "\\$")}\\s*=\\s*(?:parseInt\\()?\\s*(-?\\d+|"[^"]*"|'[^']*')`);
    const m = re.exec(script);
    if (m) return literal(m[1], "");
  }
  return undefined;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q: string | null = null;
  for (const c of s) {
    if (q) {
      cur += c;
      if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      q = c;
      cur += c;
    } else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * TRS `createPageHTML` calls. Two forms:
 * - `createPageHTML(9, 0, "index", "html")`: 9 pages, current counted from 0: index.html, index_1.html … index_8.html.
 * - `createPageHTML('page_div', 22, 1, 'common_list', 'shtml', 325)`: 22 pages, current counted from 1:
 *   common_list.shtml, common_list_2.shtml … common_list_22.shtml.
 * Returns page file names relative to the list's directory, the current page excluded.
 */
export function trsPageNames(html: string): string[] {
  const re = /createPageHTML\s*\(([^()]*)\)/g;
  const names: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const args = splitArgs(m[1]).map((a) => literal(a, html));
    if (args.length >= 4 && typeof args[0] === "number") {
      const [count, cur, prefix, ext] = args;
      if (typeof cur !== "number" || typeof prefix !== "string" || typeof ext !== "string") continue;
      const n = Math.min(count as number, MAX_INFERRED_PAGES);
      for (let i = 0; i < n; i++) if (i !== cur) names.push(i === 0 ? `${prefix}.${ext}` : `${prefix}_${i}.${ext}`);
    } else if (args.length >= 5 && typeof args[0] === "string" && typeof args[1] === "number") {
      const [, count, cur, prefix, ext] = args;
      if (typeof cur !== "number" || typeof prefix !== "string" || typeof ext !== "string") continue;
      const n = Math.min(count as number, MAX_INFERRED_PAGES);
      for (let i = 1; i <= n; i++) if (i !== cur) names.push(i === 1 ? `${prefix}.${ext}` : `${prefix}_${i}.${ext}`);
    }
  }
  return names;
}

/** Hanweb jpage: `totalRecord: 56, perPage: 15` (or `totalRecord=56`) → pages of `?uid=…&pageNum=N`. */
function hanwebPages(html: string, pageUrl: string, recordsOnPage: number): string[] {
  // jpage({ totalRecord: 56, perPage: 15 }) in the page, or <totalrecord>56</totalrecord> in the datastore.
  const total = /totalRecord\s*(?:[:=]\s*["']?|>\s*)(\d+)/i.exec(html);
  const per = /perPage\s*(?:[:=]\s*["']?|>\s*)(\d+)/i.exec(html);
  if (!total || !per) return [];
  const totalRecords = Number(total[1]);
  const perPage = Number(per[1]);
  // The static page often carries every record in its datastore: then there is nothing more to fetch.
  if (perPage <= 0 || recordsOnPage >= totalRecords) return [];
  const pages = Math.min(Math.ceil(totalRecords / perPage), MAX_INFERRED_PAGES);
  const u = parseHttpUrl(pageUrl);
  if (!u) return [];
  const uid = /[?&]uid=([\w-]+)/.exec(u.search)?.[1] ?? /<div[^>]+id=["']?(\d{3,})["']?[^>]*>\s*<script[^>]+text\/xml/i.exec(html)?.[1];
  const out: string[] = [];
  const current = Number(/[?&]pageNum=(\d+)/.exec(u.search)?.[1] ?? 1);
  // Page 1 is where the walk came in (the column's own URL, with or without pageNum=1): never asked again.
  for (let i = 2; i <= pages; i++) {
    if (i === current) continue;
    const v = new URL(u.toString());
    if (uid) v.searchParams.set("uid", uid);
    v.searchParams.set("pageNum", String(i));
    out.push(v.toString());
  }
  return out;
}

/**
 * The classic TRS outline template writes its pager with document.write from `var countPage = 9` and
 * `var currentPage = 0`: pages index.html, index_1.html … index_8.html.
 */
export function trsCountPageNames(html: string, pageUrl: string): string[] {
  const count = /\bcountPage\s*=\s*(\d{1,5})\b/.exec(html);
  if (!count) return [];
  const n = Math.min(Number(count[1]), MAX_INFERRED_PAGES);
  const current = Number(/\bcurrentPage\s*=\s*(\d{1,5})\b/.exec(html)?.[1] ?? 0);
  const prefix =
    /["']([\w-]+)_["']\s*\+/.exec(html)?.[1] ?? /["']([\w-]+)["']\s*\+\s*["']_["']/.exec(html)?.[1] ?? "index";
  const pageExt = /\.(s?html?)$/i.exec(parseHttpUrl(pageUrl)?.pathname ?? "")?.[1];
  const ext = /\+\s*["']\.(s?html?)["']/.exec(html)?.[1] ?? /["']\.["']\s*\+\s*["'](s?html?)["']/.exec(html)?.[1] ?? pageExt ?? "html";
  const names: string[] = [];
  for (let i = 0; i < n; i++) if (i !== current) names.push(i === 0 ? `${prefix}.${ext}` : `${prefix}_${i}.${ext}`);
  return names;
}

/** A list-page URL pattern and the page number this URL holds in it. */
interface PagePattern {
  key: string;
  kind: "query" | "path";
  /** index_N.html counts index.html as page 0; column-index-N.shtml and /N.html count from 1. */
  zeroBased: boolean;
  n: number;
  make: (n: number) => string;
  /** The same list without a page number (index.html, list.jsp?cat=5), when that form exists. */
  bare?: string;
}

export function pagePattern(url: string): PagePattern | undefined {
  const u = parseHttpUrl(url);
  if (!u) return undefined;
  for (const p of PAGE_PARAMS) {
    const v = u.searchParams.get(p);
    if (v !== null && /^\d{1,6}$/.test(v)) {
      const rest = new URL(u.toString());
      rest.searchParams.delete(p);
      return {
        key: `q|${rest.origin}${rest.pathname}|${p}|${[...rest.searchParams.keys()].sort().join("&")}`,
        kind: "query",
        zeroBased: false,
        n: Number(v),
        bare: normalizeUrl(rest.toString()) ?? undefined,
        make: (n) => {
          const x = new URL(u.toString());
          x.searchParams.set(p, String(n));
          return x.toString();
        },
      };
    }
  }
  if (u.search) return undefined;
  // index_3.html, common_list_3.shtml, column-index-3.shtml, list-3.html, /list/3.html
  const m = /^(.*\/)([^/]*?)([_-]?)(\d{1,5})(\.[a-z]{2,6})$/i.exec(u.pathname);
  if (!m) return undefined;
  const [, dir, prefix, sep, num, ext] = m;
  if (!sep && prefix) return undefined; // art123.html: an id, not a page number
  return {
    key: `p|${u.origin}${dir}${prefix}${sep}|${ext}`,
    kind: "path",
    zeroBased: sep === "_",
    n: Number(num),
    bare: sep === "_" ? `${u.origin}${dir}${prefix}${ext}` : undefined,
    make: (n) => (n === 0 && sep === "_" ? `${u.origin}${dir}${prefix}${ext}` : `${u.origin}${dir}${prefix}${sep}${n}${ext}`),
  };
}

function sameDir(a: string, b: string): boolean {
  const ua = parseHttpUrl(a);
  const ub = parseHttpUrl(b);
  if (!ua || !ub) return false;
  const dir = (p: string) => p.slice(0, p.lastIndexOf("/") + 1);
  return ua.host === ub.host && (ua.pathname === ub.pathname || dir(ua.pathname) === dir(ub.pathname));
}

function isElement(n: unknown): n is Element {
  return !!n && (n as Element).type === "tag";
}

function inPagerContainer(a: Element): boolean {
  let n: Element | null = a;
  for (let d = 0; d < 4 && n; d++) {
    const cls = `${n.attribs.class ?? ""} ${n.attribs.id ?? ""}`;
    if (cls.trim() && PAGER_CONTAINER.test(cls)) return true;
    n = isElement(n.parent) ? n.parent : null;
  }
  return false;
}

/** "共 9 页", "共9页", "1/9", "第1页/共9页": the total page count a pager states in text. */
export function statedTotal(text: string): number | undefined {
  const m = /共\s*(\d{1,5})\s*页/.exec(text) ?? /(?:^|\s|第)\s*\d{1,5}\s*\/\s*(\d{1,5})\s*(?:页|$|\s)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Text of the pager containers, for "共 N 页". */
export function pagerText($: CheerioAPI): string {
  let s = "";
  for (const el of scanOf($).pagerBoxes) {
    if (el.name === "body" || el.name === "html" || el.name === "script") continue;
    s += " " + collapse(textOf(el, 500));
    if (s.length > 2000) break;
  }
  return s;
}

interface PagerLink {
  url: string;
  text: string;
}

/** Pager links: 下一页/尾页 anywhere; numbers, 首页 and arrows only inside a pager container or next to 下一页. */
function pagerLinks($: CheerioAPI, base: string): PagerLink[] {
  const found: PagerLink[] = [];
  const strongParents = new Set<Element>();
  const weak: { a: Element; text: string }[] = [];
  for (const a of scanOf($).anchorElements) {
    const href = a.attribs.href;
    if (href === undefined || classifyHref(href) !== "http") continue;
    const text = collapse(textOf(a, 40) || a.attribs.title || "");
    if (!text || text.length > 12 || !PAGER_TEXT.test(text)) continue;
    if (STRONG_PAGER_TEXT.test(text)) {
      if (isElement(a.parent)) strongParents.add(a.parent);
      const url = resolveUrl($, href, base);
      if (url) found.push({ url, text });
    } else weak.push({ a, text });
  }
  for (const { a, text } of weak) {
    if (!inPagerContainer(a) && !(isElement(a.parent) && strongParents.has(a.parent))) continue;
    const url = resolveUrl($, a.attribs.href ?? "", base);
    if (url) found.push({ url, text });
  }
  return found;
}

/** The other list pages one way of paging offers (see pagination-strategies.ts for the names). */
export interface PageGroup {
  strategy: "trs-createPageHTML" | "trs-countPage" | "hanweb-pagenum" | "pager-links";
  urls: string[];
}

/**
 * URLs of the column's other list pages. When the total is known (createPageHTML, countPage, a 尾页 link,
 * "共 N 页", Hanweb totalRecord) every page; otherwise the pages the pager links to. Same host as the page only;
 * the current page is left out. `recordsOnPage` (list items found) lets Hanweb pages that already carry every
 * record skip their redundant pages.
 */
export function extractPagination(html: string, $: CheerioAPI, pageUrl: string, recordsOnPage = 0): string[] {
  const out = new Set<string>();
  for (const g of paginationGroups(html, $, pageUrl, recordsOnPage)) for (const u of g.urls) out.add(u);
  const order = (u: string) => pagePattern(u)?.n ?? -1;
  return [...out].sort((a, b) => order(a) - order(b));
}

/**
 * The same pages as extractPagination, grouped by the way the page offers them: a TRS script, a Hanweb jpage
 * setting, or the pager's links (with the range filled up to the known last page). A URL may be in several groups.
 */
export function paginationGroups(html: string, $: CheerioAPI, pageUrl: string, recordsOnPage = 0): PageGroup[] {
  const base = baseUrlOf($, pageUrl);
  const self = normalizeUrl(pageUrl);
  const host = parseHttpUrl(pageUrl)?.host;
  const groups: PageGroup[] = [];
  let out = new Set<string>();
  const add = (href: string, b = base) => {
    const u = normalizeUrl(href, b);
    if (!u || u === self) return;
    if (parseHttpUrl(u)?.host !== host) return;
    out.add(u);
  };
  const close = (strategy: PageGroup["strategy"]) => {
    const order = (u: string) => pagePattern(u)?.n ?? -1;
    if (out.size) groups.push({ strategy, urls: [...out].sort((a, b) => order(a) - order(b)) });
    out = new Set();
  };

  if (html.includes("createPageHTML")) {
    for (const name of trsPageNames(html)) add(name);
    close("trs-createPageHTML");
  } else if (html.includes("countPage")) {
    for (const name of trsCountPageNames(html, pageUrl)) add(name);
    close("trs-countPage");
  }
  if (/totalRecord/i.test(html)) {
    for (const u of hanwebPages(html, pageUrl, recordsOnPage)) add(u);
    close("hanweb-pagenum");
  }

  const links = pagerLinks($, base);
  const selfPattern = pagePattern(pageUrl);
  for (const l of links) {
    if (!sameDir(l.url, pageUrl) && !pagePattern(l.url)) continue;
    // On an unnumbered page (the column's first), "首页" is this very page under another name.
    if (FIRST_TEXT.test(l.text) && !selfPattern) continue;
    add(l.url);
  }

  // Fill the range when the pattern and the last page are known.
  const total = statedTotal(pagerText($));
  interface Seen {
    p: PagePattern;
    max: number;
    last?: number;
    offsets: Map<number, number>;
    bareLinked: boolean;
  }
  const patterns = new Map<string, Seen>();
  const linkSet = new Set(links.map((l) => l.url));
  for (const l of links) {
    const p = pagePattern(l.url);
    if (!p || !sameDir(l.url, pageUrl)) continue;
    let e = patterns.get(p.key);
    if (!e) {
      e = { p, max: -1, offsets: new Map(), bareLinked: !!p.bare && (linkSet.has(p.bare) || p.bare === self) };
      patterns.set(p.key, e);
    }
    if (LAST_TEXT.test(l.text)) e.last = Math.max(e.last ?? 0, p.n);
    e.max = Math.max(e.max, p.n);
    // A link reading "3" to page=2 means numbering from 0: the number shown minus the number in the URL.
    if (/^\d{1,5}$/.test(l.text)) {
      const off = Number(l.text) - p.n;
      e.offsets.set(off, (e.offsets.get(off) ?? 0) + 1);
    }
  }
  for (const e of patterns.values()) {
    const { p } = e;
    let offset = p.zeroBased ? 1 : 0;
    let votes = 0;
    for (const [off, count] of e.offsets) if (count > votes && (off === 0 || off === 1)) [offset, votes] = [off, count];
    // "共 2 页" with 尾页 → index_2.html: this site numbers index_N from 1 after all.
    if (total !== undefined && e.last !== undefined && (total - e.last === 0 || total - e.last === 1)) offset = total - e.last;
    let last = e.last;
    if (total !== undefined) last = Math.max(last ?? 0, total - offset);
    if (last === undefined) continue; // only what the pager shows: added above
    last = Math.max(last, e.max);
    // The unnumbered form is the first page (index.html, list.jsp): numbering then continues with page 2.
    const bareIsFirst = p.kind === "path" ? p.zeroBased : e.bareLinked || (!selfPattern && sameDir(pageUrl, p.make(1)));
    const first = Math.max(0, (bareIsFirst ? 2 : 1) - offset);
    if (last - first > MAX_INFERRED_PAGES) last = first + MAX_INFERRED_PAGES;
    for (let n = first; n <= last; n++) add(p.make(n));
  }
  close("pager-links");
  return groups;
}
