import type { Command } from "../cli.js";
export const command: Command = { summary: "report (not yet built)", usage: "gongkai report --config FILE [--db FILE] [--out DIR]", async run() { return 1; } };
