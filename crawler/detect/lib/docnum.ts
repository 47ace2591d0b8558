// 发文字号 (document numbers): 嘉市监办〔2021〕102号, 国发[2024]1号, 沪府规（2024）3号, 国务院令第711号,
// 市场监管总局公告2024年第12号. GBK pages and hand-typed numbers use every bracket form; all compare equal here.

export interface DocNumber {
  /** Issuer code as written before the year (嘉市监办), or the 令/公告 issuer. May carry a few words of lead-in. */
  prefix: string;
  year?: number;
  number: number;
  /** Canonical form: 嘉市监办〔2021〕102号 / 国务院令第711号 / 公告2024年第12号. */
  text: string;
  raw: string;
}

const HAN = "\\u3400-\\u9fff";
const YEAR_BRACKET = new RegExp(
  `([${HAN}A-Za-z]{1,10})\\s*[〔\\[［（(【〖﹝]\\s*((?:19|20)\\d{2})\\s*[〕\\]］）)】〗﹞]\\s*(?:第\\s*)?(\\d{1,5})\\s*号`,
  "g",
);
const ORDER = new RegExp(`([${HAN}]{1,12}令)\\s*(?:\\(\\s*)?第\\s*(\\d{1,5})\\s*号`, "g");
const NOTICE = new RegExp(`([${HAN}]{0,12}公告)\\s*((?:19|20)\\d{2})\\s*年\\s*第\\s*(\\d{1,5})\\s*号`, "g");

/** Every document number written in the text. */
export function findDocNumbers(text: string | undefined): DocNumber[] {
  if (!text) return [];
  const t = text.normalize("NFKC");
  const out: DocNumber[] = [];
  for (const m of t.matchAll(YEAR_BRACKET)) {
    // Drop lead-in words the capture swallowed: 关于印发…的通知嘉市监规〔2024〕1号 → 嘉市监规.
    const prefix = m[1].replace(/^.*(?:通知|通告|公告|决定|意见|的|文号|字号)/, "");
    out.push({ prefix, year: +m[2], number: +m[3], text: `${prefix}〔${m[2]}〕${+m[3]}号`, raw: m[0] });
  }
  for (const m of t.matchAll(ORDER)) {
    out.push({ prefix: m[1], number: +m[2], text: `${m[1]}第${+m[2]}号`, raw: m[0] });
  }
  for (const m of t.matchAll(NOTICE)) {
    out.push({ prefix: m[1], year: +m[2], number: +m[3], text: `${m[1]}${m[2]}年第${+m[3]}号`, raw: m[0] });
  }
  return out;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/**
 * Same document number: same year and number, and issuer codes that end alike (the captured prefix may carry
 * lead-in words such as 通知嘉市监规, so one need only end the other; 国发 and 国办发 differ).
 */
export function sameDocNumber(a: DocNumber, b: DocNumber): boolean {
  if (a.number !== b.number || a.year !== b.year) return false;
  const kindA = a.prefix.endsWith("令") ? "order" : a.prefix.endsWith("公告") ? "notice" : "code";
  const kindB = b.prefix.endsWith("令") ? "order" : b.prefix.endsWith("公告") ? "notice" : "code";
  if (kindA !== kindB) return false;
  if (!a.prefix || !b.prefix) return true;
  const shorter = Math.min(a.prefix.length, b.prefix.length);
  return commonSuffix(a.prefix, b.prefix) >= Math.min(shorter, 2);
}
