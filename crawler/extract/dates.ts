// Dates as Chinese government pages write them, to ISO `YYYY-MM-DD`. Pure.

const MIN_YEAR = 1900;
const MAX_YEAR = 2099;

/** Full-width digits and punctuation as CMS editors type them (２０２４－０３－１５). */
function halfWidth(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF0D\uFF0F\uFF0E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** ISO date when year/month/day form a real calendar date in range, else undefined. */
export function isoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) return undefined;
  if (!Number.isInteger(month) || month < 1 || month > 12) return undefined;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (!Number.isInteger(day) || day < 1 || day > days[month - 1]) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

// 2024-03-15, 2024/3/5, 2024.03.15 (same separator twice), 2024年3月15日 (日 optional), with optional spaces.
// Not preceded or followed by another digit, so 索引号 parts and phone numbers do not read as dates.
const NUMERIC_DATE =
  /(?<![\d.])(\d{4})(?:\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![\d])|\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)(?!\d)/g;

// 二〇二四年三月十五日 — how 成文日期 is written under the signature of formal documents.
const CN_DIGIT: Record<string, number> = {
  "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "0": 0,
  "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
};
const CN_DATE = /([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日/g;

function cnNumber(s: string): number {
  // 十 = 10, 十五 = 15, 二十 = 20, 二十五 = 25, 三十一 = 31
  const i = s.indexOf("十");
  if (i === -1) return s.length === 1 ? (CN_DIGIT[s] ?? NaN) : NaN;
  const tens = i === 0 ? 1 : CN_DIGIT[s.slice(0, i)] ?? NaN;
  const ones = i === s.length - 1 ? 0 : CN_DIGIT[s.slice(i + 1)] ?? NaN;
  return tens * 10 + ones;
}

function cnYear(s: string): number {
  let y = 0;
  for (const c of s) {
    const d = CN_DIGIT[c];
    if (d === undefined) return NaN;
    y = y * 10 + d;
  }
  return y;
}

interface Found {
  index: number;
  iso: string;
}

function scan(text: string, limit: number): Found[] {
  const s = halfWidth(text);
  const out: Found[] = [];
  NUMERIC_DATE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = NUMERIC_DATE.exec(s))) {
    const year = Number(m[1]);
    const month = Number(m[3] ?? m[5]);
    const day = Number(m[4] ?? m[6]);
    const iso = isoDate(year, month, day);
    if (iso) out.push({ index: m.index, iso });
    if (out.length >= limit) return out;
  }
  if (/[〇○零Ｏ一二三四五六七八九]年/.test(s)) {
    CN_DATE.lastIndex = 0;
    while ((m = CN_DATE.exec(s))) {
      const iso = isoDate(cnYear(m[1]), cnNumber(m[2]), cnNumber(m[3]));
      if (iso) out.push({ index: m.index, iso });
    }
    out.sort((a, b) => a.index - b.index);
  }
  return out;
}

/** The first valid date in the text, as `YYYY-MM-DD`; undefined when there is none (or it is no real date). */
export function parseDate(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  return scan(text, 1)[0]?.iso;
}

/** Every valid date in the text, in order of appearance, as `YYYY-MM-DD`. */
export function findDates(text: string | undefined | null): string[] {
  if (!text) return [];
  return scan(text, Infinity).map((f) => f.iso);
}

/** Every valid date with its offset in the text (offsets into the text as given). */
export function findDatesWithIndex(text: string): { index: number; date: string }[] {
  return scan(text, Infinity).map((f) => ({ index: f.index, date: f.iso }));
}

// Dates that CMSs put into detail-page URLs.
const URL_DATE_PATTERNS: RegExp[] = [
  // TRS WCM: /202403/t20240315_123456.html
  /\/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+/,
  // 大汉 Hanweb: /art/2024/5/6/art_123_456.html
  /\/art\/((?:19|20)\d{2})\/(\d{1,2})\/(\d{1,2})\/art_/,
  // …/2024-03/15/content_123.htm (Xinhua-style and many home-grown CMSs)
  /\/((?:19|20)\d{2})-(\d{1,2})\/(\d{1,2})\//,
  // …/2024/03/15/… and …/2024/0315/… (博达 and others)
  /\/((?:19|20)\d{2})\/(\d{1,2})\/(\d{1,2})\//,
  /\/((?:19|20)\d{2})\/(\d{2})(\d{2})\//,
  // …/20240315/… as a whole path segment
  /\/((?:19|20)\d{2})(\d{2})(\d{2})\//,
  // TRS attachments: P020240315123456789.pdf
  /\/P0((?:19|20)\d{2})(\d{2})(\d{2})\d{6,}[^/]*$/,
];

/** The publish date a CMS wrote into the URL's path, when it did (TRS t20240315_, Hanweb /art/2024/5/6/, …). */
export function dateFromUrl(url: string): string | undefined {
  // String work, not a URL parse: this runs for every list entry.
  let path = url.split(/[?#]/, 1)[0];
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (scheme) path = path.slice(scheme[0].length) || "/";
  for (const re of URL_DATE_PATTERNS) {
    const m = re.exec(path);
    if (m) {
      const iso = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
      if (iso) return iso;
    }
  }
  return undefined;
}
