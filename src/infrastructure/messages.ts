import fs from "node:fs";
import path from "node:path";
import i18next, { type i18n, type TFunction } from "i18next";
import ICU from "i18next-icu";
import { baseLanguage, SITE_LANGUAGES, type SiteLanguage } from "../lib/languages.js";
import { srcDir, themesDir } from "../paths.js";

/** A catalogue: nested objects of ICU messages (`{"comments": {"leave_reply": "Leave a Reply"}}`). */
export interface Catalogue {
  [key: string]: string | Catalogue;
}

function isCatalogue(value: unknown): value is Catalogue {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Liquid's keyword arguments (`t: count: 3, name: x` arrives as `["count", 3], ["name", x]`) as an object. */
export function namedArguments(args: unknown[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const arg of args) if (Array.isArray(arg) && typeof arg[0] === "string") values[arg[0]] = arg[1];
  return values;
}

const MAX_FORMATTED = 20_000;

/**
 * A message whose only syntax is `{name}` placeholders: no plural, select, number or date, and no
 * apostrophe (ICU's quote character). Filled with string values it needs no ICU formatting.
 */
const PLAIN_MESSAGE = /^(?:[^{}']|\{[A-Za-z_][A-Za-z0-9_]*\})*$/;

/** A plain message split at its placeholders: literal text at even indexes, value names at odd ones. */
type PlainMessage = string[];

/** What a catalogue holds at a dotted key (`comments.leave_reply`, `admin.script`): a message or a section. */
function entryAt(catalogue: Catalogue | undefined, key: string): string | Catalogue | undefined {
  let held: string | Catalogue | undefined = catalogue;
  for (const part of key.split(".")) held = isCatalogue(held) ? held[part] : undefined;
  return held;
}

/** The message at a dotted key of a catalogue. */
function messageAt(catalogue: Catalogue | undefined, key: string): string | undefined {
  const held = entryAt(catalogue, key);
  return typeof held === "string" ? held : undefined;
}

/** `parts` with each value filled in; undefined when a value is missing or not a string. */
function fillPlain(parts: PlainMessage, values: Record<string, unknown>): string | undefined {
  let text = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = values[parts[i]];
    if (typeof value !== "string") return undefined;
    text += value + parts[i + 1];
  }
  return text;
}

/**
 * A memo key for `t`'s arguments, or undefined when a value is not a plain string, number or
 * boolean. Each value is written with its type and length, so two different sets of values can
 * never make the same key.
 */
function formattedKey(language: string, key: string, values?: Record<string, unknown>): string | undefined {
  let memoKey = `${language}\u0000${key}`;
  if (values)
    for (const name in values) {
      const value = values[name];
      const type = typeof value;
      if (type !== "string" && type !== "number" && type !== "boolean") return undefined;
      const text = String(value);
      memoKey += `\u0000${name}\u0000${type[0]}${text.length}:${text}`;
    }
  return memoKey;
}

/** `over`'s strings replace and extend `base`'s, key by key. */
function mergeCatalogues(base: Catalogue, over: Catalogue): Catalogue {
  const merged: Catalogue = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const held = merged[key];
    merged[key] = isCatalogue(held) && isCatalogue(value) ? mergeCatalogues(held, value) : value;
  }
  return merged;
}

function readCatalogue(file: string): Catalogue {
  if (!fs.existsSync(file)) return {};
  const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!isCatalogue(parsed)) throw new Error(`${file}: a catalogue is a JSON object of strings`);
  return parsed;
}

/** Each language's `<language>.json` of every folder, later folders' strings over earlier ones'. */
function catalogueFolders(folders: readonly string[]): Record<SiteLanguage, Catalogue> {
  return Object.fromEntries(
    SITE_LANGUAGES.map((language) => [
      language,
      folders.reduce<Catalogue>(
        (catalogue, folder) =>
          mergeCatalogues(catalogue, readCatalogue(path.join(folder, `${language}.json`))),
        {},
      ),
    ]),
  ) as Record<SiteLanguage, Catalogue>;
}

/** `themes/<name>/locales/<language>.json`, over the default theme's, for every supported language. */
export function loadThemeCatalogues(themeName: string): Record<SiteLanguage, Catalogue> {
  const folders = [...new Set(["default", themeName])].map((name) => path.join(themesDir, name, "locales"));
  return catalogueFolders(folders);
}

/**
 * The admin's catalogue in every supported language: each feature's `src/<feature>/locales/<language>.json`
 * (a feature's file holds the section named after it; `src/admin/locales` also holds `common`, the
 * words every screen uses), merged into one.
 */
export function loadAdminCatalogues(): Record<SiteLanguage, Catalogue> {
  const folders = fs
    .readdirSync(srcDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(srcDir, entry.name, "locales")))
    .map((entry) => path.join(srcDir, entry.name, "locales"))
    .sort();
  return catalogueFolders(folders);
}

/**
 * Interface strings in every supported language (a theme's, or the admin's), through i18next with
 * ICU messages (plurals, numbers formatted for the language:
 * `{count, plural, one {# comment} other {# comments}}`). A key missing in a language falls back
 * to English, then to the key itself, so a theme that adds a string in English only still renders.
 */
export class Messages {
  private readonly i18n: i18n;
  private readonly translators = new Map<string, TFunction>();
  /**
   * Messages already formatted, by language, key and values: the catalogues never change, and a
   * page prints the same few dozen strings on every render (i18next's lookup and ICU formatting
   * were a sixth of an uncached article's CPU).
   */
  private readonly formatted = new Map<string, string>();
  /**
   * Per language and key, the message split at its placeholders when it is plain, else null:
   * messages carrying a commenter's name or a story's title differ on every page, and filling them
   * in directly spares ICU (a memo of formatted strings would only churn).
   */
  private readonly plain = new Map<string, PlainMessage | null>();

  constructor(readonly catalogues: Record<SiteLanguage, Catalogue>) {
    this.i18n = i18next.createInstance();
    this.i18n.use(ICU).init({
      initAsync: false,
      resources: Object.fromEntries(
        Object.entries(catalogues).map(([language, catalogue]) => [language, { translation: catalogue }]),
      ),
      lng: "en",
      fallbackLng: "en",
      supportedLngs: [...SITE_LANGUAGES],
      // Keys never name a namespace: an English label not yet in a catalogue ("OPML:") prints as it is.
      nsSeparator: false,
      // Output is escaped by the template (or by the caller), once.
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    } as Parameters<i18n["init"]>[0]);
  }

  /** The message `key` in `language` (a tag such as `ru` or `en-GB`), with `values` filled in. */
  t(language: string, key: string, values?: Record<string, unknown>): string {
    if (values !== undefined) {
      const parts = this.plainMessage(language, key);
      const filled = parts && fillPlain(parts, values);
      if (filled !== undefined && filled !== null) return filled;
    }
    const memoKey = formattedKey(language, key, values);
    if (memoKey === undefined) return this.translator(language)(key, values ?? {}) as string;
    let formatted = this.formatted.get(memoKey);
    if (formatted === undefined) {
      formatted = this.translator(language)(key, values ?? {}) as string;
      // Values such as commenters' names are unbounded: start afresh rather than grow.
      if (this.formatted.size >= MAX_FORMATTED) this.formatted.clear();
      this.formatted.set(memoKey, formatted);
    }
    return formatted;
  }

  /** Every string under `prefix` (`script`, `admin.script`) in `language` (fallen back to English key by key), for scripts. */
  section(language: string, prefix: string): Catalogue {
    const under = (catalogue: Catalogue) => {
      const held = entryAt(catalogue, prefix);
      return isCatalogue(held) ? held : {};
    };
    return mergeCatalogues(under(this.catalogues.en), under(this.catalogues[baseLanguage(language) ?? "en"]));
  }

  private plainMessage(language: string, key: string): PlainMessage | null {
    const plainKey = `${language}\u0000${key}`;
    let parts = this.plain.get(plainKey);
    if (parts === undefined) {
      // The language's message, else English's (i18next's fallback); a missing key goes to i18next.
      const message =
        messageAt(this.catalogues[baseLanguage(language) ?? "en"], key) ?? messageAt(this.catalogues.en, key);
      parts =
        message !== undefined && PLAIN_MESSAGE.test(message) ? message.split(/\{([A-Za-z0-9_]+)\}/) : null;
      // Keys come from templates and code, so this stays small; the bound is for a theme's mistakes.
      if (this.plain.size >= MAX_FORMATTED) this.plain.clear();
      this.plain.set(plainKey, parts);
    }
    return parts;
  }

  private translator(language: string): TFunction {
    let translator = this.translators.get(language);
    if (!translator) {
      translator = this.i18n.getFixedT(baseLanguage(language) ?? "en");
      this.translators.set(language, translator);
    }
    return translator;
  }
}
