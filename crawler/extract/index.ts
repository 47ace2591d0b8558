// One fetched page → one PageRecord. Pure: the crawler does the I/O and hands the decoded HTML (or the bytes) in.
//
// The document is parsed once (htmlparser2) and walked once (scan.ts), iteratively, collecting what every
// extractor needs: text lines for label/value metadata, ids for fragment checks, link elements, anchors, meta
// tags, breadcrumb and pager boxes, notices. Then:
//   decode.ts      bytes → text: BOM, header charset (unless the bytes contradict it), <meta>, detection.
//   dates.ts       2024-03-15 / 2024/3/5 / 2024.03.15 / 2024年3月15日 / 二〇二四年三月十五日, and URL dates.
//   metadata.ts    索引号 … tables (cells, dl, li/span, label：value runs), breadcrumb, <meta> tags.
//   links.ts       every link with its text, resolved against <base href>; hostile hrefs never throw.
//   list.ts        a column page's entries: Hanweb datastore records, else the best repeating structure
//                  (dated, outside chrome and side widgets), else inline JSON.
//   pagination.ts  the column's other pages: TRS createPageHTML / countPage, Hanweb jpage, pager links,
//                  index_N / column-index-N / ?page=N patterns filled up to the known last page.
//   gkmlpt.ts      the JSON list API of 广东 gkmlpt columns (their pages are empty shells).
import * as cheerio from "cheerio";
import type { CheerioAPI } from "cheerio";
import type { AnyNode, Element } from "domhandler";
import { normalizeUrl } from "../../shared/url.js";
import type { PageRecord } from "../types.js";
import { dateFromUrl, findDatesWithIndex, parseDate } from "./dates.js";
import { decodeBody } from "./decode.js";
import { extractListItems, hanwebRecords } from "./list.js";
import { extractCatalogueRows } from "./catalogue.js";
import { baseUrlOf, extractLinks } from "./links.js";
import { extractBreadcrumb, extractMetadata, extractMetaTags } from "./metadata.js";
import { listPaging } from "./pagination-strategies.js";
import { BODY_TOKENS, HEADING_TOKENS, isChromeElement, scanOf, type ScanResult } from "./scan.js";
import { INVISIBLE, collapse, textOf, walkTree } from "./text.js";

export { decodeBody, isHtmlContentType, looksLikeHtml, charsetFromMeta, charsetFromContentType } from "./decode.js";
export { parseDate, findDates, dateFromUrl } from "./dates.js";
export { extractLinks, isAttachmentUrl, baseUrlOf, ATTACHMENT_EXTENSIONS } from "./links.js";
export { extractMetadata, extractMetaTags, extractBreadcrumb, labelKey } from "./metadata.js";
export { extractListItems, hanwebItems, hanwebRecords, itemsFromJson, linkTarget } from "./list.js";
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

function inChrome(el: Element): boolean {
  for (let n: AnyNode | null = el; n && n.type === "tag"; n = n.parent) if (isChromeElement(n as Element)) return true;
  return false;
}

function classTokens(el: Element): string[] {
  return `${el.attribs.class ?? ""} ${el.attribs.id ?? ""}`.split(/\s+/).filter(Boolean);
}

/** The first element (in token priority, then document order) whose text fits a heading. */
function headingFrom(candidates: Element[], tokens: string[], min: number): string | undefined {
  for (const token of tokens) {
    for (const el of candidates) {
      if (!classTokens(el).includes(token) || inChrome(el)) continue;
      const t = collapse(textOf(el, 2000));
      if (t.length >= min && t.length <= 300) return t;
    }
  }
  return undefined;
}

function mainBodyText(scan: ScanResult, root: AnyNode): string {
  // Known article containers, most specific first; several matches (split editors) are joined, nested ones once.
  const boxes = scan.bodyBoxes;
  for (const token of [...BODY_TOKENS, "article", "main"]) {
    const nodes = boxes.filter((el) => (token === "article" || token === "main" ? el.name === token : classTokens(el).includes(token)));
    if (!nodes.length) continue;
    let text = "";
    const taken: Element[] = [];
    for (const el of nodes) {
      if (inChrome(el) || taken.some((t) => contains(t, el))) continue;
      taken.push(el);
      text += " " + textOf(el, BODY_TEXT_MAX * 2);
      if (text.length > BODY_TEXT_MAX * 2) break;
    }
    const t = collapse(text);
    if (t.length >= 10) return t.slice(0, BODY_TEXT_MAX);
  }
  // No known container: the body without header, nav and footer.
  const body = scan.body ?? root;
  const parts: string[] = [];
  let len = 0;
  walkTree(body, (n) => {
    if (len > BODY_TEXT_MAX * 2) return "stop";
    if (n.type === "text") {
      const d = (n as unknown as { data: string }).data;
      parts.push(d);
      len += d.length;
      return;
    }
    if (n.type === "root") return;
    if (n.type !== "tag") return false;
    const el = n as Element;
    if (isChromeElement(el) || INVISIBLE.has(el.name)) return false;
    parts.push(" ");
    return;
  });
  return collapse(parts.join("")).slice(0, BODY_TEXT_MAX);
}

function contains(outer: Element, inner: AnyNode): boolean {
  for (let n: AnyNode | null = inner; n; n = n.parent) if (n === outer) return true;
  return false;
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

  const scan = scanOf($);
  const meta = extractMetaTags($);
  const metadata = extractMetadata(scan.lines);
  const breadcrumb = extractBreadcrumb($, scan.crumbStarts);
  const title = collapse(scan.title);

  const base = baseUrlOf($, finalUrl);
  let h1: string | undefined;
  for (const el of scan.h1s) {
    if (inChrome(el) || /logo/i.test(el.attribs.class ?? "")) continue;
    const t = collapse(textOf(el, 2000));
    if (t.length >= 2 && t.length <= 300 && t !== meta.sitename) {
      h1 = t;
      break;
    }
  }
  const heading =
    meta.articletitle ||
    metadata["标题"] ||
    metadata["文件名称"] ||
    metadata["信息名称"] ||
    h1 ||
    headingFrom(scan.headingBoxes, HEADING_TOKENS, 4) ||
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
  const listItems = extractListItems($, finalUrl, { html, notices: scan.notices, exclude: scan.crumbStarts, breadcrumb });
  const { paging, pagination, stated } = listPaging(html, $, finalUrl, listItems.length);

  const record: PageRecord = {
    url,
    finalUrl,
    status: input.status,
    title,
    meta,
    breadcrumb,
    metadata,
    dates: {},
    bodyText: mainBodyText(scan, root),
    anchors: scan.anchors,
    links,
    listItems,
    pagination,
    // A Hanweb datastore with an empty recordset is an empty column said in markup rather than in words.
    emptyNotice: scan.emptyNotice || (listItems.length === 0 && /<recordset\b/i.test(html) && hanwebRecords(html).length === 0),
  };
  if (input.contentType !== undefined) record.contentType = input.contentType;
  if (input.charset !== undefined) record.charset = input.charset;
  if (input.charsetSource !== undefined) record.charsetSource = input.charsetSource;
  if (heading) record.heading = heading;
  if (paging.length) record.paging = paging;
  const catalogueRows = extractCatalogueRows($, html, base);
  if (catalogueRows.length) record.catalogueRows = catalogueRows;
  if (stated) record.stated = stated;
  if (published) record.dates.published = published;
  if (updated) record.dates.updated = updated;
  return record;
}

export interface PageSummary {
  title: string;
  bodyText: string;
  anchors: string[];
  charset: string;
  charsetSource: PageRecord["charsetSource"];
}

/**
 * Only what a link check needs from a target page (its title for title-mismatch, its anchors for fragment links,
 * its text for soft-404 detection): decodes and parses once, skips links, lists, pagination and metadata.
 */
export function extractSummaryFromBuffer(body: Buffer, meta: { contentType?: string }): PageSummary {
  const decoded = decodeBody(body, meta.contentType);
  const $ = loadHtml(decoded.text);
  const scan = scanOf($);
  return {
    title: collapse(scan.title),
    bodyText: mainBodyText(scan, $.root()[0] as AnyNode),
    anchors: scan.anchors,
    charset: decoded.charset,
    charsetSource: decoded.source,
  };
}

/** Decode the bytes (BOM, header, meta, detection) and extract. */
export function extractPageFromBuffer(
  body: Buffer,
  meta: { url: string; finalUrl: string; status: number; contentType?: string },
): PageRecord {
  const decoded = decodeBody(body, meta.contentType);
  return extractPage({ ...meta, html: decoded.text, charset: decoded.charset, charsetSource: decoded.source });
}
