import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminPageModel, adminSay, sayProblem, sayProblems, setFlash } from "../accounts/admin-page.js";
import { canManageTaxonomy } from "../accounts/permissions.js";
import { allowOnly } from "../accounts/staff-guard.js";
import type { AppContext } from "../context.js";
import { field, parseId } from "../infrastructure/requests.js";
import { problemText } from "../lib/problems.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import {
  type CategoryInput,
  createCategory,
  deleteCategory,
  deleteTag,
  type FieldErrors,
  listCategories,
  listTags,
  renameTag,
  updateCategory,
} from "./taxonomy.js";

const MAX_NAV_POSITION = 999;

interface CategoryFormValues {
  name: string;
  slug: string;
  description: string;
  parent_id: string;
  nav_position: string;
}

function categoryFormValues(body: unknown): CategoryFormValues {
  return {
    name: field(body, "name"),
    slug: field(body, "slug").trim(),
    description: field(body, "description"),
    parent_id: field(body, "parent_id").trim(),
    nav_position: field(body, "nav_position").trim(),
  };
}

/** The service input for the category form, plus the errors of fields only the form can get wrong. */
function categoryInputFromForm(values: CategoryFormValues): { input: CategoryInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: CategoryInput = { name: values.name, slug: values.slug, description: values.description };
  if (values.parent_id === "") input.parent_id = null;
  else if (parseId(values.parent_id) !== undefined) input.parent_id = parseId(values.parent_id);
  else errors.parent_id = ARTICLE_PROBLEMS.choose_category;
  if (values.nav_position === "") input.nav_position = null;
  else if (/^\d{1,3}$/.test(values.nav_position) && Number(values.nav_position) <= MAX_NAV_POSITION)
    input.nav_position = Number(values.nav_position);
  else errors.nav_position = problemText(ARTICLE_PROBLEMS.nav_position, { max: MAX_NAV_POSITION });
  return { input, errors };
}

/** A parent must exist and must not sit below the category itself (no loops in the tree). */
function parentProblem(
  categories: { id: number; parent_id: number | null }[],
  id: number | undefined,
  parentId: number | null | undefined,
): string | undefined {
  if (parentId === null || parentId === undefined) return undefined;
  const parentOf = new Map(categories.map((c) => [c.id, c.parent_id]));
  if (!parentOf.has(parentId)) return ARTICLE_PROBLEMS.choose_category;
  for (
    let at: number | null | undefined = parentId, hops = 0;
    at != null && hops <= categories.length;
    hops++
  ) {
    if (at === id) return ARTICLE_PROBLEMS.category_loop;
    at = parentOf.get(at);
  }
  return undefined;
}

/** Categories (with masthead navigation order) and tags, for editors. */
const taxonomyAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canManageTaxonomy);

  async function renderCategoriesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values: CategoryFormValues; errors: FieldErrors },
    statusCode = 200,
  ) {
    const [categories, tags] = await Promise.all([listCategories(ctx), listTags(ctx)]);
    const nameOf = new Map(categories.map((c) => [c.id, c.name]));
    const inNav = categories
      .filter((c) => c.nav_position !== null)
      .sort((a, b) => (a.nav_position ?? 0) - (b.nav_position ?? 0));
    const say = await adminSay(ctx, request);
    return reply.code(statusCode).view(
      "articles/views/categories",
      await adminPageModel(ctx, request, reply, {
        title: say("articles.taxonomy.heading"),
        section: "taxonomy",
        categories: categories.map((c) => ({
          id: String(c.id),
          name: c.name,
          slug: c.slug,
          description: c.description,
          parent_name: c.parent_id ? (nameOf.get(c.parent_id) ?? "") : "",
          nav_position: c.nav_position === null ? "" : String(c.nav_position),
          article_count: c.article_count,
        })),
        nav: inNav.map((c) => c.name),
        tags: tags.map((t) => ({ id: String(t.id), name: t.name, slug: t.slug })),
        values: form.values,
        errors: sayProblems(say, "articles", ARTICLE_PROBLEMS, form.errors),
      }),
    );
  }

  app.get("/categories", async function showCategoriesPage(request, reply) {
    return renderCategoriesPage(request, reply, {
      values: { name: "", slug: "", description: "", parent_id: "", nav_position: "" },
      errors: {},
    });
  });

  app.post("/categories", async function addCategory(request, reply) {
    const values = categoryFormValues(request.body);
    const { input, errors } = categoryInputFromForm(values);
    const badParent = parentProblem(await listCategories(ctx), undefined, input.parent_id);
    if (badParent) errors.parent_id = badParent;
    const result = Object.keys(errors).length
      ? { errors, category: undefined }
      : await createCategory(ctx, input);
    if (!result.category)
      return renderCategoriesPage(request, reply, { values, errors: result.errors ?? {} }, 422);
    setFlash(
      reply,
      (await adminSay(ctx, request))("articles.flash.category_created", { name: result.category.name }),
    );
    return reply.redirect("/admin/categories", 303);
  });

  async function renderCategoryEditPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    form: { values: CategoryFormValues; errors: FieldErrors } | undefined,
    statusCode = 200,
  ) {
    const categories = await listCategories(ctx);
    const category = categories.find((c) => c.id === id);
    if (!category) return reply.callNotFound();
    const values = form?.values ?? {
      name: category.name,
      slug: category.slug,
      description: category.description,
      parent_id: category.parent_id === null ? "" : String(category.parent_id),
      nav_position: category.nav_position === null ? "" : String(category.nav_position),
    };
    const say = await adminSay(ctx, request);
    return reply.code(statusCode).view(
      "articles/views/category-edit",
      await adminPageModel(ctx, request, reply, {
        title: say("articles.taxonomy.edit_category", { name: category.name }),
        section: "taxonomy",
        category: {
          id: String(category.id),
          name: category.name,
          slug: category.slug,
          article_count: category.article_count,
        },
        parents: categories.filter((c) => c.id !== id).map((c) => ({ id: String(c.id), name: c.name })),
        values,
        errors: sayProblems(say, "articles", ARTICLE_PROBLEMS, form?.errors ?? {}),
      }),
    );
  }

  app.get<{ Params: { id: string } }>("/categories/:id", async function showCategoryPage(request, reply) {
    const id = parseId(request.params.id);
    if (!id) return reply.callNotFound();
    return renderCategoryEditPage(request, reply, id, undefined);
  });

  app.post<{ Params: { id: string } }>("/categories/:id", async function saveCategory(request, reply) {
    const id = parseId(request.params.id);
    if (!id) return reply.callNotFound();
    const values = categoryFormValues(request.body);
    const { input, errors } = categoryInputFromForm(values);
    const badParent = parentProblem(await listCategories(ctx), id, input.parent_id);
    if (badParent) errors.parent_id = badParent;
    const serviceErrors = Object.keys(errors).length ? errors : await updateCategory(ctx, id, input);
    if (serviceErrors.id) return reply.callNotFound();
    if (Object.keys(serviceErrors).length)
      return renderCategoryEditPage(request, reply, id, { values, errors: serviceErrors }, 422);
    setFlash(reply, (await adminSay(ctx, request))("articles.flash.category_saved"));
    return reply.redirect("/admin/categories", 303);
  });

  app.get<{ Params: { id: string } }>(
    "/categories/:id/delete",
    async function showDeleteCategoryPage(request, reply) {
      const id = parseId(request.params.id);
      const category = (await listCategories(ctx)).find((c) => c.id === id);
      if (!category) return reply.callNotFound();
      const say = await adminSay(ctx, request);
      return reply.view(
        "admin/views/confirm-delete",
        await adminPageModel(ctx, request, reply, {
          title: say("articles.taxonomy.delete_category_title", { name: category.name }),
          section: "taxonomy",
          question: say("articles.taxonomy.delete_category_question", { name: category.name }),
          consequence: say("articles.taxonomy.delete_category_consequence", {
            count: category.article_count,
            path: `/category/${category.slug}/`,
          }),
          action: `/admin/categories/${category.id}/delete`,
          cancel_url: `/admin/categories/${category.id}`,
        }),
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    "/categories/:id/delete",
    async function removeCategory(request, reply) {
      const id = parseId(request.params.id);
      const category = (await listCategories(ctx)).find((c) => c.id === id);
      if (!category) return reply.callNotFound();
      await deleteCategory(ctx, category.id);
      setFlash(
        reply,
        (await adminSay(ctx, request))("articles.flash.category_deleted", { name: category.name }),
      );
      return reply.redirect("/admin/categories", 303);
    },
  );

  app.post<{ Params: { id: string } }>("/tags/:id", async function saveTag(request, reply) {
    const id = parseId(request.params.id);
    const tag = (await listTags(ctx)).find((t) => t.id === id);
    if (!tag) return reply.callNotFound();
    const errors = await renameTag(ctx, tag.id, {
      name: field(request.body, "name"),
      slug: field(request.body, "slug").trim(),
    });
    const say = await adminSay(ctx, request);
    if (Object.keys(errors).length) {
      const why = Object.entries(errors)
        .map(([name, problem]) =>
          say("common.field_error", {
            field: say(name === "slug" ? "articles.fields.slug" : "articles.fields.name"),
            problem: sayProblem(say, "articles", ARTICLE_PROBLEMS, problem),
          }),
        )
        .join("; ");
      setFlash(reply, say("articles.flash.tag_not_renamed", { name: tag.name, problems: why }), "error");
    } else setFlash(reply, say("articles.flash.tag_saved"));
    return reply.redirect("/admin/categories#tags", 303);
  });

  app.get<{ Params: { id: string } }>("/tags/:id/delete", async function showDeleteTagPage(request, reply) {
    const id = parseId(request.params.id);
    const tag = (await listTags(ctx)).find((t) => t.id === id);
    if (!tag) return reply.callNotFound();
    const say = await adminSay(ctx, request);
    return reply.view(
      "admin/views/confirm-delete",
      await adminPageModel(ctx, request, reply, {
        title: say("articles.taxonomy.delete_tag_title", { name: tag.name }),
        section: "taxonomy",
        question: say("articles.taxonomy.delete_tag_question", { name: tag.name }),
        consequence: say("articles.taxonomy.delete_tag_consequence", { path: `/tag/${tag.slug}/` }),
        action: `/admin/tags/${tag.id}/delete`,
        cancel_url: "/admin/categories#tags",
      }),
    );
  });

  app.post<{ Params: { id: string } }>("/tags/:id/delete", async function removeTag(request, reply) {
    const id = parseId(request.params.id);
    const tag = (await listTags(ctx)).find((t) => t.id === id);
    if (!tag) return reply.callNotFound();
    await deleteTag(ctx, tag.id);
    setFlash(reply, (await adminSay(ctx, request))("articles.flash.tag_deleted", { name: tag.name }));
    return reply.redirect("/admin/categories#tags", 303);
  });
};

export default taxonomyAdminRoutes;
