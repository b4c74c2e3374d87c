import { expect, test } from "vitest";
import { decodeFeedBytes } from "./decode-feed-bytes.js";

const XML_UTF8 = '<?xml version="1.0" encoding="utf-8"?><t>Ça coûte 5 €</t>';
const cp1252 = (text: string): Buffer =>
  Buffer.from(
    [...text].map((char) => ({ "€": 0x80, "’": 0x92, "“": 0x93, "”": 0x94 })[char] ?? char.charCodeAt(0)),
  );

test.each<[string, Uint8Array, string | undefined, string, string, RegExp | undefined]>([
  ["UTF-8", Buffer.from(XML_UTF8), undefined, "utf-8", "Ça coûte 5 €", undefined],
  [
    "UTF-8 with BOM",
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XML_UTF8)]),
    undefined,
    "utf-8",
    "Ça",
    undefined,
  ],
  [
    "UTF-16LE with BOM",
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<t>Ça €</t>", "utf16le")]),
    "text/xml; charset=iso-8859-1",
    "utf-16le",
    "Ça €",
    undefined,
  ],
  [
    "UTF-16LE without BOM",
    Buffer.from('<?xml version="1.0" encoding="UTF-16"?><t>é</t>', "utf16le"),
    undefined,
    "utf-16le",
    "<t>é</t>",
    undefined,
  ],
  [
    "windows-1252 declared UTF-8",
    cp1252('<?xml version="1.0" encoding="utf-8"?><t>“5 €”</t>'),
    undefined,
    "windows-1252",
    "“5 €”",
    /not valid UTF-8/,
  ],
  ["windows-1252 undeclared", cp1252("<t>it’s</t>"), undefined, "windows-1252", "it’s", /not valid UTF-8/],
  [
    "windows-1252 declared ISO-8859-1",
    cp1252('<?xml version="1.0" encoding="ISO-8859-1"?><t>“x”</t>'),
    undefined,
    "windows-1252",
    "“x”",
    undefined,
  ],
  [
    "UTF-8 declared ISO-8859-1 by the server",
    Buffer.from(XML_UTF8),
    "text/xml; charset=ISO-8859-1",
    "utf-8",
    "coûte",
    /valid UTF-8/,
  ],
  [
    "ISO-8859-2 declared and used",
    Buffer.from([0x3c, 0x74, 0x3e, 0xb3, 0xf3, 0x64, 0xbc, 0x3c, 0x2f, 0x74, 0x3e]),
    "application/xml; charset=iso-8859-2",
    "iso-8859-2",
    "łódź",
    undefined,
  ],
  [
    "an unknown charset label",
    Buffer.from("<t>plain</t>"),
    "text/xml; charset=x-made-up",
    "utf-8",
    "plain",
    /unknown charset/,
  ],
])("%s", (_name, bytes, contentType, encoding, contains, warning) => {
  const decoded = decodeFeedBytes(bytes, contentType);
  expect(decoded.encoding).toBe(encoding);
  expect(decoded.text).toContain(contains);
  expect(decoded.text.startsWith("\uFEFF")).toBe(false);
  if (warning) expect(decoded.warning).toMatch(warning);
  else expect(decoded.warning).toBeUndefined();
});
