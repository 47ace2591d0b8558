import { describe, expect, it } from "vitest";
import {
  countPersonalNumbers,
  findPersonalNumbers,
  isValidIdNumber15,
  isValidIdNumber18,
  luhnValid,
  maskNumber,
} from "../../crawler/detect/lib/personal-numbers.js";
import { badChecksumId, syntheticCard, syntheticId } from "../fixtures/synthetic-numbers.js";

const ID = syntheticId("310115", "19850312", "421");
const ID_X = (() => {
  for (let s = 100; s < 999; s++) {
    const id = syntheticId("310104", "19900101", String(s));
    if (id.endsWith("X")) return id;
  }
  throw new Error("no X id");
})();
const CARD = syntheticCard("622202", 19);
const kinds = (text: string) => findPersonalNumbers(text).map((m) => `${m.kind} ${m.masked}`);

describe("居民身份证号", () => {
  it("accepts a valid check character and birth date, rejects a wrong check character", () => {
    expect(isValidIdNumber18(ID)).toBe(true);
    expect(isValidIdNumber18(ID_X)).toBe(true);
    expect(isValidIdNumber18(ID_X.toLowerCase())).toBe(true);
    expect(isValidIdNumber18(badChecksumId(ID))).toBe(false);
  });
  it("rejects a checksum-valid number whose birth date does not exist", () => {
    expect(isValidIdNumber18(syntheticId("310115", "19851332", "421"))).toBe(false);
    expect(isValidIdNumber18(syntheticId("310115", "19850230", "421"))).toBe(false);
    expect(isValidIdNumber18(syntheticId("310115", "18800101", "421"))).toBe(false);
  });
  it("15-digit old numbers need a real date", () => {
    expect(isValidIdNumber15("310115850312421")).toBe(true);
    expect(isValidIdNumber15("310115851312421")).toBe(false);
  });
  it("is found in a penalty decision, masked as published decisions mask it", () => {
    const found = kinds(`当事人：张三，身份证号码：${ID}，住址：上海市浦东新区某路1号。`);
    expect(found).toEqual([`id-number ${ID.slice(0, 4)}**********${ID.slice(14)}`]);
    expect(found.join()).not.toContain(ID);
  });
  it("is found in full-width digits and with a lower-case x", () => {
    const wide = ID_X.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).toLowerCase();
    expect(kinds(`身份证：${wide}`)).toHaveLength(1);
  });
  it("never matches credit codes, 索引号, order numbers or numbers inside longer runs", () => {
    const text = [
      "统一社会信用代码：91310115MA1K3XXX2Q",
      `统一社会信用代码：${ID}`,
      `索引号：11310115MB2F49221T/2024-00123`,
      `索引号：${ID}`,
      `订单号 DD${ID}`,
      `案件编号：${ID}`,
      `流水 9${ID}`,
      `${ID}7`,
      `2024-${ID}`,
      `${ID}-01`,
      `沪市监案处〔2024〕1号`,
      badChecksumId(ID),
    ].join("；");
    expect(kinds(text)).toEqual([]);
  });
  it("masked forms are fine", () => {
    expect(kinds("当事人：张某某，身份证号：3101**********1234，联系电话：138****5678，账号：6222********1234")).toEqual([]);
  });
});

describe("mobile numbers", () => {
  it("counts a number beside a natural person", () => {
    expect(kinds("当事人：李四，住址：某路2号，联系电话：13912345678。")).toEqual(["mobile-number 139****5678"]);
    expect(kinds("法定代表人：王五（手机 15800001111）")).toEqual(["mobile-number 158****1111"]);
  });
  it("leaves an office's published contact and hotlines alone", () => {
    expect(kinds("咨询电话：13912345678（工作日）")).toEqual([]);
    expect(kinds("投诉举报热线 13912345678")).toEqual([]);
    expect(kinds("区市场监管局联系电话：13912345678 办理地点：行政服务中心")).toEqual([]);
    expect(kinds("办公室电话：13912345678，当事人可来电咨询")).toEqual([]);
  });
  it("leaves a number with no person near it alone", () => {
    expect(kinds("本次抽查共检查企业 13912345678 家次")).toEqual([]);
  });
  it("never matches inside a longer run", () => {
    expect(kinds("当事人：李四 编号 213912345678")).toEqual([]);
  });
});

describe("bank cards", () => {
  it("Luhn-valid number beside 账号/开户 is a card", () => {
    expect(luhnValid(CARD)).toBe(true);
    expect(kinds(`开户银行：某银行 账号：${CARD}`)).toEqual([`bank-card ${maskNumber("bank-card", CARD)}`]);
    const grouped = CARD.replace(/(\d{4})(?=\d)/g, "$1 ");
    expect(kinds(`收款卡号 ${grouped}`)).toEqual([`bank-card ${maskNumber("bank-card", CARD)}`]);
  });
  it("Luhn-invalid or without an account word is not", () => {
    const bad = CARD.slice(0, 18) + String((Number(CARD[18]) + 1) % 10);
    expect(kinds(`账号：${bad}`)).toEqual([]);
    expect(kinds(`第 ${CARD} 批次`)).toEqual([]);
  });
});

describe("masking and counting", () => {
  it("masks keep only what published decisions keep", () => {
    expect(maskNumber("id-number", "310115198503124215")).toBe("3101**********4215");
    expect(maskNumber("mobile-number", "13812345678")).toBe("138****5678");
    expect(maskNumber("bank-card", "6222021234567890123")).toBe("***************0123");
  });
  it("counts distinct numbers per kind with at most three samples", () => {
    const ids = ["101", "102", "103", "104"].map((s) => syntheticId("310115", "19700101", s));
    const text = ids.map((id) => `当事人身份证号 ${id}`).join("。") + `。再次：身份证号 ${ids[0]}`;
    const [c] = countPersonalNumbers(text);
    expect(c!.kind).toBe("id-number");
    expect(c!.count).toBe(4);
    expect(c!.samples).toHaveLength(3);
    for (const id of ids) expect(JSON.stringify(c)).not.toContain(id);
  });
});

describe("masking a text in place", () => {
  it("replaces each personal number by its masked form and leaves everything else", async () => {
    const { maskPersonalNumbers } = await import("../../crawler/detect/lib/personal-numbers.js");
    const text = `当事人：张三，身份证号码：${ID}，联系电话：13912345678；统一社会信用代码：91310115MA1K3XXX2Q；开户账号：${CARD.replace(/(\d{4})(?=\d)/g, "$1 ")}。`;
    const masked = maskPersonalNumbers(text);
    expect(masked).toBe(
      `当事人：张三，身份证号码：${maskNumber("id-number", ID)}，联系电话：139****5678；统一社会信用代码：91310115MA1K3XXX2Q；开户账号：${maskNumber("bank-card", CARD)}。`,
    );
    expect(findPersonalNumbers(masked)).toEqual([]);
  });
});
