// Personal numbers published by mistake (contract, Round 2: privacy-leak): an unmasked 居民身份证号, a person's
// mobile number or a bank card number in a page of a scanned column, or in an attachment such a page links to. One
// finding per page (or per page and attachment) and kind, with how many numbers and a few masked samples; the full
// numbers never reach a finding (lib/personal-numbers.ts returns masked values only, attachments arrive as masked
// scans from the parse thread).
import { privacyScanned, type Column, type FindingDraft } from "../../shared/schema.js";
import type { AttachmentScan, CrawlData, Detector, PageRecord } from "../types.js";
import { countPersonalNumbers, type PersonalNumberCount, type PersonalNumberKind } from "./lib/personal-numbers.js";
import { draft } from "./lib/finding.js";
import { urlKey } from "./lib/columns.js";
import { clip } from "./lib/text.js";

const KIND_NAME: Record<PersonalNumberKind, string> = {
  "id-number": "身份证号",
  "mobile-number": "个人手机号",
  "bank-card": "银行卡号",
};

const FORMAT_NAME: Record<NonNullable<AttachmentScan["format"]>, string> = { pdf: "PDF", docx: "Word", doc: "Word", xlsx: "Excel", xls: "Excel" };

function pageTitle(record: PageRecord): string {
  return clip(record.heading || record.meta?.articletitle || record.title || record.url, 36);
}

function leakDrafts(col: Column, record: PageRecord, counts: PersonalNumberCount[], attachment?: { url: string; text: string; format?: string }): FindingDraft[] {
  const pageUrl = urlKey(record.url);
  const title = pageTitle(record);
  return counts.map((c) => {
    const where = attachment ? `页面“${title}”的附件“${clip(attachment.text || attachment.url, 40)}”` : `页面“${title}”`;
    return draft({
      kind: "privacy-leak",
      reason: c.kind,
      severity: "high",
      column: col,
      pageUrl,
      ...(attachment ? { targetUrl: attachment.url, linkText: attachment.text } : {}),
      key: `${c.kind}:${attachment?.url ?? ""}`,
      message: `${where}公开了${c.count}个未脱敏的${KIND_NAME[c.kind]}（如 ${c.samples.join("、")}），请立即撤下或按规定脱敏后重新发布。`,
      evidence: {
        count: c.count,
        masked: c.samples,
        where: attachment ? "attachment" : "page",
        ...(attachment?.format ? { format: attachment.format } : {}),
      },
    });
  });
}

export const privacyLeak: Detector = {
  name: "privacy-leak",
  detect(data: CrawlData): FindingDraft[] {
    const columns = new Map(data.config.columns.map((c) => [c.id, c]));
    const out: FindingDraft[] = [];
    for (const page of data.pages) {
      // The first scanned column that reached the page owns its findings (a page in two columns is judged once).
      const col = page.columns.map((c) => columns.get(c.columnId)).find((c): c is Column => !!c && privacyScanned(c));
      if (!col) continue;
      const record = page.record;
      // Counted on the parse thread before the text was masked; a record made elsewhere is counted here.
      const counts = record.personalNumbers ?? countPersonalNumbers([record.heading ?? "", record.bodyText].join("\n"));
      out.push(...leakDrafts(col, record, counts));
      const seen = new Set<string>();
      for (const link of record.links) {
        if (!link.attachment || !link.url || seen.has(link.url)) continue;
        seen.add(link.url);
        const scan = data.checks.get(link.url)?.scan;
        if (!scan?.numbers.length) continue;
        const format = scan.format ? FORMAT_NAME[scan.format] : undefined;
        out.push(...leakDrafts(col, record, scan.numbers, { url: link.url, text: link.text, format }));
      }
    }
    return out;
  },
};
