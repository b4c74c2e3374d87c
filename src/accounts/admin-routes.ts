import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { actorOf, allowOnly } from "../admin/guard.js";
import { adminPageModel, setFlash } from "../admin/page-model.js";
import type { AppContext } from "../site/context.js";
import { field, parseId } from "../site/requests.js";
import { PASSWORD_MIN_LENGTH } from "./passwords.js";
import { canManageStaff } from "./permissions.js";
import {
  authenticate,
  type ChangedBy,
  createApiToken,
  createUser,
  type FieldErrors,
  getUser,
  LOGIN_FAILED_MESSAGE,
  listApiTokens,
  listUsers,
  revokeApiToken,
  updateUser,
  validateNewUser,
} from "./service.js";
import { deviceToken, openSession } from "./session-cookie.js";

const ROLES = [
  { value: "admin", label: "Administrator — everything, including staff and settings" },
  { value: "editor", label: "Editor — publishes and edits every story, categories, comments, desk" },
  { value: "author", label: "Author — writes and publishes their own stories" },
  { value: "contributor", label: "Contributor — writes drafts for an editor to publish" },
];

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

/** The new password and its repetition; errors keyed `password` / `password_confirm`. */
function newPasswordErrors(body: unknown): FieldErrors {
  const password = field(body, "password");
  const errors: FieldErrors = {};
  if (password === "") errors.password = "is required";
  else if (password !== field(body, "password_confirm"))
    errors.password_confirm = "does not match the password";
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
    return reply.code(statusCode).view(
      "accounts/views/user-form",
      await adminPageModel(ctx, request, reply, {
        title: state.userId ? `Edit ${state.values.name || "staff member"}` : "Add a staff member",
        section: "users",
        user_id: state.userId ? String(state.userId) : "",
        is_disabled: state.isDisabled ?? false,
        is_self: state.userId === actorOf(request).id,
        values: state.values,
        errors: state.errors,
        roles: ROLES.map((r) => ({ ...r, selected: r.value === state.values.role })),
        password_min: PASSWORD_MIN_LENGTH,
      }),
    );
  }

  app.register(async (staff) => {
    allowOnly(staff, canManageStaff);

    staff.get("/users", async function showStaffPage(request, reply) {
      const users = await listUsers(ctx);
      return reply.view(
        "accounts/views/users",
        await adminPageModel(ctx, request, reply, {
          title: "Staff",
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
      setFlash(reply, `${created.user.name} can now sign in as ${created.user.role}.`);
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
      setFlash(reply, `${values.name.trim()}’s account saved.`);
      return reply.redirect("/admin/users", 303);
    });

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
          setFlash(reply, `${user.name}’s password was changed; their other sessions were signed out.`);
          return reply.redirect(`/admin/users/${user.id}`, 303);
        }
        const errors = await updateUser(
          ctx,
          user.id,
          { isDisabled: change === "disable" },
          changedBy(request),
        );
        if (Object.keys(errors).length)
          setFlash(reply, `${user.name}: ${Object.values(errors).join("; ")}.`, "error");
        else
          setFlash(
            reply,
            change === "disable" ? `${user.name} can no longer sign in.` : `${user.name} can sign in again.`,
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
      return reply.code(statusCode).view(
        "accounts/views/tokens",
        await adminPageModel(ctx, request, reply, {
          title: "API tokens",
          section: "tokens",
          new_token: state.newToken ?? "",
          values: state.values,
          errors: state.errors,
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
            acts_as: t.user_id === null ? "first administrator" : (nameOf.get(t.user_id) ?? "deleted user"),
            created_at: t.created_at.slice(0, 10),
            last_used_at: t.last_used_at ? t.last_used_at.slice(0, 16).replace("T", " ") : "never",
            expires_at: t.expires_at ? t.expires_at.slice(0, 10) : "never",
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
      if (!owner || owner.is_disabled) errors.user_id = "choose an active staff member";
      if (!(values.lifetime in TOKEN_LIFETIMES_DAYS)) errors.lifetime = "choose one of the options";
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
      setFlash(reply, `Token “${token.name}” revoked; programs using it are refused from now on.`);
      return reply.redirect("/admin/tokens", 303);
    });
  });

  // ── own profile (everyone on staff) ────────────────────────────────────
  async function renderProfilePage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values: { name: string; bio: string }; errors: FieldErrors },
    statusCode = 200,
  ) {
    const user = await getUser(ctx, actorOf(request).id);
    return reply.code(statusCode).view(
      "accounts/views/profile",
      await adminPageModel(ctx, request, reply, {
        title: "Your profile",
        section: "profile",
        email: user?.email ?? "",
        role: user?.role ?? "",
        author_url: user ? `/author/${user.slug}/` : "",
        values: state.values,
        errors: state.errors,
        password_min: PASSWORD_MIN_LENGTH,
      }),
    );
  }

  app.get("/profile", async function showProfilePage(request, reply) {
    const user = await getUser(ctx, actorOf(request).id);
    if (!user) return reply.callNotFound();
    return renderProfilePage(request, reply, { values: { name: user.name, bio: user.bio }, errors: {} });
  });

  app.post("/profile", async function saveProfile(request, reply) {
    const values = { name: field(request.body, "name"), bio: field(request.body, "bio") };
    const errors = await updateUser(ctx, actorOf(request).id, values);
    if (Object.keys(errors).length) return renderProfilePage(request, reply, { values, errors }, 422);
    // The name and bio appear in bylines and on the author page.
    await ctx.changes.changed(["all"]);
    setFlash(reply, "Profile saved.");
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
          ? "is not right"
          : "cannot be checked now: too many failed attempts; try again later";
    if (Object.keys(errors).length === 0)
      Object.assign(errors, await updateUser(ctx, user.id, { password: field(request.body, "password") }));
    if (Object.keys(errors).length)
      return renderProfilePage(request, reply, { values: { name: user.name, bio: user.bio }, errors }, 422);
    await openSession(ctx, request, reply, user.id);
    setFlash(reply, "Password changed. Your other sessions were signed out.");
    return reply.redirect("/admin/profile", 303);
  });
};

export default accountAdminRoutes;
