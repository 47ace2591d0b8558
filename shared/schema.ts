// The one source of truth for the config file and for a finding: crawler, server and extension all import these.
import { z } from "zod";
import { Cron } from "croner";

export const COLUMN_TYPES = [
  "policy",
  "interpretation",
  "notice",
  "news",
  "plan",
  "enforcement",
  "guide",
  "report",
  "personnel",
  "budget",
  "page",
  "other",
  /** 征求意见: drafts put out for comment (missing-feedback). */
  "consultation",
  /** 标准目录: one page whose table or list rows are the 公开事项, each linking to its content (catalogue-gap). */
  "catalogue",
  /** 重大行政决策: must hold this year's 重大行政决策事项目录 by 31 March (missed-deadline). */
  "decisions",
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** 栏目不更新 thresholds by type (field notes: monitoring platforms' periods). `undefined` = no update period. */
export const DEFAULT_UPDATE_WITHIN_DAYS: Record<ColumnType, number | undefined> = {
  news: 14,
  notice: 180,
  policy: 180,
  interpretation: 180,
  enforcement: 180,
  plan: 365,
  personnel: 365,
  budget: 365,
  report: 365,
  guide: undefined,
  page: undefined,
  other: undefined,
  consultation: undefined,
  catalogue: undefined,
  decisions: 365,
};

/**
 * A yearly item a column must hold from a date on: once `due` (MM-DD) has passed, the column lists an item whose title
 * holds the year (this year, or last year for `previous`) and `title`.
 */
export const YearlySchema = z.strictObject({
  due: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "截止日期应为 MM-DD，如 03-31 due must be MM-DD, e.g. 03-31")
    .refine((d) => !Number.isNaN(Date.parse(`2024-${d}T00:00:00Z`)) && new Date(`2024-${d}T00:00:00Z`).getUTCDate() === +d.slice(3), "不存在的日期 no such date"),
  title: z.string().trim().min(2),
  year: z.enum(["current", "previous"]).optional(),
});
export type Yearly = z.infer<typeof YearlySchema>;

/** Yearly items columns hold by default (contract, Round 2): 重大行政决策事项目录 by 31 March, last year's 年报 by 31 January. */
export const DEFAULT_YEARLY: Partial<Record<ColumnType, Required<Yearly>>> = {
  decisions: { due: "03-31", title: "重大行政决策事项目录", year: "current" },
  report: { due: "01-31", title: "政府信息公开工作年度报告", year: "previous" },
};

const httpUrl = z.url({ protocol: /^https?$/, error: "不是有效的 http(s) 网址 invalid URL" });

export const MaintainerSchema = z.strictObject({
  department: z.string().trim().min(1),
  name: z.string().trim().min(1),
  email: z.email().optional(),
});
export type Maintainer = z.infer<typeof MaintainerSchema>;

export const ColumnSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/, "栏目编号只能由小写字母、数字、_ 和 - 组成 must match [a-z0-9_-]+"),
  name: z.string().trim().min(1),
  url: httpUrl,
  type: z.enum(COLUMN_TYPES),
  maintainer: MaintainerSchema,
  updateWithinDays: z.number().int().positive().optional(),
  guideMaxAgeDays: z.number().int().positive().optional(),
  javascript: z.boolean().optional(),
  /** A yearly item this column must hold by a date (missed-deadline); `decisions` and `report` columns have a default. */
  yearly: YearlySchema.optional(),
  /** Per-column detector switches and thresholds (every default is documented in the README). */
  detectors: z
    .strictObject({
      disabled: z.array(z.string()).optional(),
      requiredGuideElements: z.array(z.string().min(1)).optional(),
      interpretationWithinDays: z.number().int().positive().optional(),
      misfiledMinScore: z.number().min(0).max(1).optional(),
      /** Working days a new policy document may go without a 解读 before it is reported (default 20). */
      interpretationGraceWorkdays: z.number().int().min(0).optional(),
      /** Report columns: true = must hold last year's 年报 after 31 January; false = never check; default: when it is a 年报 column. */
      annualReport: z.boolean().optional(),
      /** Consultation columns: ids of the columns where final documents are published (default: every policy column). */
      finalColumns: z.array(z.string()).optional(),
      /** Consultation columns: working days after the final document within which the feedback is due (default 10). */
      feedbackWithinWorkdays: z.number().int().min(0).optional(),
      /** Working days from 成文日期 to 发布日期 before a document counts as published late (default 20, 条例 art. 26). */
      publishWithinWorkdays: z.number().int().min(0).optional(),
      /** Scan pages and attachments for personal numbers (privacy-leak). Default: on for enforcement, notice, personnel and other columns. */
      privacyScan: z.boolean().optional(),
    })
    .optional(),
});
export type Column = z.infer<typeof ColumnSchema>;

export const LawSchema = z.strictObject({
  title: z.string().trim().min(2),
  status: z.enum(["repealed", "revised"]),
  date: z.iso.date(),
  replacedBy: z.string().optional(),
  aliases: z.array(z.string()).optional(),
});
export type Law = z.infer<typeof LawSchema>;

/** An agency that no longer exists, and who does its work now. */
export const AgencySchema = z.strictObject({
  /** The name as guides write it: 嘉定区工商行政管理局, 区工商局 … (matched as written). */
  name: z.string().trim().min(2),
  successor: z.string().trim().min(2),
  /** When it was abolished (shown in the evidence). */
  abolished: z.string().optional(),
});
export type Agency = z.infer<typeof AgencySchema>;

/** Column types scanned for personal numbers unless `detectors.privacyScan` says otherwise. */
export const PRIVACY_SCAN_TYPES: readonly ColumnType[] = ["enforcement", "notice", "personnel", "other"];

/** Is this column scanned for personal numbers (privacy-leak)? */
export function privacyScanned(c: { type: ColumnType; detectors?: { privacyScan?: boolean; disabled?: string[] } }): boolean {
  if (c.detectors?.disabled?.includes("privacy-leak")) return false;
  return c.detectors?.privacyScan ?? PRIVACY_SCAN_TYPES.includes(c.type);
}

export const CrawlSettingsSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(64).default(4),
  requestTimeoutSecs: z.number().positive().max(600).default(15),
  maxPagesPerColumn: z.number().int().min(1).max(1_000_000).default(2000),
  respectRobotsTxt: z.boolean().default(true),
  checkExternalLinks: z.boolean().default(true),
  /** Transient failures (5xx, 429, timeouts, resets) are retried this many times with backoff. */
  retries: z.number().int().min(0).max(10).default(3),
  /** Bodies are read up to this many bytes; larger ones are cut off, never read whole into memory. */
  maxBodyBytes: z.number().int().min(1024).default(5 * 1024 * 1024),
  /** Contact shown in the User-Agent, so site owners know who crawls them. */
  contact: z.string().optional(),
  /** Links not re-checked on a re-crawl when checked OK more recently than this (hours); 0 = always check. */
  recheckAfterHours: z.number().min(0).default(20),
  /** Attachments scanned for personal data are downloaded up to this size; larger ones are skipped and counted. */
  maxAttachmentBytes: z.number().int().min(1024).default(20 * 1024 * 1024),
});
export type CrawlSettings = z.infer<typeof CrawlSettingsSchema>;

export const MailSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(25),
  secure: z.boolean().default(false),
  user: z.string().optional(),
  /** Name of the environment variable holding the SMTP password (never the password itself). */
  passwordEnv: z.string().optional(),
  from: z.string().min(3),
  /** Extra recipients per department; the maintainers' own addresses are always included. */
  departments: z.record(z.string(), z.array(z.email())).optional(),
  /** The office (办公室) gets the whole-site report. */
  office: z.array(z.email()).optional(),
});
export type MailSettings = z.infer<typeof MailSchema>;

/** A cron expression croner accepts (5 or 6 fields); the message says what croner objected to. */
const cronExpression = z.string().superRefine((expr, ctx) => {
  try {
    new Cron(expr, { paused: true });
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `不是有效的 cron 表达式 invalid cron expression "${expr}": ${(e as Error).message}` });
  }
});

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "未知时区 unknown time zone (IANA name expected, e.g. Asia/Shanghai)" },
);

export const ScheduleSchema = z.strictObject({
  crawl: cronExpression.default("0 2 * * *"),
  report: cronExpression.default("0 8 * * 1"),
  timezone: timeZone.default("Asia/Shanghai"),
});

/** A site's id in a store that holds several sites: lower-case letters, digits, `_` and `-`. */
export const siteIdSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, { message: "站点编号只能由小写字母、数字、_ 和 - 组成（1–64 个字符）site.id may hold only a-z, 0-9, _ and - (1–64 characters)" });

/**
 * The id a site gets when its config names none: its base URL's host (and port, when the URL states one), then
 * the path's segments, lower-cased, every other character a `-`, a leading `www.` dropped:
 * `http://127.0.0.1:8080/` → `127-0-0-1-8080`, `https://www.jiading.gov.cn/scjgj/` → `jiading-gov-cn-scjgj`.
 */
export function defaultSiteId(baseUrl: string): string {
  const u = new URL(baseUrl);
  const host = u.hostname.replace(/^\[|\]$/g, "").replace(/^www\./, "");
  const parts = [host, u.port, ...u.pathname.split("/")].filter(Boolean).join("-");
  const id = parts.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return (id || "site").slice(0, 64).replace(/-$/, "");
}

/** The site's id: the config's `site.id`, else the one derived from its base URL (see defaultSiteId). */
export function siteIdOf(site: { id?: string; baseUrl: string }): string {
  return site.id ?? defaultSiteId(site.baseUrl);
}

export const ConfigSchema = z
  .strictObject({
    site: z.strictObject({ id: siteIdSchema.optional(), name: z.string().trim().min(1), baseUrl: httpUrl }),
    crawl: CrawlSettingsSchema.default(CrawlSettingsSchema.parse({})),
    columns: z.array(ColumnSchema).min(1, "至少需要一个栏目 at least one column is needed"),
    laws: z.array(LawSchema).default([]),
    /** Abolished agencies beyond the built-in list (crawler/detect/agencies.ts), for stale-guide / defunct-agency. */
    agencies: z.array(AgencySchema).default([]),
    schedule: ScheduleSchema.default(ScheduleSchema.parse({})),
    mail: MailSchema.optional(),
    language: z.enum(["zh", "en"]).default("zh"),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.columns.forEach((c, i) => {
      const prev = seen.get(c.id);
      if (prev !== undefined)
        ctx.addIssue({ code: "custom", path: ["columns", i, "id"], message: `栏目编号重复 duplicate column id "${c.id}"（与 also columns[${prev}]）` });
      else seen.set(c.id, i);
    });
  });
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

const TYPE_NAMES: Record<string, string> = {
  string: "字符串",
  number: "数字",
  int: "整数",
  boolean: "布尔值 true/false",
  object: "对象 {…}",
  array: "数组 […]",
  null: "空值 null",
  undefined: "空",
  date: "日期",
};
const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const zhType = (t: string) => `${TYPE_NAMES[t] ?? t}${TYPE_NAMES[t] && !TYPE_NAMES[t].includes(t) ? ` ${t}` : ""}`;

/**
 * The config's error messages, Chinese first then English (zod 4 error map, passed to every config parse; a message
 * a schema states itself outranks it). Field paths are added by formatIssues.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "缺少必填项 required";
      return `类型错误：应为${zhType(issue.expected)}，实际为${zhType(typeOf(issue.input))} / expected ${issue.expected}, got ${typeOf(issue.input)}`;
    case "too_small": {
      const n = String(issue.minimum);
      if (issue.origin === "string")
        return n === "1" ? "不能为空 must not be empty" : `至少 ${n} 个字符 at least ${n} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `至少 ${n} 项 at least ${n} items`;
      return issue.inclusive === false ? `应大于 ${n} must be > ${n}` : `应不小于 ${n} must be >= ${n}`;
    }
    case "too_big": {
      const n = String(issue.maximum);
      if (issue.origin === "string") return `最多 ${n} 个字符 at most ${n} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `最多 ${n} 项 at most ${n} items`;
      return issue.inclusive === false ? `应小于 ${n} must be < ${n}` : `应不大于 ${n} must be <= ${n}`;
    }
    case "invalid_format":
      if (issue.format === "url") return "不是有效的网址 invalid URL";
      if (issue.format === "email") return "不是有效的电子邮件地址 invalid email address";
      if (issue.format === "regex") return `格式不符 does not match ${(issue as { pattern?: string }).pattern ?? "the expected pattern"}`;
      return `格式错误 invalid ${issue.format}`;
    case "invalid_value":
      return `应为以下之一 expected one of: ${issue.values.map((v) => JSON.stringify(v)).join(" | ")}`;
    case "not_multiple_of":
      return `应为 ${String(issue.divisor)} 的倍数 must be a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return `未知字段 unknown field(s): ${issue.keys.join(", ")}`;
    case "invalid_union":
      return "不符合任何允许的写法 matches none of the allowed forms";
    case "invalid_key":
      return "键无效 invalid key";
    case "invalid_element":
      return "元素无效 invalid element";
    default:
      return "无效 invalid";
  }
};

/** `columns[2].maintainer.name: 缺少必填项 required` — one line per problem, naming the field. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>((acc, part) => {
      if (typeof part === "number") return `${acc}[${part}]`;
      return acc ? `${acc}.${String(part)}` : String(part);
    }, "");
    let message = issue.message;
    if (issue.code === "unrecognized_keys") message = `未知字段 unknown field(s): ${issue.keys.join(", ")}`;
    return `${path || "(config)"}: ${message}`;
  });
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false, errors: string[] };

/** Parse a config file's text (JSON). Never throws. */
export function parseConfigText(text: string, fileName = "config"): ParseResult<Config> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { ok: false, errors: [`${fileName}: 不是有效的 JSON not valid JSON (${(e as Error).message})`] };
  }
  const result = ConfigSchema.safeParse(raw, { error: configErrorMap });
  if (!result.success) return { ok: false, errors: formatIssues(result.error) };
  return { ok: true, value: result.data };
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

export const FINDING_KINDS = [
  "broken-link",
  "wrong-link",
  "misfiled",
  "stale-guide",
  "stale-column",
  "empty-column",
  "missing-interpretation",
  "late-publication",
  "missed-deadline",
  "missing-feedback",
  "catalogue-gap",
  "privacy-leak",
  "coverage",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Reasons per kind, as the contract lists them (more may be added; these keep their meaning). */
export const FINDING_REASONS = {
  "broken-link": ["http-404", "http-4xx", "http-5xx", "timeout", "dns", "connection", "soft-404", "redirect-to-error", "redirect-loop", "too-many-redirects", "empty-file", "missing-anchor", "invalid-url"],
  "wrong-link": ["title-mismatch", "redirect-to-home", "private-address", "insecure"],
  misfiled: ["breadcrumb-mismatch", "metadata-mismatch", "content-mismatch"],
  "stale-guide": ["outdated", "repealed-law", "missing-elements", "defunct-agency"],
  "stale-column": ["not-updated"],
  "empty-column": ["empty"],
  "missing-interpretation": ["no-interpretation", "not-linked-back"],
  "late-publication": ["published-late"],
  "missed-deadline": ["yearly-item-missing"],
  "missing-feedback": ["consultation-feedback-missing"],
  "catalogue-gap": ["no-link", "links-empty", "links-broken"],
  "privacy-leak": ["id-number", "mobile-number", "bank-card"],
  coverage: ["items-unreached", "pagination-not-followed"],
} as const satisfies Record<FindingKind, readonly string[]>;

export const SEVERITIES = ["high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FindingSchema = z.object({
  id: z.string().min(1),
  kind: z.string().min(1),
  reason: z.string().min(1),
  severity: z.enum(SEVERITIES),
  columnId: z.string(),
  pageUrl: z.string(),
  targetUrl: z.string().optional(),
  linkText: z.string().optional(),
  message: z.string(),
  maintainer: MaintainerSchema,
  firstSeen: z.string(),
  lastSeen: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  /** Lifecycle, kept by the store: open | acknowledged | false-positive | fixed. Not in the contract; extra. */
  state: z.enum(["open", "acknowledged", "false-positive", "fixed"]).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** What a detector produces: a finding before the store gives it history. */
export type FindingDraft = Omit<Finding, "id" | "firstSeen" | "lastSeen" | "state"> & { id?: string };

/** Per list column (contract, Round 2: Coverage): what the site states it holds, what the crawl reached, how it paged. */
export const CoverageEntrySchema = z.object({
  columnId: z.string(),
  listed: z.number().int().nonnegative().nullable(),
  reached: z.number().int().nonnegative(),
  listPages: z.number().int().nonnegative(),
  how: z.string(),
});
export type CoverageEntry = z.infer<typeof CoverageEntrySchema>;

export const FindingsFileSchema = z.object({
  generatedAt: z.string(),
  site: z.object({ name: z.string(), baseUrl: z.string() }),
  run: z.object({
    startedAt: z.string(),
    finishedAt: z.string(),
    pagesCrawled: z.number(),
    linksChecked: z.number(),
    requests: z.number(),
  }).passthrough(),
  findings: z.array(FindingSchema),
  /** One entry per list column (older files have none). */
  coverage: z.array(CoverageEntrySchema).optional(),
});
export type FindingsFile = z.infer<typeof FindingsFileSchema>;

export const FINDING_STATES = ["open", "acknowledged", "false-positive", "fixed"] as const;
export type FindingState = (typeof FINDING_STATES)[number];
