// The metadata a disclosure item carries (索引号, 发文字号, 发布日期 …), its breadcrumb and its <meta> tags. Pure.
import type { CheerioAPI } from "cheerio";
import type { Element } from "domhandler";
import { scanOf } from "./scan.js";
import { collapse, squeeze, textOf, walkTree } from "./text.js";

/**
 * Labels recognised in running text and in cells without a trailing colon. Table cells ending in a colon are
 * taken as labels whatever they say. Keys are stored without whitespace and without the colon.
 */
export const KNOWN_LABELS = [
  // 政府信息公开 metadata tables
  "索引号", "索取号", "信息索引号", "主题分类", "主题词", "分类", "体裁分类", "组配分类", "服务对象分类", "信息分类", "信息类别",
  "所属类别", "所属主题", "发布机构", "发文机关", "发文机构", "发文单位", "发布单位", "制发机关", "公开主体", "信息来源", "来源",
  "文章来源", "发文字号", "文号", "文件编号", "发文号", "成文日期", "成文时间", "印发日期", "发文日期", "发布日期", "发布时间",
  "公开日期", "公开时间", "生成日期", "实施日期", "施行日期", "生效日期", "废止日期", "失效日期", "有效性", "有效期", "时效性",
  "效力状态", "是否有效", "标题", "名称", "文件名称", "信息名称", "关键词", "关键字", "公开方式", "公开范围", "公开形式",
  "公开时限", "更新时间", "更新日期", "最后更新", "最后更新时间", "最后修改", "修订日期", "修改日期", "修改时间", "浏览次数",
  "点击次数", "点击数", "阅读次数", "访问量", "浏览量", "作者", "责任编辑", "统一编号", "登记号", "责任部门", "责任科室",
  "内容概述", "摘要", "日期", "时间",
  // 办事指南 elements (the eight required ones and their usual variants)
  "事项名称", "设定依据", "申请条件", "办理材料", "申请材料", "办理地点", "办理时间", "联系电话", "咨询电话", "监督电话",
  "投诉电话", "办理流程", "办理程序", "办理时限", "法定时限", "承诺时限", "收费标准", "收费依据", "是否收费", "受理机构",
  "实施主体", "实施机关", "决定机构", "事项类型", "数量限制", "办理方式", "结果名称", "办件类型",
];

const LABEL_SET = new Set(KNOWN_LABELS);

function labelPattern(label: string): string {
  // Editors pad labels to equal width with spaces: 索 引 号, 标　　题 (U+3000 already turned into spaces).
  return [...label].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(" *");
}

const ALTERNATION = [...KNOWN_LABELS].sort((a, b) => b.length - a.length).map(labelPattern).join("|");
// A known label followed by a colon, at the start of a line, a cell, or after a space or bracket.
const COLON_LABEL = new RegExp(`(?:^|(?<=[\\t 【\\[（(|｜·•;；,，。]))(${ALTERNATION}) *[：:]`, "g");
// A cell (or line) holding nothing but a known label (dt/dd and two-column tables without colons).
const BARE_LABEL_CELL = new RegExp(`^ *(${ALTERNATION}) *$`);
// Any short cell ending with a colon is a label in a table row.
const GENERIC_LABEL_CELL = /^ *([^\t：:]{1,14}?) *[：:] *$/;

/** The key for a label: all whitespace (full-width included) removed, trailing colon dropped. */
export function labelKey(label: string): string {
  return squeeze(label).replace(/[：:]+$/, "");
}

const MAX_VALUE_CHARS = 500;

function cleanValue(v: string): string {
  let s = v.replace(/^[\t ：:]+/, "");
  const cells = s.split("\t").map((c) => c.trim()).filter(Boolean);
  s = cells[0] ?? "";
  // "2024-03-15  字体：[大 中 小]": a double space followed by something label-like ends the value.
  const cut = /  +(?=[^ ：:]{1,8} *[：:])/.exec(s);
  if (cut) s = s.slice(0, cut.index);
  s = collapse(s).replace(/^[【\[（(]\s*[】\]）)]$/, "");
  return s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS) : s;
}

/**
 * Label/value pairs from the page's text lines (see scanDocument): `label：value` runs (several per line),
 * table rows of label and value cells, and label lines followed by their value line (dl/dt/dd, stacked divs).
 * The first occurrence of a label wins: the metadata table sits above the body.
 */
export function extractMetadata(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (label: string, value: string) => {
    const key = labelKey(label);
    if (!key || key in out || !value) return;
    out[key] = value;
  };
  const nextValueLine = (i: number): string => {
    const next = lines[i + 1];
    if (next === undefined) return "";
    if (BARE_LABEL_CELL.test(next.split("\t")[0]) || startsWithLabel(next)) return "";
    return cleanValue(next);
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > 2000) continue; // a paragraph of body text, not a metadata row
    const matches: { label: string; start: number; valueStart: number }[] = [];
    COLON_LABEL.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = COLON_LABEL.exec(line))) {
      matches.push({ label: m[1], start: m.index, valueStart: m.index + m[0].length });
    }
    if (line.includes("\t")) {
      // Table rows: label cells with or without colon, each followed by a value cell.
      const cells = line.split("\t");
      let offset = 0;
      for (const cell of cells) {
        const start = offset;
        offset += cell.length + 1;
        if (matches.some((x) => x.start >= start && x.start < start + cell.length)) continue;
        const bare = BARE_LABEL_CELL.exec(cell);
        const generic = bare ? null : GENERIC_LABEL_CELL.exec(cell);
        const label = bare?.[1] ?? (generic && /[\u4e00-\u9fff]/.test(generic[1]) ? generic[1] : undefined);
        if (label) matches.push({ label, start, valueStart: start + cell.length });
      }
      matches.sort((a, b) => a.start - b.start);
    } else if (matches.length === 0) {
      const bare = BARE_LABEL_CELL.exec(line);
      if (bare) set(bare[1], nextValueLine(i));
      continue;
    }
    for (let k = 0; k < matches.length; k++) {
      const end = k + 1 < matches.length ? matches[k + 1].start : line.length;
      let value = cleanValue(line.slice(matches[k].valueStart, end));
      // A label alone at the end of a line (dt, stacked divs) has its value on the next line; an empty table
      // cell is just empty.
      if (!value && k === matches.length - 1 && !line.includes("\t") && line.slice(matches[k].valueStart).trim() === "") {
        value = nextValueLine(i);
      }
      set(matches[k].label, value);
    }
  }
  return out;
}

function startsWithLabel(line: string): boolean {
  COLON_LABEL.lastIndex = 0;
  const m = COLON_LABEL.exec(line);
  return !!m && m.index === 0;
}

/** True when the (squeezed) label is one of the known metadata labels. */
export function isKnownLabel(label: string): boolean {
  return LABEL_SET.has(labelKey(label));
}

/** `<meta name|property|http-equiv=… content=…>` keyed by the lower-cased name; the first non-empty one wins. */
export function extractMetaTags($: CheerioAPI): Record<string, string> {
  const out: Record<string, string> = {};
  for (const node of scanOf($).metas) {
    const a = node.attribs;
    const key = (a.name ?? a.property ?? a["http-equiv"] ?? a.itemprop ?? "").trim().toLowerCase();
    const content = a.content;
    if (!key || content === undefined) continue;
    const v = collapse(content);
    if (v && !(key in out)) out[key] = v;
  }
  return out;
}

// Breadcrumbs ---------------------------------------------------------------------------------------------------

const CRUMB_PREFIX = /^.*?(当前位置|当前所在位置|您现在的位置|您当前的位置|您的位置|你的位置|现在的位置|所在位置|当前栏目|位置)\s*(是)?\s*[：:]?\s*/;
const CRUMB_SEPARATOR = /\s*(?:>>|>|›|»|＞|→|▶|►|>|\/|\\|\s-{1,2}>?\s|\s[-—－]\s|\s*·\s*)\s*/;
/** Tail entries that name the page type, not a column. */
const GENERIC_TAIL = /^(正文|详情|详细内容|详细信息|内容|文章内容|信息内容|内容详情|文章详情|阅读正文|浏览文章|查看详情|信息公开详情|详细)$/;

function crumbParts(el: Element): string[] {
  const text = collapse(textOf(el, 1000));
  if (!text || text.length > 400) return [];
  const body = text.replace(CRUMB_PREFIX, "");
  let parts = body.split(CRUMB_SEPARATOR).map((p) => p.trim()).filter(Boolean);
  if (parts.length < 2) {
    // Separators drawn as images or CSS: fall back to the link texts plus any text after the last link.
    const links: string[] = [];
    walkTree(el, (n) => {
      if (n.type !== "tag") return false;
      if ((n as Element).name === "a") {
        const t = collapse(textOf(n));
        if (t) links.push(t);
        return false;
      }
      return;
    });
    if (links.length >= 2) {
      const tail = body.slice(body.lastIndexOf(links[links.length - 1]) + links[links.length - 1].length).trim();
      parts = tail ? [...links, tail] : links;
    }
  }
  parts = parts.filter((p) => p.length <= 40 && !/^[：:>\s]+$/.test(p));
  while (parts.length > 1 && GENERIC_TAIL.test(parts[parts.length - 1])) parts.pop();
  return parts.length >= 2 ? parts : [];
}

/**
 * The breadcrumb trail, home first. Looks at the block that holds a "当前位置：" text first, then at containers
 * whose class or id says breadcrumb/position/location. A generic last entry (正文, 详情) is dropped.
 */
export function extractBreadcrumb($: CheerioAPI, crumbStarts: Element[] = scanOf($).crumbStarts): string[] {
  for (const el of crumbStarts) {
    const parts = crumbParts(el);
    if (parts.length) return parts;
    // The label may sit in its own span next to the trail: try the parent block.
    if (el.parent && el.parent.type === "tag") {
      const up = crumbParts(el.parent as Element);
      if (up.length) return up;
    }
  }
  for (const el of scanOf($).crumbBoxes) {
    if (el.name === "body" || el.name === "html" || el.name === "meta" || el.name === "link" || el.name === "script") continue;
    const parts = crumbParts(el);
    if (parts.length) return parts;
  }
  return [];
}
