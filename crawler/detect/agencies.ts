// Agencies abolished by the 2018–2019 reform (field notes: 工商行政管理局, 质量技术监督局, 食品药品监督管理局 merged
// into 市场监督管理局; 物价局's price work to 发展改革 and 市场监管), with their successors. A 办事指南 naming one as the
// office that does the work (受理机构, 办理地点, 咨询 …) is out of date whatever its date (stale-guide /
// defunct-agency). A sentence telling history (原区工商局职责已划入我局, 机构改革前 …) is fine. Pure functions.
import type { Agency, Column, FindingDraft } from "../../shared/schema.js";
import type { ListItem, PageRecord } from "../types.js";
import { urlKey } from "./lib/columns.js";
import { draft } from "./lib/finding.js";
import { clip } from "./lib/text.js";

export interface AgencyRule {
  /** The name shown in findings (the full official form). */
  name: string;
  /** How pages write it: full names and the usual short forms. */
  pattern: RegExp;
  successor: string;
  abolished: string;
}

const MARKET = "市场监督管理局";

/** Built-in list; config `agencies` adds more. National names come first so the longer name wins. */
export const BUILT_IN_AGENCIES: AgencyRule[] = [
  { name: "国家工商行政管理总局", pattern: /国家工商行政管理总局|国家工商总局|工商总局/g, successor: "国家市场监督管理总局", abolished: "2018" },
  { name: "国家质量监督检验检疫总局", pattern: /国家质量监督检验检疫总局|国家质检总局|质检总局/g, successor: "国家市场监督管理总局（出入境检验检疫：海关总署）", abolished: "2018" },
  { name: "国家食品药品监督管理总局", pattern: /国家食品药品监督管理总局|国家食药监总局|食药监总局/g, successor: "国家市场监督管理总局（药品：国家药品监督管理局）", abolished: "2018" },
  { name: "工商行政管理局", pattern: /工商行政管理局|工商局|工商分局|工商所|工商行政管理所/g, successor: MARKET, abolished: "2018–2019" },
  { name: "质量技术监督局", pattern: /质量技术监督局|质监局|技术监督局|质量技监局/g, successor: MARKET, abolished: "2018–2019" },
  { name: "食品药品监督管理局", pattern: /食品药品监督管理局|食药监局|食药监管局|食品药品监管局/g, successor: MARKET, abolished: "2018–2019" },
  { name: "物价局", pattern: /物价局|物价检查所/g, successor: "发展和改革委员会（价格管理）、市场监督管理局（价格监督检查）", abolished: "2018–2019" },
];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The built-in list plus the config's `agencies` (matched as written). */
export function agencyRules(extra: Agency[] = []): AgencyRule[] {
  return [...extra.map((a) => ({ name: a.name, pattern: new RegExp(escapeRe(a.name), "g"), successor: a.successor, abolished: a.abolished ?? "" })), ...BUILT_IN_AGENCIES];
}

/** Words that make the agency the one doing the work: where to apply, who accepts, decides, answers. */
const ROLE = /(办理机构|受理机构|实施主体|实施机关|实施机构|办理部门|受理部门|受理单位|办理单位|承办机构|决定机关|审批机关|审批部门|发证机关|许可机关|主管部门|责任部门|办理地点|受理地点|办事地点|办理地址|受理地址|受理窗口|办理窗口|办公地点|咨询|联系|投诉|监督电话|送达|提交至|报送|向)/;
/** Words that make the sentence history: the agency as it was, merged, renamed. */
const HISTORY = /(机构改革|划入|划转|并入|更名|撤销|整合|组建|不再保留|职责已|合并|前身|改革前|曾)/;
/** 原 right before the name (原区工商局, 原嘉定区工商行政管理局). */
const FORMER = /原(?:[\u4e00-\u9fa5]{0,8}?(?:省|市|区|县|州|盟|旗))?$/;

export interface AgencyMention {
  rule: AgencyRule;
  /** The words as written, and the sentence around them (clipped). */
  written: string;
  context: string;
}

/** The abolished agencies a text names as the office that does the work (one mention per agency). */
export function findDefunctAgencies(text: string, rules: AgencyRule[]): AgencyMention[] {
  const out: AgencyMention[] = [];
  const taken: [number, number][] = [];
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    for (const m of text.matchAll(rule.pattern)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue; // part of a longer name already found
      taken.push([start, end]);
      if (out.some((o) => o.rule === rule)) continue;
      // The sentence (or table cell run) the name stands in.
      const before = text.slice(0, start);
      const sStart = Math.max(before.search(/[^。；;！？!?\n]*$/), start - 60);
      const afterRest = text.slice(end);
      const sEndRel = afterRest.search(/[。；;！？!?\n]/);
      const sEnd = end + (sEndRel < 0 ? Math.min(afterRest.length, 40) : Math.min(sEndRel, 40));
      const lead = text.slice(sStart, start);
      const sentence = text.slice(sStart, sEnd);
      if (FORMER.test(lead) || HISTORY.test(sentence)) continue;
      if (!ROLE.test(lead.slice(-40))) continue;
      out.push({ rule, written: m[0], context: clip(sentence.trim(), 80) });
    }
  }
  return out;
}

/** stale-guide / defunct-agency findings for one guide page: one per abolished agency it names as doing the work. */
export function defunctAgencyFindings(col: Column, record: PageRecord, item: ListItem, extra: Agency[] = []): FindingDraft[] {
  const text = [record.heading ?? "", record.bodyText].join("\n");
  const title = clip(record.heading || record.meta?.articletitle || item.title || record.title, 36);
  return findDefunctAgencies(text, agencyRules(extra)).map((a) =>
    draft({
      kind: "stale-guide",
      reason: "defunct-agency",
      severity: "medium",
      column: col,
      pageUrl: urlKey(record.url),
      key: `defunct-agency:${a.rule.name}`,
      message: `办事指南“${title}”仍写明由“${a.written}”办理，该机构已于${a.rule.abolished || "机构改革中"}撤销，现由${a.rule.successor}负责，请更新指南。`,
      evidence: { agency: a.rule.name, written: a.written, context: a.context, successor: a.rule.successor, abolished: a.rule.abolished || null },
    }),
  );
}
