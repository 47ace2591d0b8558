// 办事指南 kept up to date: not older than guideMaxAgeDays, citing no repealed instrument, checked since the
// instruments it cites were revised, and carrying the 8 elements the 2015 national survey scores.
import type { Column, FindingDraft, Law } from "../../shared/schema.js";
import type { CrawlData, DetectContext, Detector, ListItem, PageRecord } from "../types.js";
import { allLaws } from "./laws.js";
import { defunctAgencyFindings } from "./agencies.js";
import { citedAsRepealed, findCitations, lawKey, lawsByKey, type Citation } from "./lib/citations.js";
import { PageIndex, settingsFor, urlKey } from "./lib/columns.js";
import { daysBetween, dateEvidence, isUpdateEvidence, lastUpdateDate, todayIso, type DateEvidence } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { clip, squash } from "./lib/text.js";

/**
 * The 8 required elements and the labels accepted for each. Real guides word them differently; a label that means
 * the same thing counts (办理时限 for 办理时间, 受理条件 for 申请条件 …).
 */
export const GUIDE_ELEMENT_VARIANTS: Record<string, string[]> = {
  事项名称: ["事项名称", "项目名称", "服务事项名称", "服务名称", "审批事项名称", "许可事项名称", "许可项目名称", "事项名", "办理事项", "服务事项"],
  设定依据: ["设定依据", "法律依据", "法定依据", "实施依据", "办理依据", "政策依据", "审批依据", "许可依据", "受理依据", "执法依据", "法规依据", "依据文件"],
  申请条件: ["申请条件", "受理条件", "办理条件", "申报条件", "许可条件", "准予许可的条件", "准予批准的条件", "申请人条件", "申请资格", "受理范围"],
  办理材料: ["办理材料", "申请材料", "申报材料", "提交材料", "所需材料", "材料清单", "材料目录", "申请资料", "提交资料", "所需资料", "应提交的材料", "应当提交的材料", "需提交的材料", "需要提交的材料"],
  办理地点: ["办理地点", "受理地点", "办公地点", "办事地点", "服务地点", "办理地址", "受理地址", "受理窗口", "办理窗口", "窗口地址", "办理机构地址"],
  办理时间: ["办理时间", "受理时间", "办公时间", "工作时间", "服务时间", "窗口时间", "办理时限", "承诺时限", "法定时限", "办结时限", "承诺期限", "办理期限", "审批时限"],
  联系电话: ["联系电话", "咨询电话", "联系方式", "咨询方式", "咨询途径", "服务电话", "办理电话", "咨询投诉电话", "电话咨询", "联系人及电话"],
  办理流程: ["办理流程", "办理程序", "办事流程", "办事程序", "申请流程", "受理流程", "审批流程", "审批程序", "许可程序", "许可流程", "办理步骤", "申办流程", "工作流程", "流程图"],
};

/** One required element: its name and the labels that count for it. `收费标准|收费依据` in the config = two labels. */
function elementSpec(name: string): { name: string; labels: string[] } {
  const parts = name.split("|").map((p) => squash(p)).filter(Boolean);
  const head = parts[0] ?? squash(name);
  const labels = new Set([...(GUIDE_ELEMENT_VARIANTS[head] ?? [head]), ...parts]);
  return { name: head, labels: [...labels].map(squash) };
}

export interface ElementCheck {
  present: { element: string; label: string }[];
  missing: string[];
}

export function checkElements(record: PageRecord, required: string[]): ElementCheck {
  const text = squash([record.heading ?? "", record.bodyText, ...Object.keys(record.metadata ?? {})].join("\n"));
  const present: ElementCheck["present"] = [];
  const missing: string[] = [];
  for (const spec of required.map(elementSpec)) {
    const label = spec.labels.find((l) => text.includes(l));
    if (label) present.push({ element: spec.name, label });
    else missing.push(spec.name);
  }
  return { present, missing };
}

function guideTitle(record: PageRecord, item: ListItem): string {
  return clip(record.heading || record.meta?.articletitle || item.title || record.title, 36);
}

function sourceText(e: DateEvidence): string {
  return e.source === "url" ? "网址中的日期" : e.source === "list" ? "列表日期" : e.label;
}

/**
 * When the guide was last looked at: a date the page itself labels 更新日期/更新时间/最后更新 wins over the list's
 * date and the URL's (those record a CMS publication, which a republished page or a re-sorted list moves without
 * anyone reviewing the content); without such a label, the latest date the page or its list entry shows.
 */
export function guideReviewDate(record: PageRecord, item: ListItem, today: string): DateEvidence | undefined {
  const labelled = dateEvidence(record).filter((e) => isUpdateEvidence(e) && e.date <= today);
  let best: DateEvidence | undefined;
  for (const e of labelled) if (!best || e.date > best.date) best = e;
  return best ?? lastUpdateDate(record, item, today);
}

/** The list's and the URL's dates, shown beside the page's own so the office sees why they were not taken. */
function otherDates(item: ListItem, used: DateEvidence): { date: string; source: string }[] {
  return dateEvidence(undefined, item)
    .filter((e) => !(e.source === used.source && e.date === used.date))
    .map((e) => ({ date: e.date, source: sourceText(e) }));
}

function judgeGuide(col: Column, record: PageRecord, item: ListItem, laws: Law[], today: string): FindingDraft[] {
  const s = settingsFor(col);
  const out: FindingDraft[] = [];
  const pageUrl = urlKey(record.url);
  const title = guideTitle(record, item);
  const last = guideReviewDate(record, item, today);
  const text = [record.heading ?? "", record.bodyText].join("\n");
  const citations = findCitations(text);
  const byKey = lawsByKey(laws.filter((l) => l.date <= today));
  const cited: { c: Citation; law: Law }[] = [];
  for (const c of citations) {
    const law = byKey.get(c.key);
    if (law) cited.push({ c, law });
  }

  // Repealed instruments: one finding per instrument, so fixing one closes exactly that one.
  const citedKeys = new Set(citations.map((c) => c.key));
  for (const { c, law } of cited) {
    if (law.status !== "repealed" || citedAsRepealed(text, c)) continue;
    const replacement = law.replacedBy ? `，现应依据《${law.replacedBy}》` : "";
    out.push(
      draft({
        kind: "stale-guide",
        reason: "repealed-law",
        severity: "high",
        column: col,
        pageUrl,
        key: `repealed-law:${lawKey(law.title)}`,
        message: `办事指南“${title}”仍引用已于${law.date}废止的《${c.title}》${replacement}，请更新指南。`,
        evidence: {
          citation: `《${c.title}》`,
          context: c.context,
          law: law.title,
          repealedOn: law.date,
          replacedBy: law.replacedBy ?? null,
          alsoCitesReplacement: law.replacedBy ? citedKeys.has(lawKey(law.replacedBy)) : false,
          lastUpdate: last?.date ?? null,
        },
      }),
    );
  }

  // Outdated: too old, or older than a revision of something it cites.
  if (last) {
    const age = daysBetween(last.date, today);
    const revised = cited.filter(({ law }) => law.status === "revised" && law.date > last.date);
    const tooOld = age > s.guideMaxAgeDays;
    if (tooOld || revised.length) {
      const parts: string[] = [];
      if (tooOld) parts.push(`已${age}天未更新，超过${s.guideMaxAgeDays}天的要求`);
      if (revised.length)
        parts.push(`其引用的${revised.map(({ c, law }) => `《${c.title}》已于${law.date}修订`).join("、")}`);
      out.push(
        draft({
          kind: "stale-guide",
          reason: "outdated",
          severity: "medium",
          column: col,
          pageUrl,
          key: "outdated",
          message: `办事指南“${title}”最后更新于${last.date}，${parts.join("；")}，请按现行规定核对更新。`,
          evidence: {
            lastUpdate: last.date,
            lastUpdateSource: sourceText(last),
            otherDates: otherDates(item, last),
            ageDays: age,
            guideMaxAgeDays: s.guideMaxAgeDays,
            today,
            ...(revised.length
              ? { revisedLaws: revised.map(({ c, law }) => ({ citation: `《${c.title}》`, law: law.title, revisedOn: law.date, ...(law.replacedBy ? { current: law.replacedBy } : {}) })) }
              : {}),
          },
        }),
      );
    }
  }

  // Missing elements. A guide kept in an attachment, or a page whose body we barely saw, is not judged.
  const elements = checkElements(record, s.requiredGuideElements);
  const hasAttachment = record.links.some((l) => l.attachment);
  const bodyTooThin = squash(record.bodyText).length < 40;
  const contentElsewhere = (hasAttachment && elements.present.length <= 2) || bodyTooThin;
  if (elements.missing.length && !contentElsewhere) {
    out.push(
      draft({
        kind: "stale-guide",
        reason: "missing-elements",
        severity: "medium",
        column: col,
        pageUrl,
        key: "missing-elements",
        message: `办事指南“${title}”缺少${elements.missing.length}项必备要素：${elements.missing.join("、")}。`,
        evidence: {
          missing: elements.missing,
          present: elements.present,
          required: s.requiredGuideElements,
        },
      }),
    );
  }
  return out;
}

export const staleGuide: Detector = {
  name: "stale-guide",
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[] {
    const today = todayIso(ctx.now);
    const laws = ctx.laws.length ? ctx.laws : allLaws(data.config);
    const pages = new PageIndex(data.pages, data.checks);
    const out: FindingDraft[] = [];
    const done = new Set<string>();
    for (const walk of data.columns) {
      if (walk.column.type !== "guide" || walk.error) continue;
      for (const item of walk.items) {
        const record = pages.record(item.url);
        if (!record) continue; // not fetched, or broken: the link detectors say so
        const k = urlKey(record.url);
        if (done.has(k)) continue; // a guide quoted into two guide columns is judged once
        done.add(k);
        // A sub-list inside the guide column (行政许可 → its guides) is not a guide itself.
        if (record.listItems.length >= 3 && checkElements(record, [...Object.keys(GUIDE_ELEMENT_VARIANTS)]).present.length < 3) continue;
        out.push(...judgeGuide(walk.column, record, item, laws, today));
        out.push(...defunctAgencyFindings(walk.column, record, item, data.config.agencies));
      }
    }
    return out;
  },
};
