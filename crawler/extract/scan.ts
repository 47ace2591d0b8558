// One walk over the document that collects what several extractors need: the page's text as lines (table cells
// tab-separated, for label/value parsing), element ids and a[name] (fragment targets), the "当前位置" text that
// starts a breadcrumb, and "暂无信息"-style notices. Walking once keeps a 100 KB page cheap.
import type { CheerioAPI } from "cheerio";
import type { AnyNode, Element } from "domhandler";
import { BLOCK, CELL, INVISIBLE, walkTree } from "./text.js";

export interface ScanResult {
  /** Visible text as lines; table cells separated by "\t"; whitespace runs of 2+ (or U+3000) kept as two spaces. */
  lines: string[];
  /** The first <title>'s text, raw. */
  title: string;
  /** The first <base href>, raw. */
  baseHref?: string;
  metas: Element[];
  /** Every element carrying a link attribute (a, area, img, iframe, frame, embed, object, link, script, source,
   * video, audio), in document order. */
  linkElements: Element[];
  /** Every <a>, with or without href (some lists link by onclick), in document order. */
  anchorElements: Element[];
  scripts: Element[];
  h1s: Element[];
  /** Elements whose class or id says breadcrumb/position/location. */
  crumbBoxes: Element[];
  /** Elements whose class or id says page/pager/fenye. */
  pagerBoxes: Element[];
  /** Elements whose class or id names a known article-body container, or <article>/<main>, in document order. */
  bodyBoxes: Element[];
  /** Elements whose class or id names a heading (title, article-title …). */
  headingBoxes: Element[];
  body?: Element;
  /** Normalised URLs by base and raw href: links, list and pagination resolve the same hrefs. */
  resolved: Map<string, string | null>;
  anchors: string[];
  /** Block elements whose text starts a breadcrumb (当前位置：, 您现在的位置 …). */
  crumbStarts: Element[];
  /** A "no content" notice stands outside the header, nav, footer and side widgets. */
  emptyNotice: boolean;
  /** The blocks holding such notices. */
  notices: Element[];
}

const scans = new WeakMap<AnyNode, ScanResult>();

/** The scan of a loaded document, computed once per document whichever extractor asks first. */
export function scanOf($: CheerioAPI): ScanResult {
  const root = $.root()[0] as AnyNode;
  let s = scans.get(root);
  if (!s) {
    s = scanDocument(root);
    scans.set(root, s);
  }
  return s;
}

/** Class or id words that mark site chrome (header, navigation, footer, sidebars of links). */
export const CHROME_WORDS =
  /(^|[-_\s])(header|head|top|topbar|nav|navbar|navi|menu|mainnav|subnav|footer|foot|bottom|copyright|friendlink|friend|yqlj|links|sitemap|toolbar|banner|logo)([-_\s\d]|$)/i;

/** Side widgets: a notice there ("相关解读：暂无") says nothing about the page's own content. */
const SIDE_REGION = /(^|[-_\s])(side|sidebar|aside|hot|rank|related|relate|xgwz|xgxx|xgjd|xglj|tuijian|recommend|share|comment|pinglun|pl)([-_\s\d]|$)/i;

export function isChromeElement(el: Element): boolean {
  const name = el.name;
  if (name === "header" || name === "nav" || name === "footer") return true;
  const cls = el.attribs.class;
  const id = el.attribs.id;
  return (!!cls && CHROME_WORDS.test(cls)) || (!!id && CHROME_WORDS.test(id));
}

const CRUMB_START = /(当前位置|当前所在位置|您现在的位置|您当前的位置|您的位置|你的位置|现在的位置|所在位置|当前栏目|位置\s*[：:])/;
/** A text that says, on its own, that there is nothing here (暂无信息, 本栏目暂无内容, 信息正在完善中, 敬请期待 …). */
export const EMPTY_NOTICE =
  /^[\s【\[（(<]*(?:(?:本|该|当前|此)?(?:栏目|页面|分类|频道|目录)?\s*(?:暂无|暂时没有|没有|无)(?:相关|任何)?的?(?:信息|数据|内容|记录|文章|公开信息|资料|文件|结果|新闻|公告)|(?:没有找到|未找到|查询不到)(?:相关|任何|符合条件的)?(?:信息|记录|内容|数据|结果)?|(?:本栏目|栏目|信息|内容|页面)?(?:正在|尚在)?(?:建设|更新|完善|整理)中|敬请期待)[！!。.…\s】\]）)>]*$/;

const MAX_LINE_CHARS = 400_000;

/** Attributes that make an element a link (see LINK_SPECS in links.ts for what is read and why). */
const LINK_ATTRS: Record<string, string[]> = {
  a: ["href"], area: ["href"], img: ["src", "srcset"], iframe: ["src"], frame: ["src"], embed: ["src"], object: ["data"],
  link: ["href"], script: ["src"], source: ["src", "srcset"], video: ["src", "poster"], audio: ["src"], track: ["src"],
  input: ["src"], body: ["background"], meta: ["content"],
};

const CRUMB_BOX = /crumb|bread|position|location|weizhi|dqwz|curpos|current|lujing|daohang|dangqian|site-path|pathbar/i;
const PAGER_BOX = /page|fenye|pager/i;
/** Class/id tokens of article-body containers (exact, case-sensitive as CMSs write them). */
export const BODY_TOKENS = [
  "TRS_Editor", "UCAP-CONTENT", "TRS_UEDITOR", "pages_content", "zoom", "Zoom", "article-content", "article_content",
  "articleContent", "art_con", "arc_content", "news_content", "newsContent", "detail-content", "detail_content",
  "xxgk_content", "wzy_content", "content",
];
const BODY_TOKEN_SET = new Set(BODY_TOKENS);
/** Class/id tokens of article headings, most specific first. */
export const HEADING_TOKENS = [
  "article-title", "article_title", "articleTitle", "art_title", "detail-title", "detail_title", "news_title",
  "news-title", "content-title", "content_title", "xxgk_title", "title", "tit", "bt",
];
const HEADING_TOKEN_SET = new Set(HEADING_TOKENS);

function hasToken(value: string | undefined, set: Set<string>): boolean {
  if (!value) return false;
  for (const t of value.split(/\s+/)) if (set.has(t)) return true;
  return false;
}

/** Raw text of an element's text children (title, script). */
export function textOfRaw(el: Element): string {
  let s = "";
  for (const c of el.children) if (c.type === "text") s += (c as unknown as { data: string }).data;
  return s;
}

function isElement(n: AnyNode): n is Element {
  return n.type === "tag" || n.type === "script" || n.type === "style";
}

export function scanDocument(root: AnyNode): ScanResult {
  const lines: string[] = [];
  const anchors: string[] = [];
  const anchorSeen = new Set<string>();
  const crumbStarts: Element[] = [];
  const notices: Element[] = [];
  let cur = "";
  let total = 0;
  const blockStack: Element[] = [];

  const flush = () => {
    const t = cur
      .replace(/[\u3000\u00a0]/g, "  ")
      .replace(/[ \r\n\f\v\u200b\ufeff]{2,}/g, "  ")
      .replace(/[\r\n\f\v]/g, " ")
      .replace(/ *\t */g, "\t")
      .replace(/^[ \t]+|[ \t]+$/g, "");
    if (t && total < MAX_LINE_CHARS) {
      lines.push(t);
      total += t.length;
    }
    cur = "";
  };

  const addAnchor = (v: string | undefined) => {
    if (v && !anchorSeen.has(v)) {
      anchorSeen.add(v);
      anchors.push(v);
    }
  };

  let title: string | undefined;
  let baseHref: string | undefined;
  const metas: Element[] = [];
  const linkElements: Element[] = [];
  const anchorElements: Element[] = [];
  const scripts: Element[] = [];
  const h1s: Element[] = [];
  const crumbBoxes: Element[] = [];
  const pagerBoxes: Element[] = [];
  const bodyBoxes: Element[] = [];
  const headingBoxes: Element[] = [];
  let body: Element | undefined;

  // Elements that put their subtree in site chrome (header, nav, footer, side widgets), or out of sight (head,
  // script, style …): their elements are still collected, their text is not.
  let chromeDepth = 0;
  let hiddenDepth = 0;
  const chromeRoots = new Set<Element>();
  const hiddenRoots = new Set<Element>();
  const enter = (n: AnyNode): boolean | void => {
    if (n.type === "text") {
      if (hiddenDepth > 0) return;
      const d = (n as unknown as { data: string }).data;
      if (total < MAX_LINE_CHARS) cur += d;
      if (chromeDepth === 0 && d.length <= 60) {
        const t = d.trim();
        if (t && EMPTY_NOTICE.test(t) && notices.length < 20) notices.push(blockStack[blockStack.length - 1] ?? (n.parent as Element));
      }
      if (d.length <= 200 && CRUMB_START.test(d)) {
        const host = blockStack[blockStack.length - 1];
        if (host && crumbStarts.length < 5) crumbStarts.push(host);
      }
      return;
    }
    if (n.type === "root") return;
    if (!isElement(n)) return false;
    const el = n;
    const name = el.name;
    const a = el.attribs;
    const id = a.id;
    const cls = a.class;
    if (id) addAnchor(id);
    // Collect what the extractors look for, so none of them walks the tree again.
    const linkAttrs = LINK_ATTRS[name];
    if (linkAttrs && linkAttrs.some((k) => a[k] !== undefined)) linkElements.push(el);
    switch (name) {
      case "a":
        anchorElements.push(el);
        if (a.name) addAnchor(a.name);
        break;
      case "meta":
        metas.push(el);
        break;
      case "title":
        if (title === undefined) title = textOfRaw(el);
        break;
      case "base":
        if (baseHref === undefined && a.href !== undefined) baseHref = a.href;
        break;
      case "script":
        scripts.push(el);
        break;
      case "h1":
        h1s.push(el);
        break;
      case "body":
        body ??= el;
        break;
      case "article":
      case "main":
        bodyBoxes.push(el);
        break;
    }
    if (cls !== undefined || id !== undefined) {
      const both = `${cls ?? ""} ${id ?? ""}`;
      if (CRUMB_BOX.test(both)) crumbBoxes.push(el);
      if (PAGER_BOX.test(both) && pagerBoxes.length < 50) pagerBoxes.push(el);
      if ((hasToken(cls, BODY_TOKEN_SET) || hasToken(id, BODY_TOKEN_SET)) && bodyBoxes.length < 200) bodyBoxes.push(el);
      if ((hasToken(cls, HEADING_TOKEN_SET) || hasToken(id, HEADING_TOKEN_SET)) && headingBoxes.length < 200) headingBoxes.push(el);
    }
    if (INVISIBLE.has(name)) {
      hiddenRoots.add(el);
      hiddenDepth++;
      return;
    }
    if (hiddenDepth > 0) return;
    if (name === "br") {
      flush();
      return false; // no children, and no exit: br is not on the block stack
    }
    if (isChromeElement(el) || name === "aside" || SIDE_REGION.test(`${cls ?? ""} ${id ?? ""}`)) {
      chromeRoots.add(el);
      chromeDepth++;
    }
    if (BLOCK.has(name)) {
      flush();
      blockStack.push(el);
    } else if (CELL.has(name)) {
      cur += "\t";
      blockStack.push(el);
    }
    return;
  };
  const exit = (el: Element) => {
    if (hiddenRoots.has(el)) {
      hiddenDepth--;
      return;
    }
    if (hiddenDepth > 0) return;
    if (BLOCK.has(el.name)) {
      flush();
      blockStack.pop();
    } else if (CELL.has(el.name)) {
      cur += "\t";
      blockStack.pop();
    }
    if (chromeRoots.has(el)) chromeDepth--;
  };
  walkTree(root, enter, exit);
  flush();
  const result: ScanResult = {
    lines,
    anchors,
    crumbStarts,
    emptyNotice: notices.length > 0,
    notices,
    title: title ?? "",
    metas,
    linkElements,
    anchorElements,
    scripts,
    h1s,
    crumbBoxes,
    pagerBoxes,
    bodyBoxes,
    headingBoxes,
    resolved: new Map(),
  };
  if (baseHref !== undefined) result.baseHref = baseHref;
  if (body) result.body = body;
  return result;
}
