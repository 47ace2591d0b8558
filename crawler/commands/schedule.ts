import type { Command } from "../cli.js";
export const command: Command = { summary: "schedule (not yet built)", usage: "gongkai schedule --config FILE [--db FILE] [--out DIR]", async run() { return 1; } };
