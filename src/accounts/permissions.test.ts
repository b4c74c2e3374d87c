import { expect, test } from "vitest";
import type { Role } from "../db/schema.js";
import { type Actor, canEditArticle, canManageStaff, canPublishArticle } from "./permissions.js";

const actor = (role: Role, id = 1): Actor => ({ id, role, name: role });
const own = { author_id: 1, status: "draft" as const };
const others = { author_id: 2, status: "draft" as const };
const ownPublished = { author_id: 1, status: "published" as const };

test.each([
  ["admin", own, true, true],
  ["editor", others, true, true],
  ["author", own, true, true],
  ["author", others, false, false],
  ["contributor", own, true, false],
  ["contributor", ownPublished, false, false],
  ["contributor", others, false, false],
] as const)("%s on %o: edit %s, publish %s", (role, article, canEdit, canPublish) => {
  expect(canEditArticle(actor(role), article)).toBe(canEdit);
  expect(canPublishArticle(actor(role), article)).toBe(canPublish);
});

test("only admins manage staff", () => {
  expect(canManageStaff(actor("admin"))).toBe(true);
  expect(canManageStaff(actor("editor"))).toBe(false);
});
