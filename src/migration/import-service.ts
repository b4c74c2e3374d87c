/**
 * The WordPress importer: reads a WXR export as a stream (`wxr/reader.ts`), maps each record
 * (`wxr/mapping.ts`) and stores it through the owning features' services. Each post goes in one
 * transaction with its comments, redirects and import-map rows, so a failure or a kill leaves no
 * half-written post; the map (`wp_import_map`) makes a re-run skip what is already there.
 */
import { createHash } from "node:crypto";
import { createUser, getUser, getUserByEmail } from "../accounts/service.js";
import { getPageAddress } from "../articles/pages.js";
import {
  articlePath,
  attachFeaturedImageIfMissing,
  importArticle,
  rewriteArticleBody,
} from "../articles/service.js";
import { importComment } from "../comments/service.js";
import type { AppContext } from "../context.js";
import type { Db } from "../db/database.js";
import { buildUserAgent, guardedFetch } from "../lib/fetch/guarded-fetch.js";
import { archivePath } from "../lib/slug.js";
import { mediaUrl, recordRemoteMedia, saveImage } from "../media/service.js";
import { addRedirect } from "../site/redirects.js";
import { ImportBatch } from "./import-batch.js";
import {
  addConstruct,
  addFailure,
  addWarning,
  emptyImportReport,
  type ImportKind,
  type ImportReport,
} from "./import-report.js";
import { ImportTerms } from "./import-terms.js";
import { requestPathVariants } from "./legacy-paths.js";
import * as store from "./store.js";
import { AttachmentIndex } from "./wxr/attachment-index.js";
import {
  classifyWxrItem,
  type ImportedArticle,
  mapWxrArticle,
  mapWxrAttachment,
  mapWxrAuthor,
  mapWxrComment,
} from "./wxr/mapping.js";
import { mediaUrlKey, rewriteMediaUrls } from "./wxr/media-urls.js";
import { pageAddressFromLink, redirectRules } from "./wxr/permalinks.js";
import { readWxr } from "./wxr/reader.js";
import { type WxrAuthor, WxrError, type WxrItem, type WxrRecord, type WxrSite } from "./wxr/types.js";

export type ImportCtx = Pick<AppContext, "db" | "now" | "settings" | "config" | "changes" | "secret" | "log">;

/** Options of `importWordPress`. */
export interface ImportOptions {
  /** Download attachments (images) into the media library through the SSRF-guarded fetcher. */
  fetchMedia?: boolean;
  /** WordPress post types imported as articles (default `post`; pages are always imported). */
  articlePostTypes?: string[];
  /** Called after each chunk read, with the bytes read so far and the report as it stands. */
  onProgress?: (bytesRead: number, report: ImportReport) => void | Promise<void>;
  /**
   * The export's image attachments read ahead (`readAttachmentIndex`), for galleries in posts that
   * come before their images; without it, a gallery shows the attachments read so far.
   */
  attachments?: AttachmentIndex;
  /** Stops the import between two records (server shutdown); what is stored stays stored. */
  signal?: AbortSignal;
}

const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp)$/i;

/** The key every mapping of one WordPress site is filed under: its address without a trailing slash. */
export function importSourceKey(site: Pick<WxrSite, "baseSiteUrl" | "baseBlogUrl" | "link">): string {
  const raw = (site.baseSiteUrl || site.baseBlogUrl || site.link || "unknown-site").trim();
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return raw.replace(/\/+$/, "").slice(0, 500);
  }
}

function itemLabel(item: Pick<WxrItem, "wpId" | "postType" | "title">): string {
  const title = item.title.trim().replace(/\s+/g, " ");
  const shown = title.length > 60 ? `${title.slice(0, 59)}…` : title;
  return `${item.postType} ${item.wpId}${shown ? ` "${shown}"` : ""}`;
}

/** ISO 8601 as the rest of Broadsheet writes it (`…T08:30:00.000Z`), so stored times sort alike. */
function canonicalIso(value: string | null): string | null {
  if (value === null) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One import run's state: what is known about the site being imported and what was done. */
class WordPressImport {
  readonly report = emptyImportReport();
  private source = "";
  private siteUrl = "";
  private timeZone = "UTC";
  private terms: ImportTerms | undefined;
  /** WordPress login → user id, and WordPress user id → user id (staff comments). */
  private readonly authorsByLogin = new Map<string, number>();
  private readonly authorsByWpId = new Map<number, number>();
  /** Attachment WordPress id → articles waiting for it as their featured image (forward references). */
  private readonly awaitingFeatured = new Map<number, number[]>();
  private hasStoredContent = false;
  /** Image attachments for `[gallery]`: read ahead when the caller could, else as they come. */
  private readonly attachments: AttachmentIndex;

  private readonly batch: ImportBatch;
  /** The caller's context, with its `db` the import's open batch (see `ImportBatch`). */
  private readonly ctx: ImportCtx;

  constructor(
    outer: ImportCtx,
    private readonly options: ImportOptions,
  ) {
    const batch = new ImportBatch(outer.db);
    this.batch = batch;
    this.attachments = options.attachments ?? new AttachmentIndex();
    this.ctx = {
      ...outer,
      get db() {
        return batch.db;
      },
    };
  }

  async run(input: AsyncIterable<Uint8Array | string>): Promise<ImportReport> {
    const progress = (bytesRead: number) => {
      this.report.bytesRead = bytesRead;
    };
    try {
      for await (const record of readWxr(input, { onProgress: progress })) {
        if (this.options.signal?.aborted) {
          this.report.fatal = { message: "stopped before the end (the server is shutting down)", line: null };
          break;
        }
        await this.handle(record);
        await this.batch.recordDone();
        // The caller may write the progress down through its own connection: only between batches.
        if (!this.batch.isOpen) await this.options.onProgress?.(this.report.bytesRead, this.report);
      }
    } catch (error) {
      this.report.fatal =
        error instanceof WxrError
          ? { message: error.message, line: error.line }
          : { message: `the file could not be read on: ${messageOf(error)}`, line: null };
    }
    await this.finish();
    return this.report;
  }

  private async handle(record: WxrRecord): Promise<void> {
    switch (record.kind) {
      case "site":
        return this.startSite(record);
      case "author":
        return this.importAuthor(record);
      case "category":
        return this.requireTerms().importCategory(record);
      case "tag":
        return this.requireTerms().importTag(record);
      case "item":
        await this.requireTerms().resolveCategoryParents();
        return this.importItem(record);
      case "failure": {
        const kind: ImportKind =
          record.element === "author"
            ? "authors"
            : record.element === "item"
              ? "other"
              : `${record.element === "category" ? "categories" : "tags"}`;
        addFailure(this.report, {
          kind,
          label: `${record.element}${record.label ? ` "${record.label}"` : ""}`,
          line: record.line,
          reason: record.reason,
        });
        return;
      }
    }
  }

  private requireTerms(): ImportTerms {
    if (!this.terms) throw new WxrError("not a WordPress export: content before the channel header", 1);
    return this.terms;
  }

  private async startSite(site: WxrSite): Promise<void> {
    this.source = importSourceKey(site);
    this.siteUrl = site.baseSiteUrl || site.link;
    this.report.source = this.source;
    this.report.siteTitle = site.title || null;
    this.timeZone = (await this.ctx.settings.get()).timezone;
    this.terms = new ImportTerms(this.ctx, this.source, this.report, this.batch);
    await this.terms.load();
    for (const row of await store.listImportedKeys(this.ctx.db, this.source, "author")) {
      this.authorsByLogin.set(row.wp_key, row.local_id);
    }
  }

  // ── authors ─────────────────────────────────────────────────────────────

  private async importAuthor(author: WxrAuthor): Promise<void> {
    const known = this.authorsByLogin.get(author.login);
    if (known !== undefined) {
      if (author.wpId !== null) this.authorsByWpId.set(author.wpId, known);
      this.report.counts.authors.skipped += 1;
      return;
    }
    try {
      const userId = await this.batch.unit(() => this.createAuthor(author));
      if (author.wpId !== null) this.authorsByWpId.set(author.wpId, userId);
    } catch (error) {
      addFailure(this.report, {
        kind: "authors",
        label: `author ${author.login}`,
        line: null,
        reason: messageOf(error),
      });
    }
  }

  /** Creates (or adopts, by email) the account of a WordPress author; records the mapping. */
  private async createAuthor(author: WxrAuthor): Promise<number> {
    const mapped = mapWxrAuthor(author);
    const label = `author ${author.login}`;
    let userId: number;
    const existing = await getUserByEmail(this.ctx, mapped.email);
    if (existing) {
      userId = existing.id;
      this.report.counts.authors.skipped += 1;
      addWarning(this.report, {
        kind: "authors",
        label,
        line: null,
        reason: `an account with ${mapped.email} exists: their posts are credited to ${existing.name}`,
      });
    } else {
      const input = { email: mapped.email, name: mapped.name.slice(0, 100), role: mapped.role };
      let created = await createUser(this.ctx, input, { requirePassword: false });
      if ("errors" in created && created.errors.email) {
        // WordPress accepts addresses we do not; the account still needs a unique one.
        created = await createUser(
          this.ctx,
          { ...input, email: `${mapped.slug}@wordpress-import.invalid` },
          { requirePassword: false },
        );
      }
      if ("errors" in created) {
        throw new Error(
          Object.entries(created.errors)
            .map(([field, why]) => `${field} ${why}`)
            .join("; "),
        );
      }
      userId = created.user.id;
      this.report.counts.authors.imported += 1;
      if (created.user.slug !== mapped.slug) {
        await this.addRedirects(
          this.ctx.db,
          [`/author/${mapped.slug}`],
          archivePath("author", created.user.slug),
        );
      }
      if (mapped.hasPlaceholderEmail || created.user.email !== mapped.email) {
        addWarning(this.report, {
          kind: "authors",
          label,
          line: null,
          reason: `no usable email in the export: signs in as ${created.user.email} until an admin changes it`,
        });
      }
    }
    if (author.wpId !== null) {
      const user = await getUser(this.ctx, userId);
      // WordPress's plain link to an author, `/?author=2`, leads to the author's page.
      if (user)
        await addRedirect(
          this.ctx.db,
          `/?author=${author.wpId}`,
          archivePath("author", user.slug),
          this.ctx.now().toISOString(),
        );
    }
    await store.insertImportMapping(this.ctx.db, {
      source: this.source,
      kind: "author",
      wp_key: author.login,
      local_id: userId,
      guid: null,
      created_at: this.ctx.now().toISOString(),
    });
    this.authorsByLogin.set(author.login, userId);
    return userId;
  }

  /** The account of a post's `dc:creator`; one is made for a login the export did not list. */
  private async authorOf(login: string): Promise<number> {
    const key = login.trim() || "wordpress";
    const known = this.authorsByLogin.get(key);
    if (known !== undefined) return known;
    return this.createAuthor({
      kind: "author",
      wpId: null,
      login: key,
      email: "",
      displayName: key,
      firstName: "",
      lastName: "",
    });
  }

  // ── items ───────────────────────────────────────────────────────────────

  private async importItem(item: WxrItem): Promise<void> {
    const label = itemLabel(item);
    const { kind, reason } = classifyWxrItem(item, this.options.articlePostTypes);
    if (kind === "skip") {
      this.report.counts.other.skipped += 1;
      const why = reason ?? `post type "${item.postType}" is not imported`;
      this.report.skipReasons[why] = (this.report.skipReasons[why] ?? 0) + 1;
      return;
    }
    const bucket: ImportKind = kind === "page" ? "pages" : kind === "attachment" ? "attachments" : "posts";
    for (const issue of item.issues) {
      addWarning(this.report, {
        kind: bucket,
        label,
        line: issue.line,
        reason: `${issue.field}: ${issue.message}`,
      });
    }
    try {
      if (kind === "attachment") await this.importAttachment(item);
      else await this.importPost(item, bucket);
    } catch (error) {
      addFailure(this.report, { kind: bucket, label, line: item.line, reason: messageOf(error) });
    }
  }

  private async importPost(item: WxrItem, bucket: ImportKind): Promise<void> {
    const article = mapWxrArticle(item, { siteUrl: this.siteUrl, attachments: this.attachments });
    const existingId = await store.getImportedId(this.ctx.db, this.source, "post", String(item.wpId));
    if (existingId !== undefined) {
      this.report.counts[bucket].skipped += 1;
      // A newer export of the same site may carry comments made since the last run.
      if (item.comments.length > 0) {
        await this.batch.unit((trx) => this.importComments(trx, item, existingId, article));
      }
      await this.wantFeaturedImage(existingId, article.featuredAttachmentWpId);
      return;
    }

    // Authors and terms are shared by many posts (and remembered in memory once stored): they are
    // stored first, each in a unit of its own, so a post that fails cannot take them with it.
    const authorId = await this.batch.unit(() => this.authorOf(item.creatorLogin));
    const terms = this.requireTerms();
    const categoryIds = await this.batch.unit(() => terms.categoryIdsOf(article.categories));
    const tagIds = await this.batch.unit(() => terms.tagIdsOf(article.tags));
    const featuredId =
      article.featuredAttachmentWpId === null
        ? undefined
        : await store.getImportedId(
            this.ctx.db,
            this.source,
            "attachment",
            String(article.featuredAttachmentWpId),
          );

    const label = itemLabel(item);
    const stored = await this.batch.unit(async (trx) => {
      // A page keeps its old address and its parent (when the parent came first in the export).
      const parentLocalId =
        article.isPage && item.parentId > 0
          ? await store.getImportedId(trx, this.source, "post", String(item.parentId))
          : undefined;
      const parentAddress =
        parentLocalId === undefined ? undefined : await getPageAddress({ db: trx }, parentLocalId);
      const saved = await importArticle(
        { db: trx, now: this.ctx.now },
        {
          title: article.title,
          slug: article.slug,
          excerpt: article.excerpt,
          bodyHtml: article.bodyHtml,
          status: article.status,
          publishedAt: canonicalIso(article.publishedAt),
          createdAt: canonicalIso(article.publishedAt),
          updatedAt: canonicalIso(article.updatedAt),
          authorId,
          categoryIds,
          tagIds,
          commentsOpen: article.commentsOpen,
          isPage: article.isPage,
          isSticky: article.isSticky,
          featuredMediaId: featuredId ?? null,
          pagePath: !article.isPage
            ? undefined
            : parentAddress
              ? `${parentAddress}/${article.slug}`
              : pageAddressFromLink(item.link, article.slug),
          parentId: parentAddress ? parentLocalId : null,
        },
      );
      await store.insertImportMapping(trx, {
        source: this.source,
        kind: "post",
        wp_key: String(item.wpId),
        local_id: saved.id,
        guid: item.guid.slice(0, 2000) || null,
        created_at: this.ctx.now().toISOString(),
      });
      if (article.status === "published" && saved.published_at) {
        const newPath = articlePath(saved, this.timeZone);
        const rules = redirectRules(article.legacyPaths, newPath);
        await this.addRedirects(
          trx,
          rules.map((rule) => rule.fromPath),
          newPath,
        );
      }
      await this.importComments(trx, item, saved.id, article);
      return saved;
    });

    this.report.counts[bucket].imported += 1;
    this.hasStoredContent = true;
    if (stored.slug !== article.slug) {
      addWarning(this.report, {
        kind: bucket,
        label,
        line: item.line,
        reason: `the slug "${article.slug}" was taken: stored as "${stored.slug}" (its old URL redirects)`,
      });
    }
    for (const kind of article.changedConstructs)
      addConstruct(this.report, kind, `${label} (line ${item.line})`);
    for (const note of [
      ...article.notes,
      ...article.droppedContent.map((what) => `not carried over: ${what}`),
    ]) {
      addWarning(this.report, { kind: bucket, label, line: item.line, reason: note });
    }
    if (featuredId === undefined) await this.wantFeaturedImage(stored.id, article.featuredAttachmentWpId);
  }

  /** Stores the item's comments not imported before, parents before replies, in the caller's transaction. */
  private async importComments(
    trx: Db,
    item: WxrItem,
    articleId: number,
    article: ImportedArticle,
  ): Promise<void> {
    const comments = item.comments.map(mapWxrComment);
    const localIds = await store.listImportedIds(
      trx,
      this.source,
      "comment",
      comments.map((comment) => String(comment.wpId)),
    );
    let pending = comments.filter((comment) => !localIds.has(String(comment.wpId)));
    this.report.counts.comments.skipped += comments.length - pending.length;
    const inItem = new Set(comments.map((comment) => comment.wpId));
    const nowIso = this.ctx.now().toISOString();
    while (pending.length > 0) {
      let ready = pending.filter(
        (comment) =>
          comment.parentWpId === null ||
          localIds.has(String(comment.parentWpId)) ||
          !pending.some((other) => other.wpId === comment.parentWpId),
      );
      // A parent loop (corrupt export): break it rather than drop the comments.
      if (ready.length === 0) ready = pending;
      for (const comment of ready) {
        const parentId =
          comment.parentWpId === null ? null : (localIds.get(String(comment.parentWpId)) ?? null);
        if (comment.parentWpId !== null && parentId === null) {
          addWarning(this.report, {
            kind: "comments",
            label: `comment ${comment.wpId} on ${itemLabel(item)}`,
            line: item.line,
            reason: inItem.has(comment.parentWpId)
              ? "its thread loops back on itself: shown at the top level"
              : `it replies to comment ${comment.parentWpId}, which is not in the export: shown at the top level`,
          });
        }
        const id = await importComment(
          { db: trx, secret: this.ctx.secret },
          {
            articleId,
            parentId,
            userId: comment.userWpId === null ? null : (this.authorsByWpId.get(comment.userWpId) ?? null),
            status: comment.status,
            name: comment.authorName,
            email: comment.authorEmail,
            url: comment.authorUrl,
            text: comment.body,
            ip: comment.authorIp,
            createdAt: canonicalIso(comment.createdAt) ?? canonicalIso(article.publishedAt) ?? nowIso,
          },
        );
        await store.insertImportMapping(trx, {
          source: this.source,
          kind: "comment",
          wp_key: String(comment.wpId),
          local_id: id,
          guid: null,
          created_at: nowIso,
        });
        localIds.set(String(comment.wpId), id);
        this.report.counts.comments.imported += 1;
      }
      pending = pending.filter((comment) => !ready.includes(comment));
    }
  }

  /** Adds a redirect from each old path (in every form a browser may send it) to `toPath`. */
  private async addRedirects(db: Db, fromPaths: string[], toPath: string): Promise<void> {
    const nowIso = this.ctx.now().toISOString();
    for (const fromPath of fromPaths) {
      for (const variant of requestPathVariants(fromPath)) {
        if (variant === toPath) continue;
        await addRedirect(db, variant, toPath, nowIso);
      }
      this.report.redirectsAdded += 1;
    }
  }

  // ── attachments and featured images ────────────────────────────────────

  private async importAttachment(item: WxrItem): Promise<void> {
    const key = String(item.wpId);
    const known = await store.getImportedId(this.ctx.db, this.source, "attachment", key);
    if (known !== undefined) {
      this.report.counts.attachments.skipped += 1;
      await this.giveFeaturedImage(item.wpId, known);
      return;
    }
    this.attachments.add(item);
    const media = mapWxrAttachment(item);
    if (!/^https?:\/\//i.test(media.sourceUrl))
      throw new Error("no http(s) address for the file (wp:attachment_url)");
    const createdAt = canonicalIso(media.uploadedAt) ?? this.ctx.now().toISOString();
    let fetched: Buffer | undefined;
    if (this.options.fetchMedia && IMAGE_FILE.test(media.fileName)) {
      // A download can take seconds: the batch so far is committed rather than held open for it.
      await this.batch.commit();
      fetched = await this.fetchImage(item, media.sourceUrl);
    }
    const mediaId = await this.batch.unit(async (trx) => {
      const id =
        fetched === undefined
          ? (
              await recordRemoteMedia(
                { db: trx },
                {
                  key: `${createHash("sha256").update(this.source).digest("hex").slice(0, 8)}/${item.wpId}-${media.fileName}`,
                  sourceUrl: media.sourceUrl,
                  fileName: media.fileName,
                  alt: media.alt || media.title,
                  createdAt,
                },
              )
            ).id
          : await this.saveFetchedImage(trx, fetched, media.fileName, media.alt || media.title);
      await store.insertImportMapping(trx, {
        source: this.source,
        kind: "attachment",
        wp_key: key,
        local_id: id,
        guid: media.sourceUrl.slice(0, 2000),
        created_at: this.ctx.now().toISOString(),
      });
      return id;
    });
    this.report.counts.attachments.imported += 1;
    await this.giveFeaturedImage(item.wpId, mediaId);
  }

  private async fetchImage(item: WxrItem, url: string): Promise<Buffer | undefined> {
    try {
      const response = await guardedFetch(url, {
        userAgent: buildUserAgent(this.ctx.config.siteUrl),
        accept: "image/*",
        allowPrivate: this.ctx.config.allowPrivateFetch,
        maxBodyBytes: this.ctx.config.uploadMaxBytes,
      });
      if (response.status !== 200) throw new Error(`the server answered ${response.status}`);
      return response.body;
    } catch (error) {
      addWarning(this.report, {
        kind: "attachments",
        label: itemLabel(item),
        line: item.line,
        reason: `could not download ${url} (${messageOf(error)}): it is linked at its old address instead`,
      });
      return undefined;
    }
  }

  private async saveFetchedImage(trx: Db, data: Buffer, fileName: string, alt: string): Promise<number> {
    const saved = await saveImage(
      { db: trx, now: this.ctx.now, config: this.ctx.config },
      { data, originalName: fileName, alt },
      null,
    );
    if ("error" in saved) throw new Error(`the downloaded file was refused: ${saved.error}`);
    return saved.media.id;
  }

  /** Sets a featured image now if its attachment is in, else once the attachment arrives. */
  private async wantFeaturedImage(articleId: number, attachmentWpId: number | null): Promise<void> {
    if (attachmentWpId === null) return;
    const mediaId = await store.getImportedId(this.ctx.db, this.source, "attachment", String(attachmentWpId));
    if (mediaId !== undefined) {
      await attachFeaturedImageIfMissing(this.ctx, articleId, mediaId);
      return;
    }
    this.awaitingFeatured.set(attachmentWpId, [
      ...(this.awaitingFeatured.get(attachmentWpId) ?? []),
      articleId,
    ]);
  }

  private async giveFeaturedImage(attachmentWpId: number, mediaId: number): Promise<void> {
    const waiting = this.awaitingFeatured.get(attachmentWpId);
    if (!waiting) return;
    this.awaitingFeatured.delete(attachmentWpId);
    for (const articleId of waiting) await attachFeaturedImageIfMissing(this.ctx, articleId, mediaId);
  }

  /**
   * Points every post of this site at the images downloaded for it, in this run or an earlier one
   * (a resumed import included): at the end, because WordPress exports a post's images after it.
   */
  private async pointBodiesAtDownloadedMedia(): Promise<void> {
    const localUrlByKey = new Map<string, string>();
    for (const { guid, file_name } of await store.listDownloadedAttachments(this.ctx.db, this.source)) {
      const key = guid === null ? undefined : mediaUrlKey(guid);
      if (key !== undefined) localUrlByKey.set(key, mediaUrl(file_name));
    }
    if (localUrlByKey.size === 0) return;
    for (const { local_id } of await store.listImportedKeys(this.ctx.db, this.source, "post")) {
      const isChanged = await this.batch.unit((trx) =>
        rewriteArticleBody({ db: trx }, local_id, (html) => rewriteMediaUrls(html, localUrlByKey)),
      );
      if (isChanged) this.hasStoredContent = true;
    }
  }

  private async finish(): Promise<void> {
    try {
      const terms = this.terms;
      if (terms) await this.batch.unit(() => terms.resolveCategoryParents());
    } catch (error) {
      addFailure(this.report, {
        kind: "categories",
        label: "category parents",
        line: null,
        reason: messageOf(error),
      });
    }
    if (this.report.fatal === null) {
      for (const [attachmentWpId, articleIds] of this.awaitingFeatured) {
        addWarning(this.report, {
          kind: "attachments",
          label: `attachment ${attachmentWpId}`,
          line: null,
          reason: `featured image of ${articleIds.length} article(s) but not in the export: they have none`,
        });
      }
    }
    if (this.report.fatal === null && this.options.fetchMedia) {
      try {
        await this.pointBodiesAtDownloadedMedia();
      } catch (error) {
        addFailure(this.report, {
          kind: "attachments",
          label: "images in post bodies",
          line: null,
          reason: `${messageOf(error)}: some posts still show images from the old site`,
        });
      }
    }
    await this.batch.commit();
    if (this.hasStoredContent || this.terms?.hasCreated) await this.ctx.changes.changed(["all"]);
  }
}

/**
 * Imports a WordPress export read from `input` (bytes as they come off the disk or the upload).
 * Never throws for a bad file: the report says what was imported, skipped and failed, and
 * `fatal` why reading stopped early. Re-running it with the same file imports only what is missing.
 */
export async function importWordPress(
  ctx: ImportCtx,
  input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const chunks =
    Symbol.asyncIterator in input
      ? input
      : (async function* () {
          yield* input;
        })();
  return new WordPressImport(ctx, options).run(chunks);
}
