import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const srcDir = path.resolve(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.includes(`${path.sep}testdata${path.sep}`));
}

/** Folders of shared code: they import no feature (nor each other upwards: lib ← db ← infrastructure). */
const LIBRARY = "lib";
const DATABASE = "db";
const INFRASTRUCTURE = "infrastructure";

/**
 * What a feature offers other features besides its `service.ts` and `*-service.ts`: each entry is
 * a module other folders may import, with why it is public.
 */
const PUBLIC_MODULES: Record<string, string> = {
  "accounts/permissions.ts": "role predicates every feature checks",
  "accounts/staff-guard.ts": "the admin shell: requires a staff session",
  "accounts/admin-page.ts": "the admin shell: what every admin page shows",
  "accounts/api-auth.ts": "Admin API token authentication",
  "articles/taxonomy.ts": "categories and tags",
  "articles/public-site.ts": "what reader pages show of stories",
  "articles/shared-until-change.ts": "reads reader pages share until content changes",
  "articles/pages.ts": "the service of static pages (About, Contact), stored as articles",
  "articles/front-page.ts": "the service of the editors' front-page arrangement",
  "articles/corrections.ts": "the service of corrections to published stories",
  "comments/feeds.ts": "comment feeds",
  "comments/cookies.ts": "the commenter's cookies",
  "comments/notifications.ts": "reply notifications and unsubscribing",
  "media/storage.ts": "stored image files",
  "media/body-images.ts": "responsive markup for the images in a story's body",
  "media/problems.ts": "what the media service refuses, by code, for the admin to translate",
  "site/settings.ts": "site settings",
  "site/problems.ts": "what settings and menus validation refuses, by code, for the admin to translate",
  "site/redirects.ts": "redirects from moved URLs",
  "pages/page-context.ts": "what every public page's model holds",
  "pages/menus.ts":
    "the header and footer menus with their targets' names and addresses, as readers see them",
  "pages/site-routes.ts": "error pages and bodies",
  "pages/outage.ts": "the outage page",
};

/** Files that compose the app from every feature, and so may import any module. */
const COMPOSITION = new Set(["app.ts", "cli.ts", "context.ts", "admin/routes.ts"]);

interface Import {
  from: string;
  to: string;
}

/**
 * Runtime imports between source files, as paths relative to src/ (`import type` and imports of
 * types alone are left out: they vanish when compiled).
 */
function runtimeImports(): Import[] {
  const imports: Import[] = [];
  const statement = /^(?:import|export)\s+(type\s+)?(?:([^;]*?)\s+from\s+)?"(\.{1,2}\/[^"]+)"/gms;
  const dynamic = /import\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g;
  for (const file of sourceFiles(srcDir)) {
    const from = path.relative(srcDir, file);
    const text = fs.readFileSync(file, "utf8");
    const targets: string[] = [];
    for (const [, typeOnly, clause, target] of text.matchAll(statement)) {
      if (typeOnly) continue;
      const names = /^\{([^}]*)\}$/.exec(clause?.trim() ?? "")?.[1];
      const parts = names
        ?.split(",")
        .map((name) => name.trim())
        .filter(Boolean);
      if (parts && parts.length > 0 && parts.every((name) => name.startsWith("type "))) continue;
      targets.push(target);
    }
    for (const [, target] of text.matchAll(dynamic)) targets.push(target);
    for (const target of targets) {
      const to = path.relative(srcDir, path.resolve(path.dirname(file), target)).replace(/\.js$/, ".ts");
      imports.push({ from: from.split(path.sep).join("/"), to: to.split(path.sep).join("/") });
    }
  }
  return imports;
}

/** The src/ folder a file is in, or undefined for a file directly in src/. */
function folderOf(file: string): string | undefined {
  const parts = file.split("/");
  return parts.length > 1 ? parts[0] : undefined;
}

/** Folder-level cycles: each strongly connected group of two or more folders (Tarjan's algorithm). */
function folderCycles(imports: Import[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (!a || !b || a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups;
}

/** The imports of `from` files that break a rule, described for the failure message. */
function listed(list: Import[]): string[] {
  return list.map(({ from, to }) => `${from} imports ${to}`);
}

describe("architecture rules", () => {
  test("SQL is written only in src/db/ and in a feature's store.ts", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const relative = path.relative(srcDir, file);
      if (relative.startsWith(`db${path.sep}`) || path.basename(file) === "store.ts") continue;
      const text = fs.readFileSync(file, "utf8");
      for (const pattern of [
        /\.selectFrom\(/,
        /\.insertInto\(/,
        /\.updateTable\(/,
        /\.deleteFrom\(/,
        /\bsql`/,
        /\bsql</,
      ]) {
        if (pattern.test(text)) offenders.push(`${relative} uses ${pattern.source}`);
      }
    }
    expect(offenders, "move these queries into the feature's store.ts").toEqual([]);
  });

  test("sharp, node-postgres, ioredis and transliteration load on first use, never with the app", () => {
    // Each costs a process memory (sharp's libvips about 30 MB) that a node may never need: they
    // are loaded with createRequire where first used; `import type` is free.
    const statement = /^(?:import|export)\s+(?!type\s)[^;]*?from\s+"(sharp|pg|ioredis|transliteration)"/gm;
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir))
      for (const [, name] of fs.readFileSync(file, "utf8").matchAll(statement))
        offenders.push(`${path.relative(srcDir, file)} imports ${name}`);
    expect(offenders).toEqual([]);
  });

  test("no import cycles between src/ folders", () => {
    const cycles = folderCycles(runtimeImports()).map((group) => group.join(" ↔ "));
    expect(cycles, "a folder reached back by what it imports: move the shared part down a layer").toEqual([]);
  });

  test("lib/ imports only lib/; db/ only db/ and lib/; migrations only db/", () => {
    const offenders = runtimeImports().filter(({ from, to }) => {
      const source = folderOf(from);
      const target = folderOf(to);
      if (from.startsWith("db/migrations/")) return target !== DATABASE;
      if (source === LIBRARY) return target !== LIBRARY;
      if (source === DATABASE) return target !== DATABASE && target !== LIBRARY;
      return false;
    });
    expect(listed(offenders)).toEqual([]);
  });

  test("infrastructure/ imports no feature (only lib/, db/, config and paths)", () => {
    const allowed = new Set([LIBRARY, DATABASE, INFRASTRUCTURE]);
    const offenders = runtimeImports().filter(({ from, to }) => {
      if (folderOf(from) !== INFRASTRUCTURE) return false;
      const target = folderOf(to);
      return target ? !allowed.has(target) : !["config.ts", "paths.ts"].includes(to);
    });
    expect(listed(offenders)).toEqual([]);
  });

  test("features reach other features only through their services", () => {
    const shared = new Set([LIBRARY, DATABASE, INFRASTRUCTURE]);
    const offenders = runtimeImports().filter(({ from, to }) => {
      const source = folderOf(from);
      const target = folderOf(to);
      if (!source || !target || source === target || shared.has(target) || COMPOSITION.has(from))
        return false;
      const name = path.posix.basename(to);
      return !(name === "service.ts" || name.endsWith("-service.ts") || to in PUBLIC_MODULES);
    });
    expect(
      listed(offenders),
      "call the other feature's service (or make the module public, with a reason)",
    ).toEqual([]);
  });

  test("no feature imports another feature's store (call its service)", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const relative = path.relative(srcDir, file);
      const feature = relative.split(path.sep)[0];
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(/from\s+"((?:\.\.\/)+)([a-z-]+)\/store\.js"/g)) {
        const target = path
          .relative(srcDir, path.resolve(path.dirname(file), `${match[1]}${match[2]}`))
          .split(path.sep)[0];
        if (target !== feature && target !== "db") offenders.push(`${relative} imports ${target}/store.ts`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe(`every admin route refuses anonymous requests on ${testDialect}`, () => {
  const routes: { method: string; url: string }[] = [];
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite({
      onRoute: (route) => {
        for (const method of [route.method].flat()) routes.push({ method, url: route.url });
      },
    });
    // With an admin in place, anonymous visitors are sent to sign in rather than to setup.
    await site.newUser({ role: "admin" });
  });
  afterAll(async () => site?.close());

  // Pages that must open without a session: signing in, first-run setup, one-time set-password links and the admin's static files.
  const openToAnonymous = [
    /^\/admin\/login$/,
    /^\/admin\/setup$/,
    /^\/admin\/logout$/,
    /^\/admin\/set-password$/,
    /^\/admin\/forgot-password$/,
    /^\/admin\/assets\//,
  ];

  test("admin pages redirect to sign-in and Admin API routes answer 401", async () => {
    const guarded = routes.filter(
      (r) =>
        (r.url.startsWith("/admin") || r.url.startsWith("/api/admin")) &&
        r.method !== "HEAD" &&
        !openToAnonymous.some((open) => open.test(r.url)),
    );
    expect(guarded.length).toBeGreaterThan(3);
    const leaks: string[] = [];
    for (const route of guarded) {
      const url = route.url.replace(/:[a-zA-Z_]+/g, "1").replace(/\*$/, "x");
      const response = await site.request({
        method: route.method as "GET",
        url,
        payload: route.method === "GET" ? undefined : {},
      });
      const refused =
        response.statusCode === 401 ||
        response.statusCode === 403 ||
        ([302, 303].includes(response.statusCode) &&
          String(response.headers.location).startsWith("/admin/login"));
      if (!refused) leaks.push(`${route.method} ${route.url} → ${response.statusCode}`);
    }
    expect(leaks).toEqual([]);
  });
});
