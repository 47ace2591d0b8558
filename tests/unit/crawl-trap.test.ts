import { describe, expect, it } from "vitest";
import { hasRepeatingSegments, pathKey, TrapGuard } from "../../crawler/crawl/trap.js";

const B = "http://127.0.0.1:8080";

describe("TrapGuard", () => {
  it("stops a calendar that links to its next month without end", () => {
    const g = new TrapGuard(20);
    let admitted = 0;
    let from = `${B}/hd/calendar.html?month=0`;
    for (let m = 1; m < 1000; m++) {
      const url = `${B}/hd/calendar.html?month=${m}`;
      if (g.admit(url, from) === "trap") break;
      admitted++;
      from = url;
    }
    expect(admitted).toBe(20);
    // Once trapped, the path stays closed, from wherever it is linked.
    expect(g.admit(`${B}/hd/calendar.html?month=5000`, `${B}/hd/index.html`)).toBe("trap");
  });

  it("does not count detail pages reached from a list page", () => {
    const g = new TrapGuard(20);
    for (let i = 0; i < 500; i++) expect(g.admit(`${B}/art/detail.jsp?id=${i}`, `${B}/col/list.html`)).toBe("ok");
  });

  it("recognises relative-link loops that grow the path", () => {
    expect(hasRepeatingSegments(`${B}/xxgk/a/b/a/b/a/b/index.html`)).toBe(true);
    expect(hasRepeatingSegments(`${B}/xxgk/zcwj/202403/t20240315_1.html`)).toBe(false);
    expect(new TrapGuard().admit(`${B}/x/y/x/y/x/y/`, `${B}/x/y/x/y/`)).toBe("trap");
  });

  it("keys paths without their query", () => {
    expect(pathKey(`${B}/s.jsp?q=1&page=2`)).toBe(`${B}/s.jsp`);
    expect(pathKey(`${B}/s.jsp`)).toBe(`${B}/s.jsp`);
  });
});
