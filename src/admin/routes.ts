import type { FastifyPluginAsync } from "fastify";
import accountAdminRoutes from "../accounts/admin-routes.js";
import { canModerateComments, isEditorOrAbove } from "../accounts/permissions.js";
import articleAdminRoutes from "../articles/admin-routes.js";
import mediaAdminRoutes from "../articles/media-admin-routes.js";
import { countArticlesByStatus, listArticlesForAdmin } from "../articles/service.js";
import taxonomyAdminRoutes from "../articles/taxonomy-admin-routes.js";
import auditAdminRoutes from "../audit/admin-routes.js";
import commentsAdminRoutes from "../comments/admin-routes.js";
import { countPendingComments } from "../comments/moderation.js";
import curationAdminRoutes from "../curation/admin-routes.js";
import migrationAdminRoutes from "../migration/admin-routes.js";
import type { AppContext } from "../site/context.js";
import { formatSiteDate } from "../site/settings.js";
import { actorOf, requireStaffSession } from "./guard.js";
import { adminPageModel } from "./page-model.js";
import settingsRoutes from "./settings-routes.js";

/** Every admin page lives in this child context, behind the staff-session guard. */
const adminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireStaffSession(app, ctx);

  app.get("/", async function showDashboardPage(request, reply) {
    const actor = actorOf(request);
    const ownOnly = isEditorOrAbove(actor) ? undefined : actor.id;
    const [counts, recent, pendingComments] = await Promise.all([
      countArticlesByStatus(ctx, ownOnly),
      listArticlesForAdmin(ctx, { authorId: ownOnly }, 1, 10),
      canModerateComments(actor) ? countPendingComments(ctx) : null,
    ]);
    const settings = await ctx.settings.get();
    return reply.view(
      "admin/views/dashboard",
      await adminPageModel(ctx, request, reply, {
        title: "Dashboard",
        section: "dashboard",
        counts,
        recent: recent.items,
        recent_dates: Object.fromEntries(
          recent.items.map((a) => [
            a.id,
            formatSiteDate(a.updated_at, "d MMM yyyy, HH:mm", settings.timezone),
          ]),
        ),
        pending_comments: pendingComments,
      }),
    );
  });

  await app.register(articleAdminRoutes, { ctx });
  await app.register(taxonomyAdminRoutes, { ctx });
  await app.register(mediaAdminRoutes, { ctx });
  await app.register(accountAdminRoutes, { ctx });
  await app.register(settingsRoutes, { ctx });
  await app.register(auditAdminRoutes, { ctx });
  await app.register(commentsAdminRoutes, { ctx });
  await app.register(curationAdminRoutes, { ctx });
  await app.register(migrationAdminRoutes, { ctx });
};

export default adminRoutes;
