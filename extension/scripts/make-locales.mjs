// Writes locales/zh_CN/messages.json and locales/en/messages.json (chrome.i18n format) from the table below, so
// both languages always have the same keys. `$1`…`$9` become named placeholders, as chrome.i18n documents them.
// Run after editing: `node extension/scripts/make-locales.mjs`.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** key: [Chinese, English] */
const MESSAGES = {
  extName: ["公开 · 政务公开栏目检查", "gongkai · disclosure column checker"],
  extDescription: [
    "在政府网站页面上直接标出断链、错链、内容混杂、过时的办事指南和不更新的栏目。",
    "Marks broken and wrong links, misfiled items, outdated guides and stale columns on the government site itself.",
  ],

  kind_broken_link: ["断链", "Broken link"],
  kind_wrong_link: ["错链", "Wrong link"],
  kind_misfiled: ["内容混杂", "Misfiled item"],
  kind_stale_guide: ["办事指南过时", "Outdated service guide"],
  kind_stale_column: ["栏目不更新", "Column not updated"],
  kind_empty_column: ["空白栏目", "Empty column"],
  kind_missing_interpretation: ["缺少政策解读", "No policy interpretation"],
  kind_late_publication: ["公开不及时", "Published late"],
  kind_missed_deadline: ["逾期未公开", "Yearly item missing"],
  kind_missing_feedback: ["缺少意见反馈", "No feedback on the consultation"],
  kind_catalogue_gap: ["目录条目缺失", "Catalogue entry without content"],
  kind_privacy_leak: ["公开个人隐私信息", "Personal data published"],
  kind_other: ["其他问题", "Other problem"],

  advice_broken_link: ["修正链接地址，或删除该链接；附件丢失的，重新上传附件。", "Correct the link's address or remove it; re-upload a missing attachment."],
  advice_wrong_link: ["把链接改为指向链接文字所说的那个页面或文件。", "Point the link at the page or file its text promises."],
  advice_misfiled: ["把这条信息移到它所属的栏目，或更正它的栏目标注。", "Move this item to the column it belongs to, or correct its column label."],
  advice_stale_guide: [
    "按现行法规更新办事指南（设定依据、申请材料、办理流程等），并更新发布日期。",
    "Update the guide to the rules in force (legal basis, materials, procedure …) and its date.",
  ],
  advice_stale_column: ["及时在本栏目发布新信息；确实没有新信息的，按要求作出说明。", "Publish this column's new information; if there is none, say so as required."],
  advice_empty_column: ["补充本栏目的内容，或按要求说明暂无信息的原因。", "Fill this column, or explain as required why it has no content."],
  advice_missing_interpretation: [
    "为这份政策文件发布解读（文字、图解或视频均可），并让两者相互链接。",
    "Publish an interpretation of this policy document (text, graphic or video) and link the two.",
  ],
  advice_late_publication: [
    "今后在信息形成或变更之日起 20 个工作日内发布（《政府信息公开条例》第二十六条）。",
    "Publish within 20 working days of the information being made or changed (Regulations art. 26).",
  ],
  advice_missed_deadline: ["尽快在本栏目发布应按期公开的年度信息。", "Publish the yearly item this column must hold as soon as possible."],
  advice_missing_feedback: ["发布这次征求意见的意见收集和采纳情况，并与正式文件相互链接。", "Publish how the comments were received and used, and link it with the final document."],
  advice_catalogue_gap: ["为目录中的这一事项补上链接，指向有内容的栏目或页面。", "Link this catalogue entry to a column or page that holds its content."],
  advice_privacy_leak: [
    "立即撤下或替换页面、附件中的个人号码（遮盖处理，如 3101**********1234），并检查其他已发布的文件。",
    "Take down or mask the personal number in the page or attachment at once (e.g. 3101**********1234), and check other published files.",
  ],
  advice_other: ["核实后处理。", "Check and fix."],

  sev_high: ["严重", "High"],
  sev_medium: ["一般", "Medium"],
  sev_low: ["轻微", "Low"],
  state_open: ["未处理", "Open"],
  state_acknowledged: ["已确认", "Acknowledged"],
  state_false_positive: ["误报", "False positive"],
  state_fixed: ["已修复", "Fixed"],

  tip_link_text: ["链接文字：$1", "Link text: $1"],
  tip_target: ["目标地址：$1", "Target: $1"],
  tip_page: ["所在页面：$1", "Page: $1"],
  tip_since: ["发现于 $1（已持续 $2 天）", "Found $1 ($2 days ago)"],
  tip_column: ["所属栏目：$1", "Column: $1"],
  tip_owner: ["责任科室：$1（$2）", "Responsible: $1 ($2)"],
  tip_advice: ["处理建议：$1", "What to do: $1"],
  tip_state_by: ["$1 由 $2 标记：$3", "$1 by $2: $3"],

  banner_title: ["公开 · 本页有 $1 个问题", "gongkai · $1 problem(s) on this page"],
  banner_links: ["本页有 $1 个链接有问题，已用红框标出；把鼠标移到链接上（或用 Tab 键选中）可查看详情。", "$1 link(s) on this page have problems and are outlined in red; hover or focus a link for details."],
  banner_column_more: ["本栏目其他页面还有 $1 个问题：", "This column has $1 more problem(s) on other pages:"],
  banner_more: ["……另有 $1 个，见扩展弹窗", "… and $1 more: see the extension's popup"],
  banner_close: ["关闭", "Close"],
  banner_reopen: ["公开：$1 个问题", "gongkai: $1 problem(s)"],

  action_ack: ["确认", "Acknowledge"],
  action_fp: ["误报", "False positive"],
  action_reopen: ["重新打开", "Reopen"],

  popup_page_title: ["本页问题", "This page"],
  popup_mine_title: ["本科室未处理问题", "My department's open findings"],
  popup_all_title: ["全站未处理问题", "All open findings"],
  popup_none: ["没有问题。", "None."],
  popup_not_site: ["此页面不在监测站点内。", "This page is not on the monitored site."],
  popup_not_configured: ["尚未设置服务器地址和令牌。", "Server URL and token are not set yet."],
  popup_open_options: ["打开设置", "Open settings"],
  popup_note_placeholder: ["备注（可选）", "Note (optional)"],
  popup_user: ["$1（$2）", "$1 ($2)"],
  popup_updated: ["已更新：$1", "Updated: $1"],
  popup_more: ["还有 $1 条未显示。", "$1 more not shown."],
  popup_loading: ["正在加载……", "Loading …"],
  popup_open_page: ["打开页面", "Open page"],

  options_title: ["公开 · 扩展设置", "gongkai · extension settings"],
  options_intro: [
    "填写问题服务（gongkai serve）的地址和办公室发给您的令牌。令牌只保存在本浏览器的扩展存储中，不会发送给所浏览的网站。",
    "Enter the findings server's address (gongkai serve) and the token the office gave you. The token stays in this browser's extension storage and is never sent to the sites you browse.",
  ],
  options_server_url: ["服务器地址", "Server URL"],
  options_token: ["令牌", "Token"],
  options_save: ["保存并测试连接", "Save and test connection"],
  options_testing: ["正在测试连接……", "Testing the connection …"],
  options_ok: ["已连接：$1（$2），监测站点：$3", "Connected as $1 ($2); monitored site: $3"],
  options_no_site: ["（尚无抓取记录）", "(no crawl yet)"],
  options_err_url: ["服务器地址须为以 http:// 或 https:// 开头的网址。", "The server URL must start with http:// or https://."],
  options_err_token: ["请填写令牌。", "Please enter the token."],
  options_grant: ["允许在 $1 上运行", "Allow on $1"],
  options_need_grant: ["还需允许扩展在监测站点上运行：", "The extension still needs permission to run on the monitored site:"],
  options_granted: ["扩展将在以下站点上运行：$1", "The extension runs on: $1"],

  err_unreachable: ["无法连接服务器 $1：请检查地址和网络，以及服务（gongkai serve）是否在运行。", "Cannot reach the server $1: check the address, the network, and that gongkai serve is running."],
  err_unauthorized: ["令牌无效（401）：服务器不认这个令牌，请向办公室索取正确的令牌。", "Invalid token (401): the server does not know this token; ask the office for the right one."],
  err_not_gongkai: ["这个地址不是 gongkai 问题服务（HTTP $1）：请检查服务器地址和端口。", "This address is not a gongkai findings server (HTTP $1): check the server URL and port."],
  err_forbidden_origin: ["服务器不接受本扩展的请求（403）：请在 gongkai serve 上加参数 --allow-origin chrome-extension://$1", "The server does not accept this extension (403): start gongkai serve with --allow-origin chrome-extension://$1"],
  err_forbidden: ["无权执行此操作（403）：$1", "Not allowed (403): $1"],
  err_rate_limited: ["请求过于频繁，请稍后再试。", "Too many requests; please try again shortly."],
  err_server: ["服务器错误（HTTP $1）：$2", "Server error (HTTP $1): $2"],
  err_not_configured: ["尚未设置服务器地址和令牌，请打开扩展设置。", "Server URL and token are not set: open the extension's settings."],

  badge_error: ["公开：$1", "gongkai: $1"],
};

function toChrome(text) {
  const placeholders = {};
  const message = text.replace(/\$([1-9])/g, (_m, n) => {
    placeholders[`p${n}`] = { content: `$${n}` };
    return `$P${n}$`;
  });
  return Object.keys(placeholders).length ? { message, placeholders } : { message };
}

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "locales");
for (const [dir, index] of [["zh_CN", 0], ["en", 1]]) {
  const out = Object.fromEntries(Object.entries(MESSAGES).map(([k, v]) => [k, toChrome(v[index])]));
  mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, dir, "messages.json"), JSON.stringify(out, null, 2) + "\n");
}
console.log(`${Object.keys(MESSAGES).length} messages → ${root}/{zh_CN,en}/messages.json`);
