// What every `gongkai COMMAND` module exports as `command`. Its own file, not cli.ts, so that commands never import
// the entry point that loads them (no import cycle).
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
