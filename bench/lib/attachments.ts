// Real attachments for the bench site: one in ten of the demo site's .pdf, .docx and .xlsx attachment paths answers
// with a real file (a one-page 行政处罚决定书 PDF, a notice DOCX, a result-sheet XLSX with 40 rows), all personal
// numbers masked, so the crawl's attachment scan reads real files of a realistic size. Chosen by a hash of the
// path, so every run and every crawl of a run serves the same files.
import { createHash } from "node:crypto";
import { makeDocx, makePdf, makeXlsx } from "../../tests/fixtures/office-files.js";

const body = [
  "上海市嘉定区市场监督管理局",
  "行政处罚决定书",
  "当事人：张某某，身份证号码：3101**********1234，联系电话：138****5678",
  "统一社会信用代码：91310114MA1GT3XX4R",
  ...Array.from({ length: 30 }, (_, i) => `经查，当事人于2025年${(i % 12) + 1}月销售不符合食品安全标准的食品，违反了《中华人民共和国食品安全法》第三十四条的规定，货值金额${1000 + i * 37}元。`),
];

const FILES = {
  pdf: { type: "application/pdf", body: makePdf(body) },
  docx: { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body: await makeDocx(body) },
  xlsx: {
    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    body: await makeXlsx([
      ["序号", "检查对象", "负责人姓名", "身份证号", "联系电话", "检查结果"],
      ...Array.from({ length: 40 }, (_, i) => [String(i + 1), `上海某某食品有限公司${i + 1}`, "王某", "3101**********5521", "139****2210", i % 5 ? "未发现问题" : "责令整改"]),
    ]),
  },
};

/** The real file to serve at `target` (a request path), or undefined for the demo site's own answer. */
export function realAttachmentFor(target: string): { type: string; body: Buffer } | undefined {
  const path = target.split("?")[0]!;
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  if (ext !== "pdf" && ext !== "docx" && ext !== "xlsx") return undefined;
  if (createHash("sha1").update(path).digest()[0]! % 10 !== 0) return undefined;
  return FILES[ext];
}
