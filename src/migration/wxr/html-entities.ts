/**
 * HTML named entities that WordPress exports leave in titles and other non-CDATA elements
 * (`&nbsp;`, `&hellip;`, `&eacute;`). They are undefined in XML, so a strict parser would reject
 * the whole export over one title; the reader defines them instead. This is the HTML 4 set
 * WordPress's editors produce, not all 2,000+ HTML5 names.
 */

/** HTML 4's Latin-1 entities, in code point order from U+00A0. */
const LATIN1_NAMES =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn " +
  "sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave " +
  "Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml " +
  "ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN " +
  "szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute " +
  "icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml " +
  "yacute thorn yuml";

/** HTML 4's typographic and symbol entities that show up in real posts. */
const OTHER_ENTITIES: Record<string, number> = {
  OElig: 338,
  oelig: 339,
  Scaron: 352,
  scaron: 353,
  Yuml: 376,
  fnof: 402,
  circ: 710,
  tilde: 732,
  ensp: 8194,
  emsp: 8195,
  thinsp: 8201,
  zwnj: 8204,
  zwj: 8205,
  lrm: 8206,
  rlm: 8207,
  ndash: 8211,
  mdash: 8212,
  lsquo: 8216,
  rsquo: 8217,
  sbquo: 8218,
  ldquo: 8220,
  rdquo: 8221,
  bdquo: 8222,
  dagger: 8224,
  Dagger: 8225,
  bull: 8226,
  hellip: 8230,
  permil: 8240,
  prime: 8242,
  Prime: 8243,
  lsaquo: 8249,
  rsaquo: 8250,
  oline: 8254,
  frasl: 8260,
  euro: 8364,
  trade: 8482,
  larr: 8592,
  uarr: 8593,
  rarr: 8594,
  darr: 8595,
  harr: 8596,
  minus: 8722,
  infin: 8734,
  ne: 8800,
  le: 8804,
  ge: 8805,
  hearts: 9829,
};

function buildEntityTable(): Record<string, string> {
  const table: Record<string, string> = {};
  LATIN1_NAMES.split(" ").forEach((name, index) => {
    table[name] = String.fromCodePoint(0xa0 + index);
  });
  for (const [name, codePoint] of Object.entries(OTHER_ENTITIES)) {
    table[name] = String.fromCodePoint(codePoint);
  }
  return table;
}

/** Entity name → character, for the XML parser's entity table. */
export const HTML_ENTITIES: Readonly<Record<string, string>> = buildEntityTable();
