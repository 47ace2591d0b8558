// Every disclosure-duty kind and reason (issue #14) has a Chinese and an English label in the report, and a name and
// "what to do" in both extension locales (a missing key would fall back to 其他问题 / 核实后处理).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { labelsFor } from "../../crawler/report/i18n.js";
import { FINDING_REASONS } from "../../shared/schema.js";

const DUTY_KINDS = ["late-publication", "missed-deadline", "missing-feedback", "catalogue-gap"] as const;
const reasons = [...DUTY_KINDS.flatMap((k) => [...FINDING_REASONS[k]]), "not-linked-back"];
const locale = (lang: string) => JSON.parse(readFileSync(new URL(`../../extension/locales/${lang}/messages.json`, import.meta.url), "utf8")) as Record<string, { message: string }>;

describe("labels of the disclosure duties", () => {
  it("the report names every duty kind and reason, Chinese first and in English", () => {
    expect(reasons.length).toBe(7);
    const zh = labelsFor("zh");
    const en = labelsFor("en");
    for (const k of DUTY_KINDS) {
      expect(zh.kinds[k], k).toMatch(/[\u4e00-\u9fff]/);
      expect(en.kinds[k], k).toMatch(/^[\x20-\x7e]+$/);
    }
    for (const r of reasons) {
      expect(zh.reasons[r], r).toMatch(/[\u4e00-\u9fff]/);
      expect(en.reasons[r], r).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it("the extension has a name and what to do for every duty kind in both locales", () => {
    for (const lang of ["zh_CN", "en"]) {
      const m = locale(lang);
      for (const k of DUTY_KINDS) {
        const key = k.replace(/-/g, "_");
        expect(m[`kind_${key}`]?.message, `${lang} kind_${key}`).toBeTruthy();
        expect(m[`advice_${key}`]?.message, `${lang} advice_${key}`).toBeTruthy();
      }
    }
    expect(locale("zh_CN").kind_late_publication.message).toMatch(/[\u4e00-\u9fff]/);
  });
});
