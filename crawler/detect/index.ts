// The detector registry: every check is a pure function from a crawl's records to findings, one file per detector.
// To add a detector: write detect/<name>.ts exporting a `Detector`, and list it here.
import type { FindingDraft } from "../../shared/schema.js";
import type { CrawlData, DetectContext, Detector } from "../types.js";
import { brokenLinks } from "./broken-links.js";
import { wrongLinks } from "./wrong-links.js";
import { titleMismatch } from "./title-mismatch.js";
import { misfiled } from "./misfiled.js";
import { staleGuide } from "./stale-guide.js";
import { staleColumn } from "./stale-column.js";
import { emptyColumn } from "./empty-column.js";
import { interpretationNotLinkedBack, missingInterpretation } from "./missing-interpretation.js";
import { latePublication } from "./late-publication.js";
import { missedDeadline } from "./missed-deadline.js";
import { missingFeedback } from "./missing-feedback.js";
import { catalogueGap } from "./catalogue-gap.js";
import { coverage } from "./coverage.js";
import { privacyLeak } from "./privacy-leak.js";

export const DETECTORS: Detector[] = [
  brokenLinks,
  wrongLinks,
  titleMismatch,
  misfiled,
  staleGuide,
  staleColumn,
  emptyColumn,
  missingInterpretation,
  interpretationNotLinkedBack,
  latePublication,
  missedDeadline,
  missingFeedback,
  catalogueGap,
  coverage,
  privacyLeak,
];

/** Run every detector not disabled for the column a finding belongs to. */
export function runDetectors(data: CrawlData, ctx: DetectContext, detectors: Detector[] = DETECTORS): FindingDraft[] {
  const disabled = new Map(data.config.columns.map((c) => [c.id, new Set(c.detectors?.disabled ?? [])]));
  const out: FindingDraft[] = [];
  for (const d of detectors) {
    for (const f of d.detect(data, ctx)) {
      if (disabled.get(f.columnId)?.has(d.name)) continue;
      out.push(f);
    }
  }
  return out;
}
