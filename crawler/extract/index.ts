// One fetched page → one PageRecord. Pure: the crawler does the I/O and hands the decoded HTML (or the bytes) in.
import * as cheerio from "cheerio";
import type { CheerioAPI } from "cheerio";
import type { AnyNode, Element } from "domhandler";
import { normalizeUrl } from "../../shared/url.js";
import type { PageRecord } from "../types.js";
import { dateFromUrl, findDatesWithIndex, parseDate } from "./dates.js";
import { decodeBody } from "./decode.js";
import { extractListItems } from "./list.js";
import { baseUrlOf, extractLinks } from "./links.js";
import { extractBreadcrumb, extractMetadata, extractMetaTags } from "./metadata.js";
import { extractPagination } from "./pagination.js";
import { isChromeElement, scanDocument } from "./scan.js";
import { collapse, textOf } from "./text.js";

export { decodeBody, isHtmlContentType, looksLikeHtml, charsetFromMeta, charsetFromContentType } from "./decode.js";
export { parseDate, findDates, dateFromUrl } from "./dates.js";
export { extractLinks, isAttachmentUrl, baseUrlOf, ATTACHMENT_EXTENSIONS } from "./links.js";
export { extractMetadata, extractMetaTags, extractBreadcrumb, labelKey } from "./metadata.js";
export { extractListItems, hanwebRecords, itemsFromJson } from "./list.js";
export { extractPagination, trsPageNames } from "./pagination.js";
export { gkmlptList, parseGkmlptApi } from "./gkmlpt.js";
export type { GkmlptList } from "./gkmlpt.js";

export interface ExtractInput {
  url: string;
  finalUrl: string;
  status: number;
  contentType?: string;
  html: string;
  charset?: string;
  charsetSource?: PageRecord["charsetSource"];
}

export const BODY_TEXT_MAX = 20_000;

/** Parse HTML once. htmlparser2 (not parse5): several times faster on big pages, forgiving of broken markup. */
export function loadHtml(html: string): CheerioAPI {
  return cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false } });
}

/** Containers that hold an article's body on common CMSs, most specific first. */
const BODY_SELECTORS = [
  ".TRS_Editor", "#UCAP-CONTENT", ".TRS_UEDITOR", ".pages_content", "#zoom", ".zoom", "#Zoom", ".article-content",
  ".article_content", ".articleContent", "#articleContent", ".art_con", ".arc_content", ".news_content", ".newsContent",
  ".detail-content", ".detail_content", ".xxgk_content", ".wzy_content", "#content", ".content", "article", "main",
];

/** Class words of containers that are an article's main heading. */
const HEADING_SELECTORS = [
  ".article-title", ".article_title", ".articleTitle", ".art_title", ".detail-title", ".detail_title", ".news_title",
  ".news-title", ".content-title", ".content_title", ".xxgk_title", "#title", ".title", ".tit", ".bt",
];

function firstText($: CheerioAPI, selectors: string[], min: number, reject?: (el: Element) => boolean): string | undefined {
  for (const sel of selectors) {
    let found: string | undefined;
    $(sel).each((_, n) => {
      const el = n as Element;
      if (reject?.(el)) return;
      const t = collapse(textOf(el, 2000));
      if (t.length >= min && t.length <= 300) {
        found = t;
        return false;
      }
      return;
    });
    if (found) return found;
  }
  return undefined;
}

function inChrome(el: Element): boolean {
  for (let n: AnyNode | null = el; n && n.type === "tag"; n = n.parent) if (isChromeElement(n as Element)) return true;
  return false;
}

function mainBodyText($: CheerioAPI): string {
  for (const sel of BODY_SELECTORS) {
    const nodes = $(sel).toArray() as Element[];
    if (!nodes.length) continue;
    // Several matches (TRS pages with split editors): join them; skip matches nested in an earlier match.
    let text = "";
    for (const el of nodes) {
      if (inChrome(el)) continue;
      text += " " + textOf(el, BODY_TEXT_MAX * 2);
      if (text.length > BODY_TEXT_MAX * 2) break;
    }
    const t = collapse(text);
    if (t.length >= 10) return t.slice(0, BODY_TEXT_MAX);
  }
  // No known container: the body without header, nav and footer.
  const body = $("body")[0] ?? $.root()[0];
  const parts: string[] = [];
  let len = 0;
  const walk = (n: AnyNode) => {
    if (len > BODY_TEXT_MAX * 2) return;
    if (n.type === "text") {
      const d = (n as unknown as { data: string }).data;
      parts.push(d);
      len += d.length;
      return;
    }
    if (n.type !== "tag" && n.type !== "root") return;
    if (n.type === "tag") {
      const el = n as Element;
      if (isChromeElement(el) || el.name === "script" || el.name === "style" || el.name === "noscript" || el.name === "head") return;
      parts.push(" ");
      for (const c of el.children) walk(c);
      parts.push(" ");
      return;
    }
    for (const c of (n as unknown as { children: AnyNode[] }).children) walk(c);
  };
  walk(body as AnyNode);
  return collapse(parts.join("")).slice(0, BODY_TEXT_MAX);
}

const PUBLISHED_LABELS = ["发布日期", "发布时间", "公开日期", "公开时间", "发文日期", "印发日期"];
const META_PUBLISHED = ["pubdate", "publishdate", "firstpublishedtime", "article:published_time", "publish_date", "pubtime", "dc.date", "dcterms.issued"];
const WRITTEN_LABELS = ["成文日期", "成文时间"];
const UPDATED_LABELS = ["更新时间", "更新日期", "最后更新", "最后更新时间", "最后修改", "修订日期", "修改日期", "修改时间"];
const META_UPDATED = ["lastmodifiedtime", "article:modified_time", "last-modified", "lastmodified", "dcterms.modified"];

function firstDate(source: Record<string, string>, keys: string[]): string | undefined {
  for (const k of keys) {
    const d = parseDate(source[k]);
    if (d) return d;
  }
  return undefined;
}

/** A date printed just under the heading (发布时间：… on the info bar), when nothing labelled gave one. */
function dateNearHeading(lines: string[], heading: string | undefined): string | undefined {
  if (!heading) return undefined;
  const h = collapse(heading);
  const i = lines.findIndex((l) => collapse(l).includes(h));
  if (i === -1) return undefined;
  let chars = 0;
  for (let k = i; k < lines.length && k <= i + 6 && chars < 400; k++) {
    const line = k === i ? collapse(lines[k]).replace(h, "") : lines[k];
    chars += line.length;
    const d = findDatesWithIndex(line)[0];
    if (d) return d.date;
  }
  return undefined;
}

/** Parse one decoded page into its record. Never throws on malformed HTML or hostile links. */
export function extractPage(input: ExtractInput): PageRecord {
  const url = normalizeUrl(input.url) ?? input.url;
  const finalUrl = normalizeUrl(input.finalUrl) ?? input.finalUrl;
  const html = input.html ?? "";
  const $ = loadHtml(html);
  const root = $.root()[0] as AnyNode;

  const scan = scanDocument(root);
  const meta = extractMetaTags($);
  const metadata = extractMetadata(scan.lines);
  const breadcrumb = extractBreadcrumb($, scan.crumbStarts);
  const title = collapse($("title").first().text());

  const base = baseUrlOf($, finalUrl);
  const headingEl = firstText($, ["h1"], 2, (el) => inChrome(el) || !!el.attribs.class?.match(/logo/i));
  const heading =
    meta.articletitle ||
    metadata["标题"] ||
    metadata["文件名称"] ||
    metadata["信息名称"] ||
    (headingEl && headingEl !== meta.sitename ? headingEl : undefined) ||
    firstText($, HEADING_SELECTORS, 4, inChrome) ||
    metadata["名称"] ||
    undefined;

  const published =
    firstDate(metadata, PUBLISHED_LABELS) ??
    firstDate(meta, META_PUBLISHED) ??
    firstDate(metadata, WRITTEN_LABELS) ??
    dateFromUrl(finalUrl) ??
    dateNearHeading(scan.lines, heading);
  const updated = firstDate(metadata, UPDATED_LABELS) ?? firstDate(meta, META_UPDATED);

  const links = extractLinks($, finalUrl, base);
  const listItems = extractListItems($, finalUrl, { html, notices: scan.notices, exclude: scan.crumbStarts });
  const pagination = extractPagination(html, $, finalUrl, listItems.length);

  const record: PageRecord = {
    url,
    finalUrl,
    status: input.status,
    title,
    meta,
    breadcrumb,
    metadata,
    dates: {},
    bodyText: mainBodyText($),
    anchors: scan.anchors,
    links,
    listItems,
    pagination,
    emptyNotice: scan.emptyNotice,
  };
  if (input.contentType !== undefined) record.contentType = input.contentType;
  if (input.charset !== undefined) record.charset = input.charset;
  if (input.charsetSource !== undefined) record.charsetSource = input.charsetSource;
  if (heading) record.heading = heading;
  if (published) record.dates.published = published;
  if (updated) record.dates.updated = updated;
  return record;
}

/** Decode the bytes (BOM, header, meta, detection) and extract. */
export function extractPageFromBuffer(
  body: Buffer,
  meta: { url: string; finalUrl: string; status: number; contentType?: string },
): PageRecord {
  const decoded = decodeBody(body, meta.contentType);
  return extractPage({ ...meta, html: decoded.text, charset: decoded.charset, charsetSource: decoded.source });
}
