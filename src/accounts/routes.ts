import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { publicFormRoute } from "../infrastructure/request-limits.js";
import { field, SESSION_COOKIE } from "../infrastructure/requests.js";
import { languageChoices, languageError } from "../lib/languages.js";
import { problemText } from "../lib/problems.js";
import { isValidTimezone, machineTimeZone, timeZoneChoices } from "../site/settings.js";
import { adminPageModel, adminSay, browserLanguage, sayProblem, sayProblems } from "./admin-page.js";
import { PASSWORD_MIN_LENGTH } from "./passwords.js";
import { ACCOUNT_PROBLEMS } from "./problems.js";
import {
  authenticate,
  createUser,
  emailPasswordResetLink,
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
export interface AccountsRoutesOptions {
  ctx: AppContext;
  /** Fills a new site with demo stories when the setup form asks for them. */
  seedDemo: (ctx: AppContext) => Promise<unknown>;
}

const accountsRoutes: FastifyPluginAsync<AccountsRoutesOptions> = async (app, { ctx, seedDemo }) => {
  // Every form here is posted before anyone is signed in: small web forms only, rate-limited per address.
  const signInForm = publicFormRoute({ max: 10, timeWindow: "1 minute" });
  const signOutForm = publicFormRoute({ max: 30, timeWindow: "1 minute" });

  app.get<{ Querystring: { next?: string } }>("/admin/login", async function showLoginPage(request, reply) {
    if (await isSetupNeeded(ctx)) return reply.redirect("/admin/setup");
    if (request.actor) return reply.redirect(safeNext(request.query.next ?? ""));
    const say = await adminSay(ctx, request);
    return reply.view(
      "accounts/views/login",
      await adminPageModel(ctx, request, reply, {
        title: say("accounts.login.title"),
        next: request.query.next ?? "",
        email: "",
        error: "",
      }),
    );
  });

  /** The "Forgot password?" page, before a link is asked for or after (`isSent`: one went out). */
  async function forgotPasswordPage(
    request: FastifyRequest,
    reply: FastifyReply,
    email: string,
    isSent: boolean,
  ) {
    const say = await adminSay(ctx, request);
    return reply.view(
      "accounts/views/forgot-password",
      await adminPageModel(ctx, request, reply, {
        title: say("accounts.forgot.title"),
        can_email: Boolean(ctx.config.smtpUrl),
        is_sent: isSent,
        email,
      }),
    );
  }

  app.get("/admin/forgot-password", async function showForgotPasswordPage(request, reply) {
    return forgotPasswordPage(request, reply, "", false);
  });

  app.post(
    "/admin/forgot-password",
    { ...publicFormRoute({ max: 5, timeWindow: "15 minutes" }), preHandler: app.csrfProtection },
    async function sendPasswordResetLink(request, reply) {
      const email = field(request.body, "email").trim();
      const isSent = email !== "" && (await emailPasswordResetLink(ctx, email));
      return forgotPasswordPage(request, reply, email, isSent);
    },
  );

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
        const say = await adminSay(ctx, request);
        return reply.code(401).view(
          "accounts/views/login",
          await adminPageModel(ctx, request, reply, {
            title: say("accounts.login.title"),
            next,
            email,
            error: sayProblem(say, "accounts", ACCOUNT_PROBLEMS, result.error),
          }),
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
    // No one has chosen a language yet: the page speaks the browser's and offers it for the site.
    const lang = browserLanguage(request);
    const say = await adminSay(ctx, request, lang);
    return reply.view(
      "accounts/views/setup",
      await adminPageModel(ctx, request, reply, {
        title: say("accounts.setup.title"),
        lang,
        values: {
          site_title: settings.title === "Broadsheet" ? "" : settings.title,
          name: "",
          email: "",
          timezone: settings.timezone === "UTC" ? machineTimeZone() : settings.timezone,
          language: lang,
          demo: true,
        },
        timezones: timeZoneChoices(),
        languages: languageChoices(lang),
        errors: {},
        password_min: PASSWORD_MIN_LENGTH,
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
        language: field(request.body, "language") || "en",
        demo: field(request.body, "demo") === "on",
      };
      const password = field(request.body, "password");
      const errors: Record<string, string> = {};
      if (values.site_title === "" || values.site_title.length > 100)
        errors.site_title = problemText(ACCOUNT_PROBLEMS.name_length, { max: 100 });
      if (password !== field(request.body, "password_confirm"))
        errors.password_confirm = ACCOUNT_PROBLEMS.password_mismatch;
      if (!isValidTimezone(values.timezone)) errors.timezone = ACCOUNT_PROBLEMS.timezone_invalid;
      const languageProblem = languageError(values.language);
      if (languageProblem) errors.language = languageProblem;
      const created = Object.keys(errors).length
        ? undefined
        : await createUser(ctx, { email: values.email, name: values.name, role: "admin", password });
      if (!created || "errors" in created) {
        const lang = browserLanguage(request);
        const say = await adminSay(ctx, request, lang);
        return reply.code(422).view(
          "accounts/views/setup",
          await adminPageModel(ctx, request, reply, {
            title: say("accounts.setup.title"),
            lang,
            values,
            timezones: timeZoneChoices(),
            languages: languageChoices(values.language),
            errors: sayProblems(say, "accounts", ACCOUNT_PROBLEMS, {
              ...errors,
              ...(created && "errors" in created ? created.errors : {}),
            }),
            password_min: PASSWORD_MIN_LENGTH,
          }),
        );
      }
      // The masthead date, permalinks and scheduling follow this zone from the first story on.
      await ctx.settings.update({
        title: values.site_title,
        timezone: values.timezone,
        language: values.language,
      });
      await ctx.changes.changed(["all"]);
      if (values.demo) await seedDemo(ctx);
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
      const say = await adminSay(ctx, request);
      return reply
        .code(account ? 200 : 410)
        .header("cache-control", "no-store")
        .header("referrer-policy", "no-referrer")
        .view(
          "accounts/views/set-password",
          await adminPageModel(ctx, request, reply, {
            title: say("accounts.set_password.title"),
            token,
            account: account ? { name: account.name, email: account.email } : null,
            errors: account ? {} : { token: say("accounts.set_password.expired") },
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
        const say = await adminSay(ctx, request);
        return reply
          .code(account ? 422 : 410)
          .header("cache-control", "no-store")
          .view(
            "accounts/views/set-password",
            await adminPageModel(ctx, request, reply, {
              title: say("accounts.set_password.title"),
              token,
              account: account ? { name: account.name, email: account.email } : null,
              errors: sayProblems(say, "accounts", ACCOUNT_PROBLEMS, result.errors),
            }),
          );
      }
      await openSession(ctx, request, reply, result.userId);
      return reply.redirect("/admin/", 303);
    },
  );
};

export default accountsRoutes;
