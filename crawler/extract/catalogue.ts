// 标准目录 (the standard catalogue of 公开事项): one page whose table rows (or list entries) are the matters a body
// must publish, each meant to link straight to its content ("一键查阅"). Pure: the rows as the page shows them, with
// their links (none, when the row links nowhere), for the walk to fetch and catalogue-gap to judge.
import type { CheerioAPI } from "cheerio";
import type { Element } from "domhandler";
import { normalizeUrl } from "../../shared/url.js";
import type { CatalogueRow, ListItem, PageRecord } from "../types.js";
import { linkTarget } from "./list.js";
import { collapse, textOf } from "./text.js";

/** Header cells naming the matter: 公开事项, 事项名称, 目录名称, 信息名称 … (事项 first). */
const NAME_HEADERS = [/事项/, /名称|目录|栏目/, /内容/];
/** Other header cells of a catalogue table; a guide's label/value table has a value (企业设立登记) beside 事项名称. */
const OTHER_HEADERS = /序号|编号|链接|查阅|查看|方式|时限|主体|依据|内容|类别|层级|对象|备注|名称|范围|渠道/;
/** Fewer rows than this is a layout table or a metadata table, not a catalogue. */
const MIN_ROWS = 3;
/** Containers of a catalogue written as a list. */
const LIST_CONTAINER = /catalog|mulu|bzml|sxml/i;
/**
 * Cheap tests on the raw HTML before any DOM work (most pages hold no catalogue): a cell reading 公开事项 / 事项名称 …,
 * or a list container named like a catalogue.
 */
const TABLE_HINT = />\s*[\u4e00-\u9fff]{0,4}事项(?:名称|类别)?\s*</;
const LIST_HINT = /(?:class|id)\s*=\s*["'][^"']*(?:catalog|mulu|bzml|sxml)/i;

function cellsOf($: CheerioAPI, tr: Element): Element[] {
  return $(tr).children("td,th").toArray() as Element[];
}

function linksIn($: CheerioAPI, el: Element, base: string): CatalogueRow["links"] {
  const out: CatalogueRow["links"] = [];
  for (const a of $(el).find("a").toArray() as Element[]) {
    const target = linkTarget(a);
    const url = target ? normalizeUrl(target, base) : null;
    if (url && !out.some((l) => l.url === url)) out.push({ url, text: collapse(textOf(a, 200)) });
  }
  return out;
}

function tableRows($: CheerioAPI, table: Element, base: string): CatalogueRow[] {
  const trs = ($(table).children("tbody,thead").children("tr").toArray() as Element[]).concat($(table).children("tr").toArray() as Element[]);
  const headerAt = trs.findIndex((tr) => cellsOf($, tr).some((c) => NAME_HEADERS[0].test(collapse(textOf(c, 100)))));
  if (headerAt === -1) return [];
  const headers = cellsOf($, trs[headerAt]).map((c) => collapse(textOf(c, 100)));
  let nameCol = -1;
  for (const re of NAME_HEADERS) {
    nameCol = headers.findIndex((h) => re.test(h) && h.length <= 12);
    if (nameCol !== -1) break;
  }
  if (nameCol === -1 || !headers.some((h, i) => i !== nameCol && OTHER_HEADERS.test(h))) return [];
  const rows: CatalogueRow[] = [];
  for (const tr of trs.slice(headerAt + 1)) {
    const cells = cellsOf($, tr);
    if (cells.length < 2 || cells.length < headers.length - 1) continue; // a note row spanning the table
    const name = collapse(textOf(cells[Math.min(nameCol, cells.length - 1)], 300));
    if (!name) continue;
    rows.push({ name, links: linksIn($, tr, base) });
  }
  return rows;
}

function listRows($: CheerioAPI, box: Element, base: string): CatalogueRow[] {
  const rows: CatalogueRow[] = [];
  for (const li of $(box).find("li").toArray() as Element[]) {
    const links = linksIn($, li, base);
    // The matter's name is the entry's text without its "查阅/查看" link words.
    const name = collapse(textOf(li, 300)).replace(/[【\[（(]?(?:一键)?(?:查阅|查看|点击查看|链接)[】\]）)]?$/, "").trim();
    if (name) rows.push({ name, links });
  }
  return rows;
}

/** The catalogue rows a page holds: table rows under a 事项 header, else entries of a catalogue list; [] when none. */
export function extractCatalogueRows($: CheerioAPI, html: string, base: string): CatalogueRow[] {
  const tables = TABLE_HINT.test(html);
  const lists = LIST_HINT.test(html);
  if (!tables && !lists) return [];
  const rows: CatalogueRow[] = [];
  if (tables)
    for (const table of $("table").toArray() as Element[]) {
      if ($(table).find("table").length) continue; // a layout table around the real one
      rows.push(...tableRows($, table, base));
    }
  if (rows.length < MIN_ROWS && lists) {
    rows.length = 0;
    for (const box of $("ul,ol").toArray() as Element[]) {
      const marker = `${box.attribs.class ?? ""} ${box.attribs.id ?? ""} ${(box.parent as Element | null)?.attribs?.class ?? ""} ${(box.parent as Element | null)?.attribs?.id ?? ""}`;
      if (LIST_CONTAINER.test(marker)) rows.push(...listRows($, box, base));
    }
  }
  return rows.length >= MIN_ROWS ? rows : [];
}

/** The pages a catalogue's rows link to, as list items (the row's name as title) for the walk to fetch. */
export function catalogueItems(record: PageRecord): ListItem[] {
  return (record.catalogueRows ?? []).flatMap((r) => r.links.map((l) => ({ url: l.url, title: r.name })));
}
