// 内容混杂: an item listed in a column it does not belong to.
//  - breadcrumb-mismatch / metadata-mismatch: the item's own page names another home column (breadcrumb,
//    ColumnName meta tag, 栏目 in the metadata table).
//  - content-mismatch (lower severity): the labels agree, but the content does not fit the column: a news report
//    under 政策文件 without a 发文字号, a 行政处罚决定书 under 通知公告, or an item far more like another column's
//    items than its own.
// Quoting: TRS quotes one document into several columns, and its page names only its home column. When the column
// the page names is a configured column that lists the item too, the item is quoted, not misfiled.
import type { Column, FindingDraft } from "../../shared/schema.js";
import type { ColumnWalk, CrawlData, DetectContext, Detector, ListItem, PageRecord } from "../types.js";
import {
  PageIndex,
  columnNamed,
  isListColumn,
  listPageKeys,
  sameName,
  settingsFor,
  topicOfName,
  topicsOfColumn,
  urlKey,
  type Topic,
} from "./lib/columns.js";
import { findDocNumbers } from "./lib/docnum.js";
import { metadataValue } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { Centroid, buildCorpus, nearest, type Vec } from "./lib/similarity.js";
import { clip, squash, tidy } from "./lib/text.js";

export const TOPIC_ZH: Record<Topic, string> = {
  policy: "政策文件",
  interpretation: "政策解读",
  notice: "通知公告",
  news: "工作动态",
  plan: "规划计划",
  enforcement: "行政执法公示",
  guide: "办事指南",
  report: "年度报告",
  personnel: "人事信息",
  budget: "财政预决算",
  organisation: "机构职能",
  "disclosure-guide": "政府信息公开指南",
  "disclosure-rules": "政府信息公开制度",
  statistics: "统计信息",
};

// ---------------------------------------------------------------------------------------------------------------
// The page's own labels

export interface ColumnLabel {
  source: "breadcrumb" | "meta" | "metadata";
  field: string;
  value: string;
}

/** Crumbs that name no column: the article itself, 正文, 详情 … */
const NON_COLUMN_CRUMB = /^(?:正文|详情|详细信息|详细内容|内容|正文内容|文章|文章详情|内容详情|信息详情|浏览|查看|阅读|阅读全文|当前位置|您的位置|您现在的位置|位置|首页|网站首页)$/;
const METADATA_COLUMN_LABELS = ["所属栏目", "栏目", "栏目名称", "所在栏目", "信息栏目", "公开栏目"];

function lastSegment(value: string): string {
  const parts = tidy(value).split(/\s*[>＞»›/\\|]\s*/).filter(Boolean);
  return parts[parts.length - 1] ?? "";
}

/** The meaningful crumbs of a breadcrumb, home first (the article's own title and 正文 dropped). */
export function meaningfulCrumbs(record: PageRecord): string[] {
  const titles = [record.heading, record.meta?.articletitle, record.title].map((t) => squash(t)).filter(Boolean);
  return record.breadcrumb
    .map((c) => tidy(c).replace(/^(?:当前位置|您的位置|您现在的位置|位置)\s*[:：]\s*/, ""))
    .filter((c) => {
      const s = squash(c);
      if (!s || NON_COLUMN_CRUMB.test(s) || s.length > 24) return false;
      return !titles.some((t) => t === s || (s.length >= 8 && t.startsWith(s.replace(/[.…]+$/, ""))));
    });
}

export function columnLabels(record: PageRecord): ColumnLabel[] {
  const out: ColumnLabel[] = [];
  const crumbs = meaningfulCrumbs(record);
  if (crumbs.length) out.push({ source: "breadcrumb", field: "面包屑", value: crumbs[crumbs.length - 1] });
  const meta = Object.entries(record.meta ?? {}).find(([k]) => k.toLowerCase() === "columnname")?.[1];
  if (meta && lastSegment(meta)) out.push({ source: "meta", field: "ColumnName", value: lastSegment(meta) });
  const md = metadataValue(record, METADATA_COLUMN_LABELS);
  if (md && lastSegment(md.value)) out.push({ source: "metadata", field: md.label, value: lastSegment(md.value) });
  return out;
}

type Verdict = "agree" | "disagree" | "unknown";

function verdict(label: string, column: Column): Verdict {
  if (sameName(label, column.name)) return "agree";
  const t = topicOfName(label);
  if (!t) return "unknown";
  return topicsOfColumn(column).has(t) ? "agree" : "disagree";
}

// ---------------------------------------------------------------------------------------------------------------
// Content

const NEWS_MARKERS: [RegExp, number][] = [
  [/本[网报站台]讯|[\u4e00-\u9fa5]{2,6}网讯|[（(][\u4e00-\u9fa5]{0,8}讯[）)]/, 2],
  [/通讯员/, 2],
  [/记者[\u4e00-\u9fa5]{2,3}(?:报道|摄|采写)|本报记者|记者从/, 2],
  [/近日[，,]/, 1],
  [/日前[，,]/, 1],
  [/\d{1,2}月\d{1,2}日[上下]午/, 1],
  [/活动现场|会议现场|现场会/, 1],
  [/据悉|据了解/, 1],
  [/(?:参加|出席)了?(?:此次|本次)?(?:活动|会议)/, 1],
  [/供稿|撰稿|来源[:：]\S{0,12}(?:报|网|微信)/, 1],
  [/下一步[，,]/, 1],
  [/(?:此次|本次)(?:活动|检查|会议|培训|宣讲|行动)/, 1],
  [/据统计|共(?:检查|出动|发放|走访|排查)/, 1],
];

/** A news headline: an office doing something (区市场监管局开展…, 马陆市场监管所召开…). */
const NEWS_TITLE = /^[\u4e00-\u9fa5“”"]{0,16}(?:局|所|中心|分局|科|队|办)(?:联合\S{0,8})?(?:开展|召开|举办|组织|赴|走访|调研|深入|部署|推进|参加|启动|举行|成功举办|圆满完成|积极|扎实|全力|多措并举)/;

const FORMAL_MARKERS: RegExp[] = [
  /现将.{0,30}(?:印发|通知|公告|通告)/,
  /印发给你们/,
  /请(?:认真|结合实际|遵照)(?:贯彻|执行|落实)/,
  /特此(?:通知|公告|通告|决定)/,
  /第一条/,
  /第一章/,
  /本(?:办法|规定|细则|条例|意见|方案|决定|标准|规则)(?:自|由|所称|适用)/,
  /各(?:区|县|街道|镇|街镇|有关单位|科室|部门|直属单位)[、，,]/,
  /经研究(?:决定|同意)?/,
  /自\S{0,14}起(?:施行|执行|实施)/,
];

const PENALTY_TITLE = /处罚决定书|行政处罚决定|处罚信息公示|处罚案件信息|行政处罚信息/;
const NOT_PENALTY_TITLE = /送达|公告|通告|听证|告知|催告/;
const PENALTY_BODY = [/当事人/, /违法事实/, /处罚决定|作出如下(?:行政)?处罚/, /罚款/, /没收/, /处罚依据|依据《[^》]+》第/, /陈述[、，]?申辩|申辩/, /(?:行政)?复议|行政诉讼/];

export function docNumberOf(record: PageRecord): string | undefined {
  const md = metadataValue(record, ["发文字号", "文号", "发文号", "字号", "文件编号"]);
  if (md && findDocNumbers(md.value).length) return findDocNumbers(md.value)[0].text;
  if (md && /\d+\s*号/.test(md.value)) return tidy(md.value);
  const head = [record.heading ?? "", record.meta?.articletitle ?? "", record.title, record.bodyText.slice(0, 300)].join("\n");
  return findDocNumbers(head)[0]?.text;
}

function newsScore(text: string, title = ""): { score: number; markers: string[] } {
  const t = text.replace(/答记者问/g, "");
  let score = 0;
  const markers: string[] = [];
  if (NEWS_TITLE.test(squash(title))) {
    score += 2;
    markers.push("新闻式标题");
  }
  for (const [re, w] of NEWS_MARKERS) {
    const m = re.exec(t);
    if (m) {
      score += w;
      markers.push(m[0].replace(/[，,]$/, ""));
    }
  }
  return { score, markers };
}

function formalMarkers(text: string): string[] {
  return FORMAL_MARKERS.map((re) => re.exec(text)?.[0]).filter((m): m is string => !!m);
}

/** Title words that show an item fits a column's topic: such items are never flagged on similarity alone. */
const TOPIC_FIT: Partial<Record<Topic, RegExp>> = {
  notice: /通知|公告|通告|公示|启事|声明|预告|提示|倡议|须知/,
  interpretation: /解读|图解|问答|答记者问|一图/,
  plan: /规划|计划|要点|总结|方案|安排/,
  enforcement: /处罚|许可|检查|抽查|执法|决定书|双随机|公示|监管/,
  personnel: /任免|任职|招聘|录用|人事|干部|公示|招考/,
  budget: /预算|决算|三公|经费|财政|绩效/,
  report: /报告|年报/,
  guide: /指南|办事|办理|须知|服务/,
};

interface ContentVerdict {
  expected: string;
  why: string;
  evidence: Record<string, unknown>;
}

function itemTitle(record: PageRecord, item: ListItem): string {
  return tidy(record.heading || record.meta?.articletitle || item.title || record.title);
}

/** Rule checks of what the column's type requires. */
function contentRules(col: Column, record: PageRecord, item: ListItem): ContentVerdict | undefined {
  const topics = topicsOfColumn(col);
  const title = itemTitle(record, item);
  const body = record.bodyText.normalize("NFKC");
  const titles = squash([title, item.title].join(" "));
  if (!topics.has("enforcement")) {
    const penaltyTitle = PENALTY_TITLE.test(titles) && !NOT_PENALTY_TITLE.test(titles);
    const bodyHits = PENALTY_BODY.map((re) => re.exec(body)?.[0]).filter((m): m is string => !!m);
    // A news story about a case (典型案例, 以案释法) also speaks of 当事人 and 违法事实: only notices are judged by body.
    const penaltyBody =
      topics.has("notice") &&
      !/案例|典型|曝光|以案|释法/.test(titles) &&
      bodyHits.length >= 4 &&
      bodyHits.includes("当事人") &&
      bodyHits.includes("违法事实") &&
      !NOT_PENALTY_TITLE.test(titles);
    if (penaltyTitle || penaltyBody)
      return {
        expected: "行政执法公示栏目的行政处罚决定",
        why: penaltyTitle ? `其标题是行政处罚决定书` : `正文含${bodyHits.slice(0, 4).join("、")}等处罚决定书要素`,
        evidence: { rule: "penalty-decision", titleMatches: penaltyTitle, bodyMarkers: bodyHits },
      };
  }
  if (topics.has("policy") && !topics.has("news")) {
    const report = newsReport(record, item);
    if (report)
      return {
        expected: "工作动态类的新闻报道",
        why: `它没有发文字号，且是新闻写法（${report.newsMarkers.slice(0, 3).join("、")}）`,
        evidence: { rule: "news-in-policy", docNumber: null, newsMarkers: report.newsMarkers, formalMarkers: report.formalMarkers },
      };
  }
  return undefined;
}

/**
 * A news report rather than a document: no 发文字号, written as news (新闻式标题, 近日, 通讯员 …), hardly any formal
 * wording. Filed under a policy column it is misfiled, and it is not a policy document needing a 解读.
 */
export function newsReport(record: PageRecord, item: ListItem): { newsMarkers: string[]; formalMarkers: string[] } | undefined {
  const title = itemTitle(record, item);
  const titles = squash([title, item.title].join(" "));
  const body = record.bodyText.normalize("NFKC");
  if (docNumberOf(record) || /解读|图解|问答/.test(titles)) return undefined;
  const news = newsScore(body.slice(0, 3000), title);
  const formal = formalMarkers(body);
  return news.score >= 2 && formal.length < 2 ? { newsMarkers: news.markers, formalMarkers: formal } : undefined;
}

function fitsTopic(topics: Set<Topic>, record: PageRecord, item: ListItem): boolean {
  const titles = squash([itemTitle(record, item), item.title].join(" "));
  for (const t of topics) {
    if (t === "policy" && (docNumberOf(record) || formalMarkers(record.bodyText.normalize("NFKC")).length >= 2)) return true;
    if (t === "news" && newsScore(record.bodyText.normalize("NFKC").slice(0, 3000), itemTitle(record, item)).score >= 1) return true;
    const re = TOPIC_FIT[t];
    if (re && re.test(titles)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------

/** Minimum items (besides the one judged) a column needs before its centroid means anything. */
const MIN_CENTROID_ITEMS = 4;
/** Minimum cosine to the other column: below it, texts too short or too varied to say anything. */
const MIN_OTHER_SIMILARITY = 0.15;
/** Nearest items asked, how many must sit in the other column, and the cosine above which a text is a copy. */
const NEIGHBOURS = 5;
const NEIGHBOURS_AGREEING = 4;
const NEAR_COPY = 0.8;

interface Scores {
  own: number;
  best: { columnId: string; name: string; similarity: number };
  /** (best − own) / best: 1 = nothing like its own column; 0 = as like its own column as the other. */
  score: number;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export const misfiled: Detector = {
  name: "misfiled",
  detect(data: CrawlData, _ctx: DetectContext): FindingDraft[] {
    const pages = new PageIndex(data.pages, data.checks);
    const columns = data.config.columns;
    const walks = data.columns.filter((w) => isListColumn(w.column) && !w.error);
    const listedIn = new Map<string, Set<string>>(); // item url key → column ids listing it
    for (const w of walks)
      for (const it of w.items) {
        for (const k of [urlKey(it.url), urlKey(pages.get(it.url)?.record.finalUrl)]) {
          if (!k) continue;
          if (!listedIn.has(k)) listedIn.set(k, new Set());
          listedIn.get(k)!.add(w.column.id);
        }
      }
    const walkOf = new Map(data.columns.map((w) => [w.column.id, w]));

    // Entries that are another column's list page (a 更多 link, a sub-column) are not documents.
    const listPages = listPageKeys(data);
    const isListPage = (record: PageRecord): boolean => listPages.has(urlKey(record.url)) || listPages.has(urlKey(record.finalUrl));

    // Similarity model over every listed item that has a page.
    const docs = new Map<string, string>();
    const members: { walk: ColumnWalk; item: ListItem; record: PageRecord; key: string }[] = [];
    for (const w of walks)
      for (const item of w.items) {
        const record = pages.record(item.url);
        if (!record || isListPage(record)) continue;
        const key = urlKey(record.url);
        members.push({ walk: w, item, record, key });
        if (!docs.has(key)) {
          const title = itemTitle(record, item);
          docs.set(key, `${title} ${title} ${record.bodyText.slice(0, 1000)}`);
        }
      }
    const corpus = buildCorpus(docs);
    const centroids = new Map<string, Centroid>();
    for (const m of members) {
      if (!centroids.has(m.walk.column.id)) centroids.set(m.walk.column.id, new Centroid());
      centroids.get(m.walk.column.id)!.add(m.key, corpus.vectors.get(m.key)!);
    }
    for (const c of centroids.values()) c.finish();

    const scoresFor = (col: Column, key: string, v: Vec): Scores | undefined => {
      const own = centroids.get(col.id);
      if (!own || own.size(key) < MIN_CENTROID_ITEMS) return undefined;
      const ownSim = own.cosine(key, v);
      const ownTopics = topicsOfColumn(col);
      let best: Scores["best"] | undefined;
      for (const other of columns) {
        if (other.id === col.id) continue;
        if ([...topicsOfColumn(other)].some((t) => ownTopics.has(t))) continue; // sub-columns of one topic are alike
        const c = centroids.get(other.id);
        if (!c || c.size(key) < MIN_CENTROID_ITEMS) continue;
        const sim = c.cosine(key, v);
        if (!best || sim > best.similarity) best = { columnId: other.id, name: other.name, similarity: sim };
      }
      if (!best) return undefined;
      const score = best.similarity > 0 ? Math.max(0, (best.similarity - ownSim) / best.similarity) : 0;
      return { own: ownSim, best, score };
    };

    const out: FindingDraft[] = [];
    const judged = new Set<string>();
    for (const { walk, item, record, key } of members) {
      const col = walk.column;
      const judgedKey = `${col.id}\u0000${key}`;
      if (judged.has(judgedKey)) continue;
      judged.add(judgedKey);
      const title = itemTitle(record, item);
      const listers = listedIn.get(key) ?? new Set([col.id]);
      const quoted = listers.size > 1;

      // 1. Labels. Items on another host carry that site's column names: not comparable.
      const sameHost = (() => {
        try {
          return new URL(record.finalUrl).host === new URL(col.url).host;
        } catch {
          return false;
        }
      })();
      if (sameHost) {
        const labels = columnLabels(record).map((l) => ({ ...l, verdict: verdict(l.value, col) }));
        const crumbs = meaningfulCrumbs(record);
        // The listing column anywhere in the trail: the item sits in a sub-column of it.
        const crumbAgrees = crumbs.some((c) => verdict(c, col) === "agree");
        // A breadcrumb whose trail holds the listing column agrees (sub-column); an explicit ColumnName or 栏目
        // field naming another topic disagrees whatever the breadcrumb says (the page contradicts itself).
        const disagreeing = labels.filter((l) => l.verdict === "disagree" && !(l.source === "breadcrumb" && crumbAgrees));
        if (disagreeing.length) {
          const label = disagreeing.find((l) => l.source === "breadcrumb") ?? disagreeing[0];
          const labelTopic = topicOfName(label.value)!;
          const named =
            columnNamed(label.value, columns.filter((c) => c.id !== col.id)) ??
            columns.find((c) => c.id !== col.id && topicsOfColumn(c).has(labelTopic));
          const homeWalk = named ? walkOf.get(named.id) : undefined;
          const quotedFromHome = !!named && listers.has(named.id);
          const homeUnknown = !!homeWalk && (homeWalk.boundHit || !!homeWalk.error);
          if (quotedFromHome || homeUnknown) continue; // quoting from its home column, or cannot tell
          const where = label.source === "breadcrumb" ? "面包屑导航" : label.source === "meta" ? "ColumnName标签" : `元数据表“${label.field}”`;
          out.push(
            draft({
              kind: "misfiled",
              reason: label.source === "breadcrumb" ? "breadcrumb-mismatch" : "metadata-mismatch",
              severity: "medium",
              column: col,
              pageUrl: urlKey(record.url),
              message: `“${clip(title, 30)}”列在栏目“${col.name}”中，但其页面${where}标明所属栏目为“${label.value}”，请核实是否放错栏目。`,
              evidence: {
                listedIn: { id: col.id, name: col.name },
                itemTitle: title,
                labels: labels.map(({ source, field, value, verdict: v }) => ({ source, field, value, verdict: v })),
                breadcrumb: record.breadcrumb,
                namedColumn: named ? { id: named.id, name: named.name, listsItem: listers.has(named.id) } : null,
                namedTopic: TOPIC_ZH[labelTopic],
                alsoListedIn: [...listers].filter((id) => id !== col.id),
              },
            }),
          );
          continue;
        }
      }

      // 2. Content.
      const v = corpus.vectors.get(key)!;
      const scores = quoted ? undefined : scoresFor(col, key, v);
      const scoreEvidence = scores
        ? {
            similarity: {
              own: round(scores.own),
              mostLike: { id: scores.best.columnId, name: scores.best.name, similarity: round(scores.best.similarity) },
              score: round(scores.score),
              minScore: settingsFor(col).misfiledMinScore,
            },
          }
        : {};
      const rule = contentRules(col, record, item);
      let verdictOut: ContentVerdict | undefined = rule;
      if (!verdictOut && scores && !quoted) {
        const min = settingsFor(col).misfiledMinScore;
        if (scores.score >= min && scores.best.similarity >= MIN_OTHER_SIMILARITY && !fitsTopic(topicsOfColumn(col), record, item)) {
          // The centroid can be pulled by one copy of this very text in another column (a document quoted by copy):
          // also ask the nearest items. Most of them must sit in the other column, and none may be a copy.
          const near = nearest(corpus, key, v, NEIGHBOURS).map((n) => ({ ...n, columns: listedIn.get(n.key) ?? new Set<string>() }));
          const inOther = near.filter((n) => n.columns.has(scores.best.columnId) && !n.columns.has(col.id)).length;
          const copy = near.some((n) => n.similarity >= NEAR_COPY);
          if (!copy && inOther >= NEIGHBOURS_AGREEING)
            verdictOut = {
              expected: `“${scores.best.name}”栏目的内容`,
              why: `它与本栏目其他信息的相似度仅为${round(scores.own)}，与“${scores.best.name}”栏目为${round(scores.best.similarity)}`,
              evidence: { rule: "similarity", nearest: near.map((n) => ({ url: n.key, similarity: round(n.similarity), columns: [...n.columns] })) },
            };
        }
      }
      if (!verdictOut) continue;
      out.push(
        draft({
          kind: "misfiled",
          reason: "content-mismatch",
          severity: "low",
          column: col,
          pageUrl: urlKey(record.url),
          message: `“${clip(title, 30)}”列在栏目“${col.name}”中，但${verdictOut.why}，更像${verdictOut.expected}，请核实是否放错栏目。`,
          evidence: {
            listedIn: { id: col.id, name: col.name, type: col.type },
            itemTitle: title,
            expected: verdictOut.expected,
            ...verdictOut.evidence,
            ...scoreEvidence,
            ...(quoted ? { alsoListedIn: [...listers].filter((id) => id !== col.id) } : {}),
          },
        }),
      );
    }
    return out;
  },
};
