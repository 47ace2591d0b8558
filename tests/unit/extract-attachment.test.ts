import { describe, expect, it } from "vitest";
import { attachmentFormat, attachmentText } from "../../crawler/extract/attachment.js";
import { scanAttachment } from "../../crawler/extract/attachment-scan.js";
import { ParsePool } from "../../crawler/crawl/parse-pool.js";
import { extractPageFromBuffer } from "../../crawler/extract/index.js";
import { makeDoc, makeDocx, makePdf, makeXls, makeXlsx } from "../fixtures/office-files.js";
import { syntheticId } from "../fixtures/synthetic-numbers.js";

const ID = syntheticId("310115", "19760821", "318");
const MASKED = `${ID.slice(0, 4)}**********${ID.slice(14)}`;
const MOBILE = "13671234567";
const rows = [
  ["序号", "姓名", "身份证号", "联系电话"],
  ["1", "张某某", ID, MOBILE],
  ["2", "李某", "3101**********1234", "138****5678"],
];

describe("attachment text", () => {
  it("reads a PDF with Chinese text", async () => {
    const pdf = makePdf(["行政处罚决定书", `当事人：张三，身份证号：${ID}`]);
    expect(attachmentFormat(pdf, "http://x.invalid/a.pdf")).toBe("pdf");
    const text = await attachmentText(pdf, "pdf");
    expect(text).toContain("行政处罚决定书");
    expect(text.replace(/\s/g, "")).toContain(`身份证号：${ID}`);
  });
  it("reads a DOCX", async () => {
    const docx = await makeDocx(["处罚决定书", `当事人身份证号码：${ID}`]);
    expect(attachmentFormat(docx, "http://x.invalid/download?id=1", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe("docx");
    expect(await attachmentText(docx, "docx")).toContain(ID);
  });
  it("reads an old binary DOC", async () => {
    const doc = makeDoc(["处罚决定书", `当事人身份证号码：${ID}`]);
    expect(attachmentFormat(doc, "http://x.invalid/a.doc")).toBe("doc");
    expect(attachmentFormat(doc, "http://x.invalid/get?id=2", "application/msword")).toBe("doc");
    expect(await attachmentText(doc, "doc")).toContain(`当事人身份证号码：${ID}`);
  });
  it("reads an XLSX and an old XLS, each cell beside its column heading", async () => {
    for (const [buf, fmt] of [
      [await makeXlsx(rows), "xlsx"],
      [makeXls(rows), "xls"],
    ] as const) {
      expect(attachmentFormat(buf, `http://x.invalid/list.${fmt}`)).toBe(fmt);
      const text = await attachmentText(buf, fmt);
      expect(text).toContain(`身份证号：${ID}`);
      expect(text).toContain(`联系电话：${MOBILE}`);
    }
  });
  it("tells unknown and damaged files apart from readable ones", async () => {
    expect(attachmentFormat(Buffer.from("GIF89a...."), "http://x.invalid/a.gif")).toBeUndefined();
    expect((await scanAttachment(Buffer.from("GIF89a"), { url: "http://x.invalid/a.pdf" })).skipped).toBe("unsupported");
    const broken = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(500, 0x20)]);
    expect((await scanAttachment(broken, { url: "http://x.invalid/a.pdf" })).skipped).toBe("unreadable");
  });
});

describe("attachment scan", () => {
  it("returns masked counts only, for every format", async () => {
    const files = [
      ["pdf", makePdf(["当事人：张三", `身份证号：${ID}`])],
      ["docx", await makeDocx([`当事人：张三，身份证号码：${ID}`])],
      ["xlsx", await makeXlsx(rows)],
      ["xls", makeXls(rows)],
      ["doc", makeDoc([`当事人：张三，身份证号码：${ID}`])],
    ] as const;
    for (const [fmt, buf] of files) {
      const scan = await scanAttachment(buf, { url: `http://x.invalid/f.${fmt}` });
      expect(scan.format).toBe(fmt);
      const ids = scan.numbers.find((n) => n.kind === "id-number");
      expect(ids, fmt).toEqual({ kind: "id-number", count: 1, samples: [MASKED] });
      expect(JSON.stringify(scan)).not.toContain(ID);
      expect(JSON.stringify(scan)).not.toContain(MOBILE);
    }
    const sheet = await scanAttachment(makeXls(rows), { url: "http://x.invalid/f.xls" });
    expect(sheet.numbers.map((n) => n.kind)).toEqual(["id-number", "mobile-number"]);
  });
  it("gives up a file that takes too long and replaces the stuck worker; pages still parse", async () => {
    const pool = new ParsePool(extractPageFromBuffer, true, 1);
    try {
      expect(await pool.whenReady()).toBe(true);
      const big = await makeXlsx(Array.from({ length: 20_000 }, (_, i) => [String(i), "上海某某食品有限公司", "王某", "3101**********5521"]));
      expect(await pool.scanAttachment(big, { url: "http://x.invalid/big.xlsx" })).toEqual({ numbers: [], skipped: "timeout", bytes: big.length });
      const meta = { url: "http://x.invalid/p.html", finalUrl: "http://x.invalid/p.html", status: 200, contentType: "text/html; charset=utf-8" };
      const { record } = await pool.parse(Buffer.from("<html><head><title>通知</title></head><body><p>正文</p></body></html>"), meta);
      expect(record.title).toBe("通知");
      expect(await pool.whenReady(), "a new worker took over").toBe(true);
    } finally {
      await pool.close();
    }
  });
  it("runs on the parse thread and gives the same masked result", async () => {
    const pool = new ParsePool(extractPageFromBuffer, true);
    try {
      expect(await pool.whenReady()).toBe(true);
      const scan = await pool.scanAttachment(await makeDocx([`身份证号：${ID}`]), { url: "http://x.invalid/f.docx" });
      expect(scan.numbers).toEqual([{ kind: "id-number", count: 1, samples: [MASKED] }]);
    } finally {
      await pool.close();
    }
  });
});
