import { randomUUID } from "node:crypto";
import type pg from "pg";
import { PgChangeFeed } from "../db/change-feed.js";

export interface ContentChangesLog {
  error(error: Error, message: string): void;
  warn(message: string): void;
  info(message: string): void;
}

/**
 * What a change touched, and what a rendered page or fragment drew on:
 * - `article:<id>`: what the story's cards and headlines show (title, link, excerpt, image,
 *   byline, date, section) — every page listing it draws on this;
 * - `article-body:<id>`: the rest of the story's own page (body, sources, tags, when it was
 *   updated): only that page draws on it, so most edits re-render one page;
 * - `comments:<articleId>`: its approved comments and their count;
 * - `listing:<kind>[:<id>]`: which stories a list holds and in what order (`front` is every
 *   published story by date: the front page, the "Latest" list, date archives, previous/next;
 *   `category`, `tag`, `author` an archive; `most-commented` the side list);
 * - `listing:corrections`: the corrections page's list;
 * - `front-page`: the editors' arrangement of page 1 (lead, top stories, breaking banner);
 * - `menus`: the header and footer menus (every page showing the masthead draws on it);
 * - `settings`, `theme`, `all`: anything may have changed; every page and fragment goes.
 */
export type ContentScope =
  | `article:${number}`
  | `article-body:${number}`
  | `comments:${number}`
  | "listing:front"
  | `listing:${"category" | "tag" | "author"}:${number}`
  | "listing:most-commented"
  | "listing:corrections"
  | "front-page"
  | "menus"
  | "settings"
  | "theme"
  | "all";

/** One content change: its place in the node's order of changes and what it touched. */
export interface ContentChange {
  version: number;
  scopes: readonly string[];
}

/** Scopes that stand for every page. */
const SITE_WIDE = new Set(["settings", "theme", "all"]);

/**
 * True when a change with `scopes` makes something tagged with `tags` stale. Untagged entries
 * (`undefined`) drew on anything, so every change touches them.
 */
export function touches(
  scopes: readonly string[],
  tags: ReadonlySet<string> | readonly string[] | undefined,
): boolean {
  if (tags === undefined) return scopes.length > 0;
  const list = Array.isArray(tags) ? (tags as readonly string[]) : undefined;
  for (const scope of scopes)
    if (SITE_WIDE.has(scope) || (list ? list.includes(scope) : (tags as ReadonlySet<string>).has(scope)))
      return true;
  return false;
}

/** True when a change may have touched anything: settings, the theme, or all content. */
export function isSiteWide(change: ContentChange): boolean {
  return change.scopes.some((scope) => SITE_WIDE.has(scope));
}

/** Recent changes kept to answer `changedSince`; a render older than all of them is not kept. */
const RECENT_CHANGES = 512;
/** Largest notice PostgreSQL carries is 8000 bytes; a change naming more goes out as `all`. */
const MAX_NOTICE_SCOPES_BYTES = 7000;

/**
 * The one place that says "content changed": every publish, edit, trash, comment approval,
 * setting or theme change calls `changed(scopes)`. Local listeners (page cache, fragments,
 * settings copy, memos) drop what those scopes touch; on PostgreSQL the notice is broadcast so
 * every node does the same. Each time the node (re)subscribes to the broadcast, its listeners are
 * told `all`, since notices may have been missed while it was not listening.
 *
 * `version` counts the changes this node has heard of: a render notes it before reading its data
 * and keeps its result only when no change since touched what it drew on (`changedSince`).
 */
export class ContentChanges {
  private readonly listeners: Array<(change: ContentChange) => void> = [];
  private readonly feedListeners: Array<(isLive: boolean) => void> = [];
  private readonly feed: PgChangeFeed | undefined;
  private readonly recent: ContentChange[] = [];
  private current = 0;

  constructor(
    pgPool: pg.Pool | undefined,
    private readonly log: ContentChangesLog = { error() {}, warn() {}, info() {} },
  ) {
    this.feed = pgPool
      ? new PgChangeFeed(pgPool, randomUUID(), {
          onRemoteChange: (scopes) => this.notifyLocal(scopes),
          onSubscribed: () => {
            this.log.info("change feed listening");
            // Notices may have been missed while not listening.
            this.notifyLocal(["all"]);
            for (const listener of this.feedListeners) listener(true);
          },
          onLost: (error) => {
            this.log.error(error, "change feed lost its connection; listening again");
            for (const listener of this.feedListeners) listener(false);
          },
          onError: (error) => this.log.error(error, "change feed"),
        })
      : undefined;
  }

  /** How many changes this node has heard of: note it before reading what a render shows. */
  get version(): number {
    return this.current;
  }

  /**
   * True when a change after `version` touched `tags` (undefined: anything), or when `version` is
   * too old to tell: what was read at `version` may be stale and must not be kept.
   */
  changedSince(version: number, tags: ReadonlySet<string> | undefined): boolean {
    if (version === this.current) return false;
    const oldest = this.recent[0];
    if (oldest === undefined || oldest.version > version + 1) return true;
    for (let i = this.recent.length - 1; i >= 0 && this.recent[i].version > version; i--)
      if (touches(this.recent[i].scopes, tags)) return true;
    return false;
  }

  onChange(listener: (change: ContentChange) => void): void {
    this.listeners.push(listener);
  }

  /** Told whenever the feed goes down (false) or is back (true). */
  onFeedState(listener: (isLive: boolean) => void): void {
    this.feedListeners.push(listener);
  }

  /**
   * True when every change made on any node reaches this one: always on SQLite (one node), and on
   * PostgreSQL while LISTEN is in place. While false, nothing new may be cached.
   */
  get isLive(): boolean {
    return this.feed === undefined || this.feed.isListening;
  }

  /** Tells this node and every other node that what `scopes` name may be stale. */
  async changed(scopes: readonly ContentScope[]): Promise<void> {
    if (scopes.length === 0) return;
    const unique = [...new Set(scopes)];
    this.notifyLocal(unique);
    if (this.feed) {
      const sent = JSON.stringify(unique).length > MAX_NOTICE_SCOPES_BYTES ? ["all"] : unique;
      try {
        await this.feed.publish(sent);
      } catch (error) {
        this.log.error(error as Error, "change feed: cannot broadcast a change");
      }
    }
  }

  async start(): Promise<void> {
    await this.feed?.subscribe();
  }

  /** Stops listening; never throws. */
  async stop(): Promise<void> {
    await this.feed?.close();
  }

  private notifyLocal(scopes: readonly string[]): void {
    this.current += 1;
    const change: ContentChange = { version: this.current, scopes };
    this.recent.push(change);
    if (this.recent.length > RECENT_CHANGES) this.recent.shift();
    for (const listener of this.listeners) listener(change);
  }
}

/** The scopes of a story's listings: where it shows, and in which order, besides its own page. */
export function listingScopes(story: {
  categoryIds: readonly number[];
  tagIds: readonly number[];
  authorId: number;
}): ContentScope[] {
  return [
    "listing:front",
    `listing:author:${story.authorId}`,
    ...story.categoryIds.map((id): ContentScope => `listing:category:${id}`),
    ...story.tagIds.map((id): ContentScope => `listing:tag:${id}`),
  ];
}
