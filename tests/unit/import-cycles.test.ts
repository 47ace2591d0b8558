// No import cycles in the CLI and what it loads (static, dynamic and type-only imports all count): a cycle makes
// module start-up order matter, and `gongkai --help` must not drag in a command's modules through one.
import { describe, expect, it } from "vitest";
import madge from "madge";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("import graph", () => {
  it("crawler/ and shared/ have no import cycle", async () => {
    const graph = await madge([path.join(ROOT, "crawler"), path.join(ROOT, "shared")], {
      baseDir: ROOT,
      fileExtensions: ["ts"],
      tsConfig: path.join(ROOT, "tsconfig.json"),
      detectiveOptions: { ts: { skipTypeImports: false, skipAsyncImports: false } },
    });
    const modules = graph.obj();
    // The graph must really be read (a resolver that finds nothing would also find no cycle).
    expect(modules["crawler/cli.ts"]).toContain("crawler/commands/crawl.ts");
    expect(modules["crawler/commands/crawl.ts"]).toContain("crawler/args.ts");
    expect(graph.circular().map((cycle) => cycle.join(" → "))).toEqual([]);
  });
});
