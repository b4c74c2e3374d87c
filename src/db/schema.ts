import type { ColumnType, Generated, Selectable } from "kysely";

/**
 * Table types shared by both dialects. Times are ISO 8601 strings in UTC (timestamptz on
 * PostgreSQL, read back as ISO strings; text on SQLite). Flags are 0/1 integers on both.
 */
export type Timestamp = string;
type Id = Generated<number>;

export type Role = "admin" | "editor" | "author" | "contributor";
export type ArticleStatus = "draft" | "pending" | "scheduled" | "published" | "trashed";

export interface UsersTable {
  id: Id;
  email: string;
  name: string;
  slug: string;
  bio: string;
  role: Role;
  password_hash: string | null;
  is_disabled: ColumnType<number, number | undefined, number>;
  /** The admin's language for this person (`ru`); null follows the site's. */
  language: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  user_agent: string;
}

export interface ApiTokensTable {
  id: Id;
  name: string;
  token_hash: string;
  user_id: number | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginAttemptsTable {
  id: Id;
  account_key: string;
  ip_key: string;
  /** Keyed hash of the device cookie's nonce; null for a browser without a valid one. */
  device_key: string | null;
  created_at: Timestamp;
}

export type AuditEvent =
  | "sign_in"
  | "sign_in_failed"
  | "account_locked"
  | "role_changed"
  | "account_disabled"
  | "account_enabled"
  | "token_created"
  | "token_revoked"
  | "settings_changed"
  | "reset_link_created"
  | "reset_link_emailed";

export interface AuditLogTable {
  id: Id;
  created_at: Timestamp;
  event: AuditEvent;
  actor_id: number | null;
  subject_id: number | null;
  detail: ColumnType<string, string | undefined, string>;
  ip: ColumnType<string, string | undefined, string>;
}

export interface ArticlesTable {
  id: Id;
  title: string;
  slug: string;
  excerpt: string;
  body: string;
  body_html: string;
  status: ArticleStatus;
  published_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  author_id: number;
  featured_media_id: number | null;
  comments_open: ColumnType<number, number | undefined, number>;
  is_page: ColumnType<number, number | undefined, number>;
  is_sticky: ColumnType<number, number | undefined, number>;
  /** A page's parent page (pages only). */
  parent_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** A page's address without slashes around it (`about/team`); null for stories. */
  page_path: ColumnType<string | null, string | null | undefined, string | null>;
  /** Raised by every write; editors' saves and `If-Match` compare against it. */
  version: ColumnType<number, number | undefined, number>;
}

/** An article as read back, and without its body as every list reads it. */
export type ArticleRow = Selectable<ArticlesTable>;
export type ArticleSummaryRow = Omit<ArticleRow, "body" | "body_html" | "version">;

export type RevisionKind = "save" | "autosave";

export interface ArticleRevisionsTable {
  id: Id;
  article_id: number;
  author_id: number | null;
  created_at: Timestamp;
  kind: RevisionKind;
  status: ArticleStatus;
  base_version: number;
  title: string;
  excerpt: string;
  body: string;
}

/** A newsroom note on a story (review remarks): never shown to readers. */
export interface ArticleNotesTable {
  id: Id;
  article_id: number;
  author_id: number | null;
  created_at: Timestamp;
  body: string;
}

/** A secret link to a story as readers will see it, for someone outside the newsroom. */
export interface PreviewLinksTable {
  id: Id;
  article_id: number;
  token_hash: string;
  created_by: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** How many of a story's revisions the pruning policy removed, and when it last did. */
export interface ArticleRevisionsPrunedTable {
  article_id: number;
  count: number;
  last_pruned_at: Timestamp;
}

/** The staff member who has a story open in the editor (advisory: saves are guarded by versions). */
export interface ArticleEditingTable {
  article_id: number;
  user_id: number;
  since: Timestamp;
  seen_at: Timestamp;
}

export interface ArticleSourcesTable {
  id: Id;
  article_id: number;
  position: number;
  url: string;
  name: string;
  original_author: string | null;
  original_published_at: Timestamp | null;
}

export interface CategoriesTable {
  id: Id;
  name: string;
  slug: string;
  description: string;
  parent_id: number | null;
  nav_position: number | null;
  created_at: Timestamp;
}

export interface TagsTable {
  id: Id;
  name: string;
  slug: string;
  created_at: Timestamp;
}

export interface ArticleCategoriesTable {
  article_id: number;
  category_id: number;
}

export interface ArticleTagsTable {
  article_id: number;
  tag_id: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

export interface MediaTable {
  id: Id;
  file_name: string;
  original_name: string;
  mime_type: string;
  byte_size: number;
  width: number | null;
  height: number | null;
  alt: string;
  source_url: string | null;
  uploaded_by: number | null;
  created_at: Timestamp;
  caption: Generated<string>;
  credit: Generated<string>;
  /** The focal point as fractions of the width and height (0..1). */
  focal_x: Generated<number>;
  focal_y: Generated<number>;
  /** Part of every variant's name (see media/variants.ts); null for a file linked where it lives. */
  variant_hash: string | null;
  /** The stored image the variants are made from, never served; null for a linked file. */
  master_key: string | null;
}

export interface RedirectsTable {
  from_path: string;
  to_path: string;
  status_code: number;
  created_at: Timestamp;
}

export type CommentStatus = "pending" | "approved" | "spam" | "trash";

export interface CommentsTable {
  id: Id;
  article_id: number;
  parent_id: number | null;
  /** The staff account that wrote it; null for readers. */
  user_id: number | null;
  status: CommentStatus;
  /** What a trashed or spam-marked comment goes back to on restore. */
  status_before_trash: CommentStatus | null;
  name: string;
  /** Private: never in a public response. */
  email: string;
  url: string;
  /** The Markdown as written. */
  body: string;
  /** Sanitised HTML rendered from `body` at write time. */
  body_html: string;
  /** HMAC of the IP under the install secret; the IP itself is never stored. */
  ip_hash: string;
  user_agent: string;
  spam_score: ColumnType<number, number | undefined, number>;
  /** JSON array of why the comment was held or marked spam (which rule fired). */
  moderation_reasons: ColumnType<string, string | undefined, string>;
  notify_replies: ColumnType<number, number | undefined, number>;
  /** When the author/parent notifications went out (once per comment). */
  notified_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** What a WordPress thing became here, per source site (see src/migration/). */
export interface WpImportMapTable {
  source: string;
  kind: string;
  wp_key: string;
  local_id: number;
  guid: string | null;
  created_at: Timestamp;
}

export type WordPressImportStatus = "running" | "completed" | "failed";

/** One WordPress import run and its report (JSON), updated as it goes. */
export interface WordPressImportsTable {
  id: Id;
  file_name: string;
  status: WordPressImportStatus;
  bytes_total: ColumnType<number, number | undefined, number>;
  bytes_read: ColumnType<number, number | undefined, number>;
  report: ColumnType<string, string | undefined, string>;
  error: string | null;
  started_by: number | null;
  started_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

/** One-time set-password links; only the token's digest is stored. */
export interface PasswordResetTokensTable {
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export type SourceMode = "review" | "publish";
/** pending: never fetched; the rest as decided by the fetch scheduler (curation/fetcher/schedule.ts). */
export type SourceStatus = "pending" | "ok" | "error" | "throttled" | "gone";

export interface SourcesTable {
  id: Id;
  /** The feed's URL (canonical); updated after a permanent redirect. */
  url: string;
  site_url: ColumnType<string, string | undefined, string>;
  name: string;
  category_id: number | null;
  mode: ColumnType<SourceMode, SourceMode | undefined, SourceMode>;
  /** 1 when the publisher licenses republishing full text and images. */
  is_full_text_allowed: ColumnType<number, number | undefined, number>;
  fetch_interval_minutes: ColumnType<number, number | undefined, number>;
  is_enabled: ColumnType<number, number | undefined, number>;
  status: ColumnType<SourceStatus, SourceStatus | undefined, SourceStatus>;
  last_error: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  etag: string | null;
  last_modified: string | null;
  ttl_minutes: number | null;
  /** JSON array of UTC hours. */
  skip_hours: ColumnType<string, string | undefined, string>;
  /** JSON array of day names. */
  skip_days: ColumnType<string, string | undefined, string>;
  fetch_count: ColumnType<number, number | undefined, number>;
  not_modified_count: ColumnType<number, number | undefined, number>;
  items_added_count: ColumnType<number, number | undefined, number>;
  last_items_added: ColumnType<number, number | undefined, number>;
  last_fetched_at: Timestamp | null;
  last_success_at: Timestamp | null;
  next_fetch_at: Timestamp | null;
  locked_until: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type StoryStatus = "new" | "snoozed" | "published" | "dismissed";

export interface StoriesTable {
  id: Id;
  title: string;
  lead_item_id: number;
  status: ColumnType<StoryStatus, StoryStatus | undefined, StoryStatus>;
  snoozed_until: Timestamp | null;
  article_id: number | null;
  has_pending_coverage: ColumnType<number, number | undefined, number>;
  item_count: ColumnType<number, number | undefined, number>;
  first_item_at: Timestamp;
  last_item_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type FeedItemLinkStatus = "none" | "linked" | "declined";

export interface FeedItemsTable {
  id: Id;
  source_id: number;
  dedup_hash: string;
  guid: string | null;
  url: string | null;
  title: string;
  summary_html: string;
  summary_text: string;
  content_html: string | null;
  author: string | null;
  /** JSON array of the feed's category names. */
  categories: ColumnType<string, string | undefined, string>;
  image_url: string | null;
  published_at: Timestamp;
  has_real_date: ColumnType<number, number | undefined, number>;
  story_id: number | null;
  link_status: ColumnType<FeedItemLinkStatus, FeedItemLinkStatus | undefined, FeedItemLinkStatus>;
  fetched_at: Timestamp;
}

export interface ClusteringLockTable {
  id: number;
  last_item_id: number;
  updated_at: Timestamp;
}

export interface RateLimitsTable {
  key: string;
  hits: number;
  /** Milliseconds since the epoch. */
  expires_at: number;
}

export interface MediaFilesTable {
  key: string;
  content_type: string;
  byte_size: number;
  data: Buffer;
  created_at: Timestamp;
}

/** What a link's provider said about it (oEmbed), kept so a story's links are looked up once. */
export interface EmbedLookupsTable {
  url: string;
  provider_name: ColumnType<string, string | undefined, string>;
  title: ColumnType<string, string | undefined, string>;
  fetched_at: Timestamp;
}

/** The editors' front page: slot 0 is the lead, 1… the top stories; a pin may expire. */
export interface FrontPageSlotsTable {
  position: number;
  article_id: number;
  expires_at: Timestamp | null;
  updated_by: number | null;
  updated_at: Timestamp;
}

/** The breaking-news banner (one row, id 1), shown on the front page until it expires. */
export interface BreakingNewsTable {
  id: number;
  text: string;
  url: ColumnType<string, string | undefined, string>;
  expires_at: Timestamp;
  updated_by: number | null;
  updated_at: Timestamp;
}

export type MenuName = "header" | "footer";
export type MenuItemKind = "category" | "page" | "link";

/** One link of the header or footer menu, at its place; `kind` says which target column is set. */
export interface MenuItemsTable {
  id: Id;
  menu: MenuName;
  position: number;
  kind: MenuItemKind;
  category_id: number | null;
  page_id: number | null;
  url: string | null;
  /** Null: the category's name or the page's title as it is now. */
  label: string | null;
}

/** A correction to a published story, shown on it and on /corrections/. */
export interface ArticleCorrectionsTable {
  id: Id;
  article_id: number;
  text: string;
  created_by: number | null;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
  articles: ArticlesTable;
  article_sources: ArticleSourcesTable;
  categories: CategoriesTable;
  tags: TagsTable;
  article_categories: ArticleCategoriesTable;
  article_tags: ArticleTagsTable;
  settings: SettingsTable;
  media: MediaTable;
  redirects: RedirectsTable;
  comments: CommentsTable;
  sources: SourcesTable;
  stories: StoriesTable;
  feed_items: FeedItemsTable;
  clustering_lock: ClusteringLockTable;
  wp_import_map: WpImportMapTable;
  wordpress_imports: WordPressImportsTable;
  password_reset_tokens: PasswordResetTokensTable;
  rate_limits: RateLimitsTable;
  media_files: MediaFilesTable;
  audit_log: AuditLogTable;
  article_revisions: ArticleRevisionsTable;
  article_revisions_pruned: ArticleRevisionsPrunedTable;
  article_editing: ArticleEditingTable;
  embed_lookups: EmbedLookupsTable;
  front_page_slots: FrontPageSlotsTable;
  breaking_news: BreakingNewsTable;
  article_corrections: ArticleCorrectionsTable;
  article_notes: ArticleNotesTable;
  preview_links: PreviewLinksTable;
  menu_items: MenuItemsTable;
}
