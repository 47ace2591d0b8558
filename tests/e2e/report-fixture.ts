// A realistic history for report and mail tests, written through the Store API only: ten crawls over nine weeks of
// a district market-supervision bureau's disclosure columns, with links breaking, being fixed and breaking again,
// an acknowledged and a false-positive finding, content problems, and crawled text that holds markup.
import { writeFileSync } from "node:fs";
import type { ConfigInput, FindingDraft } from "../../shared/schema.js";
import { openStore } from "../../crawler/store/index.js";

export const BASE = "http://127.0.0.1:8080";
const DAY = 86400e3;

export const SCRIPT_LINK_TEXT = '<script>alert("xss")</script>2025年度政府信息公开工作年度报告';
export const IMG_PAGE_TITLE = '<img src=x onerror="alert(1)">执法公示';

export function fixtureConfig(smtp?: { port: number; passwordEnv?: string; user?: string }): ConfigInput {
  const col = (id: string, name: string, path: string, type: string, department: string, person: string, email?: string) => ({
    id,
    name,
    url: `${BASE}/xxgk/${path}/index.html`,
    type: type as "policy",
    maintainer: { department, name: person, ...(email ? { email } : {}) },
  });
  return {
    site: { name: "上海市嘉定区市场监督管理局", baseUrl: `${BASE}/` },
    columns: [
      col("zcwj", "政策文件", "zcwj", "policy", "办公室", "张三", "zhangsan@example.invalid"),
      col("tzgg", "通知公告", "tzgg", "notice", "办公室", "张三", "zhangsan@example.invalid"),
      col("ndbg", "政府信息公开年报", "ndbg", "report", "办公室", "王五", "wangwu@example.invalid"),
      col("zcjd", "政策解读", "zcjd", "interpretation", "法规科", "李四", "lisi@example.invalid"),
      col("xzzf", "行政执法公示", "xzzf", "enforcement", "法规科", "李四", "lisi@example.invalid"),
      col("bszn", "办事指南", "bszn", "guide", "注册许可科", "赵六", "zhaoliu@example.invalid"),
      col("ssj", "双随机一公开", "ssj", "enforcement", "信用监管科", "钱七", "qianqi@example.invalid"),
      col("rsxx", "人事信息", "rsxx", "personnel", "人事科", "孙八", "sunba@example.invalid"),
      col("czyjs", "财政预决算", "czyjs", "budget", "财务科", "周九"),
    ],
    ...(smtp
      ? {
          mail: {
            host: "127.0.0.1",
            port: smtp.port,
            secure: false,
            ...(smtp.user ? { user: smtp.user } : {}),
            ...(smtp.passwordEnv ? { passwordEnv: smtp.passwordEnv } : {}),
            from: "gongkai <gongkai@example.invalid>",
            departments: { 法规科: ["fagui-kezhang@example.invalid"] },
            office: ["bangongshi@example.invalid"],
          },
        }
      : {}),
  };
}

interface Spec {
  id: string;
  column: string;
  kind?: string;
  reason?: string;
  status?: number;
  page: string;
  pageTitle: string;
  target?: string;
  text?: string;
  message?: string;
  /** Crawl indexes in which the problem is present. */
  present: number[];
}

const N = 10;
/** Crawl times: days before "now" (weekly, then the last two nights). */
const CRAWL_DAYS_AGO = [63, 56, 49, 42, 35, 28, 21, 14, 6, 1];
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

const SPECS: Spec[] = [
  { id: "zc-404-a", column: "zcwj", reason: "http-404", status: 404, page: "/xxgk/zcwj/202403/t20240315_123456.html", pageTitle: "关于印发《嘉定区市场监管领域轻微违法行为免罚清单》的通知", target: "/xxgk/zcwj/202403/P020240315_附件1.pdf", text: "附件1：轻微违法行为免罚清单.pdf", present: range(0, N) },
  { id: "zc-404-b", column: "zcwj", reason: "http-404", status: 404, page: "/xxgk/zcwj/index_2.html", pageTitle: "政策文件", target: "/xxgk/zcwj/202101/t20210108_4501.html", text: "嘉定区市场监督管理局关于进一步优化营商环境的实施意见", present: range(3, N) },
  { id: "zc-5xx", column: "zcwj", reason: "http-5xx", status: 502, page: "/xxgk/zcwj/202405/t20240520_130001.html", pageTitle: "嘉定区市场监督管理局2024年度法治政府建设工作要点", target: "http://127.0.0.2:8081/gfxwj/2024/0520.html", text: "上海市规范性文件库", present: range(8, N) },
  { id: "zc-fixed", column: "zcwj", reason: "http-404", status: 404, page: "/xxgk/zcwj/index.html", pageTitle: "政策文件", target: "/xxgk/zcwj/202309/t20230912_9001.html", text: "关于做好2023年度企业年报公示工作的通知", present: range(2, 8) },
  { id: "tz-timeout", column: "tzgg", reason: "timeout", page: "/xxgk/tzgg/202510/t20251020_140112.html", pageTitle: "关于开展2025年度“双随机、一公开”联合抽查的公告", target: "http://127.0.0.2:8081/slow/notice.html", text: "抽查事项清单", present: range(9, N) },
  { id: "tz-soft404", column: "tzgg", reason: "soft-404", status: 200, page: "/xxgk/tzgg/index.html", pageTitle: "通知公告", target: "/xxgk/tzgg/202402/t20240201_110.html", text: "关于2024年春节期间窗口服务时间调整的通知", present: range(5, N) },
  { id: "tz-reopen", column: "tzgg", reason: "http-404", status: 404, page: "/xxgk/tzgg/index_1.html", pageTitle: "通知公告", target: "/xxgk/tzgg/202306/t20230601_88.html", text: "关于公布第一批市场主体登记注册服务点的通知", present: [0, 1, 2, 6, 7, 8, 9] },
  { id: "nd-script", column: "ndbg", kind: "wrong-link", reason: "title-mismatch", status: 200, page: "/xxgk/ndbg/index.html", pageTitle: "政府信息公开年报", target: "/xxgk/ndbg/202401/t20240125_2023nb.html", text: SCRIPT_LINK_TEXT, present: range(8, N) },
  { id: "nd-403", column: "ndbg", reason: "http-4xx", status: 403, page: "/xxgk/ndbg/202401/t20240125_2023nb.html", pageTitle: "2023年度政府信息公开工作年度报告", target: "/xxgk/ndbg/files/2023nb.docx", text: "2023年度报告（word版）", present: range(1, N) },
  { id: "jd-404", column: "zcjd", reason: "http-404", status: 404, page: "/xxgk/zcjd/202404/t20240410_3345.html", pageTitle: "一图读懂《嘉定区市场监管轻微违法行为免罚清单》", target: "/xxgk/zcjd/202404/W020240410_tujie.jpg", text: "图解", present: range(0, 6) },
  { id: "zf-dns", column: "xzzf", reason: "dns", page: "/xxgk/xzzf/202411/t20241105_5566.html", pageTitle: IMG_PAGE_TITLE, target: "http://xygs.jiading.invalid/query.html", text: "国家企业信用信息公示系统查询", present: range(4, N) },
  { id: "zf-fp", column: "xzzf", reason: "connection", page: "/xxgk/xzzf/index.html", pageTitle: "行政执法公示", target: "http://127.0.0.2:8081/refused.html", text: "行政处罚决定书查询", present: range(6, N) },
  { id: "zf-ack", column: "xzzf", reason: "http-404", status: 404, page: "/xxgk/xzzf/202312/t20231201_77.html", pageTitle: "沪市监嘉处〔2023〕1402023000123号行政处罚决定书", target: "/xxgk/xzzf/files/cf123.pdf", text: "行政处罚决定书（PDF）", present: range(2, N) },
  { id: "bs-redirect-home", column: "bszn", kind: "wrong-link", reason: "redirect-to-home", status: 302, page: "/xxgk/bszn/202201/t20220105_12.html", pageTitle: "食品经营许可办事指南", target: "/bsfw/spjyxk/sqcl.html", text: "申请材料下载", present: range(7, N) },
  { id: "bs-guide", column: "bszn", kind: "stale-guide", reason: "repealed-law", page: "/xxgk/bszn/202201/t20220105_12.html", pageTitle: "食品经营许可办事指南", message: "办事指南仍引用已废止的《食品经营许可管理办法》（2023-12-01 起由《食品经营许可和备案管理办法》取代），请按现行规定更新。", present: range(0, N) },
  { id: "bs-missing", column: "bszn", kind: "stale-guide", reason: "missing-elements", page: "/xxgk/bszn/202305/t20230510_31.html", pageTitle: "个体工商户登记办事指南", message: "办事指南缺少“办理时间”“联系电话”两项要素，请补充。", present: range(5, N) },
  { id: "ssj-empty", column: "ssj", kind: "empty-column", reason: "empty", page: "/xxgk/ssj/index.html", pageTitle: "双随机一公开", message: "栏目“双随机一公开”没有任何内容（空白栏目），请尽快发布或说明。", present: range(0, N) },
  { id: "rs-stale", column: "rsxx", kind: "stale-column", reason: "not-updated", page: "/xxgk/rsxx/index.html", pageTitle: "人事信息", message: "栏目“人事信息”最新一条内容发布于 2024-06-03，已超过 365 天未更新。", present: range(3, N) },
  { id: "rs-404", column: "rsxx", reason: "http-404", status: 404, page: "/xxgk/rsxx/202406/t20240603_9.html", pageTitle: "2024年公开招聘工作人员拟录用人员公示", target: "/xxgk/rsxx/files/2024gkzp.xlsx", text: "拟录用人员名单.xlsx", present: range(9, N) },
  { id: "zc-interp", column: "zcwj", kind: "missing-interpretation", reason: "no-interpretation", page: "/xxgk/zcwj/202509/t20250918_150001.html", pageTitle: "嘉定区市场监督管理局关于印发《知识产权质押融资工作指引》的通知", message: "该政策文件发布已超过 20 个工作日，尚未发布解读，请补充政策解读。", present: range(7, N) },
  { id: "tz-misfiled", column: "tzgg", kind: "misfiled", reason: "breadcrumb-mismatch", page: "/xxgk/gzdt/202510/t20251011_141.html", pageTitle: "区市场监管局开展国庆节前食品安全专项检查", message: "该条目列在“通知公告”栏目，但页面面包屑显示属于“工作动态”，疑似发布到错误栏目。", present: range(8, N) },
];

const MESSAGES: Record<string, string> = {
  "http-404": "链接指向的页面不存在（404），请更正或删除该链接。",
  "http-4xx": "链接指向的文件被拒绝访问（403），请检查文件权限或更正链接。",
  "http-5xx": "链接指向的网站服务器出错（502），多次重试仍失败。",
  timeout: "链接指向的页面多次访问均超时。",
  "soft-404": "链接打开后显示“页面不存在或已被删除”，请更正链接。",
  dns: "链接的域名无法解析，网站可能已关闭。",
  connection: "无法连接链接指向的服务器。",
  "title-mismatch": "链接文字为2025年度年报，打开的却是《2023年度政府信息公开工作年度报告》。",
  "redirect-to-home": "链接跳转到了网站首页，原页面可能已删除。",
};

/** Build the history in `dbFile`; `now` is the report's "now". Returns the config file written next to it. */
export async function buildFixture(dbFile: string, configFile: string, now: Date, smtp?: { port: number; passwordEnv?: string; user?: string }): Promise<void> {
  const config = fixtureConfig(smtp);
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const columns = new Map(config.columns.map((c) => [c.id, c]));
  const store = await openStore(dbFile);
  try {
    for (let i = 0; i < N; i++) {
      // An hour later in the day than "now", whatever the time of day the tests run: days open (whole days elapsed)
      // are then the same at 01:00 and at 23:00 (pinning the crawls to 02:00 Shanghai made them flip at 18:00 UTC).
      const at = new Date(now.getTime() - CRAWL_DAYS_AGO[i] * DAY + 3600e3);
      const run = await store.beginRun(config.site, at.toISOString());
      const findings: (FindingDraft & { id: string })[] = SPECS.filter((s) => s.present.includes(i)).map((s) => {
        const c = columns.get(s.column)!;
        const kind = s.kind ?? "broken-link";
        const reason = s.reason ?? "http-404";
        return {
          id: s.id,
          kind,
          reason,
          severity: kind === "broken-link" || kind === "empty-column" ? "high" : "medium",
          columnId: c.id,
          pageUrl: BASE + s.page,
          ...(s.target ? { targetUrl: s.target.startsWith("http") ? s.target : BASE + s.target } : {}),
          ...(s.text ? { linkText: s.text } : {}),
          message: s.message ?? MESSAGES[reason] ?? "链接无法访问。",
          maintainer: c.maintainer,
          evidence: s.status ? { status: s.status } : {},
        };
      });
      const pageTitles = Object.fromEntries(SPECS.map((s) => [BASE + s.page, s.pageTitle]));
      const columnNames = Object.fromEntries(config.columns.map((c) => [c.id, c.name]));
      await store.finishRun(run.id, { complete: true, finishedAt: new Date(at.getTime() + 1800e3).toISOString(), stats: { pagesCrawled: 812, linksChecked: 5230, requests: 6044 }, findings, pageTitles, columnNames });
      if (i === 3) await store.setState("zf-ack", { state: "acknowledged", by: { name: "李四", department: "法规科" }, note: "已联系信息中心恢复附件" });
      if (i === 7) await store.setState("zf-fp", { state: "false-positive", by: { name: "李四", department: "法规科" }, note: "该系统仅限内网访问" });
    }
  } finally {
    await store.close();
  }
}
