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
