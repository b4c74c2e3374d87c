// Compiles src/ to dist/ when dist is missing or older than any source file, so `npm start`
// works on a fresh clone and stays fast on later starts.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const stamp = path.join(root, "dist", ".build-stamp");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const sources = Math.max(
  newestMtime(path.join(root, "src")),
  fs.statSync(path.join(root, "tsconfig.json")).mtimeMs,
  fs.statSync(path.join(root, "package-lock.json")).mtimeMs,
);
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built < sources) {
  process.stdout.write("Building Broadsheet (TypeScript → dist/)…\n");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
  fs.writeFileSync(stamp, new Date().toISOString());
}
