// Looking things up in a crawl: pages by URL, a column's effective thresholds, which column owns a page, and what
// topic a column name (or a breadcrumb crumb) stands for.
import { DEFAULT_UPDATE_WITHIN_DAYS, type Column, type ColumnType } from "../../../shared/schema.js";
import { normalizeUrl } from "../../../shared/url.js";
import type { CrawlData, CrawledPage, LinkCheck, PageRecord, PageRole } from "../../types.js";
import { squash } from "./text.js";

/** The 8 elements a 办事指南 must carry (2015 national survey). */
export const DEFAULT_GUIDE_ELEMENTS = ["事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程"] as const;

export const DEFAULTS = {
  guideMaxAgeDays: 365,
  interpretationWithinDays: 365,
  /** Working days a new policy document gets before a missing 解读 is reported (《条例》 art. 26's 20 工作日). */
  interpretationGraceWorkdays: 20,
  misfiledMinScore: 0.5,
} as const;

/** A column's thresholds with the defaults filled in. */
export interface ColumnSettings {
  updateWithinDays: number | undefined;
  guideMaxAgeDays: number;
  requiredGuideElements: string[];
  interpretationWithinDays: number;
  interpretationGraceWorkdays: number;
  misfiledMinScore: number;
  /** undefined = decide from the column (a report column about 年报). */
  annualReport: boolean | undefined;
}

export function settingsFor(column: Column): ColumnSettings {
  const d = column.detectors ?? {};
  return {
    updateWithinDays: column.updateWithinDays ?? DEFAULT_UPDATE_WITHIN_DAYS[column.type],
    guideMaxAgeDays: column.guideMaxAgeDays ?? DEFAULTS.guideMaxAgeDays,
    requiredGuideElements: d.requiredGuideElements ?? [...DEFAULT_GUIDE_ELEMENTS],
    interpretationWithinDays: d.interpretationWithinDays ?? DEFAULTS.interpretationWithinDays,
    interpretationGraceWorkdays: d.interpretationGraceWorkdays ?? DEFAULTS.interpretationGraceWorkdays,
    misfiledMinScore: d.misfiledMinScore ?? DEFAULTS.misfiledMinScore,
    annualReport: d.annualReport,
  };
}

/**
 * Column types walked as a list of items. A 标准目录 (catalogue) is walked like one, but its "items" are the pages its
 * rows link to (other columns, documents): catalogue-gap judges them, not the list detectors.
 */
export function isListColumn(column: Column): boolean {
  return column.type !== "page" && column.type !== "other" && column.type !== "catalogue";
}

/** Normalise a URL for comparison; falls back to the string itself when it does not parse. */
export function urlKey(url: string | undefined): string {
  if (!url) return "";
  return normalizeUrl(url) ?? url;
}

/** Pages of a crawl by requested and final URL. */
export class PageIndex {
  private readonly byUrl = new Map<string, CrawledPage>();
  /** `checks`: the crawl's link checks; a page whose URL checked broken (a soft 404 …) has nothing to judge. */
  constructor(
    pages: CrawledPage[],
    private readonly checks?: Map<string, LinkCheck>,
  ) {
    for (const p of pages) {
      // The requested URL wins over another page's final URL: it is what the link named.
      this.byUrl.set(urlKey(p.record.url), p);
    }
    for (const p of pages) {
      const k = urlKey(p.record.finalUrl);
      if (!this.byUrl.has(k)) this.byUrl.set(k, p);
    }
  }
  get(url: string | undefined): CrawledPage | undefined {
    return url ? this.byUrl.get(urlKey(url)) : undefined;
  }
  record(url: string | undefined): PageRecord | undefined {
    const p = this.get(url);
    // A failed fetch leaves a record with an error status, a soft 404 a record of the error page: nothing to judge.
    if (!p || p.record.status < 200 || p.record.status >= 300) return undefined;
    const check = this.checks?.get(urlKey(p.record.url)) ?? this.checks?.get(urlKey(p.record.finalUrl));
    if (check && (check.outcome === "broken" || (check.outcome === "wrong" && check.reason === "redirect-to-home"))) return undefined;
    return p.record;
  }
}

const ROLE_ORDER: Record<PageRole, number> = { list: 0, page: 1, item: 2, section: 3 };

/** The column a page belongs to for a finding about something on it: the column it is a list page of first. */
export function ownerColumn(page: CrawledPage, data: CrawlData): Column | undefined {
  const order = new Map(data.config.columns.map((c, i) => [c.id, i]));
  const refs = [...page.columns].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (order.get(a.columnId) ?? 0) - (order.get(b.columnId) ?? 0),
  );
  for (const r of refs) {
    const col = data.config.columns.find((c) => c.id === r.columnId);
    if (col) return col;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Topics: what a column name means, so that 通知公告 and 公告通知 agree and 政策文件 and 工作动态 do not.

export type Topic =
  | "policy"
  | "interpretation"
  | "notice"
  | "news"
  | "plan"
  | "enforcement"
  | "guide"
  | "report"
  | "personnel"
  | "budget"
  | "organisation"
  | "disclosure-guide"
  | "disclosure-rules"
  | "statistics";

/** Most specific first: 政策解读 is interpretation before it is policy; 政府信息公开指南 is not a 办事指南. */
const TOPIC_PATTERNS: [Topic, RegExp][] = [
  ["disclosure-guide", /信息公开指南|公开指南/],
  ["report", /年报|年度报告|工作报告/],
  ["disclosure-rules", /信息公开制度|公开制度/],
  ["interpretation", /解读|图解|回应关切|一图读懂|一图看懂|答记者问/],
  ["guide", /办事指南|服务指南|办理指南|办事服务|服务事项|^指南$|^办事$/],
  ["budget", /预算|决算|预决算|财政|资金|收费|三公经费/],
  ["personnel", /人事|任免|招聘|招录|录用|公务员|干部/],
  // Not a bare 许可: 行政许可 names a service (guide) column as often as a 双公示 one.
  ["enforcement", /执法|处罚|许可公示|许可信息|双公示|双随机|抽查|检查|监管信息|行政强制/],
  ["plan", /规划|计划|总结|工作要点/],
  ["policy", /政策文件|政策法规|规范性文件|法律法规|法规|规章|^文件$|政府文件|部门文件|其他文件|本级文件|上级文件|^政策$|文件库|政策$/],
  ["notice", /通知公告|公告通知|通知通告|公示公告|公告公示|^通知$|^公告$|^通告$|^公示$/],
  ["news", /动态|要闻|新闻|工作信息|政务信息|资讯|工作简报|领导活动/],
  ["organisation", /机构职能|机构设置|机构概况|内设机构|领导信息|领导分工|领导简介|单位职能|主要职责|职责/],
  ["statistics", /统计/],
];

/** Column type → the topic its items belong to. */
const TYPE_TOPIC: Partial<Record<ColumnType, Topic>> = {
  policy: "policy",
  interpretation: "interpretation",
  notice: "notice",
  news: "news",
  plan: "plan",
  enforcement: "enforcement",
  guide: "guide",
  report: "report",
  personnel: "personnel",
  budget: "budget",
};

/** Words around a column name that say nothing about what it holds. */
const NAME_NOISE = /^(?:首页|网站首页|政府信息公开|政务公开|信息公开|法定主动公开内容|主动公开内容|主动公开|法定主动公开|公开目录|信息公开目录|政府信息公开目录)+|(?:栏目|专栏|目录|列表)$/g;

/** A column or crumb name stripped of noise, for equality: "信息公开 政策文件栏目" → "政策文件". */
export function normalizeColumnName(name: string): string {
  return squash(name).replace(/[>＞»›|/\\\-—·:：]+/g, "").replace(NAME_NOISE, "");
}

/** The topic a name stands for, or undefined when it says nothing recognisable (首页, 信息公开, a site name). */
export function topicOfName(name: string): Topic | undefined {
  const full = squash(name);
  if (!full) return undefined;
  // Match the full name first: stripping 政府信息公开 from 政府信息公开指南 would leave a bare 指南.
  for (const [topic, re] of TOPIC_PATTERNS) if (re.test(full)) return topic;
  const short = normalizeColumnName(name);
  if (!short || short === full) return undefined;
  for (const [topic, re] of TOPIC_PATTERNS) if (re.test(short)) return topic;
  return undefined;
}

/** The topics a configured column stands for: from its name and from its type. */
export function topicsOfColumn(column: Column): Set<Topic> {
  const out = new Set<Topic>();
  const byName = topicOfName(column.name);
  if (byName) out.add(byName);
  const byType = TYPE_TOPIC[column.type];
  if (byType) out.add(byType);
  return out;
}

/** The configured column a label names (by normalised name), if any. */
export function columnNamed(label: string, columns: Column[]): Column | undefined {
  const n = normalizeColumnName(label);
  if (!n) return undefined;
  return columns.find((c) => normalizeColumnName(c.name) === n);
}

/** True when label and column name are the same name after normalisation, or one contains the other. */
export function sameName(label: string, columnName: string): boolean {
  const a = normalizeColumnName(label);
  const b = normalizeColumnName(columnName);
  if (!a || !b) return false;
  return a === b || (a.length >= 2 && b.includes(a)) || (b.length >= 2 && a.includes(b));
}

/** URLs of every list page of the crawl (configured column URLs, visited list pages, pages in a list role). */
export function listPageKeys(data: CrawlData): Set<string> {
  const keys = new Set<string>();
  for (const c of data.config.columns) keys.add(urlKey(c.url));
  for (const w of data.columns) for (const u of w.listPages) keys.add(urlKey(u));
  for (const p of data.pages)
    if (p.columns.some((c) => c.role === "list")) {
      keys.add(urlKey(p.record.url));
      keys.add(urlKey(p.record.finalUrl));
    }
  return keys;
}
