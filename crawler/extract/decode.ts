// Turning fetched bytes into text. Real government sites serve UTF-8, GBK and GB2312, declared in the header,
// only in <meta>, or wrongly (a header saying UTF-8 over GBK bytes). Pure: no I/O.
import chardet from "chardet";
import iconv from "iconv-lite";

export type CharsetSource = "header" | "meta" | "bom" | "detected" | "default";

export interface DecodedBody {
  text: string;
  /** The charset as declared or detected, lower-cased (gb2312 and gbk are decoded with the gb18030 superset). */
  charset: string;
  source: CharsetSource;
}

/** How many bytes of the document head are searched for a `<meta>` charset. */
const META_SCAN_BYTES = 4096;
/** Detection looks at this much of the body: enough for chardet, bounded for 5 MB pages. */
const DETECT_SAMPLE_BYTES = 65536;

/** Map a charset label to the iconv-lite encoding that decodes it, or null when unknown. */
function decoderFor(label: string): string | null {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, "");
  if (!l) return null;
  // GB2312 and GBK pages routinely contain characters beyond their nominal set; gb18030 is a strict superset.
  if (/^(gb_?2312(-80)?|gbk|x-gbk|cp936|ms936|windows-936|gb18030|csgb2312|euc-cn|x-euc-cn|iso-ir-58|chinese)$/.test(l)) {
    return "gb18030";
  }
  if (l === "utf8" || l === "utf-8" || l === "unicode-1-1-utf-8") return "utf-8";
  if (/^(big5|big5-hkscs|x-x-big5|cn-big5|csbig5)$/.test(l)) return "big5";
  // Browsers treat latin1 labels as windows-1252.
  if (/^(iso-8859-1|latin1|l1|us-ascii|ascii|iso8859-1|cp1252|windows-1252)$/.test(l)) return "windows-1252";
  return iconv.encodingExists(l) ? l : null;
}

function canonicalName(label: string): string {
  return label.trim().toLowerCase().replace(/^["']|["']$/g, "").replace(/^utf8$/, "utf-8");
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType?: string): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m ? m[2] : undefined;
}

/** True for HTML content types (text/html, application/xhtml+xml). Missing types are not HTML: sniff instead. */
export function isHtmlContentType(contentType?: string): boolean {
  if (!contentType) return false;
  const mime = contentType.split(";")[0].trim().toLowerCase();
  return mime === "text/html" || mime === "application/xhtml+xml" || mime === "text/xhtml";
}

/** True when the first bytes of a body look like an HTML document (for responses without a usable content type). */
export function looksLikeHtml(body: Buffer): boolean {
  const head = body.subarray(0, 1024).toString("latin1").replace(/^\uFEFF|^\xEF\xBB\xBF/, "").trimStart().toLowerCase();
  return /^(<!doctype\s+html|<html|<head|<body|<meta|<title|<!--)/.test(head) || /<html[\s>]/.test(head);
}

/** The charset declared by `<meta charset>` or `<meta http-equiv content="…charset=…">` near the top. */
export function charsetFromMeta(body: Buffer): string | undefined {
  const head = body.subarray(0, META_SCAN_BYTES).toString("latin1");
  const re = /<meta\b[^>]*?>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(head))) {
    const tag = m[0];
    const direct = /\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(tag);
    if (direct) return direct[1];
  }
  return undefined;
}

/**
 * How UTF-8-like is this buffer? Counts valid multi-byte sequences and invalid ones (decoding goes on past an
 * invalid byte, as a browser's does). A multi-byte sequence cut off at the very end is tolerated (bodies are
 * size-capped). `valid` means no invalid sequence at all; pure ASCII is valid with `multibyte` 0.
 */
export function utf8Validity(body: Buffer): { valid: boolean; multibyte: number; invalid: number } {
  let i = 0;
  let multibyte = 0;
  let invalid = 0;
  const n = body.length;
  outer: while (i < n) {
    const b = body[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else {
      invalid++;
      i++;
      continue;
    }
    if (i + len > n) {
      // Truncated at the end: fine if what is there is continuation bytes.
      for (let k = i + 1; k < n; k++) if ((body[k] & 0xc0) !== 0x80) invalid++;
      break;
    }
    let cp = b & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const c = body[i + k];
      if ((c & 0xc0) !== 0x80) {
        invalid++;
        i++;
        continue outer;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      invalid++;
      i++;
      continue;
    }
    multibyte++;
    i += len;
  }
  return { valid: invalid === 0, multibyte, invalid };
}

/**
 * UTF-8 with a few stray bytes (a damaged upload, a truncated paste) is still UTF-8: a browser shows it with
 * replacement characters, not as another charset. GBK or Latin text read as UTF-8 is mostly invalid (a GBK
 * character pair forms a valid UTF-8 sequence by chance about one time in twelve), so a clear majority of valid
 * multi-byte sequences settles it.
 */
export function mostlyUtf8(v: { valid: boolean; multibyte: number; invalid: number }): boolean {
  return v.valid || (v.multibyte >= 8 && v.invalid * 4 <= v.multibyte);
}

/** Guess the charset of bytes with no trustworthy declaration. */
function detect(body: Buffer): string | null {
  const sample = body.subarray(0, DETECT_SAMPLE_BYTES);
  const v = utf8Validity(sample);
  if (v.valid) return v.multibyte > 0 ? "utf-8" : null;
  if (mostlyUtf8(v)) return "utf-8";
  const guess = chardet.detect(sample);
  if (!guess) return null;
  const g = guess.toLowerCase();
  // chardet labels Chinese text GB18030 or Big5; its Latin guesses on CJK-looking bytes are noise: GBK is the
  // overwhelmingly likely non-UTF-8 charset on Chinese government sites.
  if (g === "gb18030" || g === "big5" || g === "euc-jp" || g === "shift_jis" || g === "euc-kr") return g;
  if (g.startsWith("utf-16") || g.startsWith("utf-32")) return g;
  return "gb18030";
}

function decodeWith(body: Buffer, decoder: string): string {
  if (decoder === "utf-8") return body.toString("utf8");
  return iconv.decode(body, decoder);
}

/**
 * Decode a response body. Order: BOM; the header's charset (unless it claims UTF-8 over bytes that are not
 * UTF-8, or claims a GB/Big5 charset over bytes that are clearly UTF-8); the `<meta>` charset in the first 4 KB
 * (same sanity check); detection; UTF-8.
 */
export function decodeBody(body: Buffer, contentType?: string): DecodedBody {
  // 1. Byte order mark: it wins over every declaration, as in browsers.
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return { text: body.subarray(3).toString("utf8"), charset: "utf-8", source: "bom" };
  }
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) {
    return { text: iconv.decode(body.subarray(2), "utf-16le"), charset: "utf-16le", source: "bom" };
  }
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) {
    return { text: iconv.decode(body.subarray(2), "utf-16be"), charset: "utf-16be", source: "bom" };
  }

  let validity: ReturnType<typeof utf8Validity> | undefined;
  const utf8 = () => (validity ??= utf8Validity(body));
  /** A declaration is believed unless the bytes contradict it. */
  const believable = (decoder: string): boolean => {
    if (decoder === "utf-8") return mostlyUtf8(utf8());
    // UTF-16 declared in a header over ASCII-compatible HTML is a misconfiguration; browsers ignore it too.
    if (decoder.startsWith("utf-16")) return false;
    if (decoder === "windows-1252" || decoder === "gb18030" || decoder === "big5") {
      // A server default (GBK or ISO-8859-1) stamped on files that are really UTF-8: plenty of valid multi-byte
      // sequences cannot happen by chance in GBK or Latin text.
      const v = utf8();
      return !(v.valid && v.multibyte >= 4);
    }
    return true;
  };

  const headerLabel = charsetFromContentType(contentType);
  const headerDecoder = headerLabel ? decoderFor(headerLabel) : null;
  if (headerLabel && headerDecoder && believable(headerDecoder)) {
    return { text: decodeWith(body, headerDecoder), charset: canonicalName(headerLabel), source: "header" };
  }

  const metaLabel = charsetFromMeta(body);
  const metaDecoder = metaLabel ? decoderFor(metaLabel) : null;
  if (metaLabel && metaDecoder && believable(metaDecoder)) {
    return { text: decodeWith(body, metaDecoder), charset: canonicalName(metaLabel), source: "meta" };
  }

  const detected = detect(body);
  const detectedDecoder = detected ? decoderFor(detected) : null;
  if (detected && detectedDecoder) {
    return { text: decodeWith(body, detectedDecoder), charset: detected, source: "detected" };
  }
  return { text: body.toString("utf8"), charset: "utf-8", source: "default" };
}
