import { sql } from "kysely";
import { describe, expect, test } from "vitest";
import { createApiToken, isValidEmail, validateNewUser } from "../src/accounts/service.js";
import { validateCorrection } from "../src/articles/corrections.js";
import { validateArrangement } from "../src/articles/front-page.js";
import { validateTerm } from "../src/articles/taxonomy.js";
import { validateArticleInput } from "../src/articles/validation.js";
import { USER_AGENT_MAX } from "../src/comments/service.js";
import { validateCommentFields } from "../src/comments/validation.js";
import { validateSourceInput } from "../src/curation/sources-service.js";
import { altTextProblem, mediaDetailsProblems } from "../src/media/service.js";
import { validateMenuItems } from "../src/site/menus-service.js";
import { testDialect, useMigratedDatabase } from "./support/database.js";

// The limits of every text people type are read from the schema itself, so a column and the
// validation in front of it cannot drift apart: a value as long as the column is accepted, one
// character more is refused before it reaches the database (where PostgreSQL would fail).
const database = useMigratedDatabase();

async function varcharSizes(): Promise<Map<string, number>> {
  if (testDialect === "postgres") {
    const { rows } = await sql<{ table_name: string; column_name: string; size: number }>`
      select table_name, column_name, character_maximum_length as size from information_schema.columns
      where table_schema = 'public' and data_type = 'character varying' and table_name not like 'kysely_%'`.execute(
      database.db,
    );
    return new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, Number(r.size)]));
  }
  const sizes = new Map<string, number>();
  const tables = await database.db.introspection.getTables();
  for (const table of tables) {
    const { rows } = await sql<{
      name: string;
      type: string;
    }>`select name, type from pragma_table_info(${table.name})`.execute(database.db);
    for (const column of rows) {
      const match = /^varchar\((\d+)\)$/i.exec(column.type);
      if (match) sizes.set(`${table.name}.${column.name}`, Number(match[1]));
    }
  }
  return sizes;
}

const a = (n: number) => "a".repeat(n);
const banner = (change: object) =>
  validateArrangement(
    { breaking: { text: "News", expires_at: "2999-01-01T00:00:00Z", ...change } },
    new Date("2026-01-01T00:00:00Z"),
  );
const menuLink = (change: object) =>
  validateMenuItems("menu", [{ kind: "link", id: null, url: "/", label: "Link", ...change }]);
const sourceLink = (change: object) => ({ sources: [{ url: "https://a.example/", name: "A", ...change }] });
const comment = (change: object) =>
  validateCommentFields(
    { name: "Ada", email: "ada@example.org", url: "", body: "Hi.", ...change },
    { staff: false },
  ).errors;

/** Column → does the validation in front of it accept a value of n characters? */
const typedColumns: Record<string, (n: number) => boolean | Promise<boolean>> = {
  "articles.title": (n) => !validateArticleInput({ title: a(n) }, true).title,
  "articles.slug": (n) => !validateArticleInput({ slug: a(n) }, false).slug,
  "article_sources.name": (n) => !validateArticleInput(sourceLink({ name: a(n) }), false)["sources[0].name"],
  "article_sources.original_author": (n) =>
    !validateArticleInput(sourceLink({ original_author: a(n) }), false)["sources[0].original_author"],
  "categories.name": (n) =>
    !validateTerm({ name: a(n) }, true).name &&
    !validateArticleInput({ categories: [a(n)] }, false).categories,
  "categories.slug": (n) => !validateTerm({ slug: a(n) }, false).slug,
  "tags.name": (n) => !validateArticleInput({ tags: [a(n)] }, false).tags,
  "tags.slug": (n) => !validateTerm({ slug: a(n) }, false).slug,
  "comments.name": (n) => !comment({ name: a(n) }).name,
  "comments.email": (n) => !comment({ email: `${a(n - 12)}@example.org` }).email,
  "comments.url": (n) => !comment({ url: `https://example.org/${a(n - 20)}` }).url,
  "comments.user_agent": (n) => n <= USER_AGENT_MAX,
  "media.alt": (n) => altTextProblem(a(n)) === undefined,
  "media.caption": (n) => mediaDetailsProblems({ caption: a(n) }).caption === undefined,
  "media.credit": (n) => mediaDetailsProblems({ credit: a(n) }).credit === undefined,
  "users.name": (n) => !validateNewUser({ name: a(n), email: "ada@example.org", role: "author" }, false).name,
  "users.email": (n) => isValidEmail(`${a(n - 12)}@example.org`),
  "sources.url": (n) => !validateSourceInput({ url: `https://example.org/${a(n - 20)}` }, true).url,
  "sources.site_url": (n) =>
    !validateSourceInput({ site_url: `https://example.org/${a(n - 20)}` }, false).site_url,
  "sources.name": (n) => !validateSourceInput({ name: a(n) }, false).name,
  "article_corrections.text": (n) => !validateCorrection(a(n)).text,
  "breaking_news.text": (n) => !banner({ text: a(n) })["breaking.text"],
  "breaking_news.url": (n) => !banner({ url: `https://example.org/${a(n - 20)}` })["breaking.url"],
  "menu_items.label": (n) => !menuLink({ label: a(n) })["menu[0].label"],
  "menu_items.url": (n) => !menuLink({ url: `https://example.org/${a(n - 20)}` })["menu[0].url"],
  "api_tokens.name": async (n) =>
    !(
      "errors" in
      (await createApiToken({ db: database.db, now: () => new Date(), secret: "test" }, { name: a(n) }))
    ),
};

/** Columns no one types into: hashes, statuses, generated names, what feeds and imports bring. */
const untypedColumns = new Set([
  "api_tokens.token_hash",
  "audit_log.event",
  "audit_log.detail",
  "audit_log.ip",
  "embed_lookups.url",
  "embed_lookups.provider_name",
  "embed_lookups.title",
  "login_attempts.device_key",
  "media_files.key",
  "media_files.content_type",
  "rate_limits.key",
  "articles.status",
  "article_revisions.kind",
  // Chosen from fixed lists (header or footer; category, page or link).
  "menu_items.menu",
  "menu_items.kind",
  "article_revisions.status",
  // Built from slugs (each checked) and capped at its column by the pages service.
  "articles.page_path",
  "comments.status",
  "comments.status_before_trash",
  "comments.ip_hash",
  "feed_items.dedup_hash",
  "feed_items.guid",
  "feed_items.url",
  "feed_items.title",
  "feed_items.author",
  "feed_items.image_url",
  "feed_items.link_status",
  "login_attempts.account_key",
  "login_attempts.ip_key",
  "media.file_name",
  "media.original_name",
  "media.mime_type",
  "media.variant_hash",
  "media.master_key",
  "password_reset_tokens.token_hash",
  "preview_links.token_hash",
  "redirects.from_path",
  "redirects.to_path",
  "sessions.token_hash",
  "sessions.user_agent",
  "settings.key",
  "sources.mode",
  "sources.status",
  "sources.etag",
  "sources.last_modified",
  "sources.skip_hours",
  "sources.skip_days",
  "stories.title",
  "stories.status",
  "users.slug",
  "users.role",
  // Chosen from a list of language codes, each checked against it.
  "users.language",
  "wordpress_imports.file_name",
  "wordpress_imports.status",
  "wp_import_map.source",
  "wp_import_map.kind",
  "wp_import_map.wp_key",
]);

describe(`text limits follow the ${testDialect} schema`, () => {
  test("every varchar column is either typed by people (and checked below) or listed as untyped", async () => {
    const unclassified = [...(await varcharSizes()).keys()].filter(
      (column) => !(column in typedColumns) && !untypedColumns.has(column),
    );
    expect(unclassified, "a new text column: add its validation here, or list it as untyped").toEqual([]);
  });

  test("a value as long as its column is accepted, one character more is refused", async () => {
    const sizes = await varcharSizes();
    const drifted: string[] = [];
    for (const [column, accepts] of Object.entries(typedColumns)) {
      const size = sizes.get(column);
      if (size === undefined) {
        drifted.push(`${column}: not a varchar column any more`);
        continue;
      }
      if (!(await accepts(size))) drifted.push(`${column}: ${size} characters refused`);
      if (await accepts(size + 1)) drifted.push(`${column}: ${size + 1} characters accepted`);
    }
    expect(drifted).toEqual([]);
  });
});
