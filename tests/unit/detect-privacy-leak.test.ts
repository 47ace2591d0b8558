import { describe, expect, it } from "vitest";
import { privacyLeak } from "../../crawler/detect/privacy-leak.js";
import { runDetectors } from "../../crawler/detect/index.js";
import { abs, col, crawl, ctxFor, link } from "./helpers/records.js";
import { syntheticId } from "../fixtures/synthetic-numbers.js";

const NOW = "2025-06-15T02:00:00Z";
const ID = syntheticId("310114", "19810214", "237");
const ID2 = syntheticId("310114", "19790605", "415");
const MASKED = `${ID.slice(0, 4)}**********${ID.slice(14)}`;
const body = `当事人：孙某，身份证号码：${ID}，住址：某路1号。另一当事人身份证号码：${ID2}。`;

function site(type: Parameters<typeof col>[2], extra: Parameters<typeof col>[3] = {}, record: Record<string, unknown> = { bodyText: body }) {
  return crawl({ walks: [{ column: col("c1", "栏目", type, extra), items: [{ path: "/c1/1.html", title: "行政处罚决定书", record }] }] });
}

describe("privacy-leak", () => {
  it("one finding per page and kind, with the count and masked samples only", () => {
    const data = site("enforcement");
    const found = privacyLeak.detect(data, ctxFor(data, NOW));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: "privacy-leak", reason: "id-number", severity: "high", columnId: "c1", pageUrl: abs("/c1/1.html"), evidence: { count: 2, where: "page" } });
    expect((found[0]!.evidence as { masked: string[] }).masked).toContain(MASKED);
    expect(JSON.stringify(found)).not.toContain(ID);
    expect(JSON.stringify(found)).not.toContain(ID2);
    expect(found[0]!.message).toMatch(/2个未脱敏的身份证号/);
  });

  it("scans enforcement, notice, personnel and other columns by default; detectors.privacyScan turns it on or off", () => {
    const count = (type: Parameters<typeof col>[2], extra: Parameters<typeof col>[3] = {}) => {
      const data = site(type, extra);
      return runDetectors(data, ctxFor(data, NOW)).filter((f) => f.kind === "privacy-leak").length;
    };
    for (const t of ["enforcement", "notice", "personnel", "other"] as const) expect(count(t), t).toBe(1);
    for (const t of ["policy", "news", "guide", "budget"] as const) expect(count(t), t).toBe(0);
    expect(count("policy", { detectors: { privacyScan: true } })).toBe(1);
    expect(count("enforcement", { detectors: { privacyScan: false } })).toBe(0);
    expect(count("enforcement", { detectors: { disabled: ["privacy-leak"] } })).toBe(0);
  });

  it("reports an attachment's scan on the page holding the link, targetUrl the attachment", () => {
    const data = crawl({
      walks: [{ column: col("c1", "人事信息", "personnel"), items: [{ path: "/c1/2.html", title: "拟聘用人员公示", record: { bodyText: "现将拟聘用人员名单公示如下。", links: [link("/files/md.xls", "拟聘用人员名单.xls", { attachment: true })] } }] }],
      checks: [{ url: abs("/files/md.xls"), scan: { format: "xls", numbers: [{ kind: "mobile-number", count: 3, samples: ["138****5678"] }], bytes: 9000 } }],
    });
    const [f, ...rest] = privacyLeak.detect(data, ctxFor(data, NOW));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ reason: "mobile-number", pageUrl: abs("/c1/2.html"), targetUrl: abs("/files/md.xls"), linkText: "拟聘用人员名单.xls", evidence: { count: 3, masked: ["138****5678"], where: "attachment", format: "Excel" } });
  });

  it("uses the counts made before the record's text was masked", () => {
    const data = site("notice", {}, { bodyText: `身份证号码：${MASKED}`, personalNumbers: [{ kind: "id-number", count: 1, samples: [MASKED] }] });
    expect(privacyLeak.detect(data, ctxFor(data, NOW)).map((f) => f.reason)).toEqual(["id-number"]);
  });

  it("is quiet on masked values and look-alikes", () => {
    const data = site("enforcement", {}, { bodyText: "当事人：张某某，身份证号：3101**********1234，统一社会信用代码：91310114MA1GT3XX4R，咨询热线：13916002345" });
    expect(privacyLeak.detect(data, ctxFor(data, NOW))).toEqual([]);
  });
});
