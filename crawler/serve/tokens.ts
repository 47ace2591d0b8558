// The tokens file and bearer-token checks. Tokens are kept only as SHA-256 hashes in memory and compared in
// constant time against every entry (no early exit), so neither timing nor logs reveal them.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatIssues } from "../../shared/schema.js";

export const TOKEN_ROLES = ["maintainer", "office"] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const TokenEntrySchema = z.strictObject({
  token: z
    .string()
    .min(12, "too short: use at least 12 characters (e.g. `openssl rand -hex 24`)")
    .max(512)
    .regex(/^[\x21-\x7e]+$/, "only printable ASCII without spaces"),
  name: z.string().trim().min(1),
  department: z.string().trim().min(1),
  role: z.enum(TOKEN_ROLES),
  /** Limit this person to some sites (site ids) of a store that holds several; absent: every site. */
  sites: z.array(z.string().regex(/^[a-z0-9_-]+$/, "a site id: [a-z0-9_-]+")).min(1).optional(),
});
export type TokenEntry = z.infer<typeof TokenEntrySchema>;

export const TokensFileSchema = z
  .strictObject({ tokens: z.array(TokenEntrySchema).min(1, "at least one token is needed") })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.tokens.forEach((t, i) => {
      const prev = seen.get(t.token);
      if (prev !== undefined)
        ctx.addIssue({ code: "custom", path: ["tokens", i, "token"], message: `duplicate token (also tokens[${prev}])` });
      else seen.set(t.token, i);
    });
  });

export class TokensFileError extends Error {
  exitCode = 2;
}

/** Validate token entries (from a file or from code). Throws TokensFileError with one line per problem. */
export function parseTokens(raw: unknown, source = "tokens"): TokenEntry[] {
  const result = TokensFileSchema.safeParse(raw);
  if (!result.success)
    throw new TokensFileError(`令牌文件有误 invalid tokens file ${source}:\n${formatIssues(result.error).join("\n")}`);
  return result.data.tokens;
}

/** Read and validate a tokens file: `{"tokens":[{"token","name","department","role"}]}`. */
export function loadTokensFile(file: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new TokensFileError(
      `无法读取令牌文件 cannot read tokens file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n` +
        `格式 format: {"tokens":[{"token":"…至少12个字符 at least 12 characters…","name":"张三","department":"办公室","role":"maintainer"}]}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new TokensFileError(`令牌文件不是有效的 JSON tokens file is not valid JSON ${file}: ${(e as Error).message}`);
  }
  return parseTokens(raw, file);
}

/** Who a request acts as. */
export interface Caller {
  name: string;
  department: string;
  role: TokenRole;
  /** The sites (ids) this person may see; undefined: every site. */
  sites?: string[];
  /** A stable key for this token (hash prefix), for rate limiting; never the token. */
  key: string;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

export class TokenAuthenticator {
  private readonly entries: { hash: Buffer; caller: Caller }[];

  constructor(tokens: TokenEntry[]) {
    this.entries = tokens.map((t) => {
      const hash = sha256(t.token);
      return { hash, caller: { name: t.name, department: t.department, role: t.role, sites: t.sites, key: hash.toString("hex").slice(0, 16) } };
    });
  }

  /** The caller whose token this is, or undefined. Compares against every entry in constant time. */
  identify(presented: string): Caller | undefined {
    const hash = sha256(presented);
    let found: Caller | undefined;
    for (const entry of this.entries) {
      // No early exit: every entry is compared whatever matched before.
      if (timingSafeEqual(hash, entry.hash)) found = entry.caller;
    }
    return found;
  }
}

/** The token from an `Authorization: Bearer …` header; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}
