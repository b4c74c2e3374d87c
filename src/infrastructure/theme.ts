import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import {
  type Context,
  type Emitter,
  evalToken,
  type FilteredValueToken,
  Liquid,
  type Parser,
  Tag,
  type TagToken,
  type Template,
  type TopLevelToken,
  TypeGuards,
} from "liquidjs";
import { LRUCache } from "lru-cache";
import { embedCards } from "../lib/embeds.js";
import { formatSiteDate } from "../lib/site-date.js";
import { themesDir } from "../paths.js";
import { type ContentChange, type ContentChanges, touches } from "./content-changes.js";
import { type CompilableTag, type CompiledRender, TemplateCompiler } from "./liquid/compiler.js";
import { loadThemeCatalogues, Messages, namedArguments } from "./messages.js";

/** A served theme file: its content-hashed URL and where it lives on disk. */
export interface ThemeAsset {
  url: string;
  file: string;
  hash: string;
  body: Buffer;
  /** Compressed once at start for text assets, so each request only picks a variant. */
  gzip: Buffer | undefined;
  brotli: Buffer | undefined;
}

const COMPRESSIBLE = /\.(css|js|svg|json|txt)$/;

/** Memory the rendered `{% cache %}` fragments may hold (UTF-16, so two bytes a character). */
const FRAGMENT_CACHE_MAX_BYTES = 8 * 1024 * 1024;

/** What a render's data was read at and drew on (see `ContentChanges`). */
export interface RenderedFrom {
  /** `ContentChanges.version` before the data was read. */
  version: number;
  /** The scopes of the page being rendered; undefined: anything. */
  tags: ReadonlySet<string> | undefined;
}

interface Fragment {
  html: string;
  tags: ReadonlySet<string> | undefined;
}

/**
 * Rendered template fragments by key, each tagged with the scopes of the page it was rendered
 * for (a superset of what the fragment shows) and dropped when a change touches one of them. A
 * fragment rendered from data read before a change that touched it is not stored, so a render
 * racing an edit cannot keep the old headline until the next change.
 */
export class FragmentCache {
  private readonly entries: LRUCache<string, Fragment>;
  private changedSince: ContentChanges["changedSince"] = () => false;

  constructor(readonly maxBytes: number) {
    this.entries = new LRUCache<string, Fragment>({
      maxSize: maxBytes,
      // A fragment may take at most a sixteenth of the budget.
      maxEntrySize: Math.floor(maxBytes / 16),
      sizeCalculation: (fragment, key) => (key.length + fragment.html.length) * 2,
    });
  }

  /** Drops what each change touches, and keeps nothing read before a change that touched it. */
  followChanges(changes: Pick<ContentChanges, "changedSince" | "onChange">): void {
    this.changedSince = (version, tags) => changes.changedSince(version, tags);
    changes.onChange((change) => this.invalidate(change));
  }

  get(key: string): string | undefined {
    return this.entries.get(key)?.html;
  }

  /** Stores a fragment rendered from data read as `from` says; the least recently used go first when full. */
  set(key: string, html: string, from: RenderedFrom): void {
    if (this.changedSince(from.version, from.tags)) return;
    this.entries.set(key, { html, tags: from.tags });
  }

  /** Drops the fragments a change touched. */
  invalidate(change: ContentChange): void {
    const touched: string[] = [];
    for (const [key, fragment] of this.entries.entries())
      if (touches(change.scopes, fragment.tags)) touched.push(key);
    for (const key of touched) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

type CacheKeyPart = string | number | boolean | null | undefined;

/**
 * `{% cache "story-card", story.id, variant %}…{% endcache %}`: renders its body once per key and
 * reuses the HTML until content changes (like Django's `{% cache %}` or Rails' fragment caching).
 * The key must name everything the body shows besides `site` and what only a content change
 * alters; keys are local to the tag's place in its template. The body's `assign`s do not run on
 * a hit, so a cached body must not set variables used after it.
 */
function cacheTag(fragments: FragmentCache, renderedFrom: () => RenderedFrom | undefined) {
  return class CacheTag extends Tag implements CompilableTag {
    private readonly keyParts: FilteredValueToken[] = [];
    private readonly templates: Template[] = [];
    private readonly place: string;

    constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
      super(token, remainTokens, liquid);
      this.place = `${token.file ?? ""}:${token.begin}`;
      while (!this.tokenizer.end()) {
        this.keyParts.push(this.tokenizer.readFilteredValue());
        this.tokenizer.readTo(",");
      }
      if (this.keyParts.length === 0) throw new Error(`tag ${token.getText()} needs a key`);
      while (remainTokens.length > 0) {
        const next = remainTokens.shift() as TopLevelToken;
        if (TypeGuards.isTagToken(next) && next.name === "endcache") return;
        this.templates.push(parser.parseToken(next, remainTokens));
      }
      throw new Error(`tag ${token.getText()} not closed`);
    }

    compile(compiler: TemplateCompiler): CompiledRender {
      const keyParts = this.keyParts.map((part) => compiler.token(part));
      const body = compiler.templates(this.templates);
      return (ctx, out) => {
        const parts: CacheKeyPart[] = [];
        for (const part of keyParts) parts.push(this.keyPart(part(ctx)));
        const key = `${this.place}${JSON.stringify(parts)}`;
        const held = fragments.get(key);
        if (held !== undefined) {
          out.buffer += held;
          return;
        }
        const html = compiler.renderToString(body, ctx);
        const from = renderedFrom();
        if (from !== undefined) fragments.set(key, html, from);
        out.buffer += html;
      };
    }

    private keyPart(value: unknown): CacheKeyPart {
      if (value !== null && value !== undefined && typeof value === "object")
        throw new Error(`{% cache %} in ${this.place}: key parts must be plain values, not objects`);
      return value as CacheKeyPart;
    }

    *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
      const parts: CacheKeyPart[] = [];
      for (const part of this.keyParts) {
        parts.push(this.keyPart(yield evalToken(part, ctx)));
      }
      const key = `${this.place}${JSON.stringify(parts)}`;
      const held = fragments.get(key);
      if (held !== undefined) {
        emitter.write(held);
        return;
      }
      const html = (yield this.liquid.renderer.renderTemplates(this.templates, ctx)) as string;
      const from = renderedFrom();
      if (from !== undefined) fragments.set(key, html, from);
      emitter.write(html);
    }
  };
}

/** The page's language: `site.language` of the model (every public page has the page context). */
function languageOf(model: object): string {
  const site = (model as { site?: { language?: unknown } }).site;
  return typeof site?.language === "string" ? site.language : "en";
}

/**
 * Renders public pages from a theme folder. A template missing from the chosen theme is taken
 * from `themes/default`. Output is HTML-escaped unless a template says `| raw` (used only for
 * sanitised article HTML and JSON-LD built by the server).
 */
export class ThemeRenderer {
  readonly liquid: Liquid;
  /** Renders the parsed templates as plain closures (see template-compiler.ts). */
  readonly compiler: TemplateCompiler;
  /** Asset name (e.g. `site.css`) → hashed URL `/assets/<hash>/site.css`. */
  readonly assets = new Map<string, ThemeAsset>();
  /** What `{% cache %}` tags hold; a content change drops the fragments it touched. */
  readonly fragments = new FragmentCache(FRAGMENT_CACHE_MAX_BYTES);
  /** The theme's interface strings in every supported language (`locales/*.json`). */
  readonly messages: Messages;
  /** What the current (synchronous) render's data was read at; undefined: store nothing. */
  private renderedFrom: RenderedFrom | undefined;
  /** The language of the current (synchronous) render: the site's, from the page model. */
  private language = "en";

  constructor(
    readonly themeName: string,
    private readonly renderer: "compiled" | "liquidjs" = "compiled",
  ) {
    const roots = [path.join(themesDir, themeName), path.join(themesDir, "default")].filter(
      (dir, index, all) => all.indexOf(dir) === index,
    );
    if (!fs.existsSync(roots[0])) throw new Error(`THEME: no theme folder named "${themeName}" in themes/`);
    this.liquid = new Liquid({
      root: roots,
      partials: roots.map((r) => path.join(r, "partials")),
      layouts: roots,
      extname: ".liquid",
      outputEscape: "escape",
      cache: true,
      ownPropertyOnly: true,
      strictFilters: true,
    });
    this.liquid.registerTag(
      "cache",
      cacheTag(this.fragments, () => this.renderedFrom),
    );
    this.messages = new Messages(loadThemeCatalogues(themeName));
    this.liquid.registerFilter("site_date", (value: string | Date | null, pattern: string, zone: string) =>
      value ? formatSiteDate(value, pattern, zone, this.language) : "",
    );
    // `{{ "comments.title" | t: count: comment_count }}`: the message in the site's language.
    this.liquid.registerFilter("t", (key: string, ...named: unknown[]) =>
      this.messages.t(this.language, String(key), namedArguments(named)),
    );
    // The strings under a catalogue section as JSON, for the theme's scripts (escaped as any output).
    this.liquid.registerFilter("messages_json", (prefix: string) =>
      JSON.stringify(this.messages.section(this.language, String(prefix))),
    );
    this.liquid.registerFilter("iso_date", (value: string | Date | null) =>
      value ? new Date(value).toISOString() : "",
    );
    this.liquid.registerFilter("asset_url", (name: string) => this.assetUrl(name));
    // Bare links to video and social posts as privacy-friendly cards (src/lib/embeds.ts).
    this.liquid.registerFilter("embed_cards", (html: string) => embedCards(String(html ?? "")));
    this.liquid.registerFilter("json", (value: unknown) =>
      // Safe inside <script type="application/ld+json">: no "</script" or "<!--" can close it.
      JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026"),
    );
    this.compiler = new TemplateCompiler(this.liquid);
    for (const root of [...roots].reverse()) this.indexAssets(path.join(root, "assets"));
  }

  /** The hashed URL of an asset; throws for an unknown name so a typo fails loudly in tests. */
  assetUrl(name: string): string {
    const asset = this.assets.get(name);
    if (!asset) throw new Error(`theme ${this.themeName}: no asset named ${name}`);
    return asset.url;
  }

  /**
   * Renders a template. `from` says when the model's data was read and what the page drew on:
   * `{% cache %}` fragments rendered here are stored, tagged with those scopes, only when no
   * change touching them came in between. Without it, fragments are reused but none are stored.
   */
  async render(template: string, model: object, from?: RenderedFrom): Promise<string> {
    // Synchronous rendering: every filter is synchronous and templates are parsed once (cache),
    // so the async renderer's promise per tag and output only cost time (about a third of an
    // uncached article page, measured with `npm run bench -- --cpu-prof`). Being synchronous also
    // makes `renderedFrom` belong to this render alone.
    this.renderedFrom = from;
    this.language = languageOf(model);
    try {
      return this.renderer === "liquidjs"
        ? this.liquid.renderFileSync(template, model)
        : this.compiler.renderFile(template, model);
    } finally {
      this.renderedFrom = undefined;
      this.language = "en";
    }
  }

  private indexAssets(dir: string): void {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const name = path.relative(dir, file).split(path.sep).join("/");
      const body = fs.readFileSync(file);
      const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
      const compress = COMPRESSIBLE.test(name);
      this.assets.set(name, {
        url: `/assets/${hash}/${name}`,
        file,
        hash,
        body,
        gzip: compress ? zlib.gzipSync(body, { level: 9 }) : undefined,
        brotli: compress ? zlib.brotliCompressSync(body) : undefined,
      });
    }
  }
}
