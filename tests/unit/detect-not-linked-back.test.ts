// missing-interpretation / not-linked-back: a 解读 names or links a document, the document's page does not link back.
import { describe, expect, it } from "vitest";
import { interpretationNotLinkedBack } from "../../crawler/detect/missing-interpretation.js";
import { abs, col, crawl, ctxFor, link, type ItemInput } from "./helpers/records.js";

const NOW = "2025-06-15T02:00:00Z";
const NAV = link("/xxgk/zcjd/index.html", "政策解读");

function policy(n: string, title: string, docNo: string, links = [NAV]): ItemInput {
  return { path: `/xxgk/zcwj/${n}.html`, title, record: { heading: title, metadata: { 发布日期: "2025-03-01", 发文字号: docNo }, bodyText: "现将有关文件印发给你们，请认真贯彻执行。", links } };
}
function interp(n: string, title: string, body = `${title}。一、制定背景……`, links = [NAV]): ItemInput {
  return { path: `/xxgk/zcjd/${n}.html`, title, record: { heading: title, bodyText: body, links } };
}
const site = (policies: ItemInput[], interpretations: ItemInput[]) =>
  crawl({ walks: [{ column: col("zcwj", "政策文件", "policy"), items: policies }, { column: col("zcjd", "政策解读", "interpretation"), items: interpretations }] });

describe("missing-interpretation / not-linked-back", () => {
  it("reports a document whose 解读 links it, names it, or names its 发文字号, when the document does not link back", () => {
    const data = site(
      [
        policy("b", "关于印发《嘉定区计量监督管理工作规范》的通知", "嘉市监规〔2025〕2号"),
        policy("c", "关于印发《嘉定区农贸市场长效管理办法》的通知", "嘉市监规〔2025〕3号"),
        policy("d", "关于进一步优化营商环境的实施意见", "嘉市监〔2025〕8号"),
      ],
      [
        interp("b", "计量工作规范解读视频", "视频解读。", [NAV, link("/xxgk/zcwj/b.html", "原文")]),
        interp("c", "《嘉定区农贸市场长效管理办法》政策解读"),
        interp("d", "关于《实施意见》（嘉市监〔2025〕8号）的解读"),
      ],
    );
    const found = interpretationNotLinkedBack.detect(data, ctxFor(data, NOW));
    expect(found.map((f) => [f.pageUrl, (f.evidence.interpretation as { url: string }).url])).toEqual([
      [abs("/xxgk/zcwj/b.html"), abs("/xxgk/zcjd/b.html")],
      [abs("/xxgk/zcwj/c.html"), abs("/xxgk/zcjd/c.html")],
      [abs("/xxgk/zcwj/d.html"), abs("/xxgk/zcjd/d.html")],
    ]);
    expect(found[0]).toMatchObject({ kind: "missing-interpretation", reason: "not-linked-back", columnId: "zcwj", evidence: { interpretationLinksDocument: true } });
    expect(found[1].message).toContain("农贸市场长效管理办法");
    expect(found[1].message).toContain("相互链接");
  });

  it("is quiet when the document links to its 解读 (by any of its URLs), and for a document only mentioned deep in another's 解读", () => {
    const linked = policy("e", "关于印发《嘉定区广告监督管理办法》的通知", "嘉市监规〔2025〕5号", [NAV, link("/xxgk/zcjd/e.html", "图解")]);
    const other = policy("f", "关于印发《嘉定区消费维权工作办法》的通知", "嘉市监规〔2025〕6号");
    const long = `《嘉定区广告监督管理办法》解读。${"一、制定背景。".repeat(60)}另可参阅《嘉定区消费维权工作办法》。`;
    const data = site([linked, other], [interp("e", "《嘉定区广告监督管理办法》解读", long)]);
    expect(interpretationNotLinkedBack.detect(data, ctxFor(data, NOW))).toEqual([]);
    // The same 解读, but the document's link is gone: reported.
    const unlinked = site([policy("e", "关于印发《嘉定区广告监督管理办法》的通知", "嘉市监规〔2025〕5号"), other], [interp("e", "《嘉定区广告监督管理办法》解读", long)]);
    expect(interpretationNotLinkedBack.detect(unlinked, ctxFor(unlinked, NOW)).map((f) => f.pageUrl)).toEqual([abs("/xxgk/zcwj/e.html")]);
  });

  it("leaves a 解读 that another document (another edition of the same name) links to with that document", () => {
    const y2024 = policy("g1", "关于印发《嘉定区计量工作规范（2025年修订）》的通知", "嘉市监规〔2025〕7号", [NAV, link("/xxgk/zcjd/g1.html", "解读")]);
    const y2025 = policy("g2", "关于印发《嘉定区计量工作规范（2025年修订）》的通知", "嘉市监规〔2025〕9号", [NAV, link("/xxgk/zcjd/g2.html", "解读")]);
    const data = site([y2024, y2025], [interp("g1", "《嘉定区计量工作规范（2025年修订）》解读"), interp("g2", "《嘉定区计量工作规范（2025年修订）》政策解读")]);
    expect(interpretationNotLinkedBack.detect(data, ctxFor(data, NOW))).toEqual([]);
  });
});
