import { describe, expect, it } from "vitest";
import { extractPage } from "../../crawler/extract/index.js";
import { withPersonalDataMasked } from "../../crawler/extract/personal-data.js";
import { ParsePool } from "../../crawler/crawl/parse-pool.js";
import { extractPageFromBuffer } from "../../crawler/extract/index.js";
import { syntheticId } from "../fixtures/synthetic-numbers.js";

const ID = syntheticId("310114", "19810214", "237");
const html = `<html><head><title>行政处罚决定书</title></head><body><div class="TRS_Editor"><p>当事人：孙某，身份证号码：${ID}，住址：某路1号，手机：13912345678。</p></div></body></html>`;
const meta = { url: "http://127.0.0.1/xzzf/1.html", finalUrl: "http://127.0.0.1/xzzf/1.html", status: 200, contentType: "text/html; charset=utf-8" };

describe("a parsed page keeps only masked personal numbers", () => {
  it("counts them, then masks the record's text", () => {
    const raw = extractPage({ ...meta, html });
    expect(raw.bodyText).toContain(ID);
    const r = withPersonalDataMasked(raw);
    expect(JSON.stringify(r)).not.toContain(ID);
    expect(JSON.stringify(r)).not.toContain("13912345678");
    expect(r.bodyText).toContain(`${ID.slice(0, 4)}**********${ID.slice(14)}`);
    expect(r.personalNumbers).toEqual([
      { kind: "id-number", count: 1, samples: [`${ID.slice(0, 4)}**********${ID.slice(14)}`] },
      { kind: "mobile-number", count: 1, samples: ["139****5678"] },
    ]);
  });
  it("on the parse thread and on the fallback alike", async () => {
    for (const thread of [true, false]) {
      const pool = new ParsePool(extractPageFromBuffer, thread);
      try {
        if (thread) expect(await pool.whenReady()).toBe(true);
        const { record } = await pool.parse(Buffer.from(html), meta);
        expect(JSON.stringify(record), `thread ${thread}`).not.toContain(ID);
        expect(record.personalNumbers?.map((p) => p.kind)).toEqual(["id-number", "mobile-number"]);
      } finally {
        await pool.close();
      }
    }
  });
});
