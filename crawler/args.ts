// Argument parsing shared by the commands: node's parseArgs, with errors turned into exit code 2.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { readFileSync } from "node:fs";
import { parseConfigText, type Config } from "../shared/schema.js";

export class UsageError extends Error {
  exitCode = 2;
}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Read and validate a config file. Throws UsageError (exit 2) with one line per problem, naming the field. */
export function loadConfig(file: string | undefined): Config {
  if (!file) throw new UsageError("--config FILE is required");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) throw new UsageError(`配置有误 invalid config ${file}:\n${parsed.errors.join("\n")}`);
  return parsed.value;
}

/** `7d`, `24h`, `2w` -> milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+)\s*([hdw])$/.exec(s.trim());
  if (!m) throw new UsageError(`--since: expected e.g. 7d, 24h or 2w, got "${s}"`);
  const n = Number(m[1]);
  return n * { h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as "h" | "d" | "w"];
}
