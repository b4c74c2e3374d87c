import fs from "node:fs";
import path from "node:path";
import { parse, TYPE } from "@formatjs/icu-messageformat-parser";
import IntlMessageFormat from "intl-messageformat";
import { describe, expect, test } from "vitest";
import { ACCOUNT_PROBLEMS } from "../src/accounts/problems.js";
import { ARTICLE_PROBLEMS } from "../src/articles/problems.js";
import { COMMENT_PROBLEMS } from "../src/comments/problems.js";
import { CURATION_PROBLEMS } from "../src/curation/problems.js";
import {
  type Catalogue,
  loadAdminCatalogues,
  loadThemeCatalogues,
  Messages,
} from "../src/infrastructure/messages.js";
import { COMMON_PROBLEMS } from "../src/lib/common-problems.js";
import { SITE_LANGUAGES } from "../src/lib/languages.js";
import type { ProblemTexts } from "../src/lib/problems.js";
import { MEDIA_PROBLEMS } from "../src/media/problems.js";
import { SITE_PROBLEMS } from "../src/site/problems.js";

const themeDir = path.resolve(import.meta.dirname, "../themes/default");
const catalogues = loadThemeCatalogues("default");

/** Every key of a catalogue, dotted, with its message. */
function flatten(catalogue: Catalogue, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [inner, message] of flatten(value, `${prefix}${key}.`)) out.set(inner, message);
  }
  return out;
}

/** The arguments a message takes (`{name}`, `{count, plural, …}`), sorted. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: ReturnType<typeof parse>) => {
    for (const element of elements) {
      if ("value" in element && element.type !== TYPE.literal) names.add(String(element.value));
      if ("options" in element)
        for (const option of Object.values(element.options))
          walk((option as { value: typeof elements }).value);
    }
  };
  walk(parse(message));
  return [...names].sort();
}

const english = flatten(catalogues.en);

describe("theme catalogues", () => {
  test.each(SITE_LANGUAGES.filter((language) => language !== "en"))(
    "%s has every English key, no other, each a valid ICU message with the same arguments",
    (language) => {
      const own = flatten(catalogues[language]);
      expect([...own.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [key, message] of own) {
        expect({ key, arguments: argumentsOf(message) }).toEqual({
          key,
          arguments: argumentsOf(english.get(key) ?? ""),
        });
      }
    },
  );

  test("plurals follow each language's rules and numbers its digits grouping", () => {
    const messages = new Messages(catalogues);
    expect(messages.t("en", "comments.title", { count: 1 })).toBe("1 comment");
    expect(messages.t("ru", "comments.title", { count: 3 })).toBe("3 комментария");
    expect(messages.t("ru", "comments.title", { count: 5 })).toBe("5 комментариев");
    expect(messages.t("ru", "comments.title", { count: 21 })).toBe("21 комментарий");
    expect(messages.t("uk", "comments.title", { count: 2 })).toBe("2 коментарі");
    expect(messages.t("ar", "comments.title", { count: 2 })).toBe("تعليقان");
    expect(messages.t("de", "archive.count", { count: 1234 })).toBe("1.234 Artikel");
    expect(messages.t("en-GB", "comments.leave_reply")).toBe("Leave a Reply");
  });
});

/** Attributes whose values are read or heard by a person. */
const SPOKEN_ATTRIBUTES = /\b(?:aria-label|placeholder|title|alt)="([^"]*)"/g;

/**
 * Text a reader sees or hears in a template, with Liquid, comments and scripts taken out (and
 * `<code>`, which is not in any language, when `withoutCode`).
 */
function visibleText(template: string, spokenAttributes = SPOKEN_ATTRIBUTES, withoutCode = false): string[] {
  const withoutLiquid = template
    .replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, " ")
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(withoutCode ? /<code\b[\s\S]*?<\/code>/g : /$^/g, " ")
    .replace(/\{%[\s\S]*?%\}/g, " ")
    .replace(/\{\{[\s\S]*?\}\}/g, " ");
  const spoken = [...withoutLiquid.matchAll(spokenAttributes)].map((m) => m[1]);
  const text = withoutLiquid.replace(/<[^>]*>/g, " ").replace(/&[a-z]+;/g, " ");
  return [...spoken, text];
}

test("no theme template prints a literal English word: every sentence comes from the catalogues", () => {
  const templates = fs
    .readdirSync(themeDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".liquid"));
  expect(templates.length).toBeGreaterThan(10);
  const literal: string[] = [];
  for (const file of templates) {
    for (const text of visibleText(fs.readFileSync(path.join(themeDir, file), "utf8"))) {
      for (const word of text.match(/\p{L}{2,}/gu) ?? []) literal.push(`${file}: ${word}`);
    }
  }
  expect(literal).toEqual([]);
});

test("the theme's and the admin's scripts take their sentences from the page, not from English literals", () => {
  const adminAssets = path.resolve(import.meta.dirname, "../src/admin/assets");
  for (const script of [
    ...["comments.js", "search-suggest.js", "embeds.js"].map((name) => path.join(themeDir, "assets", name)),
    ...["admin.js", "settings.js", "media-focal.js", "editor.js", "front-page.js"].map((name) =>
      path.join(adminAssets, name),
    ),
  ]) {
    const source = fs.readFileSync(script, "utf8");
    const spoken = [
      ...source.matchAll(
        /(?:\.textContent\s*=|\.title\s*=|say\(|"aria-label",)\s*(["`])([^"`]*[A-Za-z]{3,}[^"`]*)\1/g,
      ),
    ].map((m) => m[2]);
    expect({ script, spoken }).toEqual({ script, spoken: [] });
  }
});

test("every message a template asks for is in the English catalogue", () => {
  const templates = fs
    .readdirSync(themeDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".liquid"));
  const missing: string[] = [];
  for (const file of templates) {
    const source = fs.readFileSync(path.join(themeDir, file), "utf8");
    for (const [, key] of source.matchAll(/"([a-z_]+(?:\.[a-z_]+)+)"\s*\|\s*t\b/g)) {
      if (!english.has(key)) missing.push(`${file}: ${key}`);
    }
  }
  expect(missing).toEqual([]);
});

// ── the admin ────────────────────────────────────────────────────────────────

const srcDir = path.resolve(import.meta.dirname, "../src");
const admin = loadAdminCatalogues();
const adminEnglish = flatten(admin.en);

/**
 * The problems each feature's services write (English, the API's words), translated in the admin
 * under `<section>.problems.<code>`. A feature that gives its services problem codes adds them here.
 */
const PROBLEM_SECTIONS: [section: string, problems: ProblemTexts][] = [
  ["common", COMMON_PROBLEMS],
  ["accounts", ACCOUNT_PROBLEMS],
  ["comments", COMMENT_PROBLEMS],
  ["media", MEDIA_PROBLEMS],
  ["admin", SITE_PROBLEMS],
  ["articles", ARTICLE_PROBLEMS],
  ["curation", CURATION_PROBLEMS],
];

/** Attributes of admin views a person reads or hears: the theme's, confirmations and button values. */
const ADMIN_SPOKEN_ATTRIBUTES =
  /\b(?:aria-label|placeholder|title|alt|data-confirm|data-label)="([^"]*)"|<(?:button|input)\b[^>]*\btype="(?:submit|button)"[^>]*\bvalue="([^"]*)"/g;

function adminViews(): string[] {
  return fs
    .readdirSync(srcDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".liquid") && file.split(path.sep).includes("views"))
    .map((file) => file.split(path.sep).join("/"));
}

const isProblem = (key: string) => /(^|\.)problems\./.test(key);

describe("admin catalogues", () => {
  test("each feature's catalogue holds only its own section (the admin's also holds common)", () => {
    for (const folder of fs.readdirSync(srcDir)) {
      const locales = path.join(srcDir, folder, "locales");
      if (!fs.existsSync(locales)) continue;
      for (const language of SITE_LANGUAGES) {
        const file = path.join(locales, `${language}.json`);
        expect(fs.existsSync(file), `${folder}/locales/${language}.json`).toBe(true);
        const sections = Object.keys(JSON.parse(fs.readFileSync(file, "utf8"))).sort();
        expect({ file: `${folder}/${language}`, sections }).toEqual({
          file: `${folder}/${language}`,
          sections: folder === "admin" ? ["admin", "common"] : [folder],
        });
      }
    }
  });

  test.each(SITE_LANGUAGES.filter((language) => language !== "en"))(
    "%s has every English admin message, no other, each a valid ICU message with the same arguments",
    (language) => {
      const own = new Map([...flatten(admin[language])].filter(([key]) => !isProblem(key)));
      expect([...own.keys()].sort()).toEqual([...adminEnglish.keys()].sort());
      for (const [key, message] of own) {
        expect({ key, arguments: argumentsOf(message) }).toEqual({
          key,
          arguments: argumentsOf(adminEnglish.get(key) ?? ""),
        });
      }
    },
  );

  test.each(SITE_LANGUAGES.filter((language) => language !== "en"))(
    "%s translates every problem a service can write, with its values, and no problem that no longer exists",
    (language) => {
      const own = new Map([...flatten(admin[language])].filter(([key]) => isProblem(key)));
      const expected = new Map<string, string>(
        PROBLEM_SECTIONS.flatMap(([section, problems]) =>
          Object.entries(problems).map(
            ([code, english]) => [`${section}.problems.${code}`, english] as const,
          ),
        ),
      );
      expect([...own.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, message] of own) {
        expect({ key, arguments: argumentsOf(message) }).toEqual({
          key,
          arguments: argumentsOf(expected.get(key) ?? ""),
        });
      }
    },
  );

  test("English problems are the services' own words, never a second copy in the catalogue", () => {
    expect([...adminEnglish.keys()].filter(isProblem)).toEqual([]);
  });

  test("every message an admin view asks for is in the English catalogue, roles and token states included", () => {
    const missing: string[] = [];
    for (const file of adminViews()) {
      const source = fs.readFileSync(path.join(srcDir, file), "utf8");
      for (const [, key] of source.matchAll(/"([a-z_]+(?:\.[a-z_]+)+)"\s*\|\s*t\b/g))
        if (!adminEnglish.has(key)) missing.push(`${file}: ${key}`);
      // A key a view builds (`role | prepend: "common.roles." | t`) must exist for every value.
      for (const [, prefix] of source.matchAll(/prepend:\s*"([a-z_.]+\.)"\s*\|\s*t\b/g))
        if (![...adminEnglish.keys()].some((key) => key.startsWith(prefix)))
          missing.push(`${file}: ${prefix}*`);
      // Labels handed to the field-error partial are message keys.
      for (const [, key] of source.matchAll(/field-error",[^%]*\blabel:\s*"([^"]+)"/g))
        if (!adminEnglish.has(key)) missing.push(`${file}: label ${key}`);
    }
    for (const role of ["admin", "editor", "author", "contributor"])
      if (!adminEnglish.has(`common.roles.${role}`)) missing.push(`common.roles.${role}`);
    for (const state of ["active", "revoked", "expired"])
      if (!adminEnglish.has(`accounts.tokens.states.${state}`))
        missing.push(`accounts.tokens.states.${state}`);
    expect(missing).toEqual([]);
  });

  test("no admin view prints a literal English word: every sentence comes from the catalogues", () => {
    const views = adminViews();
    expect(views.length).toBeGreaterThan(30);
    const literal: string[] = [];
    for (const file of views) {
      const source = fs.readFileSync(path.join(srcDir, file), "utf8");
      for (const text of visibleText(source, ADMIN_SPOKEN_ATTRIBUTES, true))
        for (const word of (text ?? "").match(/\p{L}{2,}/gu) ?? []) literal.push(`${file}: ${word}`);
    }
    expect(literal).toEqual([]);
  });

  test("a message formatted once is given again only for the same language and values", () => {
    const messages = new Messages(admin);
    const inDays = (language: string, days: unknown) =>
      messages.t(language, "accounts.tokens.in_days", { days });
    for (let round = 0; round < 2; round++) {
      expect(inDays("en", 1)).toBe("In 1 day");
      expect(inDays("en", 30)).toBe("In 30 days");
      expect(inDays("ru", 30)).toBe("Через 30 дней");
      expect(inDays("en", "30")).toBe("In 30 days");
    }
  });

  test("a message with only named placeholders, filled in directly, reads as ICU formats it", () => {
    // Values that ICU syntax would mean something in, had they been parsed.
    const value = "O'Brien {x} & <b>#</b>";
    let checked = 0;
    for (const [name, loaded] of [
      ["theme", catalogues],
      ["admin", admin],
    ] as const) {
      const messages = new Messages(loaded);
      for (const language of SITE_LANGUAGES)
        for (const [key, message] of flatten(loaded[language])) {
          const names = [...message.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]);
          // Messages with plurals, selects or numbers take numbers: compared elsewhere.
          if (names.length === 0 || [...new Set(names)].sort().join() !== argumentsOf(message).join())
            continue;
          const values = Object.fromEntries(names.map((n) => [n, value]));
          const expected = new IntlMessageFormat(message, language).format(values);
          expect(messages.t(language, key, values), `${name} ${language} ${key}`).toBe(expected);
          checked += 1;
        }
    }
    expect(checked).toBeGreaterThan(100);
  });

  test("admin plurals follow each language's rules", () => {
    const messages = new Messages(admin);
    expect(messages.t("en", "accounts.tokens.in_days", { days: 30 })).toBe("In 30 days");
    expect(messages.t("ru", "accounts.tokens.in_days", { days: 30 })).toBe("Через 30 дней");
    expect(messages.t("uk", "accounts.tokens.in_days", { days: 2 })).toBe("Через 2 дні");
    expect(messages.t("ar", "accounts.tokens.in_days", { days: 2 })).toBe("بعد يومين");
  });
});
