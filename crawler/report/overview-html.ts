// The overview as HTML, with the site report's look (html.ts CSS): cards with the totals, then site × department
// (open, new, fixed, longest open, other), each site linking to its own report (<site.id>/report.html).
import { CSS, escapeHtml } from "./html.js";
import type { Labels } from "./i18n.js";
import { localDate, localDateTime } from "./model.js";
import type { Overview } from "./overview.js";

/** Words the overview needs beyond a site report's. */
export const OVERVIEW_WORDS = {
  zh: { title: "各网站问题总览", site: "网站", sites: "网站数", lastCrawl: "最近抓取", total: "合计", report: "本站报告", none: "无问题" },
  en: { title: "All sites: overview", site: "Site", sites: "Sites", lastCrawl: "Latest crawl", total: "Total", report: "site report", none: "no problems" },
};

export function renderOverviewHtml(o: Overview, t: Labels, lang: "zh" | "en" = "zh"): string {
  const w = OVERVIEW_WORDS[lang];
  const period = `${localDate(o.since, o.timeZone)} ${t.to} ${localDate(o.until, o.timeZone)}`;
  const cards = [
    ["", w.sites, o.totals.sites],
    ["new", t.cardNew, o.totals.newCount],
    ["open", t.cardOpen, o.totals.open],
    ["fixed", t.cardFixed, o.totals.fixed],
    ["", t.cardOldest, o.totals.open ? t.daysUnit(o.totals.longestOpenDays) : "—"],
  ]
    .map(([cls, label, n]) => `<div class="card ${cls}"><div class="n">${escapeHtml(String(n))}</div><div class="l">${escapeHtml(String(label))}</div></div>`)
    .join("");
  const num = (n: number | string, hl = false) => `<td class="num${n === 0 || n === "—" ? " zero" : hl ? " hl" : ""}">${n}</td>`;
  const head = [w.site, t.department, t.colOpenTotal, t.colNew, t.colFixed, t.colOldest, t.colOther]
    .map((x, i) => `<th${i > 1 ? ' class="num"' : ""}>${escapeHtml(x)}</th>`)
    .join("");
  const body = o.sites
    .map((s) => {
      const siteCell = (span: number) =>
        `<td rowspan="${span}"><a href="${encodeURIComponent(s.siteId)}/report.html">${escapeHtml(s.siteName)}</a><br><span class="meta">${escapeHtml(s.siteId)} · ${w.lastCrawl} ${
          s.lastRunAt ? `${escapeHtml(localDateTime(s.lastRunAt, o.timeZone))}（${escapeHtml(t.crawlStatus[s.lastRunStatus ?? ""] ?? s.lastRunStatus ?? "")}）` : escapeHtml(t.noCrawl)
        }</span></td>`;
      const rows = s.rows.length ? s.rows : [{ department: w.none, open: 0, newCount: 0, fixed: 0, longestOpenDays: 0, other: 0 }];
      const lines = rows.map(
        (r, i) =>
          `<tr>${i === 0 ? siteCell(rows.length + 1) : ""}<td>${escapeHtml(r.department)}</td>${num(r.open, true)}${num(r.newCount)}${num(r.fixed)}${num(r.open ? r.longestOpenDays : "—")}${num(r.other)}</tr>`,
      );
      const t2 = s.totals;
      lines.push(`<tr><td><strong>${w.total}</strong></td>${num(t2.open, true)}${num(t2.newCount)}${num(t2.fixed)}${num(t2.open ? t2.longestOpenDays : "—")}${num(t2.other)}</tr>`);
      return lines.join("\n");
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="${lang === "en" ? "en" : "zh-CN"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(w.title)}（${escapeHtml(period)}）</title>
<style>${CSS}</style>
</head>
<body><div class="page">
<header class="top">
<div class="site">${escapeHtml(w.title)}</div>
<h1>${escapeHtml(w.title)}</h1>
<div class="meta">${escapeHtml(period)} · ${escapeHtml(localDateTime(o.generatedAt, o.timeZone))}</div>
</header>
<div class="cards">${cards}</div>
<table class="summary"><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table>
</div></body></html>
`;
}
