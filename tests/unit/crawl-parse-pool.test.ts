import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParsePool } from "../../crawler/crawl/parse-pool.js";
import { extractPageFromBuffer } from "../../crawler/extract/index.js";

const gbkPage = iconv.encode(
  `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>关于春节期间值班安排的通知</title></head>` +
    `<body><a href="/a.html">值班表</a><a href="/b.pdf">附件</a></body></html>`,
  "gbk",
);
const meta = { url: "http://127.0.0.1:8080/t.html", finalUrl: "http://127.0.0.1:8080/t.html", status: 200, contentType: "text/html" };

describe("ParsePool", () => {
  it("parses pages on the worker thread, with the same result as the main thread", async () => {
    const pool = new ParsePool(extractPageFromBuffer, true);
    try {
      expect(await pool.whenReady()).toBe(true);
      const many = await Promise.all(Array.from({ length: 20 }, () => pool.parse(gbkPage, meta)));
      for (const r of many) {
        expect(r.fresh).toBe(true);
        expect(r.record).toEqual(extractPageFromBuffer(gbkPage, meta));
      }
      expect(many[0].record.title).toBe("关于春节期间值班安排的通知");
      expect(many[0].record.links.map((l) => l.text)).toEqual(["值班表", "附件"]);
    } finally {
      await pool.close();
    }
  });

  it("parses on the main thread until the worker has started, so the first pages do not wait for it", async () => {
    let calls = 0;
    const pool = new ParsePool((b, m) => (calls++, extractPageFromBuffer(b, m)), true);
    try {
      pool.warm();
      const early = await pool.parse(gbkPage, meta);
      expect(early.fresh).toBe(false);
      expect(calls).toBe(1);
      expect(await pool.whenReady()).toBe(true);
      const later = await pool.parse(gbkPage, meta);
      expect(later.fresh).toBe(true);
      expect(later.record).toEqual(early.record);
      expect(calls).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it("falls back to the main thread when told to (or when the thread cannot run)", async () => {
    let calls = 0;
    const pool = new ParsePool((b, m) => (calls++, extractPageFromBuffer(b, m)), false);
    const r = await pool.parse(gbkPage, meta);
    expect(r.fresh).toBe(false);
    expect(r.record.title).toBe("关于春节期间值班安排的通知");
    expect(calls).toBe(1);
    await pool.close();
  });

  it("parses pages still waiting when it is closed on the main thread", async () => {
    const pool = new ParsePool(extractPageFromBuffer, true);
    const pending = Array.from({ length: 5 }, () => pool.parse(gbkPage, meta));
    await pool.close();
    for (const r of await Promise.all(pending)) expect(r.record.title).toBe("关于春节期间值班安排的通知");
  });
});
