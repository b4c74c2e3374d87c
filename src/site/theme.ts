import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { Liquid } from "liquidjs";
import { themesDir } from "../paths.js";
import { formatSiteDate } from "./settings.js";

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

/**
 * Renders public pages from a theme folder. A template missing from the chosen theme is taken
 * from `themes/default`. Output is HTML-escaped unless a template says `| raw` (used only for
 * sanitised article HTML and JSON-LD built by the server).
 */
export class ThemeRenderer {
  readonly liquid: Liquid;
  /** Asset name (e.g. `site.css`) → hashed URL `/assets/<hash>/site.css`. */
  readonly assets = new Map<string, ThemeAsset>();

  constructor(readonly themeName: string) {
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
    this.liquid.registerFilter("site_date", (value: string | Date | null, pattern: string, zone: string) =>
      value ? formatSiteDate(value, pattern, zone) : "",
    );
    this.liquid.registerFilter("iso_date", (value: string | Date | null) =>
      value ? new Date(value).toISOString() : "",
    );
    this.liquid.registerFilter("asset_url", (name: string) => this.assetUrl(name));
    this.liquid.registerFilter("json", (value: unknown) =>
      // Safe inside <script type="application/ld+json">: no "</script" or "<!--" can close it.
      JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026"),
    );
    for (const root of [...roots].reverse()) this.indexAssets(path.join(root, "assets"));
  }

  /** The hashed URL of an asset; throws for an unknown name so a typo fails loudly in tests. */
  assetUrl(name: string): string {
    const asset = this.assets.get(name);
    if (!asset) throw new Error(`theme ${this.themeName}: no asset named ${name}`);
    return asset.url;
  }

  async render(template: string, model: object): Promise<string> {
    // Synchronous rendering: every filter is synchronous and templates are parsed once (cache),
    // so the async renderer's promise per tag and output only cost time (about a third of an
    // uncached article page, measured with `npm run bench -- --cpu-prof`).
    return this.liquid.renderFileSync(template, model as Record<string, unknown>);
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
