// Hand-written crawl records for detector tests: a small builder that produces the same CrawlData shape the crawler
// does, with the config parsed by the real schema (defaults filled in as in a real run).
import { ConfigSchema, type Column, type ColumnType, type Config, type ConfigInput } from "../../../shared/schema.js";
import { normalizeUrl } from "../../../shared/url.js";
import { allLaws } from "../../../crawler/detect/laws.js";
import type { DetectContext, CrawlData, CrawledPage, LinkCheck, LinkRecord, ListItem, PageRecord, PageRole } from "../../../crawler/types.js";

export const BASE = "http://127.0.0.1:8080";

export const MAINTAINER = { department: "办公室", name: "张三", email: "zhangsan@example.invalid" };

export function abs(path: string): string {
  return normalizeUrl(path, `${BASE}/`)!;
}

type ColumnInput = Omit<ConfigInput["columns"][number], "maintainer" | "url"> & { url?: string; maintainer?: Column["maintainer"] };

export function col(id: string, name: string, type: ColumnType, extra: Partial<ColumnInput> = {}): ColumnInput {
  return { id, name, type, url: abs(`/xxgk/${id}/index.html`), maintainer: MAINTAINER, ...extra };
}

export function link(href: string, text: string, extra: Partial<LinkRecord> = {}): LinkRecord {
  const url = normalizeUrl(href, `${BASE}/`);
  return {
    raw: href,
    url,
    scheme: "http",
    tag: "a",
    text,
    attachment: /\.(pdf|docx?|xlsx?|wps|ofd|zip|rar)$/i.test(href),
    ...extra,
  };
}

export function page(path: string, fields: Partial<PageRecord> = {}): PageRecord {
  const url = abs(path);
  return {
    url,
    finalUrl: url,
    status: 200,
    contentType: "text/html",
    charset: "utf-8",
    charsetSource: "header",
    title: "",
    meta: {},
    breadcrumb: [],
    metadata: {},
    dates: {},
    bodyText: "",
    anchors: [],
    links: [],
    listItems: [],
    pagination: [],
    emptyNotice: false,
    ...fields,
    ...(fields.finalUrl ? { finalUrl: abs(fields.finalUrl) } : {}),
  };
}

export interface ItemInput {
  path: string;
  title: string;
  date?: string;
  /** The item's own page; omit when the crawl did not fetch it. */
  record?: Partial<PageRecord>;
}

export interface WalkInput {
  column: ColumnInput;
  items?: ItemInput[];
  error?: string;
  boundHit?: boolean;
  /** The list page's own record fields (emptyNotice, links …). */
  list?: Partial<PageRecord>;
}

export interface CrawlInput {
  walks: WalkInput[];
  /** Extra pages (not items of any column), e.g. link targets. */
  pages?: { record: PageRecord; columnId?: string; role?: PageRole }[];
  checks?: Partial<LinkCheck>[];
  laws?: ConfigInput["laws"];
}

export function crawl(input: CrawlInput): CrawlData {
  const config: Config = ConfigSchema.parse({
    site: { name: "上海市嘉定区市场监督管理局", baseUrl: `${BASE}/` },
    columns: input.walks.map((w) => w.column),
    laws: input.laws ?? [],
  });
  const pages = new Map<string, CrawledPage>();
  const addPage = (record: PageRecord, columnId: string, role: PageRole) => {
    const existing = pages.get(record.url);
    if (existing) existing.columns.push({ columnId, role });
    else pages.set(record.url, { record, columns: [{ columnId, role }] });
  };
  const columns = input.walks.map((w, i) => {
    const column = config.columns[i];
    const items: ListItem[] = (w.items ?? []).map((it) => ({ url: abs(it.path), title: it.title, ...(it.date ? { date: it.date } : {}) }));
    if (!w.error) {
      const listRecord = page(new URL(column.url).pathname, { title: column.name, listItems: items, ...w.list });
      addPage(listRecord, column.id, "list");
      for (const it of w.items ?? []) if (it.record) addPage(page(it.path, { title: it.title, ...it.record }), column.id, "item");
    }
    return {
      column,
      listPages: w.error ? [] : [normalizeUrl(column.url)!],
      items: w.error ? [] : items,
      boundHit: !!w.boundHit,
      ...(w.boundHit ? { boundReason: "max-pages" as const } : {}),
      ...(w.error ? { error: w.error } : {}),
    };
  });
  for (const p of input.pages ?? []) addPage(p.record, p.columnId ?? config.columns[0].id, p.role ?? "section");
  const checks = new Map<string, LinkCheck>();
  for (const c of input.checks ?? []) {
    const url = normalizeUrl(c.url!)!;
    checks.set(url, { outcome: "ok", redirects: [], method: "GET", attempts: 1, checkedAt: "2025-06-15T02:00:00.000Z", status: 200, ...c, url });
  }
  return {
    config,
    startedAt: "2025-06-15T02:00:00.000Z",
    finishedAt: "2025-06-15T02:10:00.000Z",
    complete: true,
    pages: [...pages.values()],
    columns,
    checks,
    stats: { pagesCrawled: pages.size, linksChecked: checks.size, requests: pages.size, bytes: 0, errors: 0, retries: 0, robotsSkipped: 0 },
  };
}

/** The detector context the crawl command builds: "now" and the built-in laws plus the config's. */
export function ctxFor(data: CrawlData, nowIso: string): DetectContext {
  return { now: new Date(nowIso), laws: allLaws(data.config) };
}
