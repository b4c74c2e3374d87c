/**
 * Streaming WXR reader: bytes in, typed records out, one `<item>` in memory at a time, so a
 * 2 GB export reads in flat memory. saxes does the XML; this file tracks where in the WXR
 * structure the parser is and hands each finished element group to `record-builders.ts`.
 */
import { SaxesParser, type SaxesTagNS } from "saxes";
import { stripInvalidXmlCharacters } from "../../lib/html-escape.js";
import { decodeSlug } from "../../lib/slug.js";
import { XmlTextDecoder } from "./encoding.js";
import { HTML_ENTITIES } from "./html-entities.js";
import {
  buildAuthor,
  buildCategory,
  buildComment,
  buildItem,
  buildSite,
  buildTag,
  type ItemDraft,
  RawFields,
} from "./record-builders.js";
import { AFTER_HEADER, CHILD_SCOPES, elementKey, FIELDS, type Scope } from "./structure.js";
import { KEPT_POSTMETA_KEYS, OLD_SLUG_META_KEY, WxrError, type WxrRecord } from "./types.js";

/** Options of `readWxr`. */
export interface ReadWxrOptions {
  /** Called after each chunk with the number of bytes read so far (for a progress bar). */
  onProgress?: (bytesRead: number) => void;
}

/** The WXR versions this reader understands (WordPress 2.1 to today). */
export const SUPPORTED_WXR_VERSIONS: readonly string[] = ["1.0", "1.1", "1.2"];

interface Frame {
  key: string;
  line: number;
  /** The scope of this element's children; `undefined` for elements we skip. */
  scope: Scope | undefined;
}

interface Capture {
  frame: Frame;
  text: string;
  attributes: Record<string, string>;
}

/** Drives saxes over decoded text and queues the records it completes. */
class WxrParser {
  private readonly saxes = new SaxesParser({ xmlns: true });
  private readonly stack: Frame[] = [];
  private readonly queue: WxrRecord[] = [];
  private capture: Capture | undefined;
  private hasSeenMarkup = false;
  private textLine = 1;
  private channel: RawFields | undefined;
  private isSiteEmitted = false;
  private group: RawFields | undefined;
  private item: ItemDraft | undefined;

  constructor() {
    Object.assign(this.saxes.ENTITIES, HTML_ENTITIES);
    this.saxes.on("opentag", (tag) => this.openElement(tag));
    this.saxes.on("closetag", () => this.closeElement());
    this.saxes.on("text", (text) => this.appendText(text));
    this.saxes.on("cdata", (text) => this.appendText(text));
  }

  /** Feeds decoded text; throws `WxrError` when the document cannot be read further. */
  write(text: string): void {
    const clean = stripInvalidXmlCharacters(text);
    if (!this.hasSeenMarkup) this.checkStartsWithMarkup(clean);
    this.guard(() => this.saxes.write(clean));
  }

  /** Ends the document; throws `WxrError` when it is truncated or not a WXR file. */
  close(): void {
    if (!this.hasSeenMarkup) throw new WxrError("not an XML file: the file is empty", this.textLine);
    const innermost = this.stack.at(-1);
    if (innermost) {
      const item = this.item ? ` in the <item> opened at line ${this.item.fields.line}` : "";
      throw new WxrError(
        `WXR file is truncated: it ends at line ${this.saxes.line} inside <${innermost.key}> ` +
          `opened at line ${innermost.line}${item}`,
        this.saxes.line,
      );
    }
    // saxes resets its position when it closes.
    const lastLine = this.saxes.line;
    this.guard(() => this.saxes.close());
    if (!this.isSiteEmitted) {
      throw new WxrError(`not a WordPress export: no <channel> in <rss> (line ${lastLine})`, lastLine);
    }
  }

  /** Takes the records completed so far. */
  drain(): WxrRecord[] {
    return this.queue.splice(0, this.queue.length);
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      // saxes reports well-formedness errors as "line:column: message"; anything else is a bug
      // and must surface as itself, not as a complaint about the file.
      const position = error instanceof Error ? /^(\d+):(\d+): ([\s\S]*)$/.exec(error.message) : null;
      if (error instanceof WxrError || !position) throw error;
      const [line, column] = [Number(position[1]), Number(position[2])];
      const reason = position[3].replace(/\.$/, "");
      throw new WxrError(`not well-formed XML at line ${line}, column ${column}: ${reason}`, line, column);
    }
  }

  /** Says "not XML" at the first stray character instead of where saxes would notice it. */
  private checkStartsWithMarkup(text: string): void {
    const start = text.search(/[^\s\uFEFF]/);
    if (start === -1) {
      this.textLine += text.split("\n").length - 1;
      return;
    }
    this.hasSeenMarkup = true;
    if (text[start] === "<") return;
    const before = text.slice(0, start);
    const line = this.textLine + before.split("\n").length - 1;
    const column = start - before.lastIndexOf("\n");
    const found = JSON.stringify(text.slice(start, start + 24));
    throw new WxrError(`not an XML file: found ${found} at line ${line}, column ${column}`, line, column);
  }

  private openElement(tag: SaxesTagNS): void {
    const key = elementKey(tag);
    const line = this.saxes.line;
    const parentScope = this.stack.length === 0 ? "document" : this.stack.at(-1)?.scope;
    const frame: Frame = { key, line, scope: undefined };
    this.stack.push(frame);
    if (this.capture || parentScope === undefined) return;

    if (parentScope === "document" && key !== "rss") {
      throw new WxrError(
        `not a WordPress export: the root element is <${tag.name}> at line ${line}, not <rss>`,
        line,
      );
    }
    if (parentScope === "channel") this.checkChannelChild(tag, key, line);

    const childScope = CHILD_SCOPES[parentScope]?.[key];
    if (childScope) {
      frame.scope = childScope;
      this.openScope(childScope, line);
    } else if (FIELDS[parentScope].has(key)) {
      const attributes: Record<string, string> = {};
      for (const attribute of Object.values(tag.attributes)) attributes[attribute.local] = attribute.value;
      this.capture = { frame, text: "", attributes };
    }
  }

  private checkChannelChild(tag: SaxesTagNS, key: string, line: number): void {
    const namespaceVersion = /^https?:\/\/wordpress\.org\/export\/([^/]+)\/$/.exec(tag.uri)?.[1];
    if (tag.local === "wxr_version" && namespaceVersion !== undefined && key !== "wp:wxr_version") {
      throw new WxrError(
        `unsupported WXR version "${namespaceVersion}" (namespace ${tag.uri}) at line ${line}; ` +
          `supported: ${SUPPORTED_WXR_VERSIONS.join(", ")}`,
        line,
      );
    }
    if (tag.local === "wxr_version" && key !== "wp:wxr_version") {
      throw new WxrError(
        `not a WordPress export: <${tag.name}> at line ${line} is in namespace "${tag.uri}", ` +
          "not http://wordpress.org/export/1.2/",
        line,
      );
    }
    if (AFTER_HEADER.has(key)) this.emitSite(line);
  }

  private openScope(scope: Scope, line: number): void {
    switch (scope) {
      case "channel":
        this.channel = new RawFields(line);
        break;
      case "item":
        this.item = {
          fields: new RawFields(line),
          categories: [],
          postmeta: {},
          oldSlugs: [],
          comments: [],
          issues: [],
        };
        break;
      case "author":
      case "category":
      case "tag":
      case "postmeta":
      case "comment":
        this.group = new RawFields(line);
        break;
      default:
        break;
    }
  }

  private appendText(text: string): void {
    if (this.capture) this.capture.text += text;
  }

  private closeElement(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    if (this.capture?.frame === frame) {
      const { text, attributes } = this.capture;
      this.capture = undefined;
      this.storeField(frame, text, attributes);
    } else if (frame.scope) {
      this.closeScope(frame.scope);
    }
  }

  /** Where a captured child element's text goes, by the scope it sits in. */
  private storeField(frame: Frame, text: string, attributes: Record<string, string>): void {
    const scope = this.stack.at(-1)?.scope;
    if (scope === "channel") {
      if (frame.key === "wp:wxr_version") this.checkVersion(text.trim(), frame.line);
      this.channel?.set(frame.key, text, frame.line);
    } else if (scope === "item" && frame.key === "category") {
      this.addTermRef(text, attributes);
    } else if (scope === "item") {
      this.item?.fields.set(frame.key, text, frame.line);
    } else {
      this.group?.set(frame.key, text, frame.line);
    }
  }

  private checkVersion(version: string, line: number): void {
    if (!SUPPORTED_WXR_VERSIONS.includes(version)) {
      throw new WxrError(
        `unsupported WXR version "${version}" at line ${line}; supported: ${SUPPORTED_WXR_VERSIONS.join(", ")}`,
        line,
      );
    }
  }

  /** An item's `<category>`; WXR 1.0 says `domain="tag"` and also repeats terms without a domain. */
  private addTermRef(text: string, attributes: Record<string, string>): void {
    const domain = attributes.domain === "tag" ? "post_tag" : attributes.domain;
    if (!this.item || (domain !== "category" && domain !== "post_tag")) return;
    const name = text.trim();
    const slug = decodeSlug(attributes.nicename ?? "") || name;
    const isDuplicate = this.item.categories.some((ref) => ref.domain === domain && ref.slug === slug);
    if (slug !== "" && !isDuplicate) this.item.categories.push({ domain, slug, name: name || slug });
  }

  private closeScope(scope: Scope): void {
    const group = this.group;
    switch (scope) {
      case "channel":
        this.emitSite(this.saxes.line);
        break;
      case "author":
        if (group) this.queue.push(buildAuthor(group));
        break;
      case "category":
        if (group) this.queue.push(buildCategory(group));
        break;
      case "tag":
        if (group) this.queue.push(buildTag(group));
        break;
      case "item":
        if (this.item) this.queue.push(buildItem(this.item));
        this.item = undefined;
        break;
      case "postmeta":
        if (group && this.item) this.addPostmeta(group, this.item);
        break;
      case "comment":
        if (group && this.item) {
          const comment = buildComment(group, this.item.issues);
          if (comment) this.item.comments.push(comment);
        }
        break;
      default:
        break;
    }
    if (scope !== "channel" && scope !== "item") this.group = undefined;
  }

  private addPostmeta(group: RawFields, item: ItemDraft): void {
    const key = group.trimmed("wp:meta_key");
    if (key === OLD_SLUG_META_KEY) {
      const slug = decodeSlug(group.text("wp:meta_value"));
      if (slug !== "" && !item.oldSlugs.includes(slug)) item.oldSlugs.push(slug);
    } else if (KEPT_POSTMETA_KEYS.has(key)) {
      item.postmeta[key] = group.text("wp:meta_value");
    }
  }

  private emitSite(line: number): void {
    if (this.isSiteEmitted) return;
    if (!this.channel || this.channel.get("wp:wxr_version") === undefined) {
      throw new WxrError(
        `not a WordPress export: no <wp:wxr_version> in the channel before line ${line}`,
        line,
      );
    }
    this.isSiteEmitted = true;
    this.queue.push(buildSite(this.channel));
  }
}

/**
 * Reads a WXR export as records in document order: the site header first, then authors, terms
 * and items as their closing tags arrive. Input is bytes in the encoding the file declares (or
 * already-decoded strings). Throws `WxrError` (with the line) for a file that is not XML, not
 * WXR, of an unsupported version, or truncated; records before the problem are yielded first.
 */
export async function* readWxr(
  input: AsyncIterable<Uint8Array | string>,
  options: ReadWxrOptions = {},
): AsyncGenerator<WxrRecord, void, undefined> {
  const parser = new WxrParser();
  const decoder = new XmlTextDecoder();
  let bytesRead = 0;
  let failure: unknown;
  try {
    for await (const chunk of input) {
      const isText = typeof chunk === "string";
      bytesRead += isText ? Buffer.byteLength(chunk) : chunk.length;
      parser.write(isText ? chunk : decoder.decode(chunk));
      options.onProgress?.(bytesRead);
      yield* parser.drain();
    }
    parser.write(decoder.end());
    parser.close();
  } catch (error) {
    failure = error;
  }
  yield* parser.drain();
  if (failure !== undefined) throw failure;
}
