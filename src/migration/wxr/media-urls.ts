/**
 * Points a post's images at the copies the import downloaded. WordPress links an image by its
 * original address or by one of its resized copies (`photo-300x200.jpg`, `photo-scaled.jpg`), in
 * `src`, in a link around it and in `srcset`; all of them lead to the one downloaded file.
 * A `srcset` naming a downloaded image is dropped: its sizes were the old server's files.
 */

/** The key both an attachment's address and its resized copies' addresses reduce to. */
export function mediaUrlKey(rawUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const path = decodeURIComponent(url.pathname).replace(/-(?:\d+x\d+|scaled)(?=\.[a-z0-9]+$)/i, "");
  return `${url.hostname.replace(/^www\./, "").toLowerCase()}${path}`;
}

const URL_ATTRIBUTE = /(\s(?:src|href)=")(https?:\/\/[^"]+)(")/gi;
const SRCSET_ATTRIBUTE = /\s(?:srcset|sizes)="[^"]*"/gi;
const IMG_TAG = /<img\b[^<>]*>/gi;

function unescapeAttribute(value: string): string {
  return value.replaceAll("&amp;", "&");
}

/**
 * `html` with every `src`/`href` that names a downloaded image replaced by its local address,
 * and `srcset`/`sizes` removed from the images that now show a local file.
 */
export function rewriteMediaUrls(html: string, localUrlByKey: ReadonlyMap<string, string>): string {
  const localUrl = (rawUrl: string) => {
    const key = mediaUrlKey(unescapeAttribute(rawUrl));
    return key === undefined ? undefined : localUrlByKey.get(key);
  };
  const withoutOldSizes = html.replace(IMG_TAG, (tag) => {
    const src = /\ssrc="([^"]*)"/i.exec(tag)?.[1];
    return src !== undefined && localUrl(src) !== undefined ? tag.replace(SRCSET_ATTRIBUTE, "") : tag;
  });
  return withoutOldSizes.replace(URL_ATTRIBUTE, (match, before: string, url: string, after: string) => {
    const local = localUrl(url);
    return local === undefined ? match : `${before}${local}${after}`;
  });
}
