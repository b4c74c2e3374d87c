import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { field, parseId } from "../infrastructure/requests.js";
import { COMMON_PROBLEMS } from "../lib/common-problems.js";
import { languageChoices } from "../lib/languages.js";
import { formatSiteDate } from "../lib/site-date.js";
import { archivePath } from "../lib/slug.js";
import { adminLanguage, adminPageModel, adminSay, sayProblems, setFlash } from "./admin-page.js";
import { PASSWORD_MIN_LENGTH } from "./passwords.js";
import { canManageStaff } from "./permissions.js";
import { ACCOUNT_PROBLEMS } from "./problems.js";
import {
  authenticate,
  type ChangedBy,
  createApiToken,
  createPasswordResetLink,
  createUser,
  emailPasswordResetLinkFor,
  type FieldErrors,
  getUser,
  LOGIN_FAILED_MESSAGE,
  listApiTokens,
  listUsers,
  RESET_LINK_EMAILS_PER_HOUR,
  revokeApiToken,
  updateUser,
  validateNewUser,
} from "./service.js";
import { deviceToken, openSession } from "./session-cookie.js";
import { actorOf, allowOnly } from "./staff-guard.js";

/** The roles a staff member can have, most powerful first (named by `common.roles.*`). */
const ROLES = ["admin", "editor", "author", "contributor"] as const;

const TOKEN_LIFETIMES_DAYS: Record<string, number | null> = { never: null, "30": 30, "90": 90, "365": 365 };

interface UserFormValues {
  name: string;
  email: string;
  role: string;
  bio: string;
}

function changedBy(request: FastifyRequest): ChangedBy {
  return { actorId: actorOf(request).id, ip: request.ip };
}

/** What the profile form shows of an account. */
function profileValues(user: { name: string; bio: string; language: string | null }) {
  return { name: user.name, bio: user.bio, language: user.language ?? "" };
}

/** The new password and its repetition; errors keyed `password` / `password_confirm`. */
function newPasswordErrors(body: unknown): FieldErrors {
  const password = field(body, "password");
  const errors: FieldErrors = {};
  if (password === "") errors.password = COMMON_PROBLEMS.required;
  else if (password !== field(body, "password_confirm"))
    errors.password_confirm = ACCOUNT_PROBLEMS.password_mismatch;
  return errors;
}

/** Staff accounts (admins), everyone's own profile, and Admin API tokens (admins). */
const accountAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // ── staff ───────────────────────────────────────────────────────────────
  async function renderUserForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { userId?: number; isDisabled?: boolean; values: UserFormValues; errors: FieldErrors },
    statusCode = 200,
  ) {
    const say = await adminSay(ctx, request);
    return reply.code(statusCode).view(
      "accounts/views/user-form",
      await adminPageModel(ctx, request, reply, {
        title: state.userId
          ? say("accounts.user_form.edit_heading", { name: state.values.name })
          : say("accounts.user_form.add_heading"),
        section: "users",
        user_id: state.userId ? String(state.userId) : "",
        is_disabled: state.isDisabled ?? false,
        is_self: state.userId === actorOf(request).id,
        values: state.values,
        errors: sayProblems(say, "accounts", ACCOUNT_PROBLEMS, state.errors),
        roles: ROLES,
        password_min: PASSWORD_MIN_LENGTH,
        can_email: ctx.mail !== undefined,
      }),
    );
  }

  app.register(async (staff) => {
    allowOnly(staff, canManageStaff);

    staff.get("/users", async function showStaffPage(request, reply) {
      const users = await listUsers(ctx);
      const say = await adminSay(ctx, request);
      return reply.view(
        "accounts/views/users",
        await adminPageModel(ctx, request, reply, {
          title: say("accounts.staff.heading"),
          section: "users",
          users: users.map((u) => ({
            id: String(u.id),
            name: u.name,
            email: u.email,
            role: u.role,
            slug: u.slug,
            is_disabled: u.is_disabled === 1,
            is_self: u.id === actorOf(request).id,
          })),
        }),
      );
    });

    staff.get("/users/new", async function showNewUserPage(request, reply) {
      return renderUserForm(request, reply, {
        values: { name: "", email: "", role: "author", bio: "" },
        errors: {},
      });
    });

    staff.post("/users/new", async function addUser(request, reply) {
      const values: UserFormValues = {
        name: field(request.body, "name"),
        email: field(request.body, "email").trim(),
        role: field(request.body, "role"),
        bio: field(request.body, "bio"),
      };
      const input = { ...values, password: field(request.body, "password") };
      // The confirmation is checked before anything is created, together with every other field.
      const errors = { ...validateNewUser(input, true), ...newPasswordErrors(request.body) };
      const created = Object.keys(errors).length ? { errors } : await createUser(ctx, input);
      if ("errors" in created) return renderUserForm(request, reply, { values, errors: created.errors }, 422);
      const say = await adminSay(ctx, request);
      setFlash(
        reply,
        say("accounts.flash.added", {
          name: created.user.name,
          role: say(`common.roles.${created.user.role}`),
        }),
      );
      return reply.redirect("/admin/users", 303);
    });

    staff.get<{ Params: { id: string } }>("/users/:id", async function showUserPage(request, reply) {
      const id = parseId(request.params.id);
      const user = id ? await getUser(ctx, id) : undefined;
      if (!user) return reply.callNotFound();
      return renderUserForm(request, reply, {
        userId: user.id,
        isDisabled: user.is_disabled === 1,
        values: { name: user.name, email: user.email, role: user.role, bio: user.bio },
        errors: {},
      });
    });

    staff.post<{ Params: { id: string } }>("/users/:id", async function saveUser(request, reply) {
      const id = parseId(request.params.id);
      const user = id ? await getUser(ctx, id) : undefined;
      if (!user) return reply.callNotFound();
      const values: UserFormValues = {
        name: field(request.body, "name"),
        email: field(request.body, "email").trim(),
        role: field(request.body, "role"),
        bio: field(request.body, "bio"),
      };
      const errors = await updateUser(ctx, user.id, values, changedBy(request));
      if (Object.keys(errors).length)
        return renderUserForm(
          request,
          reply,
          { userId: user.id, isDisabled: user.is_disabled === 1, values, errors },
          422,
        );
      setFlash(reply, (await adminSay(ctx, request))("accounts.flash.saved", { name: values.name.trim() }));
      return reply.redirect("/admin/users", 303);
    });

    staff.post<{ Params: { id: string } }>(
      "/users/:id/reset-link",
      async function makeResetLink(request, reply) {
        const id = parseId(request.params.id);
        const user = id ? await getUser(ctx, id) : undefined;
        if (!user) return reply.callNotFound();
        const link = await createPasswordResetLink(ctx, user.email, changedBy(request));
        if (!link) return reply.callNotFound();
        const settings = await ctx.settings.get();
        const say = await adminSay(ctx, request);
        return reply.view(
          "accounts/views/reset-link",
          await adminPageModel(ctx, request, reply, {
            title: say("accounts.reset_link.heading", { name: user.name }),
            section: "users",
            name: user.name,
            url: link.url,
            expires_at: formatSiteDate(link.expiresAt, "d MMM yyyy, HH:mm", settings.timezone),
          }),
        );
      },
    );

    staff.post<{ Params: { id: string } }>(
      "/users/:id/send-reset-link",
      async function sendResetLink(request, reply) {
        const id = parseId(request.params.id);
        const user = id ? await getUser(ctx, id) : undefined;
        if (!user) return reply.callNotFound();
        const result = await emailPasswordResetLinkFor(ctx, user, changedBy(request));
        const say = await adminSay(ctx, request);
        if ("sent" in result) setFlash(reply, say("accounts.flash.reset_link_sent", { email: user.email }));
        else
          setFlash(
            reply,
            say(`accounts.flash.reset_link_refused.${result.refused}`, {
              name: user.name,
              limit: RESET_LINK_EMAILS_PER_HOUR,
            }),
            "error",
          );
        return reply.redirect(`/admin/users/${user.id}`, 303);
      },
    );

    staff.post<{ Params: { id: string; change: string } }>(
      "/users/:id/:change",
      async function changeUserAccess(request, reply) {
        const id = parseId(request.params.id);
        const user = id ? await getUser(ctx, id) : undefined;
        const change = request.params.change;
        if (!user || !["disable", "enable", "password"].includes(change)) return reply.callNotFound();
        if (change === "password") {
          const errors = newPasswordErrors(request.body);
          Object.assign(
            errors,
            Object.keys(errors).length
              ? {}
              : await updateUser(ctx, user.id, { password: field(request.body, "password") }),
          );
          if (Object.keys(errors).length)
            return renderUserForm(
              request,
              reply,
              {
                userId: user.id,
                isDisabled: user.is_disabled === 1,
                values: { name: user.name, email: user.email, role: user.role, bio: user.bio },
                errors,
              },
              422,
            );
          // A password change ends the account's sessions; the person changing their own gets a fresh one.
          if (user.id === actorOf(request).id) await openSession(ctx, request, reply, user.id);
          setFlash(reply, (await adminSay(ctx, request))("accounts.flash.password_set", { name: user.name }));
          return reply.redirect(`/admin/users/${user.id}`, 303);
        }
        const errors = await updateUser(
          ctx,
          user.id,
          { isDisabled: change === "disable" },
          changedBy(request),
        );
        const say = await adminSay(ctx, request);
        if (Object.keys(errors).length)
          setFlash(
            reply,
            say("accounts.flash.access_refused", {
              name: user.name,
              problems: Object.values(sayProblems(say, "accounts", ACCOUNT_PROBLEMS, errors)).join("; "),
            }),
            "error",
          );
        else
          setFlash(
            reply,
            say(`accounts.flash.${change === "disable" ? "disabled" : "enabled"}`, { name: user.name }),
          );
        return reply.redirect("/admin/users", 303);
      },
    );

    // ── API tokens ──────────────────────────────────────────────────────────
    async function renderTokensPage(
      request: FastifyRequest,
      reply: FastifyReply,
      state: {
        newToken?: string;
        values: { name: string; user_id: string; lifetime: string };
        errors: FieldErrors;
      },
      statusCode = 200,
    ) {
      const [tokens, users] = await Promise.all([listApiTokens(ctx), listUsers(ctx)]);
      const nameOf = new Map(users.map((u) => [u.id, u.name]));
      const now = ctx.now().toISOString();
      const say = await adminSay(ctx, request);
      return reply.code(statusCode).view(
        "accounts/views/tokens",
        await adminPageModel(ctx, request, reply, {
          title: say("accounts.tokens.heading"),
          section: "tokens",
          new_token: state.newToken ?? "",
          values: state.values,
          errors: sayProblems(say, "accounts", ACCOUNT_PROBLEMS, state.errors),
          users: users
            .filter((u) => u.is_disabled === 0)
            .map((u) => ({
              id: String(u.id),
              name: u.name,
              role: u.role,
              selected: String(u.id) === state.values.user_id,
            })),
          tokens: tokens.map((t) => ({
            id: String(t.id),
            name: t.name,
            acts_as:
              t.user_id === null
                ? say("accounts.tokens.first_admin")
                : (nameOf.get(t.user_id) ?? say("accounts.tokens.deleted_user")),
            created_at: t.created_at.slice(0, 10),
            last_used_at: t.last_used_at ? t.last_used_at.slice(0, 16).replace("T", " ") : "",
            expires_at: t.expires_at ? t.expires_at.slice(0, 10) : "",
            state: t.revoked_at ? "revoked" : t.expires_at && t.expires_at <= now ? "expired" : "active",
          })),
        }),
      );
    }

    staff.get("/tokens", async function showTokensPage(request, reply) {
      return renderTokensPage(request, reply, {
        values: { name: "", user_id: String(actorOf(request).id), lifetime: "never" },
        errors: {},
      });
    });

    staff.post("/tokens", async function addToken(request, reply) {
      const values = {
        name: field(request.body, "name"),
        user_id: field(request.body, "user_id"),
        lifetime: field(request.body, "lifetime"),
      };
      const errors: FieldErrors = {};
      const userId = parseId(values.user_id);
      const owner = userId ? await getUser(ctx, userId) : undefined;
      if (!owner || owner.is_disabled) errors.user_id = ACCOUNT_PROBLEMS.choose_staff;
      if (!(values.lifetime in TOKEN_LIFETIMES_DAYS)) errors.lifetime = ACCOUNT_PROBLEMS.choose_lifetime;
      const days = TOKEN_LIFETIMES_DAYS[values.lifetime] ?? null;
      const created = Object.keys(errors).length
        ? { errors }
        : await createApiToken(
            ctx,
            {
              name: values.name,
              userId: owner!.id,
              expiresAt: days ? new Date(ctx.now().getTime() + days * 86_400_000).toISOString() : null,
            },
            changedBy(request),
          );
      if ("errors" in created)
        return renderTokensPage(request, reply, { values, errors: created.errors }, 422);
      // Shown in this response only (never in a redirect or a cookie): it cannot be seen again.
      return renderTokensPage(request, reply, {
        newToken: created.token,
        values: { name: "", user_id: String(actorOf(request).id), lifetime: "never" },
        errors: {},
      });
    });

    staff.post<{ Params: { id: string } }>("/tokens/:id/revoke", async function revokeToken(request, reply) {
      const id = parseId(request.params.id);
      const token = id ? (await listApiTokens(ctx)).find((t) => t.id === id) : undefined;
      if (!token) return reply.callNotFound();
      await revokeApiToken(ctx, token.id, changedBy(request));
      setFlash(reply, (await adminSay(ctx, request))("accounts.flash.token_revoked", { name: token.name }));
      return reply.redirect("/admin/tokens", 303);
    });
  });

  // ── own profile (everyone on staff) ────────────────────────────────────
  async function renderProfilePage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values: { name: string; bio: string; language: string }; errors: FieldErrors },
    statusCode = 200,
  ) {
    const user = await getUser(ctx, actorOf(request).id);
    const say = await adminSay(ctx, request);
    return reply.code(statusCode).view(
      "accounts/views/profile",
      await adminPageModel(ctx, request, reply, {
        title: say("accounts.profile.heading"),
        section: "profile",
        email: user?.email ?? "",
        role: user?.role ?? "",
        author_url: user ? archivePath("author", user.slug) : "",
        values: state.values,
        errors: sayProblems(say, "accounts", ACCOUNT_PROBLEMS, state.errors),
        password_min: PASSWORD_MIN_LENGTH,
        can_email: ctx.mail !== undefined,
        languages: languageChoices(state.values.language),
      }),
    );
  }

  app.get("/profile", async function showProfilePage(request, reply) {
    const user = await getUser(ctx, actorOf(request).id);
    if (!user) return reply.callNotFound();
    return renderProfilePage(request, reply, { values: profileValues(user), errors: {} });
  });

  app.post("/profile", async function saveProfile(request, reply) {
    const values = {
      name: field(request.body, "name"),
      bio: field(request.body, "bio"),
      language: field(request.body, "language"),
    };
    const errors = await updateUser(ctx, actorOf(request).id, values);
    if (Object.keys(errors).length) return renderProfilePage(request, reply, { values, errors }, 422);
    // The name and bio appear in bylines and on the author page.
    await ctx.changes.changed(["all"]);
    // Said in the language just chosen (this request's actor was read before the change).
    const say = await adminSay(ctx, request, await adminLanguage(ctx, values.language));
    setFlash(reply, say("accounts.flash.profile_saved"));
    return reply.redirect("/admin/profile", 303);
  });

  app.post("/profile/password", async function changeOwnPassword(request, reply) {
    const actor = actorOf(request);
    const user = await getUser(ctx, actor.id);
    if (!user) return reply.callNotFound();
    const errors = newPasswordErrors(request.body);
    // Checked like a sign-in, so guesses at the current password count towards the lockout.
    const check = await authenticate(ctx, {
      email: user.email,
      password: field(request.body, "current_password"),
      ip: request.ip,
      deviceToken: deviceToken(request),
      purpose: "password-check",
    });
    if ("error" in check)
      errors.current_password =
        check.error === LOGIN_FAILED_MESSAGE
          ? ACCOUNT_PROBLEMS.password_wrong
          : ACCOUNT_PROBLEMS.password_check_locked;
    if (Object.keys(errors).length === 0)
      Object.assign(errors, await updateUser(ctx, user.id, { password: field(request.body, "password") }));
    if (Object.keys(errors).length)
      return renderProfilePage(request, reply, { values: profileValues(user), errors }, 422);
    await openSession(ctx, request, reply, user.id);
    setFlash(reply, (await adminSay(ctx, request))("accounts.flash.own_password_changed"));
    return reply.redirect("/admin/profile", 303);
  });
};

export default accountAdminRoutes;
