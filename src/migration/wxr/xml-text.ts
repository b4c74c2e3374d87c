/** Text as XML 1.0 allows it, for the writer and the reader. */
import { stripInvalidXmlCharacters } from "../../lib/html-escape.js";

/** Wraps text in CDATA, splitting any `]]>` inside it across two sections as WordPress does. */
export function cdata(text: string): string {
  return `<![CDATA[${stripInvalidXmlCharacters(text).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}
