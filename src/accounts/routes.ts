import type { FastifyPluginAsync } from "fastify";
import { adminPageModel } from "../admin/page-model.js";
import type { AppContext } from "../site/context.js";
import { seedDemoContent } from "../site/demo/seed-demo.js";
import { publicFormRoute } from "../site/request-limits.js";
import { field, SESSION_COOKIE } from "../site/requests.js";
import { isValidTimezone, machineTimeZone, timeZoneChoices } from "../site/settings.js";
import {
  authenticate,
  createUser,
  endSession,
  getPasswordResetAccount,
  isSetupNeeded,
  setPasswordWithToken,
} from "./service.js";
import { deviceToken, openSession, rememberDevice } from "./session-cookie.js";

/** Only same-site paths may be a post-login destination (no open redirect). */
function safeNext(next: string): string {
  return next.startsWith("/admin") && !next.startsWith("//") && !next.includes("\\") ? next : "/admin/";
}

/** Sign-in, sign-out and the first-run setup; the only admin pages open to anonymous visitors. */
const accountsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Every form here is posted before anyone is signed in: small web forms only, rate-limited per address.
  const signInForm = publicFormRoute({ max: 10, timeWindow: "1 minute" });
  const signOutForm = publicFormRoute({ max: 30, timeWindow: "1 minute" });

  app.get<{ Querystring: { next?: string } }>("/admin/login", async function showLoginPage(request, reply) {
    if (await isSetupNeeded(ctx)) return reply.redirect("/admin/setup");
    if (request.actor) return reply.redirect(safeNext(request.query.next ?? ""));
    return reply.view(
      "accounts/views/login",
      await adminPageModel(ctx, request, reply, {
        title: "Sign in",
        next: request.query.next ?? "",
        email: "",
        error: "",
      }),
    );
  });

  app.post(
    "/admin/login",
    { ...signInForm, preHandler: app.csrfProtection },
    async function signIn(request, reply) {
      const email = field(request.body, "email");
      const next = field(request.body, "next");
      const result = await authenticate(ctx, {
        email,
        password: field(request.body, "password"),
        ip: request.ip,
        deviceToken: deviceToken(request),
      });
      if ("error" in result) {
        return reply
          .code(401)
          .view(
            "accounts/views/login",
            await adminPageModel(ctx, request, reply, { title: "Sign in", next, email, error: result.error }),
          );
      }
      await openSession(ctx, request, reply, result.user.id);
      rememberDevice(ctx, request, reply, result.user.id);
      return reply.redirect(safeNext(next), 303);
    },
  );

  app.post(
    "/admin/logout",
    { ...signOutForm, preHandler: app.csrfProtection },
    async function signOut(request, reply) {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await endSession(ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.redirect("/admin/login", 303);
    },
  );

  app.get("/admin/setup", async function showSetupPage(request, reply) {
    if (!(await isSetupNeeded(ctx))) return reply.redirect("/admin/");
    const settings = await ctx.settings.get();
    return reply.view(
      "accounts/views/setup",
      await adminPageModel(ctx, request, reply, {
        title: "Set up your site",
        values: {
          site_title: settings.title === "Broadsheet" ? "" : settings.title,
          name: "",
          email: "",
          timezone: settings.timezone === "UTC" ? machineTimeZone() : settings.timezone,
          demo: true,
        },
        timezones: timeZoneChoices(),
        errors: {},
      }),
    );
  });

  app.post(
    "/admin/setup",
    { ...signInForm, preHandler: app.csrfProtection },
    async function completeSetup(request, reply) {
      if (!(await isSetupNeeded(ctx))) return reply.redirect("/admin/", 303);
      const values = {
        site_title: field(request.body, "site_title").trim(),
        name: field(request.body, "name"),
        email: field(request.body, "email"),
        timezone: field(request.body, "timezone") || machineTimeZone(),
        demo: field(request.body, "demo") === "on",
      };
      const password = field(request.body, "password");
      const errors: Record<string, string> = {};
      if (values.site_title === "" || values.site_title.length > 100)
        errors.site_title = "must be 1 to 100 characters";
      if (password !== field(request.body, "password_confirm"))
        errors.password_confirm = "does not match the password";
      if (!isValidTimezone(values.timezone)) errors.timezone = "must be one of the time zones in the list";
      const created = Object.keys(errors).length
        ? undefined
        : await createUser(ctx, { email: values.email, name: values.name, role: "admin", password });
      if (!created || "errors" in created) {
        return reply.code(422).view(
          "accounts/views/setup",
          await adminPageModel(ctx, request, reply, {
            title: "Set up your site",
            values,
            timezones: timeZoneChoices(),
            errors: { ...errors, ...(created && "errors" in created ? created.errors : {}) },
          }),
        );
      }
      // The masthead date, permalinks and scheduling follow this zone from the first story on.
      await ctx.settings.update({ title: values.site_title, timezone: values.timezone });
      await ctx.changes.changed(["all"]);
      if (values.demo) await seedDemoContent(ctx);
      await openSession(ctx, request, reply, created.user.id);
      return reply.redirect("/admin/", 303);
    },
  );

  // A one-time link (`cli user reset-link EMAIL`) opens this page without a session.
  app.get<{ Querystring: { token?: string } }>(
    "/admin/set-password",
    async function showSetPasswordPage(request, reply) {
      const token = field(request.query, "token");
      const account = await getPasswordResetAccount(ctx, token);
      return reply
        .code(account ? 200 : 410)
        .header("cache-control", "no-store")
        .header("referrer-policy", "no-referrer")
        .view(
          "accounts/views/set-password",
          await adminPageModel(ctx, request, reply, {
            title: "Set your password",
            token,
            account: account ? { name: account.name, email: account.email } : null,
            errors: account
              ? {}
              : { token: "This link has expired or was already used. Ask an admin for a new one." },
          }),
        );
    },
  );

  app.post(
    "/admin/set-password",
    { ...signInForm, preHandler: app.csrfProtection },
    async function setPassword(request, reply) {
      const token = field(request.body, "token");
      const result = await setPasswordWithToken(
        ctx,
        token,
        field(request.body, "password"),
        field(request.body, "password_confirm"),
      );
      if ("errors" in result) {
        const account = await getPasswordResetAccount(ctx, token);
        return reply
          .code(account ? 422 : 410)
          .header("cache-control", "no-store")
          .view(
            "accounts/views/set-password",
            await adminPageModel(ctx, request, reply, {
              title: "Set your password",
              token,
              account: account ? { name: account.name, email: account.email } : null,
              errors: result.errors,
            }),
          );
      }
      await openSession(ctx, request, reply, result.userId);
      return reply.redirect("/admin/", 303);
    },
  );
};

export default accountsRoutes;
