import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { apiActorOf, requireApiToken } from "../accounts/api-auth.js";
import type { RevisionListRow, RevisionRow } from "../articles/revisions/service.js";
import {
  getArticleRevision,
  listArticleRevisions,
  restoreArticleRevision,
} from "../articles/revisions/service.js";
import type { AppContext } from "../context.js";
import { parseId } from "../infrastructure/requests.js";
import { versionFromIfMatch } from "./serializers.js";
import { sendWriteResult } from "./write-results.js";

function revisionSummaryJson(revision: RevisionListRow) {
  return {
    id: revision.id,
    created_at: revision.created_at,
    author: revision.author_id === null ? null : { id: revision.author_id, name: revision.author_name },
    title: revision.title,
    kind: revision.kind,
    status: revision.status,
    base_version: revision.base_version,
  };
}

function revisionJson(revision: RevisionRow) {
  return { ...revisionSummaryJson(revision), excerpt: revision.excerpt, body: revision.body };
}

function sendRefusal(reply: FastifyReply, refusal: { notFound: true } | { forbidden: string }) {
  if ("forbidden" in refusal) return reply.code(403).send({ error: refusal.forbidden });
  return reply.code(404).send({ error: "not found" });
}

type RevisionParams = { id: string; rev: string };

/** Admin API for a story's revisions: list, read one, restore one (bearer token). */
const revisionsApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireApiToken(app, ctx);

  app.get<{ Params: { id: string } }>(
    "/articles/:id/revisions",
    async function listApiRevisions(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send({ error: "article not found" });
      const result = await listArticleRevisions(ctx, apiActorOf(request), id);
      if (!("revisions" in result)) return sendRefusal(reply, result);
      return reply.send({
        revisions: result.revisions.map(revisionSummaryJson),
        pruned: result.pruned,
        policy: result.policy,
      });
    },
  );

  app.get<{ Params: RevisionParams }>(
    "/articles/:id/revisions/:rev",
    async function showApiRevision(request, reply) {
      const id = parseId(request.params.id);
      const rev = parseId(request.params.rev);
      if (id === undefined || rev === undefined) return reply.code(404).send({ error: "not found" });
      const result = await getArticleRevision(ctx, apiActorOf(request), id, rev);
      if (!("revision" in result)) return sendRefusal(reply, result);
      return reply.send(revisionJson(result.revision));
    },
  );

  app.post<{ Params: RevisionParams }>(
    "/articles/:id/revisions/:rev/restore",
    async function restoreApiRevision(request, reply) {
      const id = parseId(request.params.id);
      const rev = parseId(request.params.rev);
      if (id === undefined || rev === undefined) return reply.code(404).send({ error: "not found" });
      const ifVersion = versionFromIfMatch(request.headers["if-match"]);
      const result = await restoreArticleRevision(ctx, apiActorOf(request), id, rev, { ifVersion });
      return sendWriteResult(reply, result, 200);
    },
  );
};

export default revisionsApiRoutes;
