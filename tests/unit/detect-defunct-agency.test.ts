import { describe, expect, it } from "vitest";
import { agencyRules, findDefunctAgencies } from "../../crawler/detect/agencies.js";

const found = (text: string, extra: Parameters<typeof agencyRules>[0] = []) => findDefunctAgencies(text, agencyRules(extra)).map((m) => `${m.rule.name}|${m.written}`);

describe("defunct agencies named as the office doing the work", () => {
  it("finds them at every level, full and short names", () => {
    expect(found("受理机构：嘉定区工商行政管理局")).toEqual(["工商行政管理局|工商行政管理局"]);
    expect(found("办理地点：区工商局一楼窗口")).toEqual(["工商行政管理局|工商局"]);
    expect(found("实施主体 上海市质量技术监督局")).toEqual(["质量技术监督局|质量技术监督局"]);
    expect(found("咨询电话：市质监局 021-12345678")).toEqual(["质量技术监督局|质监局"]);
    expect(found("申请人向区食品药品监督管理局提出申请")).toEqual(["食品药品监督管理局|食品药品监督管理局"]);
    expect(found("审批机关：国家工商总局")).toEqual(["国家工商行政管理总局|国家工商总局"]);
    expect(found("发证机关：国家质检总局")).toEqual(["国家质量监督检验检疫总局|国家质检总局"]);
    expect(found("监督投诉：国家食药监总局")).toEqual(["国家食品药品监督管理总局|国家食药监总局"]);
    expect(found("价格举报受理部门：区物价局")).toEqual(["物价局|物价局"]);
  });
  it("a national name is one finding, not also its local form", () => {
    expect(found("受理机构：国家工商行政管理总局")).toEqual(["国家工商行政管理总局|国家工商行政管理总局"]);
  });
  it("leaves history sentences alone", () => {
    expect(found("原区工商局职责已划入我局。")).toEqual([]);
    expect(found("受理机构：区市场监督管理局（原区工商行政管理局）")).toEqual([]);
    expect(found("机构改革前，本事项由区质量技术监督局办理。受理机构：区市场监督管理局")).toEqual([]);
    expect(found("2019年，区食品药品监督管理局的职责整合划入区市场监督管理局")).toEqual([]);
  });
  it("leaves mentions that are not the office doing the work alone", () => {
    expect(found("申请人应提交原工商营业执照复印件")).toEqual([]);
    expect(found("本指南依据国家工商总局2014年发布的规定制定")).toEqual([]);
  });
  it("takes more names from the config", () => {
    expect(found("受理机构：嘉定区经济委员会", [{ name: "嘉定区经济委员会", successor: "嘉定区经济和信息化委员会" }])).toEqual(["嘉定区经济委员会|嘉定区经济委员会"]);
  });
});
