/** Escaping and un-escaping for the few places that build HTML, XML or plain text by hand. */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

// Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF).
const INVALID_XML_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the characters XML forbids is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text with the characters XML cannot carry removed: a stray control character (WordPress exports
 * them verbatim) would break a whole feed, sitemap or export. Never changes line numbers.
 */
export function stripInvalidXmlCharacters(text: string): string {
  return text.replace(INVALID_XML_CHARACTERS, "");
}

/** Escapes text for an XML element body or a double-quoted attribute (as WordPress writes it: `'` stays). */
export function escapeXml(text: string): string {
  return stripInvalidXmlCharacters(text).replace(/[&<>"]/g, (character) => ESCAPES[character] ?? character);
}

const NAMED_BASICS: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/**
 * Decodes numeric character references and the basic named entities: what sanitize-html leaves
 * in text it has already decoded once, and what WordPress's texturize writes into URLs (`&#038;`).
 */
export function decodeBasicEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (entity, name: string) => {
    if (name.startsWith("#")) {
      const isHex = name[1] === "x" || name[1] === "X";
      const codePoint = Number.parseInt(name.slice(isHex ? 2 : 1), isHex ? 16 : 10);
      const isValid = codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
      return isValid ? String.fromCodePoint(codePoint) : entity;
    }
    return NAMED_BASICS[name.toLowerCase()] ?? entity;
  });
}
