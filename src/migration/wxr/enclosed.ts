/**
 * Replacing `open … close` spans in linear time. The obvious `/open([\s\S]*?)close/g` rescans the
 * rest of the text for every opener that has no closer, so a hostile post of 20,000 "[caption"
 * would hold an import for minutes. Here the search for each kind of closer only moves forward.
 */

/** Closers by name, e.g. `[/caption]`, `[/wp_caption]`, built once each. */
export function closerCache(build: (name: string) => RegExp): (name: string) => RegExp {
  const cache = new Map<string, RegExp>();
  return (name) => {
    let pattern = cache.get(name);
    if (!pattern) {
      pattern = build(name);
      cache.set(name, pattern);
    }
    return pattern;
  };
}

/**
 * Replaces each span from a match of `open` (a global regex) to the first match after it of the
 * closer `closeFor(opener)` returns (also global), with what `replace` returns. An opener without
 * a closer is left as it is. Same result as a lazy regex, without the quadratic worst case.
 */
export function replaceEnclosed(
  text: string,
  open: RegExp,
  closeFor: (opener: RegExpExecArray) => RegExp,
  replace: (opener: RegExpExecArray, inner: string, closer: RegExpExecArray) => string,
): string {
  const nextClosers = new Map<RegExp, RegExpExecArray | null>();
  let result = "";
  let copiedUpTo = 0;
  open.lastIndex = 0;
  for (;;) {
    const opener = open.exec(text);
    if (opener === null) break;
    const innerStart = opener.index + opener[0].length;
    const close = closeFor(opener);
    let closer = nextClosers.get(close);
    if (closer === undefined || (closer !== null && closer.index < innerStart)) {
      close.lastIndex = innerStart;
      closer = close.exec(text);
      nextClosers.set(close, closer);
    }
    // No closer of this kind anywhere after: remembered as null, so never searched for again.
    if (closer === null) continue;
    const inner = text.slice(innerStart, closer.index);
    result += text.slice(copiedUpTo, opener.index) + replace(opener, inner, closer);
    copiedUpTo = closer.index + closer[0].length;
    open.lastIndex = copiedUpTo;
  }
  return result + text.slice(copiedUpTo);
}
