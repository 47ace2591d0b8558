// Scanning an attachment for personal numbers, on the parse thread: the file's text is read (attachment.ts),
// searched (detect/lib/personal-numbers.ts, pure) and dropped here. Only masked counts leave this function, so the
// text with full numbers never reaches the main thread, the store, the page cache, a log or a finding.
import type { AttachmentScan } from "../types.js";
import { countPersonalNumbers } from "../detect/lib/personal-numbers.js";
import { attachmentFormat, attachmentText } from "./attachment.js";

export async function scanAttachment(body: Uint8Array, meta: { url: string; contentType?: string }): Promise<AttachmentScan> {
  const format = attachmentFormat(body, meta.url, meta.contentType);
  if (!format) return { numbers: [], skipped: "unsupported", bytes: body.length };
  let text: string;
  try {
    text = await attachmentText(body, format);
  } catch {
    // The reader's message may quote the file: it is not kept.
    return { format, numbers: [], skipped: "unreadable", bytes: body.length };
  }
  return { format, numbers: countPersonalNumbers(text), bytes: body.length };
}
