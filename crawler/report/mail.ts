// The weekly report by e-mail: every department gets its own part (HTML body, its XLSX attached), sent to the
// maintainers of its columns plus the config's extra recipients; the office gets the whole report.
import nodemailer from "nodemailer";
import type { Config, MailSettings } from "../../shared/schema.js";
import { renderHtml } from "./html.js";
import { labelsFor, type Labels } from "./i18n.js";
import { forDepartment, localDate, type ReportModel } from "./model.js";
import { renderXlsx } from "./xlsx.js";

/** Rows per table in a mail body; the attached XLSX holds them all. */
export const MAIL_MAX_ROWS = 50;

export interface MailResult {
  /** The department, or undefined for the office's whole-site mail. */
  department?: string;
  to: string[];
  subject: string;
  ok: boolean;
  error?: string;
  messageId?: string;
}

/** Problems with the mail settings that make sending impossible; checked before anything is generated. */
export function mailSettingsProblems(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  const m = config.mail;
  if (!m) return ["mail: 配置中没有 mail 段 the config has no `mail` section (SMTP host, from, recipients)"];
  const problems: string[] = [];
  if (m.passwordEnv && !env[m.passwordEnv]) problems.push(`mail.passwordEnv: 环境变量 ${m.passwordEnv} 未设置 environment variable ${m.passwordEnv} is not set`);
  if (m.passwordEnv && !m.user) problems.push("mail.user: 设置了密码但没有用户名 a password is configured but no user");
  return problems;
}

/** Who gets each department's part: its columns' maintainers' addresses plus the configured extras, deduplicated. */
export function departmentRecipients(config: Config): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (dept: string, email: string | undefined) => {
    if (!email) return;
    const list = out.get(dept) ?? [];
    if (!list.some((e) => e.toLowerCase() === email.toLowerCase())) list.push(email);
    out.set(dept, list);
  };
  for (const c of config.columns) {
    if (!out.has(c.maintainer.department)) out.set(c.maintainer.department, []);
    add(c.maintainer.department, c.maintainer.email);
  }
  for (const [dept, emails] of Object.entries(config.mail?.departments ?? {})) for (const e of emails) add(dept, e);
  return out;
}

function transportFor(m: MailSettings, env: NodeJS.ProcessEnv) {
  return nodemailer.createTransport({
    host: m.host,
    port: m.port,
    secure: m.secure,
    ...(m.user ? { auth: { user: m.user, pass: m.passwordEnv ? env[m.passwordEnv] ?? "" : "" } } : {}),
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
}

function subject(model: ReportModel, t: Labels, dept?: string): string {
  return t.mailSubject({
    site: model.siteName,
    dept,
    from: localDate(model.since, model.timeZone),
    to: localDate(model.until, model.timeZone),
    newCount: model.totals.newCount,
    open: model.totals.open,
  });
}

function bodyHtml(model: ReportModel, t: Labels, intro: string, lang: string): string {
  // Mail clients drop inline SVG: the chart stays in the attached report; the intro goes first.
  // A mail body stays short enough to read; every row is in the attachment.
  const html = renderHtml(model, t, { chart: false, lang, maxRowsPerTable: MAIL_MAX_ROWS });
  return html.replace('<div class="page">', `<div class="page"><p style="font-size:15px;margin:0 0 14px">${intro.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!)}</p>`);
}

/**
 * Send the report. Each department with at least one recipient gets its part; the office (mail.office) the whole.
 * Never throws for one failed message: each result says what happened.
 */
export async function sendReportMail(
  model: ReportModel,
  config: Config,
  opts: { log?: (line: string) => void; env?: NodeJS.ProcessEnv; fullHtml?: string } = {},
): Promise<MailResult[]> {
  const m = config.mail;
  if (!m) throw new Error("config has no mail section");
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const t = labelsFor(config.language);
  const lang = config.language === "en" ? "en" : "zh-CN";
  const transport = transportFor(m, env);
  const day = localDate(model.until, model.timeZone);
  const results: MailResult[] = [];
  const send = async (to: string[], dept: string | undefined, part: ReportModel, attachments: { filename: string; content: Buffer | string; contentType: string }[]) => {
    const subj = subject(part, t, dept);
    try {
      const info = await transport.sendMail({
        from: m.from,
        to,
        subject: subj,
        html: bodyHtml(part, t, t.mailIntro(dept), lang),
        // The plain-text alternative: the figures; the tables are in the HTML and the attachment.
        text: `${t.mailIntro(dept)}\n\n${t.headline(part.totals)}\n`,
        attachments,
      });
      results.push({ department: dept, to, subject: subj, ok: true, messageId: info.messageId });
      log(`已发送 sent: ${dept ?? "office"} → ${to.join(", ")}`);
    } catch (e) {
      const error = (e as Error).message;
      results.push({ department: dept, to, subject: subj, ok: false, error });
      log(`发送失败 failed: ${dept ?? "office"} → ${to.join(", ")}: ${error}`);
    }
  };

  try {
    const recipients = departmentRecipients(config);
    for (const d of model.departments) {
      const to = recipients.get(d.department) ?? [];
      if (!to.length) {
        log(`未发送 skipped: ${d.department} 没有收件人 has no e-mail address in the config`);
        continue;
      }
      const part = forDepartment(model, d.department);
      const xlsx = await renderXlsx(part, t);
      await send(to, d.department, part, [
        { filename: `${t.reportTitleShort}-${d.department}-${day}.xlsx`, content: xlsx, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
      ]);
    }
    for (const dept of Object.keys(m.departments ?? {}))
      if (!model.departments.some((d) => d.department === dept)) log(`注意 note: mail.departments 中的“${dept}”不是任何栏目的负责科室 is not the department of any column`);
    if (m.office?.length) {
      const xlsx = await renderXlsx(model, t);
      await send(m.office, undefined, model, [
        { filename: `${t.reportTitleShort}-${day}.xlsx`, content: xlsx, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
        { filename: `${t.reportTitleShort}-${day}.html`, content: opts.fullHtml ?? renderHtml(model, t, { lang }), contentType: "text/html; charset=utf-8" },
      ]);
    }
  } finally {
    transport.close();
  }
  return results;
}
