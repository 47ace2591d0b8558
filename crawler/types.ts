// The records that flow through the pipeline: crawl (I/O) -> extract (PageRecord) -> check (LinkCheck)
// -> detect (pure: CrawlData -> FindingDraft[]) -> store -> report / serve.
import type { Column, Config, FindingDraft, Law } from "../shared/schema.js";
import type { LinkScheme } from "../shared/url.js";

export type LinkTag =
  | "a"
  | "area"
  | "img"
  | "iframe"
  | "frame"
  | "embed"
  | "object"
  | "link"
  | "script"
  | "source"
  | "video"
  | "audio"
  | "form"
  /** `<meta http-equiv="refresh" content="0; url=…">` */
  | "meta";

/** One link as it stands on a page. */
export interface LinkRecord {
  /** The href/src exactly as written (attribute value, entity-decoded). */
  raw: string;
  /** Absolute, normalised (shared/url normalizeUrl) without fragment; null when not an http(s) URL. */
  url: string | null;
  /** Decoded fragment, when the href has one. */
  fragment?: string;
  scheme: LinkScheme;
  tag: LinkTag;
  /** Visible text (a/area: text or img alt or title; img: alt). Whitespace collapsed. */
  text: string;
  /** True when the href points to a downloadable attachment (.pdf .doc .docx .xls .xlsx .wps .ofd .zip .rar …). */
  attachment: boolean;
}

/** One entry on a column's list page. */
export interface ListItem {
  url: string;
  /** The title as listed (link text, or its title attribute when the text is cut short with …). */
  title: string;
  /** The date shown next to it, ISO `YYYY-MM-DD`, when one is shown. */
  date?: string;
}

/** One parsed page. Produced by extract/ from decoded HTML; no I/O. */
export interface PageRecord {
  /** The URL requested (normalised). */
  url: string;
  /** The URL after redirects (normalised). */
  finalUrl: string;
  status: number;
  contentType?: string;
  /** Charset used to decode, and where it came from. */
  charset?: string;
  charsetSource?: "header" | "meta" | "bom" | "detected" | "default";
  /** `<title>`, whitespace collapsed. */
  title: string;
  /** The main heading of the article, when found (h1 / .title / ArticleTitle meta). */
  heading?: string;
  /** `<meta name=… content=…>`, keys as written on the page lower-cased: columnname, pubdate, articletitle, sitename … */
  meta: Record<string, string>;
  /** Breadcrumb trail, home first: ["首页", "政府信息公开", "政策文件"]. Empty when none found. */
  breadcrumb: string[];
  /**
   * The metadata table (索引号, 发文字号, 发布日期 …) keyed by label with all whitespace removed and trailing colon
   * dropped: { "索引号": "…", "发文字号": "嘉市监办〔2021〕102号", "发布日期": "2024-03-15" }.
   */
  metadata: Record<string, string>;
  /** Dates found on the page, ISO `YYYY-MM-DD`. */
  dates: {
    /** 发布日期 / PubDate / 成文日期 / URL date, the best available. */
    published?: string;
    /** 更新时间 / 最后更新 / 修订日期. */
    updated?: string;
  };
  /** Body text of the main content container (or the whole body), whitespace collapsed, capped at 20,000 chars. */
  bodyText: string;
  /** Element ids and `<a name>` values: targets for fragment links. */
  anchors: string[];
  links: LinkRecord[];
  /** When the page is a list page: its entries. */
  listItems: ListItem[];
  /** When the page is a list page: the URLs of its other pages found in pagination (links or createPageHTML). */
  pagination: string[];
  /** When the page is a list page: every way it offers to the column's other items, most trusted first. */
  paging?: PagingOffer[];
  /** When the page is a list page: how many items / pages it says the column holds. */
  stated?: StatedCount;
  /** The page says it has no content (暂无信息, 暂无数据 …). */
  emptyNotice: boolean;
  /**
   * Personal numbers the page's text held (masked samples only), counted on the parse thread before the record's
   * text was masked (extract/personal-data.ts). Undefined for records made elsewhere.
   */
  personalNumbers?: { kind: "id-number" | "mobile-number" | "bank-card"; count: number; samples: string[] }[];
  /** A 标准目录 page: its rows (公开事项) and what each links to (extract/catalogue.ts). */
  catalogueRows?: CatalogueRow[];
}

/** One row of a 标准目录: the matter's name and the pages it links to (none: the row links nowhere). */
export interface CatalogueRow {
  name: string;
  links: { url: string; text: string }[];
}

/** A way of paging through a list column (crawl/paginate.ts tries them in this order of confidence). */
export type PagingStrategy = "trs-createPageHTML" | "trs-countPage" | "hanweb-pagenum" | "hanweb-dataproxy" | "pager-links";

/** One request for more of a list: a GET of a page, or a POST of a form (Hanweb dataproxy.jsp). */
export interface PagingRequest {
  url: string;
  method?: "POST";
  /** `application/x-www-form-urlencoded` body of a POST. */
  form?: string;
}

/** The other pages of a list as one strategy reaches them. */
export interface PagingOffer {
  strategy: PagingStrategy;
  requests: PagingRequest[];
}

/** What a list page says the column holds (共60条, totalRecord, 共4页, createPageHTML's counts). */
export interface StatedCount {
  items?: number;
  pages?: number;
  perPage?: number;
}

export type PageRole = "list" | "item" | "page" | "section";

/** A page as crawled for one column. The same page may be crawled for several columns only once; see CrawlData. */
export interface CrawledPage {
  record: PageRecord;
  /** Columns this page was reached in, and its role there. */
  columns: { columnId: string; role: PageRole }[];
  /** When the page was not changed since the last crawl (304), the record comes from the store. */
  unchanged?: boolean;
}

/** What a column's walk found. */
export interface ColumnWalk {
  column: Column;
  /** Every list page visited, in order. */
  listPages: string[];
  /** Every item found on the list pages (deduped by URL, listed title and date kept). */
  items: ListItem[];
  /** True when `maxPagesPerColumn` or a trap cut the walk short. */
  boundHit: boolean;
  /** Why it was cut short, when it was. */
  boundReason?: "max-pages" | "trap";
  /** The column's first page could not be fetched: status or error. */
  error?: string;
  /** How much of the column the walk reached, as findings.json `coverage` reports it (list columns only). */
  coverage?: ColumnCoverage;
}

/** What the site says a list column holds, how many of its items the walk reached, and how it paged through it. */
export interface ColumnCoverage {
  /** Items the site itself states (共60条, totalRecord, `<totalrecord>`, an API's total; pages × page size when only pages are stated); null when it states none. */
  listed: number | null;
  /** Distinct items of the column the walk fetched (or link-checked: attachments, other hosts); default: its list entries. */
  reached?: number;
  /** Pages of the list the site states (共4页), when it states them. */
  statedPages?: number;
  /** The pagination strategy that brought the items: "single-page", "links", "trs-createPageHTML", "hanweb-dataproxy", "json-api", "js-pager" … */
  how: string;
  /** A pagination was found but no strategy brought new items from it. */
  paginationNotFollowed?: boolean;
  /** Strategies tried and abandoned (their next page brought no new item), in order. */
  abandoned?: string[];
  /** The walk started with the strategy that worked in the last crawl (remembered per column in the store). */
  remembered?: boolean;
  /**
   * List pages reached when they are not pages of their own in ColumnWalk.listPages: a script-built list paged
   * through its JSON API or by clicking its pager (one listPages entry, many pages). findings.json `listPages`.
   */
  listPages?: number;
}

export type BrokenReason =
  | "http-404"
  | "http-4xx"
  | "http-5xx"
  | "timeout"
  | "dns"
  | "connection"
  | "soft-404"
  | "redirect-to-error"
  | "redirect-loop"
  | "too-many-redirects"
  | "empty-file"
  | "invalid-url";

/** The result of checking one unique URL (once per crawl, however many pages link to it). */
export interface LinkCheck {
  url: string;
  /** ok: fine; broken: reason says why; skipped: not fetched (see skipped); wrong: answers, but wrongly. */
  outcome: "ok" | "broken" | "skipped" | "wrong";
  reason?: BrokenReason | "redirect-to-home" | "private-address" | "insecure";
  skipped?: "robots" | "external-off" | "private-address" | "scheme" | "not-checked";
  status?: number;
  /** Every hop: [{url, status}], the last one the final answer. */
  redirects: { url: string; status: number }[];
  finalUrl?: string;
  contentType?: string;
  contentLength?: number;
  /** Title of the target when it was fetched with GET and is HTML (for title-mismatch). */
  title?: string;
  /** Anchors of the target when it is HTML and was fetched with GET (for fragment checks). */
  anchors?: string[];
  /** Error text for network failures. */
  error?: string;
  /** POST only for a list page asked as a form (Hanweb dataproxy.jsp). */
  method: "HEAD" | "GET" | "POST" | "none";
  attempts: number;
  checkedAt: string;
  /** Milliseconds, first request to final answer. */
  elapsedMs?: number;
  /** An attachment downloaded to be scanned for personal numbers: what the scan found (masked only). */
  scan?: AttachmentScan;
  /** Validators of a scanned attachment, to ask for it conditionally on the next crawl. */
  etag?: string;
  lastModified?: string;
}

/**
 * What scanning one attachment for personal numbers found: counts and masked samples, never its text (the text is
 * read on the parse thread and dropped there, see extract/attachment-scan.ts).
 */
export interface AttachmentScan {
  format?: "pdf" | "docx" | "xlsx" | "doc" | "xls";
  numbers: { kind: "id-number" | "mobile-number" | "bank-card"; count: number; samples: string[] }[];
  /** Not read: larger than crawl.maxAttachmentBytes, a format no reader knows, a damaged/encrypted file, or reading took too long. */
  skipped?: "too-large" | "unsupported" | "unreadable" | "timeout";
  /** Bytes of the file (from Content-Length when it was too large to download). */
  bytes?: number;
}

/** Everything one crawl found: the input to every detector. */
export interface CrawlData {
  config: Config;
  startedAt: string;
  finishedAt: string;
  /** False when the crawl was aborted or the site was unreachable: findings are then not marked fixed. */
  complete: boolean;
  pages: CrawledPage[];
  columns: ColumnWalk[];
  /** Link checks keyed by normalised URL. */
  checks: Map<string, LinkCheck>;
  stats: CrawlStats;
}

export interface CrawlStats {
  pagesCrawled: number;
  linksChecked: number;
  requests: number;
  bytes: number;
  errors: number;
  retries: number;
  robotsSkipped: number;
  [key: string]: number;
}

/** Context handed to every detector. */
export interface DetectContext {
  /** "Today", so tests and reruns are deterministic. */
  now: Date;
  /** Built-in law list plus the config's `laws`. */
  laws: Law[];
}

/** A detector: pure, no I/O, stays quiet when unsure. One file per detector under detect/, registered in detect/index.ts. */
export interface Detector {
  name: string;
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[];
}
