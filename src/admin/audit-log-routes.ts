import type { FastifyPluginAsync } from "fastify";
import { adminLanguage, adminPageModel, adminSay } from "../accounts/admin-page.js";
import { canReadAuditLog } from "../accounts/permissions.js";
import { allowOnly } from "../accounts/staff-guard.js";
import { listAuditLog } from "../audit/service.js";
import type { AppContext } from "../context.js";
import { parsePageNumber } from "../infrastructure/requests.js";
import { formatSiteDate } from "../lib/site-date.js";

/** The audit log page (admins only). */
const auditAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canReadAuditLog);

  app.get<{ Querystring: { page?: string } }>("/audit", async function showAuditLogPage(request, reply) {
    const page = parsePageNumber(request.query.page);
    if (page === undefined) return reply.callNotFound();
    const [{ entries, pages }, settings, lang] = await Promise.all([
      listAuditLog(ctx, page),
      ctx.settings.get(),
      adminLanguage(ctx, request.actor?.language),
    ]);
    const say = await adminSay(ctx, request, lang);
    return reply.view(
      "audit/views/audit-log",
      await adminPageModel(ctx, request, reply, {
        title: say("admin.layout.audit"),
        lang,
        section: "audit",
        entries: entries.map((e) => ({
          when: formatSiteDate(e.created_at, "d MMM yyyy, HH:mm:ss", settings.timezone, lang),
          when_iso: e.created_at,
          // The stored code; the view names it from `audit.events.<code>`.
          event: e.event,
          actor: e.actor_name ?? "",
          subject: e.subject_name ?? "",
          detail: e.detail,
          ip: e.ip,
        })),
        page,
        previous_url: page > 1 ? `/admin/audit?page=${page - 1}` : null,
        next_url: page < pages ? `/admin/audit?page=${page + 1}` : null,
      }),
    );
  });
};

export default auditAdminRoutes;
