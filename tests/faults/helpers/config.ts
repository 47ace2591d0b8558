// Configs and pages for the fault suite: small, fast (1–2 s timeouts, one retry), loopback only.
import Database from "better-sqlite3";
import { readFileSync } from "node:fs";
import type { ConfigInput } from "../../../shared/schema.js";
import { page } from "./fault-site.js";

export const CONTACT = "webmaster@jiading-amr.example.invalid";
export const MAINTAINER = { department: "办公室", name: "张三", email: "zhangsan@example.invalid" };

export interface ColumnSpec {
  id: string;
  url: string;
  type?: string;
  name?: string;
}

/** A config for a test site: short timeouts, one retry, no reuse of earlier link checks (each crawl checks anew). */
export function configFor(baseUrl: string, columns: ColumnSpec[], crawl: Record<string, unknown> = {}): ConfigInput {
  return {
    site: { name: "故障测试局", baseUrl },
    crawl: { concurrency: 4, requestTimeoutSecs: 2, retries: 1, recheckAfterHours: 0, contact: CONTACT, ...crawl },
    columns: columns.map((c) => ({
      id: c.id,
      name: c.name ?? "政策文件",
      url: c.url,
      type: (c.type ?? "policy") as "policy",
      maintainer: MAINTAINER,
    })),
  } as ConfigInput;
}

/** `YYYY-MM-DD`, `daysAgo` days before today. */
export function day(daysAgo = 0): string {
  return new Date(Date.now() - daysAgo * 86400e3).toISOString().slice(0, 10);
}

/** A TRS-style list page: breadcrumb, dated entries, anything else after. */
export function listPage(title: string, items: [href: string, text: string][], extra = ""): string {
  const lis = items.map(([href, text], i) => `<li><a href="${href}" title="${text}">${text}</a><span>${day(i)}</span></li>`).join("\n");
  return page(
    title,
    `<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; ${title}</div><ul class="list">${lis}</ul>${extra}`,
    `<meta name="ColumnName" content="${title}">`,
  );
}

/** A detail page of a policy document with the usual metadata table. */
export function article(title: string, body: string): string {
  return page(
    title,
    `<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政策文件</div><h1>${title}</h1>` +
      `<table><tr><td>发文字号：</td><td>嘉市监〔2026〕1号</td></tr><tr><td>发布日期：</td><td>${day(1)}</td></tr></table>` +
      `<div class="TRS_Editor">${body}</div>`,
  );
}

export interface FindingsJson {
  run: { complete?: boolean; pagesCrawled: number; linksChecked: number; requests: number };
  findings: { id: string; kind: string; reason: string; targetUrl?: string; linkText?: string; pageUrl: string; message: string; state?: string }[];
}

export function readFindings(file: string): FindingsJson {
  return JSON.parse(readFileSync(file, "utf8")) as FindingsJson;
}

export interface DbView {
  integrity: string;
  findings: { id: string; kind: string; reason: string; state: string; target_url: string | null }[];
  runs: { id: number; status: string }[];
}

/** Look inside the database with plain SQLite (not through gongkai's store): integrity, findings, runs. */
export function readDb(file: string): DbView {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.pragma("integrity_check", { simple: true }) as string,
      findings: db.prepare("SELECT id, kind, reason, state, target_url FROM findings ORDER BY id").all() as DbView["findings"],
      runs: db.prepare("SELECT id, status FROM runs ORDER BY id").all() as DbView["runs"],
    };
  } finally {
    db.close();
  }
}
