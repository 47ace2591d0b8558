// wrong-link / title-mismatch: a link whose text promises one document (2024年…年度报告, 嘉市监规〔2024〕1号) while the
// page it opens says it is another (2023年…年度报告, 〔2024〕2号). Quiet when the target shows no title, when the link
// text promises nothing specific (更多, 详情, 点击查看), or when the target's title names nothing to compare.
import type { FindingDraft } from "../../shared/schema.js";
import type { CrawlData, DetectContext, Detector, LinkRecord } from "../types.js";
import { PageIndex, ownerColumn, urlKey } from "./lib/columns.js";
import { findDocNumbers, sameDocNumber, type DocNumber } from "./lib/docnum.js";
import { metadataValue } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { clip, tidy } from "./lib/text.js";

/** Words that make a year in a title name a particular document. */
const DOC_WORDS = /年报|年度报告|报告|预算|决算|计划|总结|规划|要点|方案|公报|统计|目录|清单|名单|考核|评估/;
/** Cheap first look: only texts with a year or a 号 can promise a particular document. */
const MAY_PROMISE = /\d{4}|[0-9０-９]\s*号|[〇○零一二三四五六七八九]{4}/;
const GENERIC_TEXT = /^(?:更多|更多>+|详情|详细|查看|点击查看|查看详情|阅读全文|全文|下载|附件|>>|»|more|\.\.\.|…+)$/i;

const CN_DIGIT: Record<string, string> = { "〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9" };

/** Years a title names (2024年, 2024年度, 2021—2025年, 二〇二四年), as 4-digit strings. */
export function yearsIn(text: string): string[] {
  const t = text.normalize("NFKC").replace(/[〇○零一二三四五六七八九]{4}(?=\s*年)/g, (m) => [...m].map((c) => CN_DIGIT[c]).join(""));
  const years = new Set<string>();
  for (const m of t.matchAll(/(?<!\d)((?:19|20)\d{2})(?!\d)/g)) years.add(m[1]);
  return [...years];
}

export interface Promise {
  years: string[];
  docNumbers: DocNumber[];
}

/** What a link text promises: years of a named document, document numbers. Nothing when it is generic. */
export function promiseOf(text: string): Promise | undefined {
  const t = tidy(text);
  if (!t || GENERIC_TEXT.test(t.replace(/\s/g, ""))) return undefined;
  const docNumbers = findDocNumbers(t);
  const years = DOC_WORDS.test(t) ? yearsIn(t) : [];
  // The years inside a document number are the number's, not the document's.
  const numberYears = new Set(docNumbers.map((d) => String(d.year ?? "")));
  const ownYears = years.filter((y) => !numberYears.has(y) || t.replace(/[〔[(（【][^〕\])）】]*[〕\])）】]/g, "").includes(y));
  if (!docNumbers.length && !ownYears.length) return undefined;
  return { years: ownYears, docNumbers };
}

interface TargetView {
  titles: string[];
  docNumbers: DocNumber[];
}

export const titleMismatch: Detector = {
  name: "title-mismatch",
  detect(data: CrawlData, _ctx: DetectContext): FindingDraft[] {
    const pages = new PageIndex(data.pages, data.checks);
    const views = new Map<string, TargetView | undefined>();
    const targetView = (url: string): TargetView | undefined => {
      if (!views.has(url)) views.set(url, readTarget(url));
      return views.get(url);
    };
    const readTarget = (url: string): TargetView | undefined => {
      const check = data.checks.get(url);
      if (check && check.outcome !== "ok") return undefined; // broken or otherwise wrong: reported elsewhere
      const record = pages.record(url);
      const titles = [record?.heading, record?.meta?.articletitle, record?.title, check?.title]
        .map((t) => tidy(t))
        .filter((t, i, a) => t && a.indexOf(t) === i);
      if (!titles.length) return undefined;
      const md = record ? metadataValue(record, ["发文字号", "文号", "发文号"]) : undefined;
      const docNumbers = [...titles.flatMap((t) => findDocNumbers(t)), ...findDocNumbers(md?.value)];
      return { titles, docNumbers };
    };

    // The same link texts recur on every page of a site (menus, lists): read each once.
    const promises = new Map<string, Promise | undefined>();
    const promiseCached = (text: string): Promise | undefined => {
      if (!promises.has(text)) promises.set(text, MAY_PROMISE.test(text) ? promiseOf(text) : undefined);
      return promises.get(text);
    };

    const out: FindingDraft[] = [];
    for (const page of data.pages) {
      const record = page.record;
      if (record.status < 200 || record.status >= 300) continue;
      const seen = new Set<string>();
      const pageKey = urlKey(record.url);
      const finalKey = urlKey(record.finalUrl);
      for (const link of record.links) {
        if (!isDocumentLink(link)) continue;
        const promise = promiseCached(link.text);
        if (!promise) continue;
        const target = link.url!;
        if (target === pageKey || target === finalKey) continue;
        if (seen.has(`${target}\u0000${link.text}`)) continue;
        seen.add(`${target}\u0000${link.text}`);
        const view = targetView(target);
        if (!view) continue;
        const conflict = compare(promise, view);
        if (!conflict) continue;
        const col = ownerColumn(page, data);
        if (!col) continue;
        out.push(
          draft({
            kind: "wrong-link",
            reason: "title-mismatch",
            severity: "medium",
            column: col,
            pageUrl: pageKey,
            targetUrl: target,
            linkText: tidy(link.text),
            message: `链接“${clip(link.text, 30)}”${conflict.promised}，打开的却是“${clip(view.titles[0], 30)}”（${conflict.found}），请改正链接地址。`,
            evidence: {
              linkText: tidy(link.text),
              promised: { years: promise.years, docNumbers: promise.docNumbers.map((d) => d.text) },
              targetTitles: view.titles,
              targetYears: [...new Set(view.titles.flatMap(yearsIn))],
              targetDocNumbers: view.docNumbers.map((d) => d.text),
              compared: conflict.compared,
            },
          }),
        );
      }
    }
    return out;
  },
};

function isDocumentLink(link: LinkRecord): boolean {
  return (link.tag === "a" || link.tag === "area") && link.scheme === "http" && !!link.url;
}

function compare(promise: Promise, view: TargetView): { promised: string; found: string; compared: string } | undefined {
  if (promise.docNumbers.length && view.docNumbers.length) {
    const agree = promise.docNumbers.some((p) => view.docNumbers.some((t) => sameDocNumber(p, t)));
    if (!agree)
      return {
        promised: `写的是${promise.docNumbers.map((d) => d.text).join("、")}`,
        found: `文号为${[...new Set(view.docNumbers.map((d) => d.text))].join("、")}`,
        compared: "docNumber",
      };
    return undefined; // the numbers agree: the document is the right one, whatever the years say
  }
  if (promise.years.length) {
    // Only titles that name a dated document can contradict: a target titled 首页 says nothing.
    const namingTitles = view.titles.filter((t) => DOC_WORDS.test(t) && yearsIn(t).length);
    if (!namingTitles.length) return undefined;
    const promised = new Set(promise.years);
    if (view.titles.some((t) => yearsIn(t).some((y) => promised.has(y)))) return undefined;
    const targetYears = [...new Set(namingTitles.flatMap(yearsIn))];
    return {
      promised: `指向${promise.years.join("、")}年的文件`,
      found: `标题年份为${targetYears.join("、")}年`,
      compared: "year",
    };
  }
  return undefined;
}
