import type { FastifyPluginAsync } from "fastify";
import { canReadAuditLog } from "../accounts/permissions.js";
import { allowOnly } from "../admin/guard.js";
import { adminPageModel } from "../admin/page-model.js";
import type { AppContext } from "../site/context.js";
import { parsePageNumber } from "../site/requests.js";
import { formatSiteDate } from "../site/settings.js";
import { listAuditLog } from "./service.js";

const EVENT_LABELS: Record<string, string> = {
  sign_in: "Signed in",
  sign_in_failed: "Sign-in failed",
  account_locked: "Account locked",
  role_changed: "Role changed",
  account_disabled: "Account disabled",
  account_enabled: "Account enabled",
  token_created: "API token created",
  token_revoked: "API token revoked",
  settings_changed: "Settings changed",
};

/** The audit log page (admins only). */
const auditAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canReadAuditLog);

  app.get<{ Querystring: { page?: string } }>("/audit", async function showAuditLogPage(request, reply) {
    const page = parsePageNumber(request.query.page);
    if (page === undefined) return reply.callNotFound();
    const [{ entries, pages }, settings] = await Promise.all([listAuditLog(ctx, page), ctx.settings.get()]);
    return reply.view(
      "audit/views/audit-log",
      await adminPageModel(ctx, request, reply, {
        title: "Audit log",
        section: "audit",
        entries: entries.map((e) => ({
          when: formatSiteDate(e.created_at, "d MMM yyyy, HH:mm:ss", settings.timezone),
          when_iso: e.created_at,
          event: EVENT_LABELS[e.event] ?? e.event,
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
