import type { FastifyReply } from "fastify";
import type { ArticleDetail, WriteResult } from "../articles/service.js";
import { sendFieldErrors } from "../infrastructure/requests.js";
import { adminArticleJson, articleEtag } from "./serializers.js";

/** 412 for a write made from an older copy: the article as it is now, and its version, in the body. */
export function sendStale(
  reply: FastifyReply,
  current: ArticleDetail,
  json: (article: ArticleDetail) => object = adminArticleJson,
) {
  return reply
    .code(412)
    .header("etag", articleEtag(current))
    .send({
      error: "the article changed since this copy was read",
      current_version: current.version,
      article: json(current),
    });
}

/** The Admin API's answer to an article or page write: 201/200 with the stored shape, or why not. */
export function sendWriteResult(
  reply: FastifyReply,
  result: WriteResult,
  createdStatus: number,
  json: (article: ArticleDetail) => object = adminArticleJson,
  notFound = "article not found",
) {
  if ("errors" in result) return sendFieldErrors(reply, result.errors);
  if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
  if ("notFound" in result) return reply.code(404).send({ error: notFound });
  if ("conflict" in result) return sendStale(reply, result.conflict, json);
  return reply.code(createdStatus).header("etag", articleEtag(result.article)).send(json(result.article));
}
