/** Text as XML 1.0 allows it, for the writer and the reader. */

// XML 1.0 forbids these control characters (and U+FFFE/U+FFFF), yet WordPress exports them
// verbatim from post content. Removing them never changes line numbers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INVALID_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Removes characters that may not appear anywhere in an XML 1.0 document. */
export function stripInvalidXmlCharacters(text: string): string {
  return text.replace(INVALID_XML_CHARACTERS, "");
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes text for an XML element body or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return stripInvalidXmlCharacters(text).replace(
    /[&<>"]/g,
    (character) => XML_ESCAPES[character] ?? character,
  );
}

/** Wraps text in CDATA, splitting any `]]>` inside it across two sections as WordPress does. */
export function cdata(text: string): string {
  return `<![CDATA[${stripInvalidXmlCharacters(text).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}
