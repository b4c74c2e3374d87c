import { WxrError } from "./types.js";

/** How many bytes may precede the end of the XML declaration before we stop looking for it. */
const DECLARATION_SNIFF_BYTES = 1024;

const DECLARED_ENCODING = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']/;

/**
 * Picks the encoding of an XML document from its first bytes, as XML 1.0 appendix F does: a byte
 * order mark wins, then the declaration's `encoding`, then UTF-8. Returns `undefined` while more
 * bytes are needed to decide.
 */
export function sniffXmlEncoding(head: Uint8Array, isComplete: boolean): string | undefined {
  if (head.length < 4 && !isComplete) return undefined;
  const [b0, b1, b2, b3] = head;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return "utf-8";
  if (b0 === 0xff && b1 === 0xfe) return "utf-16le";
  if (b0 === 0xfe && b1 === 0xff) return "utf-16be";
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return "utf-16le";
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return "utf-16be";

  const ascii = Buffer.from(head.subarray(0, DECLARATION_SNIFF_BYTES)).toString("latin1");
  if (!ascii.startsWith("<?xml")) return "utf-8";
  const end = ascii.indexOf("?>");
  if (end === -1) {
    return head.length < DECLARATION_SNIFF_BYTES && !isComplete ? undefined : "utf-8";
  }
  const declared = DECLARED_ENCODING.exec(ascii.slice(0, end + 2))?.[1]?.toLowerCase();
  // Without a byte order mark these bytes are ASCII-compatible, so a "UTF-16" label is wrong.
  if (declared === undefined || declared.startsWith("utf-16")) return "utf-8";
  return declared;
}

/** Hosts often hand out exports compressed; name the format so the message says what to do. */
function archiveFormat(head: Uint8Array): string | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "zip";
  return undefined;
}

/**
 * Turns an XML byte stream into text chunk by chunk in the document's own encoding, without
 * splitting a multi-byte character across chunks. ISO-8859-1 and US-ASCII labels decode as
 * windows-1252, as WHATWG specifies and browsers do: WordPress sites labelled Latin-1 routinely
 * hold curly quotes in the 0x80–0x9F range. Invalid bytes become U+FFFD rather than aborting a
 * long import.
 */
export class XmlTextDecoder {
  private decoder: TextDecoder | undefined;
  private pending: Uint8Array[] = [];
  private pendingLength = 0;

  /** The WHATWG name of the encoding in use, once known. */
  get encoding(): string | undefined {
    return this.decoder?.encoding;
  }

  /** Decodes the next chunk; returns "" while the first bytes are still being sniffed. */
  decode(chunk: Uint8Array): string {
    if (this.decoder) return this.decoder.decode(chunk, { stream: true });
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    return this.trySniff(false);
  }

  /** Decodes whatever is left at the end of the input. */
  end(): string {
    const head = this.decoder ? "" : this.trySniff(true);
    return head + (this.decoder?.decode() ?? "");
  }

  private trySniff(isComplete: boolean): string {
    const head = Buffer.concat(this.pending, this.pendingLength);
    const archive = archiveFormat(head);
    if (archive) {
      throw new WxrError(
        `not an XML file: this is a ${archive} archive; extract the .xml export from it first`,
        1,
      );
    }
    const label = sniffXmlEncoding(head, isComplete);
    if (label === undefined) return "";
    try {
      this.decoder = new TextDecoder(label);
    } catch {
      throw new WxrError(`unsupported encoding "${label}" declared in the XML declaration at line 1`, 1);
    }
    this.pending = [];
    this.pendingLength = 0;
    return this.decoder.decode(head, { stream: true });
  }
}
