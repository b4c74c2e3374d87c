import { Context, Drop, Liquid } from "liquidjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type GeneratedSite, generateSite } from "../bench/generate.js";
import { TemplateCompiler } from "../src/infrastructure/liquid/compiler.js";
import { postComment, readerFields } from "./comments-helpers.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

/**
 * The compiled renderer must write exactly what liquidjs writes: every case here renders through
 * both, and the default theme's pages are rendered both ways from the models real requests built.
 */

class Temperature extends Drop {
  constructor(private readonly degrees: number) {
    super();
  }
  celsius() {
    return this.degrees;
  }
  override liquidMethodMissing(key: string) {
    return key === "feel" ? (this.degrees > 20 ? "warm" : "cold") : undefined;
  }
  override valueOf() {
    return `${this.degrees}°`;
  }
}

const partials: Record<string, string> = {
  card: "<b>{{ title }}</b>{% if extra %} ({{ extra }}){% endif %}|",
  "with-name": "[{{ with-name.title }}]",
  layout:
    "<main>{% block head %}H{% endblock %}|{% block %}{% endblock %}|{% block foot %}F{% endblock %}</main>",
  nested: "{% include 'card', title: inner %}",
  assigner: "{% assign leaked = 'from partial' %}",
};

function liquidWith(options: ConstructorParameters<typeof Liquid>[0] = {}) {
  const liquid = new Liquid({
    templates: partials,
    outputEscape: "escape",
    ownPropertyOnly: true,
    strictFilters: true,
    cache: true,
    ...options,
  });
  liquid.registerFilter("shout", (value: unknown, suffix = "!") => `${String(value).toUpperCase()}${suffix}`);
  liquid.registerFilter("named", (value: unknown, ...args: unknown[]) => `${value}:${JSON.stringify(args)}`);
  liquid.registerFilter("explode", () => {
    throw new Error("filter exploded");
  });
  return liquid;
}

/** A fresh model per render: `increment` and `decrement` write into the model they render. */
const model = () => ({
  title: `Rock & "Roll" <Live>`,
  empty_text: "",
  spaces: "   ",
  zero: 0,
  no: false,
  nothing: null,
  list: [3, 1, 2],
  words: ["alpha", "beta", "gamma", "delta"],
  none: [],
  nested: { a: { b: { c: "deep" } }, size: 7 },
  people: [
    { name: "Ada", tags: ["x", "y"] },
    { name: "Grace", tags: [] },
  ],
  object: { one: 1, two: 2 },
  key: "one",
  index: 1,
  temperature: new Temperature(25),
  html: "<em>trusted</em>",
  inherited: Object.create({ hidden: "from the prototype" }),
  number: 42.5,
  negative: -3,
});

const cases: Record<string, string> = {
  "plain text": "Just text, no tags.",
  "escaped output": "{{ title }}",
  "raw output": "{{ html | raw }} {{ title | raw }}",
  "missing variables": "[{{ missing }}][{{ missing.deeper }}][{{ nothing.at.all }}]",
  "paths and indexes": "{{ nested.a.b.c }} {{ list[0] }} {{ list[-1] }} {{ object[key] }} {{ words[index] }}",
  "size first last":
    "{{ list.size }} {{ list.first }} {{ list.last }} {{ title.size }} {{ nested.size }} {{ object.size }}",
  "own properties only": "[{{ inherited.hidden }}][{{ list.length }}][{{ title.length }}]",
  drops: "{{ temperature }} {{ temperature.celsius }} {{ temperature.feel }} {{ temperature.none }}",
  "numbers and literals":
    "{{ 1 }} {{ 2.5 }} {{ 'quoted' }} {{ \"double\" }} {{ true }} {{ false }} {{ nil }} {{ empty }} {{ blank }}",
  "arrays print joined": "{{ list }} {{ people }}",
  "filters with arguments":
    "{{ title | shout }} {{ 'a' | shout: '?' }} {{ 'x' | named: 1, key: 'v', 2 }} {{ words | join: ', ' | upcase }}",
  "default filter":
    "{{ missing | default: 'fallback' }} {{ empty_text | default: 'blank' }} {{ no | default: 'was false' }} {{ zero | default: 9 }}",
  "builtin filters":
    "{{ list | sort | join: '-' }} {{ words | map: 'size' | join }} {{ people | where: 'name', 'Ada' | map: 'name' | first }} {{ number | round }} {{ title | truncate: 8 }}",
  "if elsif else":
    "{% if zero %}zero is truthy{% endif %}{% if no %}A{% elsif nothing %}B{% elsif title %}C{% else %}D{% endif %}",
  comparisons:
    "{% if 2 > 1 and 1 < 2 and 2 >= 2 and 1 <= 1 and 1 != 2 and 'a' == 'a' %}ok{% endif %}{% if negative < 0 or missing %}neg{% endif %}",
  contains:
    "{% if title contains 'Roll' %}s{% endif %}{% if words contains 'beta' %}a{% endif %}{% if object contains 'one' %}o{% endif %}{% if nothing contains 'x' %}n{% endif %}",
  "empty and blank":
    "{% if empty_text == empty %}1{% endif %}{% if none == empty %}2{% endif %}{% if spaces == blank %}3{% endif %}{% if nothing == blank %}4{% endif %}{% if list == empty %}5{% endif %}{% if nothing == nil %}6{% endif %}",
  "operator precedence":
    "{% if true or false and false %}T{% else %}F{% endif %}{% if false and true or true %}T{% else %}F{% endif %}",
  unless:
    "{% unless no %}shown{% endunless %}{% unless title %}hidden{% elsif list %}elsif{% else %}else{% endunless %}",
  "for with forloop":
    "{% for w in words %}{{ forloop.index }}/{{ forloop.length }}:{{ w }}{% if forloop.first %}^{% endif %}{% if forloop.last %}.{% endif %}{{ forloop.rindex0 }} {% endfor %}",
  "for modifiers":
    "{% for w in words limit: 2 offset: 1 %}{{ w }} {% endfor %}|{% for w in words reversed %}{{ w }} {% endfor %}|{% for n in (1..3) %}{{ n }}{% endfor %}|{% for n in (index..4) %}{{ n }}{% endfor %}",
  "for offset continue":
    "{% for w in words limit: 2 %}{{ w }} {% endfor %}|{% for w in words offset: continue %}{{ w }} {% endfor %}",
  "for else and objects":
    "{% for x in none %}x{% else %}nothing{% endfor %}|{% for pair in object %}{{ pair[0] }}={{ pair[1] }};{% endfor %}|{% for c in title %}[{{ c }}]{% endfor %}",
  "break and continue":
    "{% for n in list %}{% if n == 1 %}{% continue %}{% endif %}{{ n }}{% if n == 2 %}{% break %}{% endif %}{% endfor %}",
  "nested loops":
    "{% for p in people %}{{ p.name }}:{% for t in p.tags %}{{ t }}{{ forloop.index }}{% else %}-{% endfor %};{% endfor %}",
  "forloop printed": "{% for n in list %}{{ forloop }}{% endfor %}",
  "assign and capture":
    "{% assign x = title | shout %}{{ x }}{% capture c %}<{{ list.size }}>{% endcapture %}{{ c }}{% assign y = list %}{{ y.last }}",
  "case when":
    "{% case index %}{% when 0 %}zero{% when 1, 2 %}one-or-two{% else %}other{% endcase %}{% case key %}{% when 'one' or 'two' %}hit{% when 'one' %}again{% endcase %}{% case missing %}{% when 1 %}x{% else %}none{% endcase %}",
  "comments and raw":
    "a{% comment %}{{ ignored }}{% endcomment %}b{% raw %}{{ kept }}{% endraw %}c{% # inline %}",
  "echo and liquid tags": "{% echo title %}{% liquid\n  assign z = 'inner'\n  echo z | upcase\n%}",
  "include with arguments":
    "{% include 'card', title: 'Card <1>', extra: list.size %}{% include 'card' %}{% include 'with-name' with object %}{% include 'nested', inner: title %}",
  "include shares the scope": "{% include 'assigner' %}{{ leaked }}",
  "layout with blocks":
    "{% layout 'layout' %}{% block head %}Head {{ block.super }}{% endblock %}body text{% block foot %}{{ title }}{% endblock %}",
  "whitespace control": "<ul>\n  {%- for w in words %}\n  <li>{{- w -}}</li>\n  {%- endfor %}\n</ul>",
  "fallback tags":
    "{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}{% increment counter %}{% increment counter %}{% tablerow n in list cols: 2 %}{{ n }}{% endtablerow %}{% render 'card', title: 'rendered' %}",
};

function referenceAndCompiled(liquid: Liquid, source: string) {
  const compiler = new TemplateCompiler(liquid);
  const reference = liquid.parseAndRenderSync(source, model());
  const context = new Context(model(), liquid.options, { sync: true }, { liquid });
  const compiled = compiler.renderToString(compiler.templates(liquid.parse(source)), context);
  return { reference, compiled };
}

describe("the compiled renderer writes what liquidjs writes", () => {
  for (const [name, source] of Object.entries(cases)) {
    test(name, () => {
      const { reference, compiled } = referenceAndCompiled(liquidWith(), source);
      expect(compiled).toBe(reference);
    });
  }

  test("without an output escape, and with JavaScript truthiness", () => {
    for (const source of [cases["escaped output"], cases["if elsif else"], cases["default filter"]]) {
      const { reference, compiled } = referenceAndCompiled(
        liquidWith({ outputEscape: undefined, jsTruthy: true }),
        source,
      );
      expect(compiled).toBe(reference);
    }
  });

  test("an error names the template and line as liquidjs's does", () => {
    const liquid = liquidWith();
    const source = "line one\n{{ title | explode }}";
    const compiler = new TemplateCompiler(liquid);
    const context = new Context(model(), liquid.options, { sync: true }, { liquid });
    const compiled = (() => {
      try {
        compiler.renderToString(compiler.templates(liquid.parse(source)), context);
      } catch (error) {
        return error as Error;
      }
    })();
    expect(compiled?.message).toContain("filter exploded, line:2, col:1");
    expect(() => liquid.parseAndRenderSync(source, model())).toThrow(compiled?.message);
  });

  test("options the compiled renderer does not implement are refused, not ignored", () => {
    expect(() => new TemplateCompiler(liquidWith({ strictVariables: true }))).toThrow(/strictVariables/);
  });
});

describe(`the default theme renders the same compiled as through liquidjs (${testDialect})`, () => {
  let site: TestSite;
  let generated: GeneratedSite;
  const rendered: { template: string; model: object }[] = [];

  beforeAll(async () => {
    site = await createTestSite({ config: { pageCacheMaxBytes: 0 } });
    generated = await generateSite(
      site.ctx.db,
      testDialect,
      { articles: 60, comments: 400, categories: 4, authors: 5, tags: 12 },
      site.clock.now(),
    );
    await site.ctx.changes.changed(["all"]);
    const theme = site.ctx.theme;
    const render = theme.render.bind(theme);
    theme.render = (template, model, generation) => {
      rendered.push({ template, model });
      return render(template, model, generation);
    };
  });

  afterAll(async () => {
    await site?.close();
  });

  test("every reader page, for anonymous readers and staff", async () => {
    const article = generated.articlePaths[generated.articlePaths.length - 1];
    const editor = await site.newUser({ role: "editor" });
    const staff = await site.sessionCookie(editor);
    const paths = [
      "/",
      "/page/2/",
      `/category/${generated.categorySlugs[0]}/`,
      `/tag/${generated.tagSlugs[0]}/`,
      `/author/${generated.authorSlugs[0]}/`,
      `${article.split("/").slice(0, 3).join("/")}/`,
      "/search?q=the",
      "/search?q=zzzznothing",
      "/no-such-page/",
      ...generated.articlePaths.slice(-12),
    ];
    for (const url of paths) await site.request({ url });
    for (const url of ["/", article]) await site.request({ url, cookie: staff });
    // A rejected comment re-renders the article with the reader's text and a message per field.
    const articleRow = await site.ctx.db
      .selectFrom("articles")
      .select("id")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    await postComment(site, readerFields(articleRow.id, { name: "", email: "not-an-email" }));

    const templates = new Set(rendered.map((r) => r.template));
    for (const expected of ["index", "article", "archive", "search", "404"])
      expect(templates).toContain(expected);
    const theme = site.ctx.theme;
    for (const { template, model } of rendered) {
      const reference = theme.liquid.renderFileSync(template, model as Record<string, unknown>);
      expect(theme.compiler.renderFile(template, model), template).toBe(reference);
    }
    const withComments = rendered.filter(
      (r) => (r.model as { comment_items?: unknown[] }).comment_items?.length,
    );
    expect(withComments.length).toBeGreaterThan(0);
  });
});
