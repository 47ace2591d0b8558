// The HTML report: one self-contained file (inline CSS, inline SVG chart, no script, nothing fetched), written for
// a department head: the figures first, then each department's lists. Every crawled string is escaped; only
// http(s) URLs become links.
import type { Labels } from "./i18n.js";
import type { DepartmentReport, LinkRow, OtherRow, ReportModel } from "./model.js";
import { dateText, dayText, errorText, kindText, periodText } from "./text.js";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A URL shown as a link only when it is http(s); anything else (javascript:, data:) is shown as text. */
function urlCell(url: string): string {
  if (!url) return "";
  const safe = /^https?:\/\//i.test(url);
  return safe ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>` : escapeHtml(url);
}

const PALETTE = ["#c0392b", "#2471a3", "#d68910", "#1e8449", "#7d3c98", "#117a65", "#a04000", "#2e4053", "#b03a2e", "#5d6d7e"];

export const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1f2933;font:14px/1.6 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","Source Han Sans SC",sans-serif}
.page{max-width:1280px;margin:0 auto;padding:24px 28px 40px;background:#fff;min-height:100vh}
header.top{border-bottom:3px solid #b71c1c;padding-bottom:12px;margin-bottom:18px}
.site{font-size:15px;color:#7b1f1f;font-weight:600;letter-spacing:.05em}
h1{margin:2px 0 6px;font-size:26px;letter-spacing:.04em}
.meta{color:#52606d;font-size:13px}
.warn{background:#fff4e5;border-left:4px solid #d97706;padding:8px 12px;margin:0 0 16px;color:#7c4a03}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin:8px 0 14px}
.card{border:1px solid #e4e7eb;border-top:4px solid #9aa5b1;border-radius:6px;padding:10px 14px;background:#fbfcfd}
.card .n{font-size:30px;font-weight:700;line-height:1.2}
.card .l{color:#52606d;font-size:13px}
.card.new{border-top-color:#d97706}.card.new .n{color:#b45309}
.card.open{border-top-color:#b91c1c}.card.open .n{color:#b91c1c}
.card.fixed{border-top-color:#15803d}.card.fixed .n{color:#15803d}
.card.other{border-top-color:#2563eb}.card.other .n{color:#1d4ed8}
.headline{font-size:15px;margin:4px 0 18px;padding:10px 14px;background:#f8fafc;border-radius:6px}
h2{font-size:19px;margin:26px 0 10px;padding-left:10px;border-left:5px solid #b71c1c}
h3{font-size:15px;margin:18px 0 6px;color:#323f4b}
h3 .count{font-weight:400;color:#616e7c;margin-left:6px}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:4px 0 8px;table-layout:auto}
th,td{border:1px solid #d9dee3;padding:5px 7px;vertical-align:top;text-align:left}
th{background:#eef1f4;font-weight:600;white-space:nowrap}
tbody tr:nth-child(even) td{background:#fafbfc}
td.num,th.num{text-align:right;white-space:nowrap}
td.url{word-break:break-all;color:#3e4c59;font-size:11.5px;min-width:150px;max-width:260px}
td.url a{color:#1d4ed8;text-decoration:none}
td.title{min-width:120px;max-width:240px;word-break:break-word}
td.nowrap{white-space:nowrap}
.sum{width:auto;min-width:760px}
.sum td,.sum th{font-size:13.5px;padding:6px 14px}
.sum td.zero{color:#b0b8c1}
.sum td.hl{font-weight:700;color:#b91c1c}
.sum a{color:#1f2933}
.days{display:inline-block;min-width:34px;text-align:center;border-radius:10px;padding:0 6px;background:#e4e7eb}
.days.w{background:#fde68a;color:#78350f}.days.m{background:#fecaca;color:#7f1d1d;font-weight:600}
.tag{display:inline-block;border-radius:3px;padding:0 5px;font-size:11.5px;white-space:nowrap}
.tag.confirmed{background:#fee2e2;color:#991b1b}.tag.suspected{background:#fef3c7;color:#92400e}
.tag.ack{background:#dbeafe;color:#1e3a8a}.tag.again{background:#ede9fe;color:#5b21b6}
.dept{border-top:1px solid #e4e7eb;margin-top:28px}
.chips{color:#52606d;font-size:13px;margin:-4px 0 6px}
.chips b{color:#1f2933}
.maint{color:#52606d;font-size:13px;margin:0 0 8px}
.none{color:#7b8794;margin:2px 0 8px}
.clean{color:#15803d;background:#f0fdf4;padding:8px 12px;border-radius:6px}
.chart{border:1px solid #e4e7eb;border-radius:6px;padding:10px 12px 4px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13px;margin:4px 0 6px}
.legend i{display:inline-block;width:14px;height:4px;border-radius:2px;margin-right:6px;vertical-align:middle}
.note{color:#7b8794;font-size:12px}
footer{margin-top:30px;color:#7b8794;font-size:12px;border-top:1px solid #e4e7eb;padding-top:10px}
@media print{body{background:#fff}.page{padding:0;max-width:none}.dept{break-before:page}a{color:inherit}}
`;

function daysBadge(n: number, t: Labels): string {
  const cls = n > 30 ? "days m" : n > 7 ? "days w" : "days";
  return `<span class="${cls}" title="${escapeHtml(t.daysUnit(n))}">${n}</span>`;
}

/** A table cut at `max` rows (mail bodies), saying how many more the attachment holds. */
function capped<T>(rows: T[], max: number | undefined, t: Labels, render: (rows: T[]) => string): string {
  if (max === undefined || rows.length <= max) return render(rows);
  return render(rows.slice(0, max)) + `<p class="note">${escapeHtml(t.moreRows(rows.length - max))}</p>`;
}

function linkTable(rows: LinkRow[], model: ReportModel, t: Labels, opts: { fixed?: boolean } = {}): string {
  if (!rows.length) return `<p class="none">${escapeHtml(t.nothing)}</p>`;
  const h = t.th;
  const head = [h.index, h.foundAt, h.targetUrl, h.linkText, h.pageUrl, h.pageTitle, h.column, h.department, h.error, h.certainty, h.daysOpen]
    .concat(opts.fixed ? [h.fixedAt] : [])
    .map((x, i) => `<th${i === 0 || i === 10 ? ' class="num"' : ""}>${escapeHtml(x)}</th>`)
    .join("");
  const body = rows
    .map((r, i) => {
      const ack =
        (r.state === "acknowledged" ? ` <span class="tag ack">${escapeHtml(t.rowState.acknowledged)}</span>` : "") +
        (r.reopenedCount > 0 ? ` <span class="tag again">${escapeHtml(t.reopened(r.reopenedCount))}</span>` : "");
      const cells = [
        `<td class="num">${i + 1}</td>`,
        `<td class="nowrap">${escapeHtml(dayText(r.firstSeen, model))}</td>`,
        `<td class="url">${urlCell(r.targetUrl)}</td>`,
        `<td class="title">${escapeHtml(r.linkText)}</td>`,
        `<td class="url">${urlCell(r.pageUrl)}</td>`,
        `<td class="title">${escapeHtml(r.pageTitle)}</td>`,
        `<td class="nowrap">${escapeHtml(r.columnName)}</td>`,
        `<td class="nowrap">${escapeHtml(r.department)}</td>`,
        `<td>${escapeHtml(errorText(r, t))}${ack}</td>`,
        `<td><span class="tag ${r.certainty}">${escapeHtml(t.certainty[r.certainty])}</span></td>`,
        `<td class="num">${daysBadge(r.daysOpen, t)}</td>`,
      ];
      if (opts.fixed) cells.push(`<td class="nowrap">${escapeHtml(dayText(r.fixedAt, model))}</td>`);
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function otherTable(rows: OtherRow[], model: ReportModel, t: Labels): string {
  const h = t.th;
  const head = [h.index, h.kind, h.column, h.pageTitle, h.pageUrlPlain, h.message, h.foundAt, h.daysOpen]
    .map((x, i) => `<th${i === 0 || i === 7 ? ' class="num"' : ""}>${escapeHtml(x)}</th>`)
    .join("");
  const body = rows
    .map(
      (r, i) =>
        `<tr><td class="num">${i + 1}</td><td class="nowrap">${escapeHtml(kindText(r.kind, t))}</td><td class="nowrap">${escapeHtml(r.columnName)}</td>` +
        `<td class="title">${escapeHtml(r.pageTitle)}</td><td class="url">${urlCell(r.pageUrl)}</td><td>${escapeHtml(r.message)}</td>` +
        `<td class="nowrap">${escapeHtml(dayText(r.firstSeen, model))}</td><td class="num">${daysBadge(r.daysOpen, t)}</td></tr>`,
    )
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** 检查覆盖情况: what the crawl could not reach, for the office (no maintainer acts on it). */
function coverageSection(model: ReportModel, t: Labels): string {
  if (!model.lastRun) return "";
  const rows = model.coverage;
  const h = t.th;
  const body = rows.length
    ? `<table><thead><tr>${[h.index, h.column, h.kind, h.message, h.pageUrlPlain, h.foundAt].map((x, i) => `<th${i === 0 ? ' class="num"' : ""}>${escapeHtml(x)}</th>`).join("")}</tr></thead><tbody>\n${rows
        .map(
          (r, i) =>
            `<tr><td class="num">${i + 1}</td><td class="nowrap">${escapeHtml(r.columnName)}</td><td class="nowrap">${escapeHtml(t.reasons[r.reason] ?? r.reason)}</td>` +
            `<td>${escapeHtml(r.message)}</td><td class="url">${urlCell(r.pageUrl)}</td><td class="nowrap">${escapeHtml(dayText(r.firstSeen, model))}</td></tr>`,
        )
        .join("\n")}\n</tbody></table>`
    : `<p>${escapeHtml(t.coverageAll)}</p>`;
  return `<section class="coverage" id="coverage"><h2>${escapeHtml(t.sectionCoverage)}<span class="count">${rows.length}</span></h2>\n<p class="note">${escapeHtml(t.coverageNote)}</p>\n${body}</section>`;
}

/** A line chart of open link problems per week, one line per department; plain SVG, no script. */
export function trendSvg(model: ReportModel, t: Labels): string {
  const W = 1000;
  const H = 260;
  const pad = { l: 44, r: 20, t: 14, b: 34 };
  const weeks = model.weeks;
  const series = model.departments.filter((d) => d.trend.some((n) => n > 0));
  const max = Math.max(4, ...series.flatMap((d) => d.trend));
  const step = Math.max(1, Math.ceil(max / 4));
  const yMax = step * 4;
  const x = (i: number) => pad.l + (weeks.length <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (weeks.length - 1));
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / yMax);
  const grid = [0, 1, 2, 3, 4]
    .map((k) => {
      const v = k * step;
      return `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e7eb"/><text x="${pad.l - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12" fill="#616e7c">${v}</text>`;
    })
    .join("");
  const labels = weeks
    .map((w, i) => `<text x="${x(i)}" y="${H - 10}" text-anchor="middle" font-size="12" fill="#616e7c">${escapeHtml(dayText(w, model).slice(5))}</text>`)
    .join("");
  const lines = series
    .map((d) => {
      const color = PALETTE[model.departments.indexOf(d) % PALETTE.length];
      const pts = d.trend.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      const dots = d.trend
        .map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeHtml(`${d.department} ${dayText(weeks[i], model)}: ${v}`)}</title></circle>`)
        .join("");
      return `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round"/>${dots}`;
    })
    .join("\n");
  const legend = series
    .map((d) => `<span><i style="background:${PALETTE[model.departments.indexOf(d) % PALETTE.length]}"></i>${escapeHtml(d.department)}（${d.trend[d.trend.length - 1]}）</span>`)
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(t.trendTitle)}">${grid}${labels}${lines}</svg>`;
  return `<div class="chart">${svg}<div class="legend">${legend || `<span class="note">${escapeHtml(t.nothing)}</span>`}</div><div class="note">${escapeHtml(t.trendNote)}</div></div>`;
}

function departmentSection(d: DepartmentReport, index: number, model: ReportModel, t: Labels, maxRows?: number): string {
  const open = d.newRows.length + d.stillOpenRows.length;
  const chips = [
    `${escapeHtml(t.colNew)} <b>${d.newRows.length}</b>`,
    `${escapeHtml(t.colStillOpen)} <b>${d.stillOpenRows.length}</b>`,
    `${escapeHtml(t.colFixed)} <b>${d.fixedRows.length}</b>`,
    `${escapeHtml(t.colOther)} <b>${d.otherRows.length}</b>`,
    ...(open ? [`${escapeHtml(t.cardOldest)} <b>${escapeHtml(t.daysUnit(d.oldestDays))}</b>`] : []),
  ].join(" · ");
  const maint = d.maintainers.length
    ? `<p class="maint">${escapeHtml(t.maintainers)}：${d.maintainers.map((m) => `${escapeHtml(m.name)}（${escapeHtml(m.columns.join("、"))}）`).join("；")}</p>`
    : "";
  const parts = [`<section class="dept" id="dept-${index + 1}">`, `<h2>${escapeHtml(d.department)}</h2>`, `<p class="chips">${chips}</p>`, maint];
  if (!open && !d.fixedRows.length && !d.otherRows.length) {
    parts.push(`<p class="clean">${escapeHtml(t.deptClean)}</p>`, "</section>");
    return parts.join("\n");
  }
  const h = t.th;
  const colRows = d.columns
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.columnName)}</td><td>${escapeHtml(c.maintainerName)}</td><td class="num">${c.newCount}</td><td class="num">${c.stillOpen}</td><td class="num">${c.fixed}</td><td class="num">${c.other}</td></tr>`,
    )
    .join("");
  parts.push(
    `<h3>${escapeHtml(t.byColumn)}</h3>`,
    `<table class="sum" style="width:auto"><thead><tr><th>${escapeHtml(h.column)}</th><th>${escapeHtml(h.maintainer)}</th><th class="num">${escapeHtml(t.colNew)}</th><th class="num">${escapeHtml(t.colStillOpen)}</th><th class="num">${escapeHtml(t.colFixed)}</th><th class="num">${escapeHtml(t.colOther)}</th></tr></thead><tbody>${colRows}</tbody></table>`,
    `<h3>${escapeHtml(t.sectionNew)}<span class="count">${d.newRows.length}</span></h3>`,
    capped(d.newRows, maxRows, t, (rows) => linkTable(rows, model, t)),
    `<h3>${escapeHtml(t.sectionStillOpen)}<span class="count">${d.stillOpenRows.length}</span></h3>`,
    capped(d.stillOpenRows, maxRows, t, (rows) => linkTable(rows, model, t)),
    `<h3>${escapeHtml(t.sectionFixed)}<span class="count">${d.fixedRows.length}</span></h3>`,
    capped(d.fixedRows, maxRows, t, (rows) => linkTable(rows, model, t, { fixed: true })),
  );
  if (d.otherRows.length) parts.push(`<h3>${escapeHtml(t.sectionOther)}<span class="count">${d.otherRows.length}</span></h3>`, capped(d.otherRows, maxRows, t, (rows) => otherTable(rows, model, t)));
  parts.push("</section>");
  return parts.join("\n");
}

export function renderHtml(model: ReportModel, t: Labels, opts: { chart?: boolean; lang?: string; maxRowsPerTable?: number } = {}): string {
  const tot = model.totals;
  const run = model.lastRun;
  const runText = run ? `${dateText(run.startedAt, model)}（${t.crawlStatus[run.status] ?? run.status}）` : t.noCrawl;
  const warn = run && run.status !== "complete" ? `<p class="warn">${escapeHtml(t.incompleteWarning)}</p>` : "";
  const cards = [
    ["new", t.cardNew, tot.newCount],
    ["open", t.cardOpen, tot.open],
    ["fixed", t.cardFixed, tot.fixed],
    ["other", t.cardOther, tot.other],
    ["", t.cardOldest, tot.open ? t.daysUnit(tot.oldestDays) : "—"],
  ]
    .map(([cls, label, n]) => `<div class="card ${cls}"><div class="n">${escapeHtml(String(n))}</div><div class="l">${escapeHtml(String(label))}</div></div>`)
    .join("");
  const sumRows = model.departments
    .map(
      (d, i) =>
        `<tr><td><a href="#dept-${i + 1}">${escapeHtml(d.department)}</a></td>` +
        [
          d.newRows.length,
          d.stillOpenRows.length,
          d.newRows.length + d.stillOpenRows.length,
          d.fixedRows.length,
          d.newRows.length + d.stillOpenRows.length ? d.oldestDays : "—",
          d.otherRows.length,
          d.acknowledged,
          d.falsePositives,
        ]
          .map((n, k) => `<td class="num${n === 0 || n === "—" ? " zero" : k === 2 ? " hl" : ""}">${n}</td>`)
          .join("") +
        `</tr>`,
    )
    .join("\n");
  const sumHead = [t.department, t.colNew, t.colStillOpen, t.colOpenTotal, t.colFixed, t.colOldest, t.colOther, t.colAcknowledged, t.colFalsePositive]
    .map((x, i) => `<th${i ? ' class="num"' : ""}>${escapeHtml(x)}</th>`)
    .join("");
  const title = `${model.siteName} ${t.reportTitle}`;
  return `<!DOCTYPE html>
<html lang="${opts.lang ?? "zh-CN"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}（${escapeHtml(periodText(model, t))}）</title>
<style>${CSS}</style>
</head>
<body><div class="page">
<header class="top">
<div class="site">${escapeHtml(model.siteName)}</div>
<h1>${escapeHtml(t.reportTitle)}</h1>
<div class="meta">${escapeHtml(t.period)}：${escapeHtml(periodText(model, t))} · ${escapeHtml(t.lastCrawl)}：${escapeHtml(runText)} · ${escapeHtml(t.generatedAt)}：${escapeHtml(dateText(model.generatedAt, model))}</div>
</header>
${warn}
<div class="cards">${cards}</div>
<p class="headline">${escapeHtml(t.headline({ newCount: tot.newCount, open: tot.open, fixed: tot.fixed, oldestDays: tot.oldestDays, oldestDept: tot.oldestDept }))}</p>
<h2>${escapeHtml(t.summaryByDept)}</h2>
<table class="sum"><thead><tr>${sumHead}</tr></thead><tbody>
${sumRows}
</tbody></table>
<p class="note">${escapeHtml(t.certaintyNote)}</p>
${opts.chart === false ? "" : `<h2>${escapeHtml(t.trendTitle)}</h2>\n${trendSvg(model, t)}`}
${model.departments.map((d, i) => departmentSection(d, i, model, t, opts.maxRowsPerTable)).join("\n")}
${coverageSection(model, t)}
<footer>${escapeHtml(t.footer)}</footer>
</div></body>
</html>
`;
}
