import type { FastifyPluginAsync } from "fastify";
import { countArticlesByStatus, listArticlesForAdmin } from "../articles/service.js";
import type { AppContext } from "../site/context.js";
import { requireStaffSession } from "./guard.js";
import { adminPageModel } from "./page-model.js";

/** Every admin page lives in this child context, behind the staff-session guard. */
const adminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireStaffSession(app, ctx);

  app.get("/", async function showDashboardPage(request, reply) {
    const actor = request.actor!;
    const ownOnly = actor.role === "author" || actor.role === "contributor" ? actor.id : undefined;
    const [counts, recent] = await Promise.all([
      countArticlesByStatus(ctx, ownOnly),
      listArticlesForAdmin(ctx, { authorId: ownOnly }, 1, 10),
    ]);
    return reply.view(
      "admin/views/dashboard",
      await adminPageModel(ctx, request, reply, {
        title: "Dashboard",
        section: "dashboard",
        counts,
        recent: recent.items,
      }),
    );
  });
};

export default adminRoutes;
