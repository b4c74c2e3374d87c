import type { FastifyPluginAsync } from "fastify";
import { adminPageModel, adminSay } from "../accounts/admin-page.js";
import accountAdminRoutes from "../accounts/admin-routes.js";
import { canModerateComments, isEditorOrAbove } from "../accounts/permissions.js";
import { actorOf, requireStaffSession } from "../accounts/staff-guard.js";
import articleAdminRoutes from "../articles/admin-routes.js";
import correctionsAdminRoutes from "../articles/corrections-admin-routes.js";
import frontPageAdminRoutes from "../articles/front-page-admin-routes.js";
import reviewAdminRoutes from "../articles/review/admin-routes.js";
import revisionAdminRoutes from "../articles/revisions/admin-routes.js";
import { countArticlesByStatus, listArticlesForAdmin } from "../articles/service.js";
import taxonomyAdminRoutes from "../articles/taxonomy-admin-routes.js";
import commentsAdminRoutes from "../comments/admin-routes.js";
import { countPendingComments } from "../comments/moderation.js";
import type { AppContext } from "../context.js";
import curationAdminRoutes from "../curation/admin-routes.js";
import { formatSiteDate } from "../lib/site-date.js";
import mediaAdminRoutes from "../media/admin-routes.js";
import migrationAdminRoutes from "../migration/admin-routes.js";
import previewAdminRoutes from "../pages/preview-admin-routes.js";
import auditAdminRoutes from "./audit-log-routes.js";
import settingsRoutes from "./settings-routes.js";

/** Every admin page lives in this child context, behind the staff-session guard. */
const adminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireStaffSession(app, ctx);

  app.get("/", async function showDashboardPage(request, reply) {
    const actor = actorOf(request);
    const ownOnly = isEditorOrAbove(actor) ? undefined : actor.id;
    const [counts, recent, pendingComments] = await Promise.all([
      countArticlesByStatus(ctx, ownOnly, false),
      listArticlesForAdmin(ctx, { authorId: ownOnly, isPage: false }, 1, 10),
      canModerateComments(actor) ? countPendingComments(ctx) : null,
    ]);
    const settings = await ctx.settings.get();
    const say = await adminSay(ctx, request);
    return reply.view(
      "admin/views/dashboard",
      await adminPageModel(ctx, request, reply, {
        title: say("admin.layout.dashboard"),
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
  await app.register(revisionAdminRoutes, { ctx });
  await app.register(articleAdminRoutes, { ctx, kind: "page" });
  await app.register(frontPageAdminRoutes, { ctx });
  await app.register(correctionsAdminRoutes, { ctx });
  await app.register(reviewAdminRoutes, { ctx });
  await app.register(previewAdminRoutes, { ctx });
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
