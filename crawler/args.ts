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
    throw new UsageError(`参数错误 bad arguments: ${(e as Error).message}`);
  }
}

/** Read and validate a config file. Throws UsageError (exit 2) with one line per problem, naming the field. */
export function loadConfig(file: string | undefined): Config {
  if (!file) throw new UsageError("缺少配置文件 missing: --config FILE is required");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "文件不存在 no such file" : code === "EACCES" ? "没有读取权限 permission denied" : "无法读取 unreadable";
    throw new UsageError(`无法读取配置文件 cannot read config ${file}: ${why} (${code ?? (e as Error).message})`);
  }
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) throw new UsageError(`配置有误 invalid config ${file}:\n${parsed.errors.join("\n")}`);
  return parsed.value;
}

/** `7d`, `24h`, `2w` -> milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+)\s*([hdw])$/.exec(s.trim());
  if (!m) throw new UsageError(`--since 格式应为 7d、24h 或 2w / expected e.g. 7d, 24h or 2w, got "${s}"`);
  const n = Number(m[1]);
  return n * { h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as "h" | "d" | "w"];
}
