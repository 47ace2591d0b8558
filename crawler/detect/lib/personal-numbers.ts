// Personal numbers published by mistake: 居民身份证号, a person's mobile number, a bank card number. Pure functions.
// Each kind is matched only where it can be nothing else: an 18-digit ID must pass its check digit and carry a real
// birth date, a card number must pass Luhn and stand beside 账号/卡号/开户, a mobile number must stand beside a
// natural person (姓名, 当事人, 住址 …) and not be an office's published contact. A number inside a longer run of
// digits or letters (统一社会信用代码, 索引号, 文号, order and case numbers) is never one of these. Callers get masked
// values only (maskNumber): the full number never leaves this module in a result.

export type PersonalNumberKind = "id-number" | "mobile-number" | "bank-card";

export const PERSONAL_NUMBER_KINDS: readonly PersonalNumberKind[] = ["id-number", "mobile-number", "bank-card"];

/** What one text holds of one kind: how many distinct numbers, and a few of them masked. */
export interface PersonalNumberCount {
  kind: PersonalNumberKind;
  count: number;
  /** Masked samples (at most MAX_SAMPLES), e.g. `3101**********1234`, `138****5678`. */
  samples: string[];
}

export const MAX_SAMPLES = 3;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** Is `yyyymmdd` a real date between 1900 and today's century? */
function validBirthDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** 18-character 居民身份证号: region code, birth date, sequence, check character (GB 11643). */
export function isValidIdNumber18(s: string): boolean {
  if (!/^[1-9]\d{16}[\dXx]$/.test(s)) return false;
  if (!validBirthDate(+s.slice(6, 10), +s.slice(10, 12), +s.slice(12, 14))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === s[17]!.toUpperCase();
}

/** 15-digit 身份证号 issued before 1999: region code, yymmdd birth date (19yy), sequence; no check digit. */
export function isValidIdNumber15(s: string): boolean {
  if (!/^[1-9]\d{14}$/.test(s)) return false;
  return validBirthDate(1900 + +s.slice(6, 8), +s.slice(8, 10), +s.slice(10, 12));
}

/** Luhn checksum, as every bank card number carries. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The masked form of a personal number, as published decisions show them: an ID keeps its first 4 and last 4
 * characters (`3101**********1234`), a mobile its first 3 and last 4 (`138****5678`), a card its last 4
 * (`************1234`). Everything else becomes `*`, so the length still shows what it was.
 */
export function maskNumber(kind: PersonalNumberKind, n: string): string {
  const keepHead = kind === "id-number" ? 4 : kind === "mobile-number" ? 3 : 0;
  const keepTail = 4;
  if (n.length <= keepHead + keepTail) return "*".repeat(n.length);
  return n.slice(0, keepHead) + "*".repeat(n.length - keepHead - keepTail) + n.slice(n.length - keepTail);
}

// A candidate is a maximal run of digits (an ID may end in X) not joined to letters or further digits: a credit
// code (91310114MA1GT3XX4R), an 索引号 (11310114MB2F49221T/2024-00123) or an order number (DD2024…) is one longer
// token and never matches. Full-width digits are folded first.
const RUN = /[0-9A-Za-z]+/g;

function foldWidth(text: string): string {
  return text.replace(/[０-９Ｘｘ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** Words naming a natural person near a mobile number (the number is then that person's). */
const PERSON_CUES = /(姓\s*名|当事人|身份证|住\s*址|住所|户籍|法定代表人|经营者|业主|申请人|被申请人|投诉人|举报人|被处罚人|被检查人|本人|家属|性别|出生|民族)/;
/** Words naming an office's published contact (a department's 联系电话, a 热线): not a person's number. */
const OFFICE_CUES = /(咨询电话|办公电话|服务电话|监督电话|投诉电话|举报电话|热线|值班电话|受理电话|办公室|窗口|(?:[局委办厅处科所站队]|中心)\s*(?:联系)?(?:电话|手机))/;
/** Words naming an account (a card number stands beside one of them). */
const CARD_CUES = /(账\s*号|帐\s*号|卡\s*号|开户|银行卡|借记卡|信用卡|收款账户|账户)/;
/** Words before a number saying it is a document's or a case's number, not a person's. */
const NOT_PERSONAL_BEFORE = /(索引号|文号|编号|案号|单号|订单|流水号|代码|信用代码|登记号|注册号|许可证号|证书号|批准号|字第|号码段|邮编|邮政编码)[:：\s]*$/;

const WINDOW = 24;

function before(text: string, start: number, n = WINDOW): string {
  return text.slice(Math.max(0, start - n), start);
}

function around(text: string, start: number, end: number, n = WINDOW): string {
  return text.slice(Math.max(0, start - n), Math.min(text.length, end + n));
}

/** A mobile number belongs to a person when a person's word stands near it and no office contact word just before it. */
function mobileOfPerson(text: string, start: number, end: number): boolean {
  const near = before(text, start, 12);
  if (OFFICE_CUES.test(near)) return false;
  return PERSON_CUES.test(around(text, start, end, 40));
}

export interface PersonalNumberMatch {
  kind: PersonalNumberKind;
  /** Masked value only. */
  masked: string;
}

interface Located {
  kind: PersonalNumberKind;
  value: string;
  start: number;
  end: number;
}

/** Every personal number with where it stands (internal: holds the full value). */
function locate(input: string): Located[] {
  const text = foldWidth(input);
  const out: Located[] = [];
  const at = (kind: PersonalNumberKind, value: string, start: number, end: number) => out.push({ kind, value, start, end });
  for (const m of text.matchAll(RUN)) {
    const token = m[0];
    const start = m.index!;
    const end = start + token.length;
    const prev = text[start - 1] ?? "";
    const next = text[end] ?? "";
    // Part of a larger code: 2024-00123, ABC/123, 1.5, 123-4567 (a run joined by - / . _ to more digits or letters).
    if (/[-/._]/.test(prev) && /[0-9A-Za-z]/.test(text[start - 2] ?? "")) continue;
    if (/[-/._]/.test(next) && /[0-9A-Za-z]/.test(text[end + 1] ?? "")) continue;
    if (NOT_PERSONAL_BEFORE.test(before(text, start, 10))) continue;
    if (token.length === 18 && isValidIdNumber18(token)) at("id-number", token, start, end);
    else if (token.length === 15 && isValidIdNumber15(token)) {
      if (CARD_CUES.test(before(text, start)) && luhnValid(token)) at("bank-card", token, start, end);
      else at("id-number", token, start, end);
    } else if (token.length === 11 && /^1[3-9]\d{9}$/.test(token)) {
      if (mobileOfPerson(text, start, end)) at("mobile-number", token, start, end);
    } else if (token.length >= 16 && token.length <= 19 && /^\d+$/.test(token)) {
      if (luhnValid(token) && CARD_CUES.test(before(text, start))) at("bank-card", token, start, end);
    }
  }
  // Card numbers are often written in groups of four (6222 0212 3456 7890 123).
  for (const m of text.matchAll(/(?<![0-9A-Za-z])(\d{4}(?: \d{4}){3}(?: \d{1,3})?)(?![0-9A-Za-z])/g)) {
    const digits = m[1]!.replace(/ /g, "");
    if (digits.length >= 16 && luhnValid(digits) && CARD_CUES.test(before(text, m.index!))) at("bank-card", digits, m.index!, m.index! + m[0].length);
  }
  return out;
}

/**
 * Every unmasked personal number in `text`, masked. Distinct numbers are told apart internally by their full value,
 * which is never returned.
 */
export function findPersonalNumbers(text: string): PersonalNumberMatch[] {
  const seen = new Set<string>();
  const out: PersonalNumberMatch[] = [];
  for (const l of locate(text)) {
    const key = `${l.kind}:${l.value.toUpperCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: l.kind, masked: maskNumber(l.kind, l.value) });
  }
  return out;
}

/** The text with every personal number replaced by its masked form (the rest unchanged). */
export function maskPersonalNumbers(text: string): string {
  const found = locate(text).sort((a, b) => a.start - b.start);
  if (!found.length) return text;
  let out = "";
  let pos = 0;
  for (const l of found) {
    if (l.start < pos) continue;
    // Grouped card numbers keep their spaces out: the masked form stands for the whole group.
    out += text.slice(pos, l.start) + maskNumber(l.kind, l.value);
    pos = l.end;
  }
  return out + text.slice(pos);
}

/** Count and sample the personal numbers of a text by kind (kinds with none are left out). */
export function countPersonalNumbers(text: string): PersonalNumberCount[] {
  const by = new Map<PersonalNumberKind, PersonalNumberCount>();
  for (const m of findPersonalNumbers(text)) {
    let c = by.get(m.kind);
    if (!c) by.set(m.kind, (c = { kind: m.kind, count: 0, samples: [] }));
    c.count++;
    if (c.samples.length < MAX_SAMPLES) c.samples.push(m.masked);
  }
  return PERSONAL_NUMBER_KINDS.filter((k) => by.has(k)).map((k) => by.get(k)!);
}
