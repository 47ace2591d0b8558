// 政策解读: every policy document of the last 12 months needs one. A document counts as interpreted when a page of an
// interpretation column links to it or names it (its title, the 《…》 title inside it, or its 发文字号), when an
// interpretation column lists an entry naming it, or when it links to an interpretation itself (解读, 图解,
// 一图读懂 …). A new document gets 20 working days (《条例》 art. 26) before it is reported.
// not-linked-back: the two must link each other. A 解读 that links the document, or names it (title, 《…》 title or
// 发文字号) in its own title or opening, while the document's page has no link to that 解读, is reported per pair.
import type { Column, FindingDraft } from "../../shared/schema.js";
import type { CrawlData, DetectContext, Detector, LinkRecord, ListItem, PageRecord } from "../types.js";
import { PageIndex, listPageKeys, settingsFor, urlKey } from "./lib/columns.js";
import { daysBetween, publishedDate, todayIso, type DateEvidence } from "./lib/dates.js";
import { findDocNumbers, sameDocNumber, type DocNumber } from "./lib/docnum.js";
import { draft } from "./lib/finding.js";
import { clip, squash, tidy } from "./lib/text.js";
import { addWorkdays } from "./lib/workdays.js";
import { docNumberOf, newsReport } from "./misfiled.js";

const INTERPRETATION_LINK = /解读|图解|一图读懂|一图看懂|一图了解|一图速览|政策问答|答记者问/;
/** Link texts that only name the interpretation column (site navigation), not an interpretation of this document. */
const COLUMN_LINK_TEXT = /^(?:政策)?(?:解读|图解|文件解读|政策图解|解读回应|政策解读与回应|解读与回应)(?:栏目|专栏)?$/;
/** Forms beyond plain text (the bureau's target: 60% of interpretations in such forms). */
const DIVERSE_FORM = /图解|一图读懂|一图看懂|一图了解|一图速览|长图|视频|微视频|动漫|动画|漫画|音频|H5|h5|海报|短片|直播|访谈/;
const MEDIA_FILE = /\.(?:mp4|m3u8|flv|mov|webm|mp3|m4a|wav)(?:$|\?)/i;
const MEDIA_TAGS = new Set<LinkRecord["tag"]>(["video", "audio", "source", "embed", "object"]);

/**
 * Documents that are not policies needing a 解读: relayed ones (转发: the issuer interprets), appointments, commendations,
 * replies, lists and results.
 */
const NO_INTERPRETATION_NEEDED = /^(?:关于)?转发|任免|任职|免职|职务|表彰|表扬|批复|复函|名单|结果公示|公示结果/;

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}

interface Interpretation {
  url?: string;
  /** Every URL the 解读 is known by (listed, requested, final): a link to any of them is a link back. */
  urls: Set<string>;
  /** Title and the first lines of the body, squashed: where a 解读 says which document it interprets. */
  opening: string;
  docNumbers: DocNumber[];
  /** Title and body, squashed, for "names the document". */
  text: string;
  links: Set<string>;
  diverse: boolean;
  title: string;
}

interface PolicyDoc {
  column: Column;
  item: ListItem;
  record: PageRecord;
  title: string;
  published: DateEvidence;
  docNumber?: DocNumber;
}

function titleOf(record: PageRecord | undefined, item?: ListItem): string {
  return tidy(record?.heading || record?.meta?.articletitle || item?.title || record?.title || "");
}

function isDiverse(text: string, links: LinkRecord[]): boolean {
  return (
    DIVERSE_FORM.test(text) ||
    links.some((l) => MEDIA_TAGS.has(l.tag) || (!!l.url && MEDIA_FILE.test(l.url)) || (l.tag === "iframe" && /video|player|vod/i.test(l.url ?? "")))
  );
}

/** Titles by which an interpretation may name the document: the title, its 《…》 inner title, its core title. */
export function namesOf(title: string): string[] {
  const t = squash(title);
  const names = new Set<string>();
  if (t.length >= 6) names.add(t);
  for (const m of t.matchAll(/《([^《》]{6,})》/g)) names.add(m[1]);
  // 关于印发XX办法的通知 → XX办法; 关于做好XX工作的通知 → 做好XX工作
  const core = t.replace(/^(?:关于)?(?:印发|发布|转发|修订|修改)?/, "").replace(/的(?:通知|公告|通告|决定|意见|批复|函)$/, "").replace(/[《》]/g, "");
  if (core.length >= 6 && core !== t) names.add(core);
  return [...names];
}

interface Model {
  /** Links on most pages (navigation, footers) and links to list pages: they interpret nothing. */
  templateLinks: Set<string>;
  docs: PolicyDoc[];
  interpretations: Interpretation[];
  interpretationUrls: Set<string>;
  interpretationColumns: string[];
  today: string;
}

function buildModel(data: CrawlData, ctx: DetectContext): Model {
  const today = todayIso(ctx.now);
  const pages = new PageIndex(data.pages, data.checks);
  const interpretations: Interpretation[] = [];
  const interpretationUrls = new Set<string>();
  const interpretationColumns: string[] = [];
  for (const walk of data.columns) {
    if (walk.column.type !== "interpretation" || walk.error) continue;
    interpretationColumns.push(walk.column.id);
    for (const item of walk.items) {
      const record = pages.record(item.url);
      const key = urlKey(record?.url ?? item.url);
      interpretationUrls.add(key);
      if (record) interpretationUrls.add(urlKey(record.finalUrl));
      const title = titleOf(record, item);
      // The opening of an interpretation names what it interprets; the whole of a long one would name everything.
      const text = squash([item.title, title, (record?.bodyText ?? "").slice(0, 5000)].join("\n"));
      const links = new Set((record?.links ?? []).map((l) => l.url).filter((u): u is string => !!u).map(urlKey));
      const docNumbers = findDocNumbers(text);
      const urls = new Set([key, urlKey(item.url), ...(record ? [urlKey(record.finalUrl)] : [])]);
      const opening = squash([item.title, title, (record?.bodyText ?? "").slice(0, 300)].join("\n"));
      interpretations.push({ url: key, urls, opening, docNumbers, text, links, diverse: isDiverse([item.title, title].join(" "), record?.links ?? []), title });
    }
  }

  const docs: PolicyDoc[] = [];
  const seen = new Set<string>();
  const listPages = listPageKeys(data);
  for (const walk of data.columns) {
    if (walk.column.type !== "policy" || walk.error) continue;
    for (const item of walk.items) {
      const record = pages.record(item.url);
      if (!record) continue;
      const key = urlKey(record.url);
      if (seen.has(key) || listPages.has(key) || listPages.has(urlKey(record.finalUrl))) continue; // a sub-column, not a document
      seen.add(key);
      const title = titleOf(record, item);
      // Interpretations filed under 政策文件 are interpretations, and relayed documents (转发) are interpreted by
      // their issuer, not by the relaying body.
      if (INTERPRETATION_LINK.test(squash(title)) || NO_INTERPRETATION_NEEDED.test(squash(title))) continue;
      // A document of another site listed here (a higher level's policy) is interpreted by its issuer.
      if (!sameHost(record.finalUrl, walk.column.url)) continue;
      // A news report filed under 政策文件 is not a policy document (misfiled reports it there).
      if (newsReport(record, item)) continue;
      const published = publishedDate(record, item, today);
      if (!published) continue; // without a date we cannot say it is recent: stay quiet
      const dn = docNumberOf(record);
      docs.push({ column: walk.column, item, record, title, published, docNumber: dn ? findDocNumbers(dn)[0] : undefined });
    }
  }
  const templateLinks = new Set<string>();
  for (const c of data.config.columns) templateLinks.add(urlKey(c.url));
  for (const w of data.columns) for (const u of w.listPages) templateLinks.add(urlKey(u));
  const onPages = new Map<string, number>();
  for (const p of data.pages) for (const u of new Set(p.record.links.map((l) => l.url).filter((x): x is string => !!x))) onPages.set(u, (onPages.get(u) ?? 0) + 1);
  const pageCount = data.pages.length;
  if (pageCount >= 6) for (const [u, n] of onPages) if (n / pageCount >= 0.5) templateLinks.add(urlKey(u));
  return { templateLinks, docs, interpretations, interpretationUrls, interpretationColumns, today };
}

interface Match {
  how: string;
  by: string;
  diverse: boolean;
  /** The 解读 this match is to, when it is one of the interpretation column's. */
  interpretation?: Interpretation;
}

function findInterpretations(doc: PolicyDoc, model: Model): Match[] {
  const out: Match[] = [];
  const urls = new Set([urlKey(doc.record.url), urlKey(doc.record.finalUrl), urlKey(doc.item.url)]);
  const names = namesOf(doc.title);
  for (const i of model.interpretations) {
    if ([...urls].some((u) => i.links.has(u))) out.push({ how: "links-to-document", by: i.url ?? i.title, diverse: i.diverse, interpretation: i });
    else if (names.some((n) => i.text.includes(n))) out.push({ how: "names-document", by: i.url ?? i.title, diverse: i.diverse, interpretation: i });
    else if (doc.docNumber && i.docNumbers.some((d) => sameDocNumber(d, doc.docNumber!)))
      out.push({ how: "names-document-number", by: i.url ?? i.title, diverse: i.diverse, interpretation: i });
  }
  for (const l of doc.record.links) {
    if (!l.url) continue;
    const k = urlKey(l.url);
    if (urls.has(k) || model.templateLinks.has(k)) continue;
    const text = squash(l.text);
    if ((INTERPRETATION_LINK.test(text) && !COLUMN_LINK_TEXT.test(text)) || model.interpretationUrls.has(k))
      out.push({ how: "document-links-to-interpretation", by: l.url, diverse: DIVERSE_FORM.test(l.text) || MEDIA_FILE.test(l.url) });
  }
  return out;
}

interface Judged {
  doc: PolicyDoc;
  matches: Match[];
  inGrace: boolean;
  graceEnds: string;
  approximate: boolean;
}

/** The last judgement per crawl and day: no-interpretation and not-linked-back judge the same pairs. */
const judgements = new WeakMap<CrawlData, { now: number; result: { model: Model; judged: Judged[] } }>();

function judge(data: CrawlData, ctx: DetectContext): { model: Model; judged: Judged[] } {
  const cached = judgements.get(data);
  if (cached && cached.now === ctx.now.getTime()) return cached.result;
  const result = judgeAfresh(data, ctx);
  judgements.set(data, { now: ctx.now.getTime(), result });
  return result;
}

function judgeAfresh(data: CrawlData, ctx: DetectContext): { model: Model; judged: Judged[] } {
  const model = buildModel(data, ctx);
  const judged: Judged[] = [];
  for (const doc of model.docs) {
    const s = settingsFor(doc.column);
    const age = daysBetween(doc.published.date, model.today);
    if (age > s.interpretationWithinDays) continue;
    const grace = addWorkdays(doc.published.date, s.interpretationGraceWorkdays);
    judged.push({ doc, matches: findInterpretations(doc, model), inGrace: model.today <= grace.date, graceEnds: grace.date, approximate: grace.approximate });
  }
  return { model, judged };
}

export const missingInterpretation: Detector = {
  name: "missing-interpretation",
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[] {
    const { model, judged } = judge(data, ctx);
    const out: FindingDraft[] = [];
    for (const j of judged) {
      if (j.matches.length || j.inGrace) continue;
      const { doc } = j;
      const s = settingsFor(doc.column);
      out.push(
        draft({
          kind: "missing-interpretation",
          reason: "no-interpretation",
          severity: "medium",
          column: doc.column,
          pageUrl: urlKey(doc.record.url),
          message: `政策文件“${clip(doc.title, 36)}”${doc.docNumber ? `（${doc.docNumber.text}）` : ""}于${doc.published.date}发布，至今未见政策解读，请发布解读并与文件相互链接。`,
          evidence: {
            title: doc.title,
            docNumber: doc.docNumber?.text ?? null,
            published: doc.published.date,
            publishedSource: doc.published.label,
            graceWorkdays: s.interpretationGraceWorkdays,
            graceEnded: j.graceEnds,
            ...(j.approximate ? { graceApproximate: "holiday data does not cover these dates; Monday–Friday assumed" } : {}),
            interpretationWithinDays: s.interpretationWithinDays,
            interpretationColumns: model.interpretationColumns,
            interpretationsSearched: model.interpretations.length,
            namesSearched: namesOf(doc.title),
          },
        }),
      );
    }
    return out;
  },
};

/**
 * 解读 that surely are about this document: they link it, or name it (a name or the 发文字号) in their title or
 * opening lines. A document merely named somewhere in a long 解读 of another document is not paired.
 */
function surePairs(doc: PolicyDoc, matches: Match[]): Interpretation[] {
  const names = namesOf(doc.title);
  const out: Interpretation[] = [];
  for (const m of matches) {
    const i = m.interpretation;
    if (!i?.url || out.includes(i)) continue;
    const sure =
      m.how === "links-to-document" ||
      names.some((n) => i.opening.includes(n)) ||
      (!!doc.docNumber && findDocNumbers(i.opening).some((d) => sameDocNumber(d, doc.docNumber!)));
    if (sure) out.push(i);
  }
  return out;
}

/** not-linked-back: a 解读 names or links the document, but the document's page does not link to the 解读. */
export const interpretationNotLinkedBack: Detector = {
  name: "missing-interpretation",
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[] {
    const { model, judged } = judge(data, ctx);
    const linksOf = (doc: PolicyDoc) => new Set(doc.record.links.map((l) => l.url).filter((u): u is string => !!u).map(urlKey));
    // A 解读 some other document links to is that document's (another edition may carry the same name).
    const byUrl = new Map<string, Interpretation>();
    for (const i of model.interpretations) for (const u of i.urls) byUrl.set(u, i);
    const linkedFrom = new Map<Interpretation, Set<PolicyDoc>>();
    for (const doc of model.docs)
      for (const u of linksOf(doc)) {
        const i = byUrl.get(u);
        if (i) linkedFrom.set(i, (linkedFrom.get(i) ?? new Set()).add(doc));
      }
    const out: FindingDraft[] = [];
    for (const { doc, matches } of judged) {
      const linked = linksOf(doc);
      for (const i of surePairs(doc, matches)) {
        if ([...i.urls].some((u) => linked.has(u))) continue;
        if ([...(linkedFrom.get(i) ?? [])].some((d) => d !== doc)) continue;
        out.push(
          draft({
            kind: "missing-interpretation",
            reason: "not-linked-back",
            severity: "low",
            column: doc.column,
            pageUrl: urlKey(doc.record.url),
            key: `not-linked-back:${i.url}`,
            message: `政策解读“${clip(i.title, 36)}”解读了政策文件“${clip(doc.title, 36)}”，但文件页面没有链接到该解读，请在文件页面加上解读链接，使文件与解读相互链接。`,
            evidence: {
              title: doc.title,
              docNumber: doc.docNumber?.text ?? null,
              published: doc.published.date,
              interpretation: { title: i.title, url: i.url },
              interpretationLinksDocument: matches.some((m) => m.interpretation === i && m.how === "links-to-document"),
              documentLinks: linked.size,
            },
          }),
        );
      }
    }
    return out;
  },
};

export interface InterpretationStats {
  policies: number;
  interpreted: number;
  rate: number;
  diverseForms: number;
  diverseRate: number;
}

/**
 * The crawl summary's interpretation figures: policy documents of the window (those still in their grace period
 * count only once interpreted), how many are interpreted, and how many of those in diverse forms (target 60%).
 */
export function interpretationStats(data: CrawlData, ctx: DetectContext): InterpretationStats {
  const { judged } = judge(data, ctx);
  const counted = judged.filter((j) => j.matches.length || !j.inGrace);
  const interpreted = counted.filter((j) => j.matches.length);
  const diverse = interpreted.filter((j) => j.matches.some((m) => m.diverse));
  const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : 0);
  return {
    policies: counted.length,
    interpreted: interpreted.length,
    rate: ratio(interpreted.length, counted.length),
    diverseForms: diverse.length,
    diverseRate: ratio(diverse.length, interpreted.length),
  };
}
