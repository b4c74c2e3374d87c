import type { LightMyRequestResponse } from "fastify";
import type { TestSite } from "./site.js";

/** The settings form as an admin would send it unchanged on a fresh site (the defaults). */
export const DEFAULT_SETTINGS_FORM: Record<string, string> = {
  title: "Broadsheet",
  tagline: "News, as it happens",
  language: "en",
  timezone: "UTC",
  dateFormat: "EEE. MMM do, yyyy",
  postsPerPage: "10",
  feedFullText: "on",
  commentsOpenByDefault: "on",
  commentModeration: "first-time",
  commentMaxLinks: "2",
  commentModerationKeywords: "",
  commentDisallowedKeywords: "",
  commentCloseAfterDays: "0",
  commentMaxDepth: "5",
  securityContacts: "",
};

/** Posts an urlencoded admin form as `cookie`, with the CSRF token of the page at `formPage`. */
export async function postAdminForm(
  site: TestSite,
  formPage: string,
  url: string,
  cookie: string,
  fields: Record<string, string | string[]>,
): Promise<LightMyRequestResponse> {
  const form = await site.formSession(formPage, cookie);
  const body = new URLSearchParams();
  body.set("_csrf", form.token);
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  return site.request({
    method: "POST",
    url,
    cookie: form.cookie,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: body.toString(),
  });
}

/** Opens where a 303 points, as a browser would: with the cookies it set (the flash message). */
export async function followRedirect(
  site: TestSite,
  response: LightMyRequestResponse,
  cookie: string,
): Promise<LightMyRequestResponse> {
  const location = response.headers.location;
  if (typeof location !== "string")
    throw new Error(`followRedirect: no Location (status ${response.statusCode})`);
  const set = response.cookies.map((c) => `${c.name}=${c.value}`);
  return site.request({ method: "GET", url: location, cookie: [cookie, ...set].join("; ") });
}
