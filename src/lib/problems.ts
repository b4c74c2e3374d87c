/**
 * What can be wrong with an input, as a service says it in English (the API's words), by a stable
 * code. Values are ICU-style placeholders (`must be 1 to {max} characters`), filled by `problemText`;
 * the admin shows each in the staff member's language from the catalogue's `<section>.problems.<code>`.
 */
export type ProblemTexts = Readonly<Record<string, string>>;

/** A problem's English sentence with its values: `problemText("at most {max}", { max: 3 })`. */
export function problemText(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

const patterns = new WeakMap<ProblemTexts, [code: string, pattern: RegExp][]>();

/** Each problem's template as a pattern that matches its filled-in sentences and captures the values. */
function patternsOf(problems: ProblemTexts): [string, RegExp][] {
  let held = patterns.get(problems);
  if (!held) {
    held = Object.entries(problems).map(([code, template]) => [
      code,
      new RegExp(
        `^${template
          .split(/\{(\w+)\}/)
          .map((part, i) => (i % 2 ? `(?<${part}>.+?)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
          .join("")}$`,
      ),
    ]);
    patterns.set(problems, held);
  }
  return held;
}

/** Says a catalogue message in one language (`Messages.t` bound to it). */
export type Say = (key: string, values?: Record<string, unknown>) => string;

/**
 * A problem as a service said it (English) in `say`'s language: the message `<section>.problems.<code>`
 * of the first problem of `sections` whose sentence it is, with its values (numbers as numbers, so
 * plurals and digit grouping follow the language). The English sentence itself when no problem
 * matches or the language has no message for it (English has none: the service's words are its).
 */
export function translateProblem(
  say: Say,
  sections: readonly (readonly [section: string, problems: ProblemTexts])[],
  why: string,
): string {
  for (const [section, problems] of sections) {
    for (const [code, pattern] of patternsOf(problems)) {
      const match = pattern.exec(why);
      if (!match) continue;
      const values = Object.fromEntries(
        Object.entries(match.groups ?? {}).map(([name, value]) => [
          name,
          /^\d{1,3}(,\d{3})*$|^\d+$/.test(value) ? Number(value.replace(/,/g, "")) : value,
        ]),
      );
      const key = `${section}.problems.${code}`;
      const said = say(key, values);
      return said === key ? why : said;
    }
  }
  return why;
}
