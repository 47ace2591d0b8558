// Building finding drafts the same way in every content detector.
import type { Column, FindingDraft, Severity } from "../../../shared/schema.js";
import { findingId } from "../../findings.js";

export interface DraftInput {
  kind: FindingDraft["kind"];
  reason: string;
  severity: Severity;
  column: Column;
  pageUrl: string;
  targetUrl?: string;
  linkText?: string;
  message: string;
  evidence: Record<string, unknown>;
  /** Tells apart several findings of one kind on one page (one per repealed law, one per reason …). */
  key?: string;
}

export function draft(input: DraftInput): FindingDraft {
  const d: FindingDraft = {
    kind: input.kind,
    reason: input.reason,
    severity: input.severity,
    columnId: input.column.id,
    pageUrl: input.pageUrl,
    message: input.message,
    maintainer: input.column.maintainer,
    evidence: input.evidence,
  };
  if (input.targetUrl !== undefined) d.targetUrl = input.targetUrl;
  if (input.linkText !== undefined) d.linkText = input.linkText;
  if (input.key !== undefined) d.id = findingId({ ...d, key: input.key });
  return d;
}
