// The text of an attachment: PDF (pdfjs-dist 4, legacy build: runs on Node 20 without a DOM), DOCX (mammoth), XLSX
// (exceljs), and the old binary DOC (word-extractor) and XLS (SheetJS, as the @e965/xlsx mirror of its current
// release). Pure transformations of bytes into text, no I/O; each reader is loaded on first use, so a crawl that
// meets no attachment pays nothing for them. The text returned here is raw (it may hold personal numbers): it is
// only ever handed to attachment-scan.ts, which keeps nothing but masked counts.

export type AttachmentFormat = "pdf" | "docx" | "xlsx" | "doc" | "xls";

/** Text is cut here: a sheet of a million rows would otherwise fill the parse thread's memory. */
export const MAX_ATTACHMENT_TEXT = 4_000_000;

function extOf(url: string): string {
  try {
    const p = new URL(url).pathname;
    const last = p.slice(p.lastIndexOf("/") + 1);
    const dot = last.lastIndexOf(".");
    return dot > 0 ? last.slice(dot + 1).toLowerCase() : "";
  } catch {
    return "";
  }
}

/**
 * Which readable format the bytes are, from their magic number, told apart by the URL's extension or the
 * Content-Type where the container is shared (a ZIP is DOCX or XLSX, an OLE compound file DOC or XLS). Undefined
 * for anything else (images, archives, WPS, OFD …).
 */
export function attachmentFormat(body: Uint8Array, url: string, contentType = ""): AttachmentFormat | undefined {
  const ext = extOf(url);
  const ct = contentType.toLowerCase();
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 8));
  if (head.subarray(0, 5).toString("latin1") === "%PDF-") return "pdf";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    if (ext === "docx" || ct.includes("wordprocessingml")) return "docx";
    if (ext === "xlsx" || ct.includes("spreadsheetml")) return "xlsx";
    const inside = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 64 * 1024)).toString("latin1");
    if (inside.includes("word/")) return "docx";
    if (inside.includes("xl/")) return "xlsx";
    return undefined;
  }
  if (head.toString("hex") === "d0cf11e0a1b11ae1") {
    if (ext === "doc" || ct.includes("msword")) return "doc";
    if (ext === "xls" || ct.includes("ms-excel")) return "xls";
    return undefined;
  }
  return undefined;
}

/** The format a link's URL names, before anything is downloaded (decides whether a GET is worth it). */
export function attachmentFormatOfUrl(url: string): AttachmentFormat | undefined {
  const ext = extOf(url);
  return ext === "pdf" || ext === "docx" || ext === "xlsx" || ext === "doc" || ext === "xls" ? ext : undefined;
}

function capped(parts: string[]): string {
  let out = "";
  for (const p of parts) {
    if (out.length >= MAX_ATTACHMENT_TEXT) break;
    out += p;
  }
  return out.slice(0, MAX_ATTACHMENT_TEXT);
}

async function pdfText(body: Uint8Array): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  // Own copy: pdfjs detaches the buffer it is given.
  const doc = await pdfjs.getDocument({ data: new Uint8Array(body), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  const parts: string[] = [];
  try {
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      let lastEnd: number | undefined;
      for (const item of content.items) {
        if (!("str" in item)) continue;
        const x = item.transform[4] as number;
        // Pieces of one run of text are glued (a number may come in several pieces); a gap becomes a space.
        if (lastEnd !== undefined && x > lastEnd + 1) parts.push(" ");
        parts.push(item.str);
        lastEnd = x + item.width;
        if (item.hasEOL) {
          parts.push("\n");
          lastEnd = undefined;
        }
      }
      parts.push("\n");
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return capped(parts);
}

async function docxText(body: Uint8Array): Promise<string> {
  const mammoth = await import("mammoth");
  const r = await (mammoth.default ?? mammoth).extractRawText({ buffer: Buffer.from(body) });
  return r.value.slice(0, MAX_ATTACHMENT_TEXT);
}

async function docText(body: Uint8Array): Promise<string> {
  const { default: WordExtractor } = await import("word-extractor");
  const doc = await new WordExtractor().extract(Buffer.from(body));
  return [doc.getBody(), doc.getFootnotes(), doc.getEndnotes(), doc.getHeaders(), doc.getTextboxes()].join("\n").slice(0, MAX_ATTACHMENT_TEXT);
}

/**
 * A sheet as text: each row on its own line, each cell prefixed by its column's heading (the first non-empty row),
 * so a number in a 身份证号 or 联系电话 column stands beside the words that say what it is.
 */
export function sheetText(rows: string[][]): string {
  const parts: string[] = [];
  let heading: string[] | undefined;
  for (const row of rows) {
    const cells = row.map((c) => c.replace(/\s+/g, " ").trim());
    if (!cells.some(Boolean)) continue;
    if (!heading) {
      heading = cells;
      parts.push(cells.join(" ; "), "\n");
      continue;
    }
    parts.push(cells.map((c, i) => (c ? `${heading![i] ? `${heading![i]}：` : ""}${c}` : "")).filter(Boolean).join(" ; "), "\n");
  }
  return capped(parts);
}

async function xlsxText(body: Uint8Array): Promise<string> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(body) as unknown as ArrayBuffer);
  const parts: string[] = [];
  wb.eachSheet((ws) => {
    const rows: string[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        cells[col - 1] = cellString(cell.text);
      });
      rows.push(Array.from(cells, (c) => c ?? ""));
    });
    parts.push(sheetText(rows));
  });
  return capped(parts);
}

function cellString(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

async function xlsText(body: Uint8Array): Promise<string> {
  const XLSX = await import("@e965/xlsx");
  const wb = XLSX.read(Buffer.from(body), { type: "buffer", cellFormula: false, cellHTML: false, cellStyles: false });
  const parts: string[] = [];
  for (const name of wb.SheetNames) {
    const rows = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[name]!, { header: 1, raw: false, defval: "" });
    parts.push(sheetText(rows.map((r) => r.map(cellString))));
  }
  return capped(parts);
}

/** The text of an attachment of a known format. Throws when the file cannot be read (damaged, encrypted …). */
export function attachmentText(body: Uint8Array, format: AttachmentFormat): Promise<string> {
  switch (format) {
    case "pdf":
      return pdfText(body);
    case "docx":
      return docxText(body);
    case "doc":
      return docText(body);
    case "xlsx":
      return xlsxText(body);
    case "xls":
      return xlsText(body);
  }
}
