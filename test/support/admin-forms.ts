import type { LightMyRequestResponse } from "fastify";
import type { TestSite } from "./site.js";

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
