import type { ArticleStatus, Role } from "../db/schema.js";

/** The signed-in staff member (or the API token's identity) that rules are checked against. */
export interface Actor {
  id: number;
  role: Role;
  name: string;
}

/** Fields of an article that permission rules look at. */
export interface ArticleOwnership {
  author_id: number;
  status: ArticleStatus;
}

const STAFF_ROLES: readonly Role[] = ["admin", "editor", "author", "contributor"];

export function isStaffRole(value: string): value is Role {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

export function isEditorOrAbove(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "editor";
}

export function canManageStaff(actor: Actor): boolean {
  return actor.role === "admin";
}

/** The audit log names staff, addresses and security events: admins only. */
export function canReadAuditLog(actor: Actor): boolean {
  return actor.role === "admin";
}

export function canManageSettings(actor: Actor): boolean {
  return actor.role === "admin";
}

/** Categories, tags, sources and the review desk belong to editors. */
export function canManageTaxonomy(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

export function canModerateComments(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

export function canCurate(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

/** Everyone on staff may start a draft. */
export function canCreateArticle(_actor: Actor): boolean {
  return true;
}

/** Editors edit anything; authors their own; contributors their own drafts, also once submitted for review. */
export function canEditArticle(actor: Actor, article: ArticleOwnership): boolean {
  if (isEditorOrAbove(actor)) return true;
  if (article.author_id !== actor.id) return false;
  if (actor.role === "contributor") return article.status === "draft" || article.status === "pending";
  return true;
}

/** The review queue (stories submitted for review) is worked by editors. */
export function canReviewArticles(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

/** Publishing (or scheduling) is for editors, and for authors on their own stories. */
export function canPublishArticle(actor: Actor, article: ArticleOwnership): boolean {
  if (isEditorOrAbove(actor)) return true;
  return actor.role === "author" && article.author_id === actor.id;
}

/** Moving to the trash (recoverable) follows the publishing rule. */
export function canTrashArticle(actor: Actor, article: ArticleOwnership): boolean {
  return canPublishArticle(actor, article);
}

/** Deleting for good is for editors only, as in WordPress's default roles. */
export function canDeleteArticle(actor: Actor, _article: ArticleOwnership): boolean {
  return isEditorOrAbove(actor);
}

/** Only editors may name another author as an article's byline. */
export function canAssignAuthor(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

/**
 * Reading an article through the Admin API: editors read everything; authors and contributors
 * their own articles and published ones (others' drafts and scheduled stories answer 404).
 */
export function canViewArticle(actor: Actor, article: ArticleOwnership): boolean {
  return isEditorOrAbove(actor) || article.author_id === actor.id || article.status === "published";
}

/** Lists of unpublished work show everyone's stories to editors only; others see their own. */
export function seesEveryonesArticles(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

/** Pages (About, Contact…) are the site's own furniture: editors and admins write them. */
export function canManagePages(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

/** Choosing the front page's lead, its top stories and the breaking banner is an editor's call. */
export function canArrangeFrontPage(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

/** Pinning a story (the newest pinned one is the front page's lead) is an editor's call. */
export function canPinArticle(actor: Actor): boolean {
  return isEditorOrAbove(actor);
}

/** Editors change any image's alt text; authors and contributors only the images they uploaded. */
export function canEditMedia(actor: Actor, media: { uploaded_by: number | null }): boolean {
  return isEditorOrAbove(actor) || media.uploaded_by === actor.id;
}
