import { Liquid } from "liquidjs";
import { textDirection } from "../lib/languages.js";
import { srcDir } from "../paths.js";
import { type Messages, namedArguments } from "./messages.js";

/** The language an admin page is rendered in, as its model names it (see `adminPageModel`). */
interface AdminPageLanguage {
  lang?: unknown;
}

/**
 * The Liquid engine of the admin's views (`src/<feature>/views/*.liquid`), for @fastify/view.
 * `{{ "accounts.login.title" | t }}` prints a message of the admin catalogue in the page's
 * language (the model's `lang`), with ICU named arguments like the theme's filter
 * (`| t: count: n`). The language travels in the render's globals so that partials drawn with
 * `{% render %}`, which do not see the page's variables, speak it too.
 */
export function adminViewEngine(messages: Messages, options: { cache: boolean }) {
  const liquid = new Liquid({
    root: [srcDir],
    extname: ".liquid",
    outputEscape: "escape",
    cache: options.cache,
    ownPropertyOnly: true,
  });
  liquid.registerFilter("json", (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c"));
  liquid.registerFilter(
    "t",
    function translate(this: { context: { globals: object } }, key: unknown, ...named) {
      const { lang } = this.context.globals as AdminPageLanguage;
      return messages.t(typeof lang === "string" ? lang : "en", String(key), namedArguments(named));
    },
  );
  // The strings under a catalogue section as JSON, for the admin's scripts (escaped as any output).
  liquid.registerFilter(
    "messages_json",
    function messagesJson(this: { context: { globals: object } }, prefix: unknown) {
      const { lang } = this.context.globals as AdminPageLanguage;
      return JSON.stringify(messages.section(typeof lang === "string" ? lang : "en", String(prefix)));
    },
  );
  return {
    renderFile(file: string, data: AdminPageLanguage & Record<string, unknown>) {
      const lang = typeof data.lang === "string" ? data.lang : "en";
      return liquid.renderFile(file, data, { globals: { lang, dir: textDirection(lang) } });
    },
    parse: liquid.parse.bind(liquid),
    render: liquid.render.bind(liquid),
  };
}
