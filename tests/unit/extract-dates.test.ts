import { describe, expect, it } from "vitest";
import { dateFromUrl, findDates, parseDate } from "../../crawler/extract/dates.js";

describe("parseDate", () => {
  it.each([
    ["2024-03-15", "2024-03-15"],
    ["2024/3/5", "2024-03-05"],
    ["2024.03.15", "2024-03-15"],
    ["2024年3月15日", "2024-03-15"],
    ["2024年03月15日", "2024-03-15"],
    ["2024 年 3 月 5 日", "2024-03-05"],
    ["2024-03-15 10:20:30", "2024-03-15"],
    ["2024-03-15T10:20:30+08:00", "2024-03-15"],
    ["发布日期：2024-3-5 来源：本局", "2024-03-05"],
    ["[2024-03-15]", "2024-03-15"],
    ["２０２４－０３－１５", "2024-03-15"],
    ["二〇二四年三月十五日", "2024-03-15"],
    ["二〇二三年十二月三十一日", "2023-12-31"],
    ["2024年2月29日", "2024-02-29"],
  ])("%s → %s", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    "2024-13-40",
    "2023-02-29",
    "2024-04-31",
    "2024-00-10",
    "11310114MB2F0123XK/2021-00012",
    "电话：021-6959-1234",
    "2024.03/15",
    "第2024号",
    "",
  ])("rejects %s", (input) => {
    expect(parseDate(input)).toBeUndefined();
  });

  it("handles undefined and null", () => {
    expect(parseDate(undefined)).toBeUndefined();
    expect(parseDate(null)).toBeUndefined();
  });
});

describe("findDates", () => {
  it("finds every valid date in order, skipping invalid ones", () => {
    expect(findDates("成文日期：2024年3月10日 发布日期：2024-03-15 更新：2024-13-01 修订：2024/4/1")).toEqual([
      "2024-03-10",
      "2024-03-15",
      "2024-04-01",
    ]);
  });
});

describe("dateFromUrl", () => {
  it.each([
    ["http://www.jiading.gov.cn/xxgk/tzgg/202403/t20240315_123456.html", "2024-03-15"],
    ["https://www.example.gov.cn/art/2024/5/6/art_123_456.html", "2024-05-06"],
    ["http://news.example.gov.cn/content/2024-03/15/content_123.htm", "2024-03-15"],
    ["http://www.example.edu.cn/2024/0315/c1234a56789/page.htm", "2024-03-15"],
    ["http://www.example.gov.cn/xxgk/tzgg/202403/P020240315123456789012.pdf", "2024-03-15"],
  ])("%s → %s", (url, expected) => {
    expect(dateFromUrl(url)).toBe(expected);
  });

  it.each([
    "http://www.example.gov.cn/xxgk/tzgg/index_2.html",
    "http://www.example.gov.cn/xxgk/tzgg/202413/t20241340_1.html",
    "http://www.example.gov.cn/col/col123/index.html",
    "not a url at all",
  ])("no date in %s", (url) => {
    expect(dateFromUrl(url)).toBeUndefined();
  });
});
