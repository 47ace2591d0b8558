import { describe, expect, it } from "vitest";
import { findCitations, lawKey, lawsByKey } from "../../crawler/detect/lib/citations.js";
import { normalizeColumnName, sameName, topicOfName } from "../../crawler/detect/lib/columns.js";
import { addDays, daysBetween, findDates, parseDate, publishedDate, lastUpdateDate, todayIso, urlDate } from "../../crawler/detect/lib/dates.js";
import { findDocNumbers, sameDocNumber } from "../../crawler/detect/lib/docnum.js";
import { addWorkdays, isWorkday } from "../../crawler/detect/lib/workdays.js";
import { BUILTIN_LAWS, allLaws } from "../../crawler/detect/laws.js";
import { page } from "./helpers/records.js";

describe("dates as pages write them", () => {
  it.each([
    ["2024-03-15", "2024-03-15"],
    ["2024/03/15", "2024-03-15"],
    ["2024/3/5", "2024-03-05"],
    ["2024.03.15", "2024-03-15"],
    ["2024年3月15日", "2024-03-15"],
    ["2024年03月15日", "2024-03-15"],
    ["2024 年 3 月 15 日", "2024-03-15"],
    ["发布日期：2024-03-15 10:20:30", "2024-03-15"],
    ["2024-03-15T10:20:00+08:00", "2024-03-15"],
    ["二〇二四年三月十五日", "2024-03-15"],
    ["二○二三年十二月三十一日", "2023-12-31"],
    ["２０２４年３月１５日", "2024-03-15"], // full-width digits, as some GBK pages carry them
    ["更新时间：\u30002024年3月1日", "2024-03-01"],
  ])("%s → %s", (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it("rejects dates that do not exist and numbers that are not dates", () => {
    expect(parseDate("2024-02-30")).toBeUndefined();
    expect(parseDate("2024年13月1日")).toBeUndefined();
    expect(parseDate("索引号：11310114MB2F0123XK/2021-00012")).toBeUndefined();
    expect(parseDate("电话 021-59912345")).toBeUndefined();
  });

  it("finds every date in order", () => {
    expect(findDates("成文日期：2024年3月1日 发布日期：2024-03-05").map((d) => d.date)).toEqual(["2024-03-01", "2024-03-05"]);
  });

  it("reads publish dates from TRS and Hanweb URLs, nothing from undated ones", () => {
    expect(urlDate("http://a.invalid/xxgk/zcwj/202403/t20240315_123456.html")).toBe("2024-03-15");
    expect(urlDate("http://a.invalid/art/2024/5/6/art_123_456.html")).toBe("2024-05-06");
    expect(urlDate("http://a.invalid/zhengce/content/2024-03/15/content_6939.htm")).toBe("2024-03-15");
    expect(urlDate("http://a.invalid/gkmlpt/content/1/1234/post_1234.html")).toBeUndefined();
    expect(urlDate("http://a.invalid/xxgk/202403/index.html")).toBeUndefined();
  });

  it("takes today in China, not in UTC", () => {
    expect(todayIso(new Date("2025-01-31T15:59:00Z"))).toBe("2025-01-31");
    expect(todayIso(new Date("2025-01-31T16:00:00Z"))).toBe("2025-02-01");
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
  });

  it("prefers the metadata table's 发布日期 over 成文日期 for publishing, and the latest date for updates", () => {
    const r = page("/xxgk/zcwj/202403/t20240310_1.html", {
      metadata: { 成文日期: "2024年3月1日", 发布日期: "2024-03-12", 更新时间: "2025/01/02" },
    });
    expect(publishedDate(r, undefined, "2025-06-15")).toMatchObject({ date: "2024-03-12", source: "metadata", label: "发布日期" });
    expect(lastUpdateDate(r, undefined, "2025-06-15")).toMatchObject({ date: "2025-01-02", label: "更新时间" });
    // A date in the future is a typo, not news.
    const typo = page("/a.html", { metadata: { 发布日期: "2052-03-12" }, meta: { pubdate: "2024-01-05" } });
    expect(publishedDate(typo, undefined, "2025-06-15")?.date).toBe("2024-01-05");
  });

  it("reads metadata labels written with odd and full-width spacing, as GBK pages carry them", () => {
    const r = page("/gbk.html", { charset: "gbk", metadata: { "发 布 日 期：": "２０２４年０３月１５日", "更　新　时　间": "2024年4月1日" } });
    expect(publishedDate(r, undefined, "2025-06-15")).toMatchObject({ date: "2024-03-15", label: "发布日期" });
    expect(lastUpdateDate(r, undefined, "2025-06-15")).toMatchObject({ date: "2024-04-01", label: "更新时间" });
  });

  it("reads labelled dates from the body when there is no metadata table", () => {
    const r = page("/g.html", { bodyText: "事项名称：食品经营许可 …… 最后更新：2023年7月4日 浏览次数：12" });
    expect(lastUpdateDate(r, undefined, "2025-06-15")).toMatchObject({ date: "2023-07-04", source: "body", label: "最后更新" });
  });
});

describe("working days", () => {
  it("skips the National Day holiday and counts its make-up Saturday/Sunday as workdays", () => {
    expect(isWorkday("2024-10-01")).toBe(false);
    expect(isWorkday("2024-09-29")).toBe(true); // Sunday, make-up workday
    expect(addWorkdays("2024-09-20", 20)).toEqual({ date: "2024-10-23", approximate: false });
  });
  it("falls back to Monday–Friday past the holiday data, and says so", () => {
    const r = addWorkdays("2026-12-20", 20);
    expect(r.approximate).toBe(true);
    expect(isWorkday("2027-01-02")).toBe(false); // a Saturday
  });
});

describe("document numbers", () => {
  it("reads every bracket form and compares them equal", () => {
    const forms = ["嘉市监办〔2021〕102号", "嘉市监办[2021]102号", "嘉市监办（2021）102号", "嘉市监办【2021】102号", "嘉市监办［２０２１］１０２号", "嘉市监办〔2021〕第102号"];
    const parsed = forms.map((f) => findDocNumbers(f)[0]);
    for (const p of parsed) expect(p.text).toBe("嘉市监办〔2021〕102号");
    expect(sameDocNumber(parsed[0], parsed[3])).toBe(true);
  });
  it("drops lead-in words and keeps issuers apart", () => {
    const [a] = findDocNumbers("关于印发某办法的通知嘉市监规〔2024〕1号");
    expect(a.text).toBe("嘉市监规〔2024〕1号");
    expect(sameDocNumber(findDocNumbers("国发〔2024〕1号")[0], findDocNumbers("国办发〔2024〕1号")[0])).toBe(false);
    expect(sameDocNumber(findDocNumbers("嘉市监规〔2024〕1号")[0], findDocNumbers("嘉市监规〔2024〕2号")[0])).toBe(false);
    expect(findDocNumbers("国务院令第711号")[0].text).toBe("国务院令第711号");
    expect(findDocNumbers("市场监管总局公告2024年第12号")[0].text).toBe("市场监管总局公告2024年第12号");
  });
});

describe("law citations", () => {
  it("matches with or without 中华人民共和国 and version notes, never look-alikes", () => {
    const laws = lawsByKey(allLaws(undefined));
    const cites = findCitations(
      "依据《公司登记管理条例》《中华人民共和国食品卫生法（1995年）》《食品经营许可和备案管理办法》《促进个体工商户发展条例》《食品经营许可管理办法（2017年修正）》",
    );
    const matched = cites.map((c) => laws.get(c.key)?.title ?? null);
    expect(matched).toEqual(["中华人民共和国公司登记管理条例", null, null, null, "食品经营许可管理办法"]);
    expect(lawKey("中华人民共和国政府信息公开条例（国务院令第711号）")).toBe("政府信息公开条例");
    expect(lawKey("某某办法（试行）")).toBe("某某办法(试行)"); // 试行 is part of the title
  });
  it("lets the config replace a built-in entry by title and add its own", () => {
    const merged = allLaws({
      laws: [
        { title: "食品经营许可管理办法", status: "repealed", date: "2023-12-01", replacedBy: "本地替代" },
        { title: "上海市某条例", status: "revised", date: "2024-01-01" },
      ],
    });
    expect(merged).toHaveLength(BUILTIN_LAWS.length + 1);
    expect(merged.find((l) => l.title === "食品经营许可管理办法")?.replacedBy).toBe("本地替代");
  });
  it("holds at least the field notes' table", () => {
    const titles = BUILTIN_LAWS.map((l) => l.title);
    for (const t of ["中华人民共和国公司登记管理条例", "中华人民共和国企业法人登记管理条例", "中华人民共和国合伙企业登记管理办法", "农民专业合作社登记管理条例", "个体工商户条例", "食品经营许可管理办法", "药品流通监督管理办法", "中华人民共和国食品卫生法", "中华人民共和国政府信息公开条例"])
      expect(titles).toContain(t);
  });
});

describe("column names", () => {
  it("tolerates prefixes and synonyms, keeps different columns apart", () => {
    expect(normalizeColumnName("政府信息公开 > 政策文件")).toBe("政策文件");
    expect(sameName("信息公开政策文件", "政策文件")).toBe(true);
    expect(topicOfName("公告通知")).toBe(topicOfName("通知公告"));
    expect(topicOfName("规范性文件")).toBe("policy");
    expect(topicOfName("政策解读")).toBe("interpretation");
    expect(topicOfName("政府信息公开指南")).toBe("disclosure-guide");
    expect(topicOfName("办事指南")).toBe("guide");
    expect(topicOfName("政府信息公开")).toBeUndefined();
    expect(topicOfName("首页")).toBeUndefined();
    expect(topicOfName("行政许可")).toBeUndefined(); // a service column as often as a 双公示 one: no opinion
    expect(topicOfName("行政许可信息公示")).toBe("enforcement");
  });
});
