import type { Command } from "../cli.js";
export const command: Command = { summary: "serve (not yet built)", usage: "gongkai serve --config FILE [--db FILE] [--out DIR]", async run() { return 1; } };
