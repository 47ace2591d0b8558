// One walk over the document that collects what several extractors need: the page's text as lines (table cells
// tab-separated, for label/value parsing), element ids and a[name] (fragment targets), the "当前位置" text that
// starts a breadcrumb, and "暂无信息"-style notices. Walking once keeps a 100 KB page cheap.
import type { AnyNode, Element } from "domhandler";
import { BLOCK, CELL, INVISIBLE } from "./text.js";

export interface ScanResult {
  /** Visible text as lines; table cells separated by "\t"; whitespace runs of 2+ (or U+3000) kept as two spaces. */
  lines: string[];
  anchors: string[];
  /** Block elements whose text starts a breadcrumb (当前位置：, 您现在的位置 …). */
  crumbStarts: Element[];
  /** A "no content" notice stands outside the header, nav, footer and side widgets. */
  emptyNotice: boolean;
  /** The blocks holding such notices. */
  notices: Element[];
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
export const EMPTY_NOTICE =
  /^[\s【\[（(]*(暂无(相关)?(信息|数据|内容|记录|文章|公开信息|资料|文件)|没有(相关)?(记录|信息|数据|内容)|无相关(信息|记录|数据|内容)|没有找到(相关)?(信息|记录|内容|数据)?|本栏目(暂无|没有)(信息|内容|数据)?|该栏目(暂无|没有)(信息|内容|数据)?|信息正在更新中|栏目正在建设中|正在建设中)[！!。.\s】\]）)]*$/;

const MAX_LINE_CHARS = 400_000;

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

  const walk = (n: AnyNode, chrome: boolean) => {
    if (n.type === "text") {
      const d = (n as unknown as { data: string }).data;
      cur += d;
      if (!chrome && d.length <= 60) {
        const t = d.trim();
        if (t && EMPTY_NOTICE.test(t) && notices.length < 20) notices.push(blockStack[blockStack.length - 1] ?? (n.parent as Element));
      }
      if (d.length <= 200 && CRUMB_START.test(d)) {
        const host = blockStack[blockStack.length - 1];
        if (host && crumbStarts.length < 5) crumbStarts.push(host);
      }
      return;
    }
    if (n.type === "root") {
      for (const c of (n as unknown as { children: AnyNode[] }).children) walk(c, chrome);
      return;
    }
    if (!isElement(n)) return;
    const el = n;
    const name = el.name;
    const id = el.attribs.id;
    if (id) addAnchor(id);
    if (name === "a" && el.attribs.name) addAnchor(el.attribs.name);
    if (INVISIBLE.has(name)) return;
    if (name === "br") {
      flush();
      return;
    }
    const block = BLOCK.has(name);
    const cell = CELL.has(name);
    const inChrome =
      chrome || isChromeElement(el) || el.name === "aside" || SIDE_REGION.test(`${el.attribs.class ?? ""} ${el.attribs.id ?? ""}`);
    if (block) {
      flush();
      blockStack.push(el);
    } else if (cell) {
      cur += "\t";
      blockStack.push(el);
    }
    for (const c of el.children) walk(c, inChrome);
    if (block) {
      flush();
      blockStack.pop();
    } else if (cell) {
      cur += "\t";
      blockStack.pop();
    }
  };
  walk(root, false);
  flush();
  return { lines, anchors, crumbStarts, emptyNotice: notices.length > 0, notices };
}
