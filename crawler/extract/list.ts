// The entries of a column's list page: listed title, URL and date, not the site's navigation. Pure.
import * as cheerio from "cheerio";
import type { CheerioAPI } from "cheerio";
import type { AnyNode, Element } from "domhandler";
import { classifyHref, normalizeUrl } from "../../shared/url.js";
import type { ListItem } from "../types.js";
import { dateFromUrl, findDatesWithIndex } from "./dates.js";
import { baseUrlOf, resolveUrl } from "./links.js";
import { isChromeElement, scanOf } from "./scan.js";
import { collapse, textOf, walkTree } from "./text.js";

/** Class or id words of side widgets whose lists are not the column's (hot items, related, rankings). */
const SIDE_WORDS =
  /(^|[-_\s])(side|sidebar|aside|hot|hots|rdxx|rdgz|rank|ranking|related|relate|relevant|xgwz|xgxx|xgjd|xglj|tuijian|recommend|zt|zhuanti|special|share|login|search|tab-?nav)([-_\s\d]|$)/i;
/** Titles of side widgets, printed just before their list. */
const SIDE_TITLES = /(热点|热门|排行|推荐|相关(文章|链接|信息|阅读|新闻|文件|解读|政策)|猜你喜欢|友情链接|图片新闻|视频新闻|专题专栏|最新(动态|信息|发布|文件)|阅读排行)/;
/** Class or id words of the main list. */
const LIST_WORDS = /(list|lb|news|article|xxgk|gkml|column|con|content|main|result|doc|wj|zc|items?)/i;
/** Link texts that are pager or utility links, never list entries. */
const UTILITY_TEXT = /^(首页|上一页|下一页|尾页|末页|上页|下页|前页|后页|更多|more|更多>>|>>|<<|\d+|打印|关闭|返回|返回顶部|收藏|分享|详情|查看|查看详情|阅读全文|全文|下载|GO|跳转)$/i;

const MAX_ROW_CHARS = 400;

interface Row {
  el: Element;
  link: Element;
  title: string;
  url: string;
  date?: string;
}

interface Candidate {
  container: Element;
  rowTag: string;
  rows: Map<Element, Element[]>;
}

function isElement(n: AnyNode | null | undefined): n is Element {
  return !!n && n.type === "tag";
}

function elementChildren(el: Element): Element[] {
  return el.children.filter(isElement);
}

/** Link texts are needed several times per link (candidates nest): compute each once. */
const rawTextCache = new WeakMap<Element, string>();
function rawText(a: Element): string {
  let t = rawTextCache.get(a);
  if (t === undefined) {
    t = textOf(a);
    rawTextCache.set(a, t);
  }
  return t;
}

const cutShort = /(…|\.{2,}|。。+|\.\.\.)\s*$/;

function titleOf(a: Element, rowText: string): string {
  let t = collapse(rawText(a));
  const titleAttr = collapse(a.attribs.title ?? "");
  if (titleAttr && (cutShort.test(t) || !t || (titleAttr.length > t.length && titleAttr.startsWith(t.replace(cutShort, "").slice(0, 4))))) {
    t = titleAttr;
  }
  // A date printed inside the link ("关于…的通知 2024-03-15") is not part of the title.
  t = t
    .replace(/[\[【（(]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*[\]】）)]?\s*$/, "")
    .replace(/^[\[【（(]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*[\]】）)]?\s*/, "")
    .replace(/^[·•●■□◆◇▪▸►\-–—>»\s]+/, "")
    .trim();
  void rowText;
  return t;
}

/** The date shown next to the title: the last date in the row outside the link, else one inside the link. */
function rowDate(row: Element, link: Element, rowText = textOf(row, 2000)): string | undefined {
  const linkText = rawText(link);
  const i = rowText.indexOf(linkText);
  const outside = i >= 0 ? rowText.slice(0, i) + " \u0000 " + rowText.slice(i + linkText.length) : rowText;
  const dates = findDatesWithIndex(outside);
  if (dates.length) return dates[dates.length - 1].date;
  const inside = findDatesWithIndex(linkText);
  return inside.length ? inside[inside.length - 1].date : undefined;
}

/** Is the element headed by a side widget's title (热点信息, 相关链接 …) among the few siblings before it? */
function headedAsSideWidget(el: Element, ownNames: string): boolean {
  for (let n: Element | null = el, d = 0; n && d < 2; n = isElement(n.parent) ? n.parent : null, d++) {
    let p = n.prev;
    for (let k = 0; p && k < 6; p = p.prev) {
      let t = "";
      if (p.type === "text") t = (p as unknown as { data: string }).data;
      else if (isElement(p)) {
        k++;
        t = textOf(p, 80);
      } else continue;
      const c = collapse(t);
      // A heading naming the page's own column (a column called 最新动态) is the list's title, not a widget's.
      if (c && c.length <= 30 && SIDE_TITLES.test(c) && !ownNames.includes(c)) return true;
    }
  }
  return false;
}

const ARTICLE_BODY = /^(TRS_Editor|TRS_UEDITOR|UCAP-CONTENT|pages_content|zoom|article-content|article_content|articleContent)$/;

function insideArticleBody(el: Element): boolean {
  for (let n: Element | null = el; n; n = isElement(n.parent) ? n.parent : null) {
    const words = `${n.attribs.class ?? ""} ${n.attribs.id ?? ""}`.split(/\s+/);
    if (words.some((w) => ARTICLE_BODY.test(w))) return true;
  }
  return false;
}

function insideChrome(el: Element, stopAt?: Element): { chrome: boolean; side: boolean; listy: boolean; aside: boolean } {
  let chrome = false;
  let side = false;
  let listy = false;
  let aside = false;
  for (let n: Element | null = el; n && n !== stopAt; n = isElement(n.parent) ? n.parent : null) {
    if (isChromeElement(n)) chrome = true;
    const cls = `${n.attribs.class ?? ""} ${n.attribs.id ?? ""}`;
    if (n.name === "aside") aside = true;
    if (SIDE_WORDS.test(cls)) side = true;
    if (LIST_WORDS.test(cls)) listy = true;
  }
  return { chrome, side, listy, aside };
}

// A URL quoted inside onclick or a javascript: href: `isDownLoad(this,'/a/t2024….html')`, `window.open('…')`.
const SCRIPTED_URL =
  /["']((?:https?:\/\/|\.{0,2}\/)[^"'\s<>]*|[^"'\s<>:()]+\.(?:s?html?|jsp|aspx?|php|pdf|docx?|xlsx?|wps|ofd|zip|rar))["']/i;

/** Where an entry's link goes: its http(s) href, else a URL its script handler opens (some TRS lists have no href). */
export function linkTarget(a: Element): string | undefined {
  const href = a.attribs.href;
  if (href !== undefined) {
    const scheme = classifyHref(href);
    if (scheme === "http") return href;
    if (scheme === "javascript") {
      const inHref = SCRIPTED_URL.exec(href)?.[1];
      if (inHref) return inHref;
    }
  }
  const onclick = a.attribs.onclick;
  return onclick ? SCRIPTED_URL.exec(onclick)?.[1] : undefined;
}

function hrefOk(a: Element): boolean {
  return linkTarget(a) !== undefined;
}

/** Score a candidate list: rows with substantial titles count, dates count double, site chrome counts little. */
/** Entry pages (t20240315_1.html, art_1_2.html, 123.html) rather than column pages (…/, index.html, col123/). */
function urlKind(url: string): "item" | "column" | "other" {
  const path = url.replace(/^https?:\/\/[^/]+/i, "").split(/[?#]/, 1)[0];
  if (dateFromUrl(url) || /\/(t\d{8}_\d+|art_\d+_\d+|post_\d+|content_\d+|[a-z]?\d{4,})\.[a-z]+$/i.test(path)) return "item";
  if (path.endsWith("/") || /\/(index|default|list|common_list)(_\d+)?\.[a-z]+$/i.test(path) || /\/col\/col\d+/i.test(path)) return "column";
  return "other";
}

/** Score a candidate list: dated entries with document-like titles pointing at item pages; chrome counts little. */
function scoreRows(rows: Row[], ctx: { chrome: boolean; side: boolean; listy: boolean }): number {
  if (rows.length === 0) return 0;
  let score = 0;
  for (const r of rows) {
    const len = [...r.title].length;
    const kind = urlKind(r.url);
    score += Math.min(len, 30) / 10 + (r.date ? 3 : 0) + (len >= 6 ? 1 : 0) + (kind === "item" ? 1.5 : kind === "column" ? -0.5 : 0);
  }
  if (ctx.chrome) score *= 0.1;
  if (ctx.side) score *= 0.15;
  if (ctx.listy) score *= 1.3;
  return score;
}

function buildRows(c: Candidate, base: string, $?: CheerioAPI): Row[] {
  const rows: Row[] = [];
  for (const [rowEl, links] of c.rows) {
    // The main link: the one with the longest text (an entry may also link its attachment or its column).
    let best: Element | undefined;
    let bestLen = -1;
    for (const a of links) {
      const t = collapse(rawText(a)) || a.attribs.title || "";
      if (UTILITY_TEXT.test(t.trim())) continue;
      if (t.length > bestLen) {
        best = a;
        bestLen = t.length;
      }
    }
    if (!best) continue;
    const url = resolveUrl($, linkTarget(best) ?? "", base);
    if (!url) continue;
    const title = titleOf(best, "");
    if (!title || UTILITY_TEXT.test(title)) continue;
    // An entry is a title with a date, a number, a short summary: a block with more text is a layout column.
    const rowText = textOf(rowEl, 2000);
    const rowLen = collapse(rowText).length;
    if (rowLen > MAX_ROW_CHARS) continue;
    // The title carries an entry; a short link inside a long text is a reference in a paragraph.
    if (rowLen > 120 && title.length < rowLen * 0.2) continue;
    rows.push({ el: rowEl, link: best, title, url, date: rowDate(rowEl, best, rowText) });
  }
  return rows;
}

/**
 * Group the page's links by the repeating structures that hold them: for every link, each ancestor level where
 * the element sits among two or more siblings of the same tag is a candidate (container, row) pair.
 */
function collectCandidates(links: Element[], root: Element | undefined): Map<Element, Candidate> {
  const candidates = new Map<Element, Candidate>();
  for (const a of links) {
    let el: Element = a;
    for (let depth = 0; depth < 7; depth++) {
      const parent = el.parent;
      if (!isElement(parent) || parent === root) break;
      if (parent.name === "body" || parent.name === "html") break;
      let same = 0;
      for (const s of parent.children) if (isElement(s) && s.name === el.name && ++same >= 2) break;
      // Repeating siblings make a list; so does a list element with a single entry (a column with one item).
      if (same >= 2 || /^(ul|ol|tbody|table|dl)$/.test(parent.name)) {
        let c = candidates.get(parent);
        if (!c) {
          c = { container: parent, rowTag: el.name, rows: new Map() };
          candidates.set(parent, c);
        }
        if (c.rowTag === el.name) {
          const arr = c.rows.get(el);
          if (arr) arr.push(a);
          else c.rows.set(el, [a]);
        }
      }
      el = parent;
    }
  }
  return candidates;
}

function contains(outer: Element, inner: AnyNode): boolean {
  for (let n: AnyNode | null = inner; n; n = n.parent) if (n === outer) return true;
  return false;
}

function anchorsIn(el: Element): Element[] {
  const out: Element[] = [];
  walkTree(el, (n) => {
    if (n.type !== "tag") return false;
    if ((n as Element).name === "a") out.push(n as Element);
    return;
  });
  return out;
}

function pickList($: CheerioAPI, base: string, notices: Element[], exclude: Element[], ownNames: string): Row[] {
  const links = scanOf($).anchorElements.filter(hrefOk);
  const candidates = collectCandidates(links, undefined);
  // Dated lists outside site chrome and side widgets come first ("prefer containers with dates"); the rest compete
  // on score only when there is no such list.
  let best: { rows: Row[]; score: number; c: Candidate; tier: number } | undefined;
  for (const c of candidates.values()) {
    if (exclude.some((e) => contains(e, c.container))) continue; // the breadcrumb
    // A row holding many links is a block of navigation (or a layout column holding lists), not an entry.
    let multi = 0;
    for (const [row, l] of c.rows) {
      if (l.length > 4) {
        multi++;
        c.rows.delete(row);
      }
    }
    if (multi > c.rows.size) continue;
    // One entry makes a list only in list markup (ul, ol, table, dl): a lone div among layout divs does not.
    if (c.rows.size < 2 && !/^(ul|ol|tbody|table|dl)$/.test(c.container.name)) continue;
    const rows = buildRows(c, base, $);
    if (rows.length === 0) continue;
    const dated = rows.filter((r) => r.date).length;
    const avgLen = rows.reduce((s, r) => s + [...r.title].length, 0) / rows.length;
    const bareLinks = c.rowTag === "a";
    // Accept: dated entries, or several entries with document-like titles. Menus of short names are not lists.
    const mostlyDated = dated >= Math.max(1, rows.length / 2);
    const plausible = mostlyDated || (rows.length >= (bareLinks ? 3 : 2) && avgLen >= (bareLinks ? 8 : 6));
    if (!plausible) continue;
    // Undated links in paragraphs or inside an article's body are references and attachments, not entries.
    if (!mostlyDated && (c.rowTag === "p" || insideArticleBody(c.container))) continue;
    const ctx = insideChrome(c.container);
    // Header, nav, footer, <aside> and widgets titled 热点/相关/推荐 never hold the column's entries.
    if (ctx.chrome || ctx.aside || headedAsSideWidget(c.container, ownNames)) continue;
    if (/crumb|position|location|dqwz|weizhi/i.test(`${c.container.attribs.class ?? ""} ${c.container.attribs.id ?? ""}`)) continue;
    const tier = mostlyDated && !ctx.chrome && !ctx.side ? 1 : 0;
    const score = scoreRows(rows, ctx);
    if (!best || tier > best.tier || (tier === best.tier && score > best.score)) best = { rows, score, c, tier };
  }
  if (!best) return [];
  // "暂无信息" shown where the column's list would be, while the best list found is elsewhere (a sidebar, a column
  // tree): the column is empty, and that list is not its content.
  if (notices.length) {
    const container = best.c.container;
    const near = notices.some((n) => contains(container, n) || (isElement(n.parent) && contains(n.parent, container)));
    if (!near) return [];
  }
  // TRS templates split one list into several <ul>s of five: take the container's same-shaped siblings too.
  const container = best.c.container;
  const parent = container.parent;
  let rows = best.rows;
  if (isElement(parent)) {
    const sig = (e: Element) => `${e.name}.${e.attribs.class ?? ""}`;
    const siblings = elementChildren(parent).filter((s) => s !== container && sig(s) === sig(container));
    if (siblings.length) {
      const all: Row[] = [];
      for (const s of elementChildren(parent)) {
        if (s === container) all.push(...rows);
        else if (sig(s) === sig(container)) {
          // A sibling may hold a single entry, so it need not have been a candidate itself.
          const c: Candidate = { container: s, rowTag: best.c.rowTag, rows: new Map() };
          for (const r of elementChildren(s)) {
            if (r.name !== c.rowTag) continue;
            const links = (r.name === "a" ? [r] : anchorsIn(r)).filter(hrefOk);
            if (links.length) c.rows.set(r, links);
          }
          all.push(...buildRows(c, base, $));
        }
      }
      rows = all;
    }
  }
  return rows;
}

function dedupe(items: ListItem[]): ListItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.url) ? false : (seen.add(i.url), true)));
}

function toItems(rows: Row[]): ListItem[] {
  return dedupe(rows.map((r) => (r.date ? { url: r.url, title: r.title, date: r.date } : { url: r.url, title: r.title })));
}

// 大汉 Hanweb ---------------------------------------------------------------------------------------------------

const RECORD = /<record[^>]*>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*<\/record>/gi;

/** Records of 大汉 Hanweb's `<datastore>` script blocks: each a CDATA snippet of list HTML. */
export function hanwebRecords(html: string): string[] {
  if (!/<datastore/i.test(html)) return [];
  const out: string[] = [];
  RECORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RECORD.exec(html))) out.push(m[1]);
  return out;
}

/**
 * List items from 大汉 Hanweb records: a list page's `<datastore>` or the XML a `dataproxy.jsp` request answers
 * (`<datastore><recordset><record><![CDATA[<li>…</li>]]></record>…`).
 */
export function hanwebItems(html: string, base: string): ListItem[] {
  const records = hanwebRecords(html);
  if (!records.length) return [];
  const $r = cheerio.load(`<div>${records.map((r) => `<div class="gk-record">${r}</div>`).join("")}</div>`, {
    xml: { xmlMode: false, decodeEntities: true },
  });
  const items: ListItem[] = [];
  $r("div.gk-record").each((_, node) => {
    const rec = node as Element;
    const links = $r(rec).find("a").toArray().filter((n) => isElement(n) && hrefOk(n)) as Element[];
    let best: Element | undefined;
    let bestLen = -1;
    for (const a of links) {
      const t = collapse(rawText(a)) || a.attribs.title || "";
      if (!UTILITY_TEXT.test(t) && t.length > bestLen) {
        best = a;
        bestLen = t.length;
      }
    }
    if (!best) return;
    const url = normalizeUrl(linkTarget(best) ?? "", base);
    const title = titleOf(best, "");
    if (!url || !title) return;
    const date = rowDate(rec, best);
    items.push(date ? { url, title, date } : { url, title });
  });
  return dedupe(items);
}

// Inline JSON data ----------------------------------------------------------------------------------------------

const TITLE_KEYS = ["title", "name", "bt", "wjbt", "doctitle", "docTitle", "infoTitle", "articleTitle", "subject"];
const URL_KEYS = ["url", "link", "href", "path", "docpuburl", "docPubUrl", "infoUrl", "articleUrl", "linkUrl", "pageUrl"];
const DATE_KEYS = ["date", "pubdate", "pubDate", "publishDate", "publish_date", "publishTime", "publish_time", "docreltime",
  "docRelTime", "fbrq", "time", "createTime", "created_at", "display_publish_time", "releaseTime", "cwrq"];

function pick(o: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null && o[k] !== "") return o[k];
  return undefined;
}

function dateValue(v: unknown): string | undefined {
  if (typeof v === "number" && v > 1e8) {
    const d = new Date(v > 1e11 ? v : v * 1000);
    // Publish times are Beijing time.
    return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  }
  if (typeof v === "string") return findDatesWithIndex(v)[0]?.date;
  return undefined;
}

/** List items from JSON records ({title, url, date}-like objects), e.g. a list API answer or an inline array. */
export function itemsFromJson(data: unknown, base: string): ListItem[] {
  const items: ListItem[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 6 || items.length > 5000) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    const title = pick(o, TITLE_KEYS);
    const href = pick(o, URL_KEYS);
    if (typeof title === "string" && typeof href === "string") {
      const url = normalizeUrl(href, base);
      const t = collapse(title.replace(/<[^>]*>/g, ""));
      if (url && t) {
        const date = dateValue(pick(o, DATE_KEYS));
        items.push(date ? { url, title: t, date } : { url, title: t });
        return;
      }
    }
    for (const x of Object.values(o)) if (x && typeof x === "object") visit(x, depth + 1);
  };
  visit(data, 0);
  return dedupe(items);
}

function inlineJsonItems($: CheerioAPI, base: string): ListItem[] {
  let items: ListItem[] = [];
  for (const node of scanOf($).scripts) {
    if (node.attribs.src !== undefined) continue;
    const code = textOfScript(node);
    if (code.length < 20 || code.length > 2_000_000 || !/["']?(title|url|bt|href)["']?\s*:/.test(code)) continue;
    const re = /(\[\s*\{[\s\S]*?\}\s*\])\s*[;,)\n]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(code))) {
      try {
        const found = itemsFromJson(JSON.parse(m[1]), base);
        if (found.length > items.length) items = found;
      } catch {
        /* not JSON: script code */
      }
    }
  }
  return items;
}

function textOfScript(el: Element): string {
  let s = "";
  for (const c of el.children) if (c.type === "text") s += (c as unknown as { data: string }).data;
  return s;
}

export interface ListOptions {
  /** The raw HTML, when at hand (finds Hanweb records without walking the scripts). */
  html?: string;
  /** Elements showing a "暂无信息" notice (from scanDocument). */
  notices?: Element[];
  /** Elements whose links are never list entries (the breadcrumb: scanDocument's crumbStarts). */
  exclude?: Element[];
  /** The page's breadcrumb, when already extracted: its names are the page's own, never a side widget's. */
  breadcrumb?: string[];
}

/**
 * The entries of a column list page. Tries, in order: 大汉 Hanweb `<datastore>` records; the repeating structure
 * (li/tr/div/dl rows, one main link each, dates nearby) that scores best, outside header/nav/footer and side
 * widgets, dated lists first; simple inline JSON arrays of {title, url, date}. Empty when the page holds no list,
 * or when a "暂无信息" notice stands where the list would be.
 */
export function extractListItems($: CheerioAPI, pageUrl: string, options: ListOptions = {}): ListItem[] {
  const base = baseUrlOf($, pageUrl);
  const html = options.html;
  const source = html ?? "";
  if (source && /<datastore/i.test(source)) {
    const hw = hanwebItems(source, base);
    if (hw.length) return hw;
  } else if (!html) {
    // No raw HTML given: Hanweb records live in script text.
    const scripts = scanOf($).scripts;
    const xml = scripts.map(textOfScript).filter((s) => /<datastore/i.test(s)).join("\n");
    if (xml) {
      const hw = hanwebItems(xml, base);
      if (hw.length) return hw;
    }
  }
  const scan = scanOf($);
  // The page's own names (title, ColumnName, breadcrumb): a list headed by one of them is the column's.
  let ownNames = collapse(scan.title);
  for (const m of scan.metas) if (/^columnname$/i.test(m.attribs.name ?? "")) ownNames += ` ${m.attribs.content ?? ""}`;
  if (options.breadcrumb) ownNames += ` ${options.breadcrumb.join(" ")}`;
  const rows = pickList($, base, options.notices ?? scan.notices, options.exclude ?? scan.crumbStarts, ownNames);
  if (rows.length) return toItems(rows);
  return inlineJsonItems($, base);
}
