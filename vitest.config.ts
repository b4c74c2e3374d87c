import { defineConfig } from "vitest/config";

// `npm test` (scripts/test.mjs) runs this twice: on SQLite, then with TEST_DATABASE=postgres.
// Browser tests run only when BROWSER_TESTS=1 (scripts/test.mjs sets it when Chromium is installed).
const browser = process.env.BROWSER_TESTS === "1";

export default defineConfig({
  test: {
    include: browser ? ["test/browser/**/*.test.ts"] : ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: browser ? [] : ["test/browser/**", "node_modules/**", "dist/**"],
    // Fails a test file when any of its requests answered 500 with an unhandled error (see the file).
    setupFiles: ["test/support/request-errors.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: !browser,
    reporters: ["default"],
  },
});
