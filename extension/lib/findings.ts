// Pure mapping from findings to what the maintainer sees: which link a finding marks, its label, tooltip and banner
// text. No DOM, no chrome APIs: tested directly. Every string produced here is plain text, never HTML.
import type { ApiFinding, MineResponse, PageFindingsResponse } from "../../crawler/serve/api-types.js";
import { fragmentOf, linkTargetKey, normalizeUrl, parseHttpUrl } from "../../shared/url.js";
import type { Translate } from "./i18n.js";

export type { ApiFinding };

const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

/** `prefix_kind_name` when the locale has it, else `prefix_other`: a kind added later still reads as a problem. */
function labelOrOther(t: Translate, prefix: string, kind: string): string {
  const key = `${prefix}_${kind.replace(/-/g, "_")}`;
  const text = t(key);
  return text === key ? t(`${prefix}_other`) : text;
}

export function kindLabel(t: Translate, kind: string): string {
  return labelOrOther(t, "kind", kind);
}

export function adviceFor(t: Translate, kind: string): string {
  return labelOrOther(t, "advice", kind);
}

export function stateLabel(t: Translate, state: string | undefined): string {
  return t(`state_${(state ?? "open").replace(/-/g, "_")}`);
}

export function worstFirst(a: ApiFinding, b: ApiFinding): number {
  return (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) || a.firstSeen.localeCompare(b.firstSeen);
}

/**
 * Kinds that are for the office running gongkai, never a maintainer's problem on a page: `coverage` says what the
 * crawl could reach, not what is wrong with the site's content. The extension never shows them, whoever is signed in.
 */
export const OFFICE_ONLY_KINDS: ReadonlySet<string> = new Set(["coverage"]);

export const shownInExtension = (f: ApiFinding): boolean => !OFFICE_ONLY_KINDS.has(f.kind);

/** A page's answer without the office-only findings (the column total drops by those left out). */
export function pageAnswerForExtension(data: PageFindingsResponse): PageFindingsResponse {
  const columnFindings = data.columnFindings.filter(shownInExtension);
  return {
    ...data,
    linkFindings: data.linkFindings.filter(shownInExtension),
    pageFindings: data.pageFindings.filter(shownInExtension),
    columnFindings,
    columnFindingsTotal: Math.max(0, data.columnFindingsTotal - (data.columnFindings.length - columnFindings.length)),
  };
}

/** The department's list without the office-only findings. */
export function mineForExtension(data: MineResponse): MineResponse {
  const findings = data.findings.filter(shownInExtension);
  return { ...data, findings, total: Math.max(0, data.total - (data.findings.length - findings.length)) };
}

/** Link target (shared/url linkTargetKey: normalised URL, `#fragment` only for missing-anchor targets) → findings. */
export type LinkIndex = Map<string, ApiFinding[]>;

/** Normalised link target → its findings, worst first. One map, built once per answer: marking is one lookup per link. */
export function buildLinkIndex(linkFindings: ApiFinding[]): LinkIndex {
  const index: LinkIndex = new Map();
  for (const f of linkFindings) {
    const key = f.targetUrl ? linkTargetKey(f.targetUrl) : null;
    if (!key) continue;
    const list = index.get(key);
    if (list) list.push(f);
    else index.set(key, [f]);
  }
  for (const list of index.values()) list.sort(worstFirst);
  return index;
}

/**
 * The findings of one link as written on the page: `raw` (the attribute) resolved against `base` (the document's
 * base URL, `<base href>` included), exactly as the crawler resolved it (shared/url). `resolved` is the browser's
 * own resolution (the element's href/src property): when it holds no escape, no fragment and no empty query it is
 * already in normal form, and one Map lookup answers (the common case on a page of thousands of links).
 */
export function findingsForLink(index: LinkIndex, raw: string, base: string, resolved?: string): ApiFinding[] | undefined {
  if (resolved !== undefined && resolved.indexOf("%") === -1 && resolved.indexOf("#") === -1 && !resolved.endsWith("?")) return index.get(resolved);
  const url = normalizeUrl(raw, base);
  if (!url) return undefined;
  const byUrl = index.get(url);
  const fragment = fragmentOf(raw, base);
  const byAnchor = fragment ? index.get(`${url}#${fragment}`) : undefined;
  if (!byAnchor) return byUrl;
  if (!byUrl) return byAnchor;
  return [...byUrl, ...byAnchor].sort(worstFirst);
}

/** Whole days from `iso` to `now` (0 when in the future or unparseable). */
export function daysSince(iso: string, now: Date): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.floor((now.getTime() - t) / 86_400_000));
}

/** `2024-03-15` in the browser's time zone. */
export function dateOnly(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Only http(s) URLs ever become links; anything else (javascript:, data:, garbage) stays text. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const u = parseHttpUrl(url);
  return u ? u.href : undefined;
}

export interface FindingText {
  /** `断链 · http-404` */
  title: string;
  severity: string;
  /** The crawler's one-sentence message. */
  message: string;
  /** What the finding is about: link text, target, page. */
  details: string[];
  /** Since when, whose column, who is responsible. */
  meta: string[];
  /** Who set its state and why, when it is not open. */
  stateNote?: string;
  advice: string;
}

/** What a tooltip or banner entry says about one finding: what is wrong, since when, whose column, what to do. */
export function describeFinding(t: Translate, f: ApiFinding, now: Date, opts: { withPage?: boolean } = {}): FindingText {
  const details: string[] = [];
  if (f.linkText) details.push(t("tip_link_text", [f.linkText]));
  if (f.targetUrl) details.push(t("tip_target", [f.targetUrl]));
  if (opts.withPage) details.push(t("tip_page", [f.pageTitle ? `${f.pageTitle} ${f.pageUrl}` : f.pageUrl]));
  const meta = [
    t("tip_since", [dateOnly(f.firstSeen), daysSince(f.firstSeen, now)]),
    t("tip_column", [f.columnName ?? f.columnId]),
    t("tip_owner", [f.maintainer.department, f.maintainer.name]),
  ];
  const stateNote =
    f.state && f.state !== "open" && f.stateBy
      ? t("tip_state_by", [stateLabel(t, f.state), f.stateBy.name, f.stateBy.note ?? ""]).replace(/[：:]\s*$/, "")
      : undefined;
  return {
    title: `${kindLabel(t, f.kind)} · ${f.reason}`,
    severity: f.severity,
    message: f.message,
    details,
    meta,
    stateNote,
    advice: t("tip_advice", [adviceFor(t, f.kind)]),
  };
}

/** The kind a marked link shows in `data-gongkai-finding`: its worst finding's. */
export function primaryKind(findings: ApiFinding[]): string {
  return findings[0]?.kind ?? "";
}
