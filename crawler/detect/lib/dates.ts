// Dates as Chinese government pages write them, and day arithmetic on ISO `YYYY-MM-DD` strings.
// Everything is a calendar date in China (UTC+8, no DST): "today" is the date in Shanghai at ctx.now.
import type { ListItem, PageRecord } from "../../types.js";

const CN_DIGITS: Record<string, number> = {
  "〇": 0, "○": 0, "零": 0, "O": 0, "О": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
};

/** 十五 → 15, 三十一 → 31, 十 → 10, 二 → 2. */
function cnNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === "十") return 10;
  const m = /^([一二三])?十([一二三四五六七八九])?$/.exec(s);
  if (m) return (m[1] ? CN_DIGITS[m[1]] : 1) * 10 + (m[2] ? CN_DIGITS[m[2]] : 0);
  if (s.length === 1 && s in CN_DIGITS) return CN_DIGITS[s];
  return undefined;
}

/** `YYYY-MM-DD` when year, month and day make a real date in a plausible range, else undefined. */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (!(y >= 1949 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return undefined;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return undefined; // 2月30日
  return t.toISOString().slice(0, 10);
}

export interface DateHit {
  date: string;
  /** Position in the (NFKC-normalised) text. */
  index: number;
  /** The text as written. */
  raw: string;
}

const DATE_PATTERNS: { re: RegExp; parts: (m: RegExpExecArray) => [number, number, number] | undefined }[] = [
  // 2024年3月15日, 2024 年 03 月 15 日
  { re: /(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*(?:日|号)?(?!\d)/g, parts: (m) => [+m[1], +m[2], +m[3]] },
  // 2024-03-15, 2024/3/5, 2024.03.15, 2024-03-15 10:20, 2024-03-15T10:20:00+08:00
  { re: /(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/g, parts: (m) => [+m[1], +m[3], +m[4]] },
  // 二〇二四年三月十五日 (the form of 成文日期 on official documents)
  {
    re: /([一二三四五六七八九〇○零OО]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日/g,
    parts: (m) => {
      const y = Number([...m[1]].map((c) => CN_DIGITS[c]).join(""));
      const mo = cnNumber(m[2]);
      const d = cnNumber(m[3]);
      return mo === undefined || d === undefined ? undefined : [y, mo, d];
    },
  },
];

/** Every date written in the text, in order of appearance. */
export function findDates(text: string | undefined): DateHit[] {
  if (!text) return [];
  const t = text.normalize("NFKC");
  const hits: DateHit[] = [];
  for (const { re, parts } of DATE_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const p = parts(m);
      const date = p && isoDate(...p);
      if (date) hits.push({ date, index: m.index, raw: m[0].trim() });
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}

/** The first date written in the text (`2024-03-15`, `2024/03/15`, `2024.3.15`, `2024年3月15日`, `二〇二四年三月十五日`). */
export function parseDate(text: string | undefined): string | undefined {
  return findDates(text)[0]?.date;
}

/** The publish date a URL carries: TRS `t20240315_123.html`, Hanweb `/art/2024/5/6/art_…`, `/2024-03/15/`, `/20240315/`. */
export function urlDate(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const patterns: RegExp[] = [
    /\/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+/,
    /\/art\/((?:19|20)\d{2})\/(\d{1,2})\/(\d{1,2})\//,
    /\/((?:19|20)\d{2})-(\d{2})\/(\d{2})\//,
    /\/((?:19|20)\d{2})(\d{2})(\d{2})\//,
    /\/((?:19|20)\d{2})\/(\d{2})(\d{2})\//,
  ];
  for (const re of patterns) {
    const m = re.exec(path);
    const d = m && isoDate(+m[1], +m[2], +m[3]);
    if (d) return d;
  }
  return undefined;
}

/** Today's date in China at the instant `now`. */
export function todayIso(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function utc(iso: string): number {
  return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utc(b) - utc(a)) / 86_400_000);
}

export function addDays(iso: string, n: number): string {
  return new Date(utc(iso) + n * 86_400_000).toISOString().slice(0, 10);
}

export function maxDate(dates: (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// Where a page says when it was published or updated.

export type DateSource =
  | "metadata"
  | "meta"
  | "record-published"
  | "record-updated"
  | "body"
  | "list"
  | "url";

export interface DateEvidence {
  date: string;
  source: DateSource;
  /** The label or field it came from (发布日期, PubDate, 更新时间 …) or the URL. */
  label: string;
}

/** Metadata-table labels meaning "published". Keys in PageRecord.metadata have no whitespace and no colon. */
export const PUBLISHED_LABELS = ["发布日期", "发布时间", "公开日期", "公开时间", "发文日期", "印发日期", "成文日期", "生成日期"];
/** Labels meaning "last changed". */
export const UPDATED_LABELS = ["更新时间", "更新日期", "最后更新", "最后更新时间", "最后更新日期", "修订日期", "修订时间", "修改日期", "修改时间", "最新修订"];
const PUBLISHED_META = ["pubdate", "publishdate", "firstpublishedtime", "publishtime", "createdate", "dc.date"];
const UPDATED_META = ["lastmodifiedtime", "modifieddate", "lastmodified", "updatetime"];

const BODY_LABEL_RE = new RegExp(
  `(${[...UPDATED_LABELS, "发布日期", "发布时间", "发布于", "更新于"].sort((a, b) => b.length - a.length).join("|")})\\s*[:：]?\\s*`,
  "g",
);

/** Metadata value for a label, tolerating labels written with a trailing colon or odd spacing. */
export function metadataValue(record: PageRecord | undefined, labels: readonly string[]): { label: string; value: string } | undefined {
  if (!record) return undefined;
  const entries = Object.entries(record.metadata ?? {}).map(([k, v]) => [k.normalize("NFKC").replace(/[\s:：]/g, ""), v] as const);
  for (const label of labels) {
    const hit = entries.find(([k]) => k === label);
    if (hit && hit[1].trim()) return { label, value: hit[1] };
  }
  return undefined;
}

/** Every date a page and its list entry give, each with where it came from. */
export function dateEvidence(record: PageRecord | undefined, item?: ListItem): DateEvidence[] {
  const out: DateEvidence[] = [];
  const push = (date: string | undefined, source: DateSource, label: string) => {
    if (date) out.push({ date, source, label });
  };
  if (record) {
    const entries = Object.entries(record.metadata ?? {}).map(([k, v]) => [k.normalize("NFKC").replace(/[\s:：]/g, ""), v] as const);
    for (const [k, v] of entries) {
      if (PUBLISHED_LABELS.includes(k) || UPDATED_LABELS.includes(k)) push(parseDate(v), "metadata", k);
    }
    for (const [k, v] of Object.entries(record.meta ?? {})) {
      const key = k.toLowerCase();
      if (PUBLISHED_META.includes(key) || UPDATED_META.includes(key)) push(parseDate(v), "meta", k);
    }
    push(record.dates?.published && parseDate(record.dates.published), "record-published", "published");
    push(record.dates?.updated && parseDate(record.dates.updated), "record-updated", "updated");
    // "更新时间：2024年3月15日" written in the body rather than in a metadata table.
    const body = (record.bodyText ?? "").slice(0, 20_000).normalize("NFKC");
    BODY_LABEL_RE.lastIndex = 0;
    for (let m = BODY_LABEL_RE.exec(body); m; m = BODY_LABEL_RE.exec(body)) {
      const after = body.slice(m.index + m[0].length, m.index + m[0].length + 24);
      const hit = findDates(after)[0];
      if (hit && hit.index === 0) push(hit.date, "body", m[1]);
    }
    push(urlDate(record.finalUrl), "url", record.finalUrl);
    if (record.url !== record.finalUrl) push(urlDate(record.url), "url", record.url);
  }
  if (item) {
    push(item.date && parseDate(item.date), "list", "列表日期");
    push(urlDate(item.url), "url", item.url);
  }
  return out;
}

const UPDATE_LIKE = new Set([...UPDATED_LABELS, "更新于"]);

/** True when the evidence says "updated" rather than "published". */
export function isUpdateEvidence(e: DateEvidence): boolean {
  return e.source === "record-updated" || UPDATE_LIKE.has(e.label) || UPDATED_META.includes(e.label.toLowerCase());
}

/**
 * The date an item was published: the metadata table first (发布日期), then PubDate, the extractor's pick, the
 * list, the URL, and 成文日期 last (a document may be written weeks before it is published). Dates after `today`
 * are typos and ignored.
 */
export function publishedDate(record: PageRecord | undefined, item: ListItem | undefined, today: string): DateEvidence | undefined {
  const ev = dateEvidence(record, item).filter((e) => !isUpdateEvidence(e) && e.date <= today);
  const rank = (e: DateEvidence): number => {
    if (e.source === "metadata") return e.label === "成文日期" || e.label === "印发日期" ? 6 : 0;
    return { meta: 1, "record-published": 2, body: 3, list: 4, url: 5, "record-updated": 9, metadata: 0 }[e.source];
  };
  return ev.sort((a, b) => rank(a) - rank(b))[0];
}

/** The latest date a page shows of being published or updated (for guides: "when was this last looked at"). */
export function lastUpdateDate(record: PageRecord | undefined, item: ListItem | undefined, today: string): DateEvidence | undefined {
  const ev = dateEvidence(record, item).filter((e) => e.date <= today);
  let best: DateEvidence | undefined;
  for (const e of ev) if (!best || e.date > best.date) best = e;
  return best;
}
