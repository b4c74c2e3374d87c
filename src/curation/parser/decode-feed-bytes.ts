/** A feed body turned into text, with the encoding used and why, when it was not the declared one. */
export interface DecodedText {
  text: string;
  /** WHATWG name of the encoding used, e.g. "utf-8", "windows-1252". */
  encoding: string;
  /** Set when the declared encoding was overridden or unknown. */
  warning?: string;
}

/**
 * Windows-1252 code points for bytes 0x80–0x9F (undefined bytes map to the C1 control, as WHATWG
 * does). Needed because Node 20's TextDecoder("windows-1252") decodes as ISO-8859-1, turning
 * curly quotes, dashes and € into invisible control characters.
 */
// biome-ignore format: a 32-entry code table reads best as a grid
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/**
 * Decodes feed bytes the way real feeds need: a BOM wins; then bytes that are valid UTF-8 are
 * read as UTF-8 whatever is declared (servers often declare ISO-8859-1 by default); otherwise the
 * charset declared by Content-Type or the XML declaration is used, and when none is declared (or
 * only UTF-8 is, wrongly) windows-1252, the usual encoding of mislabelled Western feeds.
 */
export function decodeFeedBytes(body: Uint8Array, contentType?: string): DecodedText {
  const bom = detectBom(body);
  if (bom)
    return { text: new TextDecoder(bom.encoding).decode(body.subarray(bom.length)), encoding: bom.encoding };
  const utf16 = detectUtf16WithoutBom(body);
  if (utf16) return { text: new TextDecoder(utf16).decode(body), encoding: utf16 };

  const declared = [charsetFromContentType(contentType), charsetFromXmlDeclaration(body)]
    .filter((label): label is string => label !== undefined)
    .map((label) => ({ label, encoding: normalizeEncoding(label) }));
  const unknown = declared.find((entry) => entry.encoding === undefined);
  const unknownWarning = unknown ? `unknown charset "${unknown.label}" ignored` : undefined;
  const legacy = declared.find(
    (entry) => entry.encoding !== undefined && entry.encoding !== "utf-8",
  )?.encoding;

  const utf8 = tryDecodeUtf8(body);
  if (utf8 !== undefined) {
    // Fewer characters than bytes means multi-byte sequences: real UTF-8, not ASCII.
    const overrides = legacy !== undefined && utf8.length !== body.length;
    return {
      text: utf8,
      encoding: "utf-8",
      ...(overrides
        ? { warning: `declared ${legacy} but the bytes are valid UTF-8; read as UTF-8` }
        : unknownWarning
          ? { warning: unknownWarning }
          : {}),
    };
  }
  if (legacy !== undefined) return { text: decodeLegacy(body, legacy), encoding: legacy };
  return {
    text: decodeWindows1252(body),
    encoding: "windows-1252",
    warning: "the bytes are not valid UTF-8; read as windows-1252",
  };
}

function detectBom(body: Uint8Array): { encoding: string; length: number } | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (body[0] === 0xff && body[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (body[0] === 0xfe && body[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return undefined;
}

/** `<?` in UTF-16 without a BOM, as the XML spec's appendix F describes. */
function detectUtf16WithoutBom(body: Uint8Array): string | undefined {
  if (body[0] === 0x3c && body[1] === 0x00 && body[2] === 0x3f && body[3] === 0x00) return "utf-16le";
  if (body[0] === 0x00 && body[1] === 0x3c && body[2] === 0x00 && body[3] === 0x3f) return "utf-16be";
  return undefined;
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return match?.[1];
}

function charsetFromXmlDeclaration(body: Uint8Array): string | undefined {
  // The declaration is ASCII by definition, so reading the head as latin1 is safe.
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 512)).toString("latin1");
  const match = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1];
}

/** The WHATWG name for a charset label ("latin1" → "windows-1252"), or undefined if unknown. */
function normalizeEncoding(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

function tryDecodeUtf8(body: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

function decodeLegacy(body: Uint8Array, encoding: string): string {
  return encoding === "windows-1252" ? decodeWindows1252(body) : new TextDecoder(encoding).decode(body);
}

function decodeWindows1252(body: Uint8Array): string {
  let text = "";
  // Chunked so String.fromCharCode never receives more arguments than the engine allows.
  for (let start = 0; start < body.length; start += 8192) {
    const codes = Array.from(body.subarray(start, start + 8192), (byte) =>
      byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : byte,
    );
    text += String.fromCharCode(...codes);
  }
  return text;
}
