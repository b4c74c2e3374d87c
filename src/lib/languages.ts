import type { Locale } from "date-fns";
// One module per locale: the package's index loads every locale date-fns has (~17 MB of memory).
import { ar } from "date-fns/locale/ar";
import { de } from "date-fns/locale/de";
import { es } from "date-fns/locale/es";
import { fr } from "date-fns/locale/fr";
import { ru } from "date-fns/locale/ru";
import { uk } from "date-fns/locale/uk";
import { problemText } from "./problems.js";
/**
 * The languages a site (and a staff member's admin) can be in: the theme and admin catalogues
 * exist for each. A setting holds a language tag, optionally with a region (`en-GB`, `fr-CA`):
 * the region shapes dates and numbers through Intl, the base language picks the catalogue.
 */
export const SITE_LANGUAGES = ["en", "ru", "uk", "fr", "de", "es", "ar"] as const;

export type SiteLanguage = (typeof SITE_LANGUAGES)[number];

/** Each language by its own name, for the choosers in setup, Settings and profiles. */
const NATIVE_NAMES: Record<SiteLanguage, string> = {
  en: "English",
  ru: "Русский",
  uk: "Українська",
  fr: "Français",
  de: "Deutsch",
  es: "Español",
  ar: "العربية",
};

/** The supported languages as choices, `selected` for the base language of `current`. */
export function languageChoices(current: string): { code: SiteLanguage; name: string; selected: boolean }[] {
  const base = baseLanguage(current);
  return SITE_LANGUAGES.map((code) => ({ code, name: NATIVE_NAMES[code], selected: code === base }));
}

/** Written right to left. */
const RTL_LANGUAGES: ReadonlySet<SiteLanguage> = new Set(["ar"]);

const TAG_PATTERN = /^([a-z]{2,3})(?:-([A-Za-z]{2}|\d{3}))?$/;

/** The supported base language of a tag (`en-GB` → `en`), or undefined for any other tag. */
export function baseLanguage(tag: string): SiteLanguage | undefined {
  const base = TAG_PATTERN.exec(tag)?.[1];
  return (SITE_LANGUAGES as readonly string[]).includes(base ?? "") ? (base as SiteLanguage) : undefined;
}

/** The language staff are spoken to in: their own choice, else the site's, else English. */
export function staffLanguage(chosen: string | null | undefined, siteLanguage: string): SiteLanguage {
  return (chosen && baseLanguage(chosen)) || baseLanguage(siteLanguage) || "en";
}

/** Why a language tag is refused (`{languages}`: the supported ones). */
export const LANGUAGE_PROBLEM = "must be one of {languages} (a region may follow, as in en-GB)";

/** Why a language tag is refused, listing the supported ones; undefined when it is fine. */
export function languageError(tag: string): string | undefined {
  return baseLanguage(tag)
    ? undefined
    : problemText(LANGUAGE_PROBLEM, { languages: SITE_LANGUAGES.join(", ") });
}

export function textDirection(tag: string): "ltr" | "rtl" {
  const base = baseLanguage(tag);
  return base && RTL_LANGUAGES.has(base) ? "rtl" : "ltr";
}

/** date-fns locales of the languages not written by the fast English formatter. */
const DATE_LOCALES: Partial<Record<SiteLanguage, Locale>> = { ru, uk, fr, de, es, ar };

/** The date-fns locale for a language tag; undefined for English. */
export function dateLocale(tag: string): Locale | undefined {
  const base = baseLanguage(tag);
  return base ? DATE_LOCALES[base] : undefined;
}

/** Each language's masthead and story date, as its newspapers write it. */
const DATE_FORMATS: Record<SiteLanguage, string> = {
  en: "EEE. MMM do, yyyy",
  ru: "EEEEEE, d MMMM yyyy 'г.'",
  uk: "EEEEEE, d MMMM yyyy 'р.'",
  fr: "EEE d MMMM yyyy",
  de: "EEE, d. MMMM yyyy",
  es: "EEE, d 'de' MMMM 'de' yyyy",
  ar: "EEEE، d MMMM yyyy",
};

export function defaultDateFormat(tag: string): string {
  return DATE_FORMATS[baseLanguage(tag) ?? "en"];
}

/** The Open Graph locale (`ru_RU`): the tag's own region, else the language's main one. */
const OG_REGIONS: Record<SiteLanguage, string> = {
  en: "US",
  ru: "RU",
  uk: "UA",
  fr: "FR",
  de: "DE",
  es: "ES",
  ar: "AR",
};

export function openGraphLocale(tag: string): string {
  const base = baseLanguage(tag) ?? "en";
  const region = TAG_PATTERN.exec(tag)?.[2];
  return `${base}_${(region ?? OG_REGIONS[base]).toUpperCase()}`;
}
