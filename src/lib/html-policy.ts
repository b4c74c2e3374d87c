/**
 * The program's HTML policies: every piece of HTML that reaches a page from a person or another
 * site passes exactly one of them, once, where it enters. Each is a sanitize-html configuration
 * with a name:
 *
 * - `article`: what editors write (Markdown with HTML) — rich text, figures, tables, audio and
 *   video, the theme's alignment classes; nothing that runs.
 * - `imported`: WordPress content — the article allow-list, WordPress's alignment and gallery
 *   classes mapped to the theme's, relative links made absolute to the old site, empty
 *   paragraphs dropped.
 * - `comment`: the tags a reader's Markdown subset can produce.
 * - `feedItem`: other outlets' feed items — rich text without media players, links marked
 *   `nofollow`, URLs resolved against the item's page, tracking pixels dropped.
 *
 * What comes out is typed `SafeHtml`, so a store or template that needs sanitised HTML cannot be
 * handed a raw string by mistake, and nothing sanitises it a second time.
 */
import sanitizeHtml from "sanitize-html";

declare const sanitized: unique symbol;
/** HTML that has passed one of the policies here: safe to put on a page as it is. */
export type SafeHtml = string & { readonly [sanitized]: true };

export type HtmlPolicyName = "article" | "imported" | "comment" | "feedItem";

export interface HtmlPolicyOptions {
  /** Relative URLs resolve against this: the old site for imports, the item's page for feeds. */
  baseUrl?: string;
  /** Told of each element (`<script>`) and inline style the imported policy takes out, for a report. */
  onRemoved?: (what: string) => void;
}

/** Content dropped with its tag rather than kept as text. */
export const NON_TEXT_TAGS = [
  "script",
  "style",
  "textarea",
  "option",
  "noscript",
  "title",
  "template",
  "svg",
  "math",
];

/** The classes the default theme styles in a story body (docs/themes.md lists them). */
export const THEME_BODY_CLASSES = [
  "align-left",
  "align-right",
  "align-center",
  "align-wide",
  "align-full",
  "text-left",
  "text-center",
  "text-right",
  "gallery",
];

/** WordPress's presentation classes and the theme's class for each; other classes are dropped. */
const WORDPRESS_CLASSES: Record<string, string> = {
  alignleft: "align-left",
  alignright: "align-right",
  aligncenter: "align-center",
  alignwide: "align-wide",
  alignfull: "align-full",
  "has-text-align-left": "text-left",
  "has-text-align-center": "text-center",
  "has-text-align-right": "text-right",
  gallery: "gallery",
  "wp-block-gallery": "gallery",
};

// biome-ignore format: a packed list of tag names reads better than one per line
const RICH_TEXT_TAGS = [
  "a", "abbr", "audio", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
  "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
  "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "source", "span", "strong",
  "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track", "u", "ul",
  "var", "video",
];

const RICH_TEXT_ATTRIBUTES: sanitizeHtml.IOptions["allowedAttributes"] = {
  a: ["href", "title", "rel", "name", "id"],
  img: ["src", "srcset", "sizes", "alt", "title", "width", "height", "loading"],
  audio: ["src", "controls", "preload"],
  video: ["src", "controls", "preload", "poster", "width", "height"],
  source: ["src", "type"],
  track: ["src", "kind", "srclang", "label", "default"],
  ol: ["start", "reversed", "type"],
  li: ["value"],
  th: ["colspan", "rowspan", "scope"],
  td: ["colspan", "rowspan"],
  abbr: ["title"],
  q: ["cite"],
  blockquote: ["cite"],
  del: ["cite", "datetime"],
  ins: ["cite", "datetime"],
  time: ["datetime"],
  h2: ["id"],
  h3: ["id"],
  h4: ["id"],
  code: ["class"],
};

const MEDIA_SCHEMES = ["http", "https"];

/** Attributes holding a URL, checked against the allowed schemes and resolved against a base. */
const URL_ATTRIBUTES = ["href", "src", "cite", "poster"];

/** `url` resolved against `base`; `undefined` unless the result is http(s). */
export function resolveHttpUrl(url: string | undefined, base: string | undefined): string | undefined {
  const trimmed = url?.trim();
  if (!trimmed) return undefined;
  try {
    const resolved = new URL(trimmed, base);
    return resolved.protocol === "http:" || resolved.protocol === "https:" ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

/** Relative URLs in `attribs` resolved against `baseUrl`; one that does not resolve to http(s) is dropped. */
function resolveUrlAttributes(
  attribs: sanitizeHtml.Attributes,
  baseUrl: string | undefined,
): sanitizeHtml.Attributes {
  if (!baseUrl) return attribs;
  const resolved: sanitizeHtml.Attributes = { ...attribs };
  for (const name of URL_ATTRIBUTES) {
    const value = attribs[name];
    if (value === undefined || /^(?:[a-z][a-z0-9+.-]*:|#)/i.test(value.trim())) continue;
    const absolute = resolveHttpUrl(value, baseUrl);
    if (absolute) resolved[name] = absolute;
    else delete resolved[name];
  }
  if (attribs.srcset) {
    resolved.srcset = attribs.srcset
      .split(",")
      .map((candidate) => {
        const [url, ...descriptor] = candidate.trim().split(/\s+/);
        const absolute = resolveHttpUrl(url, baseUrl);
        return absolute ? [absolute, ...descriptor].join(" ") : "";
      })
      .filter(Boolean)
      .join(", ");
  }
  return resolved;
}

/** Links out of the site open without handing the other page `window.opener`; images load lazily. */
function markLinksAndImages(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  if (tagName === "a" && /^https?:\/\//i.test(attribs.href ?? "")) return { ...attribs, rel: "noopener" };
  if (tagName === "img") return { ...attribs, loading: "lazy" };
  return attribs;
}

function articleOptions(): sanitizeHtml.IOptions {
  return {
    allowedTags: RICH_TEXT_TAGS,
    allowedAttributes: RICH_TEXT_ATTRIBUTES,
    allowedClasses: { "*": THEME_BODY_CLASSES, code: [/^language-[a-z0-9-]+$/] },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: {
      img: MEDIA_SCHEMES,
      audio: MEDIA_SCHEMES,
      video: MEDIA_SCHEMES,
      source: MEDIA_SCHEMES,
      track: MEDIA_SCHEMES,
    },
    allowedSchemesAppliedToAttributes: URL_ATTRIBUTES,
    allowProtocolRelative: false,
    // Formulas and drawings keep their text: a reader still sees what the author wrote.
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "template"],
    transformTags: {
      // The story's title is the page's <h1>; a second one in the body breaks the outline.
      h1: (_tagName, attribs) => ({ tagName: "h2", attribs }),
      "*": (tagName, attribs) => ({ tagName, attribs: markLinksAndImages(tagName, attribs) }),
    },
  };
}

function wordPressClassesToTheme(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const mapped = [...new Set(value.split(/\s+/).flatMap((name) => WORDPRESS_CLASSES[name] ?? []))];
  return mapped.length > 0 ? mapped.join(" ") : undefined;
}

function importedOptions(baseUrl: string | undefined): sanitizeHtml.IOptions {
  const article = articleOptions();
  const adapt = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes => {
    const { class: wordPressClass, ...rest } = attribs;
    const themeClass = wordPressClassesToTheme(wordPressClass);
    // Root-relative links pointed at the old site (`/wp-content/…`, `/2023/05/…`): keep them there.
    const absolute = baseUrl ? resolveRootRelative(rest, baseUrl) : rest;
    return markLinksAndImages(tagName, themeClass ? { ...absolute, class: themeClass } : absolute);
  };
  return {
    ...article,
    // WordPress content often points at its CDN as `//cdn…/image.jpg`.
    allowProtocolRelative: true,
    transformTags: {
      h1: (_tagName, attribs) => ({ tagName: "h2", attribs: adapt("h2", attribs) }),
      "*": (tagName, attribs) => ({ tagName, attribs: adapt(tagName, attribs) }),
    },
  };
}

/** `/path` values of the URL attributes made absolute to `baseUrl`; other values as they are. */
function resolveRootRelative(attribs: sanitizeHtml.Attributes, baseUrl: string): sanitizeHtml.Attributes {
  let resolved = attribs;
  for (const name of URL_ATTRIBUTES) {
    const value = attribs[name];
    if (value === undefined || !value.startsWith("/") || value.startsWith("//")) continue;
    const absolute = resolveHttpUrl(value, baseUrl);
    if (absolute) resolved = { ...resolved, [name]: absolute };
  }
  return resolved;
}

const COMMENT_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "em", "strong", "a", "blockquote", "code", "pre"],
  allowedAttributes: { a: ["href", "rel"] },
  allowedSchemes: ["http", "https"],
  allowProtocolRelative: false,
  disallowedTagsMode: "escape",
  transformTags: {
    // Reader links are user-generated: no ranking credit, no window.opener.
    a: (tagName, attribs) => ({
      tagName,
      attribs: { href: attribs.href ?? "", rel: "ugc nofollow noopener" },
    }),
  },
};

// biome-ignore format: a packed list of tag names reads better than one per line
const FEED_ITEM_TAGS = [
  "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div",
  "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
  "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
  "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
];

function feedItemOptions(baseUrl: string | undefined): sanitizeHtml.IOptions {
  return {
    allowedTags: FEED_ITEM_TAGS,
    allowedAttributes: {
      a: ["href", "title", "rel"],
      img: ["src", "srcset", "alt", "title", "width", "height"],
      abbr: ["title"],
      blockquote: ["cite"],
      q: ["cite"],
      del: ["cite", "datetime"],
      ins: ["cite", "datetime"],
      time: ["datetime"],
      td: ["colspan", "rowspan"],
      th: ["colspan", "rowspan", "scope"],
      ol: ["start", "reversed"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: MEDIA_SCHEMES },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite", "srcset"],
    allowProtocolRelative: false,
    nonTextTags: NON_TEXT_TAGS,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...resolveUrlAttributes(attribs, baseUrl), rel: "nofollow noopener" },
      }),
      "*": (tagName, attribs) => ({ tagName, attribs: resolveUrlAttributes(attribs, baseUrl) }),
    },
    exclusiveFilter: (frame) =>
      frame.tag === "img" &&
      (!frame.attribs.src || (frame.attribs.width === "1" && frame.attribs.height === "1")),
  };
}

const ARTICLE_OPTIONS = articleOptions();
/** WordPress leaves `<p></p>`, `<p>&nbsp;</p>` and `<p><br /></p>` where blocks and shortcodes were. */
const EMPTY_PARAGRAPH = /<p(?: class="[^"]*")?>(?:\s|&nbsp;|\u00a0|<br \/>)*<\/p>/g;

/**
 * `options` telling `onRemoved` of each element it does not allow and each inline style; an
 * element inside one whose content is dropped with it (in a `<script>`, an `<svg>`) is not told.
 */
function reportingRemovals(
  options: sanitizeHtml.IOptions,
  onRemoved: (what: string) => void,
): sanitizeHtml.IOptions {
  const allowed = new Set([...(options.allowedTags || []), ...Object.keys(options.transformTags ?? {})]);
  const droppedWhole = new Set(options.nonTextTags);
  let depthInDropped = 0;
  return {
    ...options,
    onOpenTag: (name, attribs) => {
      if (depthInDropped > 0) {
        depthInDropped += 1;
        return;
      }
      if (!allowed.has(name)) onRemoved(`<${name}>`);
      else if (attribs.style) onRemoved("style attribute");
      if (droppedWhole.has(name)) depthInDropped = 1;
    },
    onCloseTag: () => {
      if (depthInDropped > 0) depthInDropped -= 1;
    },
  };
}

/** `html` through the named policy (see the top of this file). */
export function sanitizeWith(
  policy: HtmlPolicyName,
  html: string,
  options: HtmlPolicyOptions = {},
): SafeHtml {
  switch (policy) {
    case "article":
      return sanitizeHtml(html, ARTICLE_OPTIONS) as SafeHtml;
    case "imported": {
      const imported = importedOptions(options.baseUrl);
      const reporting = options.onRemoved ? reportingRemovals(imported, options.onRemoved) : imported;
      return sanitizeHtml(html, reporting).replace(EMPTY_PARAGRAPH, "").trim() as SafeHtml;
    }
    case "comment":
      return sanitizeHtml(html, COMMENT_OPTIONS).trim() as SafeHtml;
    case "feedItem":
      return sanitizeHtml(html, feedItemOptions(options.baseUrl)).trim() as SafeHtml;
  }
}
