import type { Command } from "../cli.js";
export const command: Command = { summary: "crawl (not yet built)", usage: "gongkai crawl --config FILE [--db FILE] [--out DIR]", async run() { return 1; } };
